"""The headless workflow: ``assign``, ``reroute``, ``record transition [--at]``, ``route
--json`` reason codes and ``validate`` over many records, end to end on both backends."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from cloudroute_desk import cli
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.tables import AceRecordRow, AssignmentRow, AuditEventRow, InquiryRow
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.catalog import Pool
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.services import records
from tests.ace_samples import portfolio_form
from tests.factories import add_inquiry, add_partner


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_assign_then_reroute_then_route_names_the_tried_partner(
    database: Database, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = add_partner(database, name="First")
    second = add_partner(database, name="Second")
    inquiry = add_inquiry(database)
    code, out, _ = _cli(
        capsys, "assign", "--db", db_target, "--inquiry", str(inquiry), "--partner", str(first),
        "--admin", "carol", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out) == {
        "inquiry_id": inquiry, "partner_id": first, "assigned": True
    }  # fmt: skip
    code, _, err = _cli(
        capsys, "assign", "--db", db_target, "--inquiry", str(inquiry), "--partner", str(second)
    )
    assert code == 1 and "already assigned to First by carol" in err

    assert _cli(capsys, "reroute", "--db", db_target, "--inquiry", str(inquiry))[0] == 0
    code, out, _ = _cli(capsys, "route", "--db", db_target, "--inquiry", str(inquiry), "--json")
    assert code == 0
    ranking = json.loads(out)
    assert [p["partner_id"] for p in ranking["ranked"]] == [second]
    (tried,) = ranking["excluded"]
    assert (tried["partner_id"], tried["code"], tried["all_codes"]) == (first, "tried", ["tried"])
    with database.reading() as session:
        rows = session.execute(select(AssignmentRow.partner_id, AssignmentRow.end_reason)).all()
        assert rows == [(first, "did_not_connect")]
        assert session.scalar(select(InquiryRow.partner_id)) is None


def test_reroute_of_an_unassigned_inquiry_exits_1(
    database: Database, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    inquiry = add_inquiry(database)
    code, _, err = _cli(capsys, "reroute", "--db", db_target, "--inquiry", str(inquiry))
    assert code == 1 and err.startswith("cloudroute-desk reroute: ")


def test_route_json_codes_the_competing_exclusion(
    database: Database, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = add_partner(database, name="Holder")
    other = add_partner(database, name="Other")
    earlier = add_inquiry(database, company_name="Kite Pay Ltd", partner_id=holder,
                          status="assigned")  # fmt: skip
    records.create_record(database, earlier, Pool.FOUNDERS, "alice")
    target = add_inquiry(database, company_name="KITE PAY")
    assert_ok, out, _ = _cli(capsys, "route", "--db", db_target, "--inquiry", str(target), "--json")
    assert assert_ok == 0
    ranking = json.loads(out)
    assert [p["partner_id"] for p in ranking["ranked"]] == [holder]
    assert [(e["partner_id"], e["code"]) for e in ranking["excluded"]] == [(other, "competing")]


def _ready_record(database: Database) -> int:
    partner = add_partner(database)
    inquiry = add_inquiry(database, partner_id=partner, status="assigned")
    opened, _ = records.create_record(database, inquiry, Pool.PORTFOLIO, "alice")
    sample = portfolio_form(target_close_date=(utcnow().date() + timedelta(days=60)).isoformat())
    form = AceForm.model_validate({**sample.model_dump(), "pool": "portfolio"})
    records.save_form(database, opened.record_id, form, 1, "alice")
    with database.writing() as session:  # filed a month ago: its history is to be loaded
        session.execute(
            update(AceRecordRow)
            .where(AceRecordRow.id == opened.record_id)
            .values(created_at=utcnow() - timedelta(days=30))
        )
    return opened.record_id


def test_record_transitions_with_history_times_and_an_award(
    database: Database, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    record = _ready_record(database)
    created = records.open_record(database, record).summary.created_at
    submitted = created + timedelta(minutes=5)
    validated = submitted + timedelta(hours=2)

    def move(*extra: str) -> tuple[int, str, str]:
        return _cli(capsys, "record", "transition", "--db", db_target, "--record", str(record),
                    "--admin", "dana", *extra)  # fmt: skip

    assert move("--to", "submitted", "--at", submitted.isoformat())[0] == 0
    code, _, err = move("--to", "validated", "--at", (submitted - timedelta(hours=1)).isoformat())
    assert code == 1 and "before the record's last recorded step" in err
    code, _, err = move("--to", "validated", "--at", (utcnow() + timedelta(days=2)).isoformat())
    assert code == 1 and "in the future" in err
    assert move("--to", "validated", "--at", validated.isoformat())[0] == 0
    code, _, err = move("--to", "approved")
    assert code == 1 and "awarded amount" in err
    code, out, _ = move(
        "--to", "approved", "--amount", "90000", "--credited-on", utcnow().date().isoformat(),
        "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["state"] == "approved"
    code, _, err = move("--to", "identified")
    assert code == 1 and "cannot go from approved to identified" in err
    with database.reading() as session:
        row = session.get(AceRecordRow, record)
        assert row is not None and row.submitted_at == submitted
        assert row.amount_awarded_usd == 90_000
        events = session.execute(
            select(AuditEventRow.at, AuditEventRow.actor, AuditEventRow.detail)
            .where(AuditEventRow.kind == "record_state")
            .order_by(AuditEventRow.id)
        ).all()
    assert [(e.at, e.detail["to"]) for e in events[:2]] == [
        (submitted, "submitted"),
        (validated, "validated"),
    ]
    assert {e.actor for e in events} == {"dana"}


def test_record_transition_unknown_record_exits_2(
    database: Database, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli(capsys, "record", "transition", "--db", db_target, "--record", "999",
                        "--to", "submitted")  # fmt: skip
    assert code == 2 and "999" in err


def _documents() -> list[Any]:
    good = {"form": portfolio_form(target_close_date="2030-01-01").model_dump(mode="json")}
    bad = {"form": portfolio_form(target_close_date="2030-01-01", use_case="short").model_dump(
        mode="json")}  # fmt: skip
    return [good, bad, {"form": {"pool": 12}}]


def test_validate_a_json_array_gives_one_result_per_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps(_documents()), encoding="utf-8")
    code, out, err = _cli(capsys, "validate", str(path), "--json")
    results = json.loads(out)["results"]
    assert code == 1 and "3 record(s), 2 with errors" in err
    assert [r["index"] for r in results] == [0, 1, 2]
    assert results[0]["errors"] == 0
    assert "use_case.length" in {f["rule"] for f in results[1]["findings"]}
    assert results[2]["error"].startswith("not an ACE record")


def test_validate_json_lines_prints_one_result_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in _documents()) + "\n\n", encoding="utf-8")
    code, out, _ = _cli(capsys, "validate", str(path), "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and [line["index"] for line in lines] == [0, 1, 2]
    code, out, _ = _cli(capsys, "validate", str(path))
    # Record 0 is clean, so the text report starts with record 1's finding.
    assert out.splitlines()[0].startswith("#1\tuse_case\terror\t")
    assert "#2\t-\terror\tnot an ACE record" in out


def test_validate_a_thousand_records_in_one_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _documents()[0]
    path = tmp_path / "thousand.jsonl"
    path.write_text("\n".join(json.dumps(good) for _ in range(1000)), encoding="utf-8")
    code, out, err = _cli(capsys, "validate", str(path), "--json")
    assert code == 0 and len(out.splitlines()) == 1000 and "1000 record(s), 0 with errors" in err


def test_validate_a_broken_json_lines_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"form": {}}\n{"form": \n', encoding="utf-8")
    code, _, err = _cli(capsys, "validate", str(path))
    assert code == 2 and "line 2 is not JSON" in err
