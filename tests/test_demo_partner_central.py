"""The demo's Partner Central file: real response shapes, matching the demo's own records."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cloudroute_desk.cli import main
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.tables import AceRecordRow
from cloudroute_desk.demo.generator import generate_demo
from cloudroute_desk.demo.partner_central_file import (
    ACTION_REQUIRED,
    APPROVED,
    MAX_REVIEWS,
    PAGE_SIZE,
    REJECTED,
    UNMATCHED,
    file_text,
)
from cloudroute_desk.domain.ace import api_model
from cloudroute_desk.domain.ace.partner_central_ids import parse_cloudroute_opportunity_id
from cloudroute_desk.domain.ace.partner_central_snapshot import parse_partner_central_file
from cloudroute_desk.domain.catalog import RecordState
from cloudroute_desk.services.ace_export_service import export_record
from cloudroute_desk.services.partner_central_import import OutcomeKind, apply_snapshots

NOW = datetime(2026, 11, 20, 15, 30, 0)
WAITING = {RecordState.SUBMITTED, RecordState.VALIDATED}
IDENTIFIER = "PartnerOpportunityIdentifier"


def _summaries(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [summary for page in pages for summary in page["OpportunitySummaries"]]


def _valid(page: dict[str, Any]) -> bool:
    return api_model.check_response(page, "ListOpportunities") == []


def _records(database: Database) -> dict[int, Any]:
    table = AceRecordRow.__table__
    with database.reading() as session:
        return {row.id: row for row in session.execute(select(table)).all()}


def test_pages_are_list_opportunities_responses_about_waiting_records(
    database: Database,
) -> None:
    summary = generate_demo(database, inquiries=2_000, partners=40, seed=6, now=NOW)
    pages = summary.partner_central_pages
    assert pages
    for index, page in enumerate(pages):
        assert api_model.check_response(page, "ListOpportunities") == [], index
        assert 1 <= len(page["OpportunitySummaries"]) <= PAGE_SIZE
        assert ("NextToken" in page) == (index < len(pages) - 1)
    records = _records(database)
    waiting = [r for r in records.values() if RecordState(r.state) in WAITING]
    summaries = _summaries(pages)
    ours = [s for s in summaries if parse_cloudroute_opportunity_id(s[IDENTIFIER])]
    assert len(summaries) - len(ours) == len(UNMATCHED)
    assert 0.3 * len(waiting) < len(ours) <= min(len(waiting), MAX_REVIEWS)
    decisions: Counter[str] = Counter()
    for item in ours:
        ids = parse_cloudroute_opportunity_id(item[IDENTIFIER])
        assert ids is not None
        record = records[ids.record_id]
        assert record.inquiry_id == ids.inquiry_id
        assert RecordState(record.state) in WAITING
        assert item["Id"] == record.external_id
        company = record.fields["customer"]["company_name"]
        assert item["Customer"]["Account"]["CompanyName"] == company
        life = item["LifeCycle"]
        decisions[life["ReviewStatus"]] += 1
        answered = datetime.fromisoformat(item["LastModifiedDate"]).replace(tzinfo=None)
        assert record.updated_at < answered <= NOW
        if life["ReviewStatus"] == REJECTED:
            assert life["Stage"] == "Closed Lost" and life["ClosedLostReason"]
        if life["ReviewStatus"] in (REJECTED, ACTION_REQUIRED):
            assert life["ReviewStatusReason"] and life["ReviewComments"]
    assert set(decisions) == {APPROVED, ACTION_REQUIRED, REJECTED}
    unmatched = [s for s in summaries if s not in ours]
    assert {s["PartnerOpportunityIdentifier"] for s in unmatched} == {u[0] for u in UNMATCHED}
    assert not {s["Id"] for s in unmatched} & {r.external_id for r in records.values()}


def test_same_seed_same_file(database: Database, tmp_path: Path) -> None:
    from cloudroute_desk.db.opening import open_database

    first = generate_demo(database, inquiries=600, partners=20, seed=3, now=NOW)
    other = open_database(str(tmp_path / "again.sqlite"))
    try:
        again = generate_demo(other, inquiries=600, partners=20, seed=3, now=NOW)
    finally:
        other.dispose()
    assert first.partner_central_pages == again.partner_central_pages
    assert first.partner_central_pages


def test_cli_writes_the_file_beside_a_sqlite_database_or_where_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "trial.sqlite"
    assert main(["demo", "--db", str(target), "--inquiries", "300", "--partners", "10"]) == 0
    written = tmp_path / "trial-partner-central.json"
    assert str(written) in capsys.readouterr().out
    pages = json.loads(written.read_text(encoding="utf-8"))
    assert pages and all(_valid(page) for page in pages)
    chosen = tmp_path / "elsewhere.json"
    args = ["demo", "--db", str(target), "--inquiries", "300", "--partners", "10", "--force"]
    assert main([*args, "--partner-central", str(chosen)]) == 0
    elsewhere = json.loads(chosen.read_text(encoding="utf-8"))
    assert elsewhere and all(_valid(page) for page in elsewhere)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".json") == [
        "elsewhere.json",
        "trial-partner-central.json",
    ]


def test_cli_writes_no_file_for_a_server_unless_told(
    empty_db_target: str,
    backend: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if backend != "postgresql":
        pytest.skip("a SQLite file has a folder to write beside")
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--db", empty_db_target, "--inquiries", "200", "--partners", "8"]) == 0
    assert "--partner-central FILE" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_importing_the_file_moves_the_records_and_twice_changes_nothing(
    database: Database,
) -> None:
    summary = generate_demo(database, inquiries=1_500, partners=30, seed=8, now=NOW)
    parsed = parse_partner_central_file(file_text(summary.partner_central_pages).encode())
    assert parsed.problems == () and parsed.snapshots
    report = apply_snapshots(database, parsed.snapshots, source="demo.json", admin="tester")
    ours = [s for s in _summaries(summary.partner_central_pages) if s not in _unmatched(summary)]
    assert report.count(OutcomeKind.UNMATCHED) == len(UNMATCHED)
    assert report.count(OutcomeKind.APPLIED) == len(ours), report.summary()
    records = _records(database)
    expected = {APPROVED: RecordState.APPROVED, REJECTED: RecordState.REJECTED}
    expected[ACTION_REQUIRED] = RecordState.IDENTIFIED  # handed back to the partner
    for item in ours:
        ids = parse_cloudroute_opportunity_id(item[IDENTIFIER])
        assert ids is not None
        assert records[ids.record_id].state == expected[item["LifeCycle"]["ReviewStatus"]]
        exported = export_record(database, ids.record_id, today=NOW.date())
        assert [f.message for f in exported.findings if f.is_error] == []
    again = apply_snapshots(database, parsed.snapshots, source="demo.json", admin="tester")
    assert again.count(OutcomeKind.UNCHANGED) == len(ours), again.summary()
    assert _records(database) == records


def _unmatched(summary: Any) -> list[dict[str, Any]]:
    return [
        s
        for s in _summaries(summary.partner_central_pages)
        if parse_cloudroute_opportunity_id(s[IDENTIFIER]) is None
    ]
