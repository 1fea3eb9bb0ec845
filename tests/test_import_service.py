"""Importing into a real database, on SQLite and PostgreSQL: good rows in, bad rows reported,
nothing half-written, nothing silently dropped, and the same file twice adds nothing."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cloudroute_desk.db import import_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.tables import AuditEventRow, InquiryRow, InquirySpendRow, PartnerRow
from cloudroute_desk.domain.entities import Inquiry
from cloudroute_desk.domain.intake.schema import INQUIRY_COLUMNS
from cloudroute_desk.services.importing import (
    ImportJob,
    ImportReport,
    IntakeFileError,
    RowKind,
    import_file,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


def row(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "external_id": "web-1",
        "company_name": "Lumen Analytics Inc.",
        "website": "https://lumen.example.com",
        "funding_stage": "Series-A",
        "last_round": "Series A, $12M",
        "lead_investor": "Northwind Ventures",
        "region": "US-East",
        "vertical": "B2B SaaS",
        "service_profile": "AI-heavy",
        "engagement_type": "Build",
        "pools_wanted": "portfolio",
        "spend": "EC2=8000;Bedrock=4000",
        "team_size": "18",
        "current_cloud": "none",
        "technical_contact_name": "Ada Tech",
        "technical_contact_email": "ada@lumen.example.com",
        "arrived_at": "2026-11-24T09:15:00Z",
    }
    values.update(overrides)
    return values


def write_csv(path: Path, rows: list[dict[str, Any]], columns: tuple[str, ...] = ()) -> Path:
    columns = columns or tuple(c for c in INQUIRY_COLUMNS if any(c in r for r in rows))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        for values in rows:
            writer.writerow(values)
    return path


def run(database: Database, path: Path, kind: RowKind = RowKind.INQUIRY) -> ImportReport:
    report = import_file(database, path, kind, actor="tester")
    assert report.accounted_for, report
    return report


def count(database: Database, column: Any) -> int:
    with database.reading() as session:
        return int(session.execute(select(func.count(column))).scalar_one())


def test_examples_import_and_reimport_adds_nothing(database: Database) -> None:
    partners = run(database, EXAMPLES / "partners.csv", RowKind.PARTNER)
    first = run(database, EXAMPLES / "inquiries.csv")
    json_report = run(database, EXAMPLES / "inquiries.json")
    assert (partners.accepted, first.accepted, json_report.accepted) == (5, 5, 2)
    assert first.complete and json_report.complete and partners.complete
    spend_lines = count(database, InquirySpendRow.id)
    assert spend_lines == 19

    again = run(database, EXAMPLES / "inquiries.csv")
    assert again.accepted == 0
    assert len(again.duplicates) == 5
    assert {d.reason for d in again.duplicates} == {"already in the database"}
    assert again.complete
    assert run(database, EXAMPLES / "partners.csv", RowKind.PARTNER).accepted == 0
    assert count(database, InquiryRow.id) == 7
    assert count(database, InquirySpendRow.id) == spend_lines
    assert count(database, PartnerRow.id) == 5


def test_imported_values_round_trip(database: Database) -> None:
    run(database, EXAMPLES / "inquiries.json")
    with database.reading() as session:
        stored = session.execute(
            select(InquiryRow).where(InquiryRow.external_id == "web-10431")
        ).scalar_one()
        spend = session.execute(
            select(InquirySpendRow.service, InquirySpendRow.monthly_usd)
            .where(InquirySpendRow.inquiry_id == stored.id)
            .order_by(InquirySpendRow.id)
        ).all()
        assert stored.status == "new"
        assert stored.monthly_spend_usd == 19_000
        assert stored.pools_wanted == ["portfolio", "bedrock_poc"]
        assert stored.technical_contact["email"] == "iris@quantia.example.com"
        assert stored.arrived_at.isoformat() == "2026-11-26T01:20:00"
        assert [tuple(r) for r in spend] == [("SageMaker", 9000), ("EC2", 7000), ("Bedrock", 3000)]


def test_bad_rows_are_reported_and_good_rows_go_in(database: Database, tmp_path: Path) -> None:
    rows = [
        row(external_id="ok-1"),
        row(external_id="bad-date", arrived_at="2026-02-30T10:00:00"),
        row(external_id="neg", spend="EC2=-5"),
        row(external_id="nan", spend="EC2=abc"),
        row(external_id="huge", company_name="x" * 100_000),
        row(external_id="nul", lead_investor="North\x00wind"),
        row(external_id="ok-2", company_name="Robert'); DROP TABLE inquiries;--"),
    ]
    report = run(database, write_csv(tmp_path / "in.csv", rows))
    assert report.accepted == 2
    assert report.rejected == 5
    assert not report.complete
    assert [(e.line, e.field) for e in report.errors] == [
        (3, "arrived_at"),
        (4, "spend"),
        (5, "spend"),
        (6, "company_name"),
        (7, "lead_investor"),
    ]
    with database.reading() as session:
        names = set(session.execute(select(InquiryRow.external_id)).scalars())
        sql_like = session.execute(
            select(InquiryRow.company_name).where(InquiryRow.external_id == "ok-2")
        ).scalar_one()
    assert names == {"ok-1", "ok-2"}
    assert sql_like == "Robert'); DROP TABLE inquiries;--"
    text = report.render_text()
    assert "line      4  spend" in text and "amount -5 is negative" in text


def test_unpaired_surrogates_in_json_are_rejected(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text(
        json.dumps([row(external_id="s", company_name="A\ud800B"), row(external_id="t")]),
        encoding="utf-8",
    )
    report = run(database, path)
    assert report.accepted == 1
    assert [(e.field, e.line) for e in report.errors] == [("company_name", 1)]


def test_duplicate_ids_within_a_file(database: Database, tmp_path: Path) -> None:
    rows = [
        row(external_id="a"),
        row(external_id="a"),
        row(external_id="a", company_name="Someone Else"),
        row(external_id=""),
        row(external_id=""),
    ]
    report = run(database, write_csv(tmp_path / "in.csv", rows))
    assert report.accepted == 2
    assert [(d.line, d.reason) for d in report.duplicates] == [
        (3, "repeats line 2"),
        (6, "repeats line 5"),
    ]
    assert [(e.line, e.field) for e in report.errors] == [(4, "external_id")]
    assert "different row on line 2" in report.errors[0].reason
    assert count(database, InquiryRow.id) == 2


def test_content_ids_make_id_less_files_idempotent(database: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "in.csv", [row(external_id="", company_name=f"C{i}") for i in range(3)]
    )
    assert run(database, path).accepted == 3
    again = run(database, path)
    assert again.accepted == 0 and len(again.duplicates) == 3
    with database.reading() as session:
        ids = list(session.execute(select(InquiryRow.external_id)).scalars())
    assert all(i is not None and i.startswith("sha256:") for i in ids)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"company_name,arrived_at\nA,2026-01-01\n", "lacks required columns"),
        (
            ",".join(row()).encode()
            + b"\n"
            + ",".join(row().values()).encode("latin-1")
            + b",Caf\xe9\n",
            "not UTF-8 at line 2",
        ),
    ],
)
def test_unreadable_csv_writes_nothing(
    database: Database, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    with pytest.raises(IntakeFileError, match=message):
        import_file(database, path, RowKind.INQUIRY, actor="tester")
    assert count(database, InquiryRow.id) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [('{"not": "a list"}', "must be a list"), ('[{"a": 1},', "not valid JSON")],
)
def test_unreadable_json_writes_nothing(
    database: Database, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "in.json"
    path.write_text(content)
    with pytest.raises(IntakeFileError, match=message):
        import_file(database, path, RowKind.INQUIRY, actor="tester")
    assert count(database, InquiryRow.id) == 0


def test_a_missing_file_is_unreadable(database: Database, tmp_path: Path) -> None:
    with pytest.raises(IntakeFileError, match="cannot read"):
        import_file(database, tmp_path / "nope.csv", RowKind.INQUIRY, actor="tester")


def test_a_row_the_database_refuses_is_not_half_written(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chunk falls back to one savepoint per row; the refused row leaves no spend lines."""
    real_insert = import_queries.insert_inquiries

    def refusing(session: Session, inquiries: list[Inquiry]) -> dict[str, int]:
        inserted = real_insert(session, inquiries)  # inquiry and spend lines are written...
        if any(i.company_name == "Refused" for i in inquiries):
            raise IntegrityError("INSERT", {}, Exception("check constraint failed"))
        return inserted

    monkeypatch.setattr(import_queries, "insert_inquiries", refusing)
    rows = [
        row(external_id="a"),
        row(external_id="b", company_name="Refused"),
        row(external_id="c"),
    ]
    report = run(database, write_csv(tmp_path / "in.csv", rows))
    assert report.accepted == 2
    assert [(e.line, e.field) for e in report.errors] == [(3, "row")]
    assert "database refused the row: check constraint failed" in report.errors[0].reason
    with database.reading() as session:
        ids = set(session.execute(select(InquiryRow.external_id)).scalars())
    assert ids == {"a", "c"}
    assert count(database, InquirySpendRow.id) == 4


def test_partners_import_reports_bad_rows(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "partners.json"
    text = json.dumps(
        {
            "partners": [
                {"id": "p1", "name": "Good", "tier": "advanced", "regions": ["UK", "EU"]},
                {"id": "p2", "name": "Bad tier", "tier": "Platinum"},
                {"id": "p3", "name": "Bad phone", "tier": "Premier", "contact": {"phone": "5"}},
                "not a partner",
            ]
        },
        indent=2,
    )
    path.write_text(text)
    lines = text.splitlines()

    def line_of(fragment: str) -> int:
        return next(n for n, line in enumerate(lines, start=1) if fragment in line)

    report = run(database, path, RowKind.PARTNER)
    assert report.accepted == 1
    assert [(e.field, e.line) for e in report.errors] == [
        ("tier", line_of('"p2"') - 1),
        ("contact_phone", line_of('"p3"') - 1),
        ("row", line_of('"not a partner"')),
    ]
    with database.reading() as session:
        stored = session.execute(
            select(PartnerRow.external_id, PartnerRow.tier, PartnerRow.regions)
        ).one()
    assert tuple(stored) == ("p1", "Advanced", ["UK", "EU"])


def test_each_stored_chunk_is_audited(database: Database) -> None:
    run(database, EXAMPLES / "inquiries.csv")
    with database.reading() as session:
        event = session.execute(
            select(AuditEventRow.kind, AuditEventRow.actor, AuditEventRow.detail)
        ).one()
    assert tuple(event) == ("inquiries_imported", "tester", {"source": "inquiries.csv", "count": 5})


def test_cancelling_between_chunks_reports_the_rest(database: Database, tmp_path: Path) -> None:
    rows = [row(external_id=f"r{i}") for i in range(25)]
    path = write_csv(tmp_path / "in.csv", rows)
    job = ImportJob.open(path, RowKind.INQUIRY, actor="tester", chunk_rows=10)
    job.run_next_chunk(database)
    report = job.report()
    assert (report.accepted, report.not_processed, report.cancelled) == (10, 15, True)
    assert report.accounted_for and not report.complete
    assert "cancelled" in report.render_text()
    finished = run(database, path)
    assert (finished.accepted, len(finished.duplicates)) == (15, 10)


def test_twenty_thousand_rows_with_progress(database: Database, tmp_path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row()))
    writer.writeheader()
    regions = ("US-East", "UK", "EU", "India")
    for i in range(20_000):
        writer.writerow(
            row(external_id=f"big-{i}", company_name=f"Startup {i}", region=regions[i % 4])
        )
    path = tmp_path / "big.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    seen: list[tuple[int, int]] = []
    started = time.perf_counter()
    report = import_file(
        database, path, RowKind.INQUIRY, actor="tester", progress=lambda d, t: seen.append((d, t))
    )
    elapsed = time.perf_counter() - started
    assert report.accepted == 20_000 and report.complete
    assert seen[0] == (0, 20_000) and seen[-1] == (20_000, 20_000)
    assert len(seen) == 11
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert count(database, InquirySpendRow.id) == 40_000
    assert elapsed < 60, f"20,000 rows took {elapsed:.1f} s"


def test_imported_inquiries_are_in_the_queue_and_its_search(
    database: Database, tmp_path: Path
) -> None:
    """Enough rows for PostgreSQL's COPY path; the search index must see them too."""
    from cloudroute_desk.domain.clock import utcnow
    from cloudroute_desk.domain.queue_filter import QueueFilter
    from cloudroute_desk.services import queue

    rows = [
        row(external_id=f"q{i}", company_name=f"Quokka {i} Labs", technical_contact_name=f"Zed{i}")
        for i in range(60)
    ]
    assert run(database, write_csv(tmp_path / "in.csv", rows)).accepted == 60
    now = utcnow()
    assert queue.count(database, QueueFilter(), now) == 60
    assert queue.count(database, QueueFilter(search="quokka"), now) == 60
    assert queue.count(database, QueueFilter(search="Zed42"), now) == 1


def test_a_malformed_record_at_the_end_refuses_the_whole_file(
    database: Database, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "in.csv", [row(external_id=f"m{i}") for i in range(2_500)])
    with path.open("a", encoding="utf-8") as handle:
        handle.write('m-last,"Unterminated quote,https://x.example.com\n')
    with pytest.raises(IntakeFileError, match="CSV is malformed at line"):
        import_file(database, path, RowKind.INQUIRY, actor="tester")
    assert count(database, InquiryRow.id) == 0


def test_two_admins_importing_the_same_file_at_once(database: Database, tmp_path: Path) -> None:
    """The unique external id, not luck, keeps concurrent imports from doubling rows."""
    from concurrent.futures import ThreadPoolExecutor

    path = write_csv(tmp_path / "in.csv", [row(external_id=f"c{i}") for i in range(600)])
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(
            pool.map(
                lambda actor: import_file(
                    database, path, RowKind.INQUIRY, actor=actor, chunk_rows=50
                ),
                ["ann", "bob"],
            )
        )
    assert all(report.complete and report.accounted_for for report in reports)
    assert sum(report.accepted for report in reports) == 600
    assert sum(len(report.duplicates) for report in reports) == 600
    assert count(database, InquiryRow.id) == 600
    assert count(database, InquirySpendRow.id) == 1_200


def test_a_chunk_the_database_fails_counts_as_not_processed_and_can_be_retried(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    real_insert = import_queries.insert_inquiries
    failures = [1]

    def flaky(session: Session, inquiries: list[Inquiry]) -> dict[str, int]:
        if any(i.external_id == "f12" for i in inquiries) and failures:
            failures.pop()
            raise OperationalError("INSERT", {}, Exception("connection reset"))
        return real_insert(session, inquiries)

    monkeypatch.setattr(import_queries, "insert_inquiries", flaky)
    rows = [row(external_id=f"f{i}") for i in range(20)]
    rows[13] = row(external_id="f13", spend="EC2=-1")
    job = ImportJob.open(
        write_csv(tmp_path / "in.csv", rows), RowKind.INQUIRY, actor="tester", chunk_rows=10
    )
    job.run_next_chunk(database)
    with pytest.raises(OperationalError):
        job.run_next_chunk(database)
    report = job.report()
    assert report.accounted_for
    assert (report.accepted, report.rejected, report.not_processed) == (10, 0, 10)
    job.run_next_chunk(database)
    report = job.report()
    assert report.complete is False and report.accounted_for
    assert (report.accepted, report.rejected, report.not_processed) == (19, 1, 0)
    assert count(database, InquiryRow.id) == 19
