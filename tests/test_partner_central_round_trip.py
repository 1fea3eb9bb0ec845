"""The loop closed, end to end on both backends: records exported with CloudRoute's ids,
Partner Central's answer about them imported from a file with the command line, and the
records, their histories, the routing index and the ranking all follow; the same file again
changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cloudroute_desk import cli
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.review_tables import RecordReviewRow
from cloudroute_desk.db.tables import AceRecordRow, AuditEventRow
from cloudroute_desk.domain.catalog import RecordState
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.services import records, routing
from tests.factories import add_inquiry, add_partner
from tests.partner_central_samples import exportable_record, opportunity, summary_of


def _export(db_target: str, record_id: int, tmp_path: Path) -> dict[str, object]:
    out = tmp_path / f"record-{record_id}.json"
    assert (
        cli.main(["export", "--db", db_target, "--record", str(record_id), "--out", str(out)]) == 0
    )
    return json.loads(out.read_text(encoding="utf-8"))


def _fingerprint(database: Database) -> tuple[object, ...]:
    with database.reading() as session:
        rows = session.execute(
            select(AceRecordRow.id, AceRecordRow.state, AceRecordRow.version).order_by(
                AceRecordRow.id
            )
        ).all()
        audits = session.scalar(select(func.count()).select_from(AuditEventRow))
        reviews = session.scalar(select(func.count()).select_from(RecordReviewRow))
    return tuple(tuple(r) for r in rows), audits, reviews


def _ranks(database: Database, inquiry_id: int) -> dict[int, tuple[int, int]]:
    ranking = routing.rank_inquiry(database, inquiry_id)
    return {p.partner_id: (p.rank, p.decided) for p in ranking.ranked}


def test_export_then_import_moves_records_history_index_and_ranking(
    database: Database, db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = add_partner(database, name="Good Partner", capacity=50)
    poor = add_partner(database, name="Poor Partner", capacity=50)
    goods = [exportable_record(database, good, company=f"Good {n}")[0] for n in range(4)]
    poors = [exportable_record(database, poor, company=f"Poor {n}")[0] for n in range(4)]
    waiting = add_inquiry(database, company_name="Next Startup", website="https://next.example")
    before = _ranks(database, waiting)
    assert before[good][1] == before[poor][1] == 0

    payloads = {rid: _export(db_target, rid, tmp_path) for rid in goods + poors}
    now = utcnow()
    answers = []
    for n, rid in enumerate(goods):
        status = "Action Required" if n == 3 else "Approved"
        answers.append(
            opportunity(
                payloads[rid],
                f"O{100 + n}",
                status,
                now + timedelta(seconds=n),
                reason="Clarify Revenue" if n == 3 else None,
            )
        )
    for n, rid in enumerate(poors):
        status = "In review" if n == 3 else "Rejected"
        answers.append(
            opportunity(
                payloads[rid],
                f"O{200 + n}",
                status,
                now + timedelta(seconds=n),
                reason=None if n == 3 else "Other",
                comments=None if n == 3 else "Customer is not eligible.",
            )
        )
    # Partner Central's answer: two ListOpportunities pages.
    pages = [
        {"OpportunitySummaries": [summary_of(a) for a in answers[:5]], "NextToken": "p2"},
        {"OpportunitySummaries": [summary_of(a) for a in answers[5:]]},
    ]
    answer_file = tmp_path / "partner-central.json"
    answer_file.write_text(json.dumps(pages), encoding="utf-8")
    capsys.readouterr()

    assert cli.main(["import", str(answer_file), "--db", db_target, "--partner-central"]) == 0
    out = capsys.readouterr().out
    assert "8 snapshots: 8 applied" in out, out

    states = {rid: records.open_record(database, rid).summary.state for rid in goods + poors}
    assert [states[r] for r in goods] == [RecordState.APPROVED] * 3 + [RecordState.IDENTIFIED]
    assert [states[r] for r in poors] == [RecordState.REJECTED] * 3 + [RecordState.VALIDATED]
    history = "\n".join(e.text for e in records.open_record(database, poors[0]).history)
    assert "Partner Central: Rejected · Closed Lost — Other: “Customer is not eligible.”" in history
    assert "Partner Central · partner-central.json" in history
    handed_back = "\n".join(e.text for e in records.open_record(database, goods[3]).history)
    assert "Submitted → Identified (draft)" in handed_back and "Clarify Revenue" in handed_back

    after = _ranks(database, waiting)
    assert after[good][1] == 3 and after[poor][1] == 3, "the routing index counts them"
    assert after[good][0] < after[poor][0], "approvals rank the good partner first"
    ranking = routing.rank_inquiry(database, waiting)
    by_id = {p.partner_id: p for p in ranking.ranked}
    assert by_id[good].close_estimate > before_estimate(ranking, poor)

    frozen = _fingerprint(database)
    assert cli.main(["import", str(answer_file), "--db", db_target, "--partner-central"]) == 0
    again = capsys.readouterr().out
    assert "8 snapshots: 8 unchanged" in again, again
    assert _fingerprint(database) == frozen
    assert _ranks(database, waiting) == after


def before_estimate(ranking: routing.Ranking, partner_id: int) -> float:
    return next(p.close_estimate for p in ranking.ranked if p.partner_id == partner_id)


def test_the_command_reports_malformed_unmatched_and_refused_and_exits_1(
    database: Database, db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record_id, payload = exportable_record(database)
    now = utcnow()
    stranger = opportunity(payload, "O77", "Approved", now)
    stranger["PartnerOpportunityIdentifier"] = "ACME-CRM-1"
    stranger["Customer"] = {"Account": {"CompanyName": "Stranger Ltd"}}
    good = opportunity(payload, "O5", "Submitted", now)
    broken = dict(good, LastModifiedDate="not a time")
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([good, stranger, broken]), encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["import", str(path), "--db", db_target, "--partner-central"]) == 1
    out = capsys.readouterr().out
    assert "item 3 — malformed: LastModifiedDate" in out, out
    assert "O77 · ACME-CRM-1 · Stranger Ltd — unmatched" in out, out
    assert "applied: Identified (draft) → Submitted" in out
    assert records.open_record(database, record_id).summary.state is RecordState.SUBMITTED


def test_unreadable_or_foreign_files_exit_2(
    db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.json"
    assert cli.main(["import", str(missing), "--db", db_target, "--partner-central"]) == 2
    foreign = tmp_path / "people.csv"
    foreign.write_text("name,email\nAda,a@b.c\n", encoding="utf-8")
    assert cli.main(["import", str(foreign), "--db", db_target, "--partner-central"]) == 2
    err = capsys.readouterr().err
    assert "missing.json" in err and "bulk-export CSV" in err
