"""``cloudroute-desk import``: exit 0 all in, 1 some rejected (report on stdout), 2 unreadable."""

from __future__ import annotations

import contextlib
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from cloudroute_desk import cli
from cloudroute_desk.cli import import_cmd

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
HEADER = (
    "external_id,company_name,website,funding_stage,region,vertical,service_profile,"
    "engagement_type,spend,arrived_at\n"
)
GOOD = "a1,Alpha,alpha.example.com,seed,UK,fintech,AI-heavy,Build,EC2=100,2026-11-20T10:00:00Z\n"
BAD = "a2,Beta,beta.example.com,seed,UK,fintech,AI-heavy,Build,EC2=-7,2026-11-20T10:00:00Z\n"


def test_good_file_exits_0_and_again_reports_duplicates(
    db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import", str(EXAMPLES / "inquiries.csv"), "--db", db_target]) == 0
    out = capsys.readouterr().out
    assert "5 rows read: 5 inquiries imported, 0 already present, 0 rejected" in out
    assert cli.main(["import", str(EXAMPLES / "inquiries.csv"), "--db", db_target]) == 0
    assert "0 inquiries imported, 5 already present" in capsys.readouterr().out


def test_partners_flag(db_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["import", str(EXAMPLES / "partners.csv"), "--partners", "--db", db_target]
    assert cli.main(args) == 0
    assert "5 partners imported" in capsys.readouterr().out


def test_rejected_rows_exit_1_with_the_report_on_stdout(
    db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    assert cli.main(["import", str(path), "--db", db_target]) == 1
    captured = capsys.readouterr()
    assert "1 inquiries imported, 0 already present, 1 rejected" in captured.out
    assert "line      3  spend  EC2 spend: amount -7 is negative" in captured.out
    assert captured.err == ""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("latin1.csv", (HEADER + GOOD.replace("Alpha", "Alphé")).encode("latin-1"), "UTF-8"),
        ("empty.csv", b"", "the file is empty"),
        ("cols.csv", b"company_name,website\nA,a.example.com\n", "lacks required columns"),
        ("bad.json", b'[{"company_name": ', "not valid JSON at line 1"),
        ("obj.json", b'{"company_name": "A"}', "must be a list of objects"),
    ],
)
def test_unreadable_file_exits_2_with_one_line_on_stderr(
    db_target: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    message: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert cli.main(["import", str(path), "--db", db_target]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(f"cloudroute-desk import: {path}: ")
    assert message in captured.err


def test_missing_file_exits_2(
    db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import", str(tmp_path / "nope.csv"), "--db", db_target]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_records_flag_without_the_record_importer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_cmd, "RECORDS_MODULE", "cloudroute_desk.cli.no_such_importer")
    args = ["import", str(tmp_path / "r.json"), "--records", "--db", str(tmp_path / "x.sqlite")]
    assert cli.main(args) == 2
    assert "record import is not available in this build" in capsys.readouterr().err


def test_records_flag_dispatches_to_the_record_importer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "crd_fake_records.py").write_text(
        "seen = []\n"
        "def run_records_import(args):\n"
        "    seen.append((args.file.name, args.db))\n"
        "    return 7\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(import_cmd, "RECORDS_MODULE", "crd_fake_records")
    assert cli.main(["import", "r.json", "--records", "--db", "x.sqlite"]) == 7
    assert sys.modules["crd_fake_records"].seen == [("r.json", "x.sqlite")]


def test_installed_command_draws_progress_on_a_terminal(tmp_path: Path) -> None:
    """The real entry point, with stderr on a pseudo-terminal so the progress bar shows."""
    path = tmp_path / "mixed.csv"
    path.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "cloudroute_desk",
                "import",
                str(path),
                "--db",
                str(tmp_path / "cli.sqlite"),
            ],
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            timeout=120,
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
            check=False,
        )
        os.close(follower)
        terminal = b""
        with contextlib.suppress(OSError):
            while chunk := os.read(leader, 4096):
                terminal += chunk
    finally:
        os.close(leader)
    assert result.returncode == 1
    assert "line      3  spend" in result.stdout
    assert b"Importing mixed.csv [" in terminal and b"2/2" in terminal


def test_a_database_failure_mid_import_exits_2_with_what_was_stored(
    db_target: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from cloudroute_desk.services.importing import ImportJob

    real = ImportJob.run_next_chunk
    calls: list[int] = []

    def failing_second_chunk(self: ImportJob, database: object) -> int:
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real(self, database)  # type: ignore[arg-type]

    monkeypatch.setattr(ImportJob, "run_next_chunk", failing_second_chunk)
    monkeypatch.setattr(ImportJob, "open", _open_in_chunks_of_two(ImportJob.open))
    assert cli.main(["import", str(EXAMPLES / "inquiries.csv"), "--db", db_target]) == 2
    captured = capsys.readouterr()
    assert "5 rows read: 2 inquiries imported" in captured.out
    assert "3 not processed" in captured.out
    assert captured.err == (
        "cloudroute-desk import: the import stopped: server closed the connection\n"
    )


def _open_in_chunks_of_two(real_open: object) -> object:
    def open_in_chunks(*args: object, **kwargs: object) -> object:
        kwargs["chunk_rows"] = 2
        return real_open(*args, **kwargs)  # type: ignore[operator]

    return open_in_chunks
