"""apply_snapshots: matching, the state walk through the record rules, idempotency, older
snapshots, refusals reported per snapshot, on both backends."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.review_tables import RecordReviewRow
from cloudroute_desk.db.tables import AceRecordRow, AuditEventRow
from cloudroute_desk.domain.ace.partner_central_snapshot import parse_partner_central_file
from cloudroute_desk.domain.catalog import RecordState
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.services import records
from cloudroute_desk.services.changes import ChangeKind
from cloudroute_desk.services.partner_central_import import (
    OutcomeKind,
    PartnerCentralReport,
    apply_snapshots,
)
from tests.partner_central_samples import exportable_record, opportunity, submit, summary_of


def _apply(database: Database, *responses: dict[str, object]) -> PartnerCentralReport:
    parsed = parse_partner_central_file(json.dumps(list(responses)).encode())
    assert parsed.problems == ()
    return apply_snapshots(database, parsed.snapshots, source="pc.json", admin="carol")


def _state(database: Database, record_id: int) -> RecordState:
    return records.open_record(database, record_id).summary.state


def test_approved_walks_the_record_through_the_rules(database: Database) -> None:
    record_id, payload = exportable_record(database)
    report = _apply(database, opportunity(payload, "O100", "Approved", utcnow()))
    assert [o.kind for o in report.outcomes] == [OutcomeKind.APPLIED]
    assert report.outcomes[0].message == ("Identified (draft) → Submitted → Validated → Approved")
    opened = records.open_record(database, record_id)
    assert opened.summary.state is RecordState.APPROVED
    assert opened.summary.amount_awarded_usd == opened.summary.amount_requested_usd
    assert report.changes.has(ChangeKind.RECORD_STATES)
    assert report.changes.records.touches(record_id)
    history = [entry.text for entry in opened.history]
    assert any(
        "Validated → Approved" in text and "Partner Central · pc.json" in text for text in history
    ), history
    with database.reading() as session:
        stored = session.get(AceRecordRow, record_id)
        assert stored is not None and stored.pc_opportunity_id == "O100"
        # Submitted and approved at the one moment the snapshot gives: days unknown, not 0.
        assert stored.days_to_credit is None


def test_matching_falls_back_to_the_stored_opportunity_id(database: Database) -> None:
    record_id, payload = exportable_record(database)
    submit(database, record_id)
    now = utcnow()
    _apply(database, opportunity(payload, "O7", "In review", now))
    # A later answer from Partner Central without our id (an AWS summary, or a partner who
    # changed the identifier) still finds the record by its stored opportunity id.
    later = opportunity(
        payload, "O7", "Rejected", now + timedelta(seconds=1), reason="Clarify Solution"
    )
    later.pop("PartnerOpportunityIdentifier")
    report = _apply(database, later)
    assert report.outcomes[0].kind is OutcomeKind.APPLIED
    assert _state(database, record_id) is RecordState.REJECTED


def test_unmatched_are_reported_with_customer_and_ids_never_guessed(database: Database) -> None:
    record_id, payload = exportable_record(database, company="Lumen Analytics Inc.")
    stranger = opportunity(payload, "O999", "Approved", utcnow())
    stranger["PartnerOpportunityIdentifier"] = "SF-0061a00000XYZ"
    ghost = opportunity(payload, "O998", "Approved", utcnow())
    ghost["PartnerOpportunityIdentifier"] = "CR-I999-R888"
    report = _apply(database, stranger, ghost)
    assert [o.kind for o in report.outcomes] == [OutcomeKind.UNMATCHED] * 2
    first, second = report.outcomes
    assert first.customer_name == "Lumen Analytics Inc."
    assert (first.opportunity_id, first.partner_opportunity_identifier) == (
        "O999",
        "SF-0061a00000XYZ",
    )
    assert "record 888 of inquiry 999" in second.message
    # Same company name, but nothing is matched by name.
    assert _state(database, record_id) is RecordState.IDENTIFIED
    assert not report.changes.any


def test_a_refused_change_is_reported_and_the_rest_applied(database: Database) -> None:
    launched_id, launched = exportable_record(database, company="Alpha")
    fine_id, fine = exportable_record(database, company="Beta")
    now = utcnow()
    _apply(database, opportunity(launched, "O1", "Approved", now, stage="Launched"))
    assert _state(database, launched_id) is RecordState.LAUNCHED
    report = _apply(
        database,
        # Launched cannot go back for action: refused, reported, nothing of it kept.
        opportunity(
            launched, "O1", "Action Required", now + timedelta(seconds=1), reason="Clarify Revenue"
        ),
        opportunity(fine, "O2", "Submitted", now + timedelta(seconds=1)),
    )
    refused, applied = report.outcomes
    assert refused.kind is OutcomeKind.REFUSED and refused.record_id == launched_id
    assert "cannot be handed back" in refused.message or "only a submitted" in refused.message
    assert applied.kind is OutcomeKind.APPLIED
    assert _state(database, launched_id) is RecordState.LAUNCHED
    assert _state(database, fine_id) is RecordState.SUBMITTED
    with database.reading() as session:
        reasons = session.scalars(
            select(RecordReviewRow.review_status_reason).where(
                RecordReviewRow.record_id == launched_id
            )
        ).all()
    assert "Clarify Revenue" not in reasons


def test_a_submission_the_rules_block_is_refused(database: Database) -> None:
    record_id, payload = exportable_record(database)
    opened = records.open_record(database, record_id)
    broken = opened.form.model_copy(update={"use_case": "short"})
    records.save_form(database, record_id, broken, opened.version, "alice")
    report = _apply(database, opportunity(payload, "O5", "Submitted", utcnow()))
    assert report.outcomes[0].kind is OutcomeKind.REFUSED
    assert "error" in report.outcomes[0].message
    assert _state(database, record_id) is RecordState.IDENTIFIED


def test_same_file_twice_changes_nothing(database: Database) -> None:
    record_id, payload = exportable_record(database)
    now = utcnow()
    responses = [
        opportunity(payload, "O3", "Submitted", now),
        opportunity(
            payload,
            "O3",
            "Action Required",
            now + timedelta(seconds=1),
            reason="Clarify Revenue",
            comments="Monthly spend looks off by 10×.",
        ),
    ]
    first = _apply(database, *responses)
    assert [o.kind for o in first.outcomes] == [OutcomeKind.APPLIED, OutcomeKind.APPLIED]
    assert _state(database, record_id) is RecordState.IDENTIFIED

    def counts() -> tuple[int, int, int]:
        with database.reading() as session:
            row = session.get(AceRecordRow, record_id)
            assert row is not None
            audits = session.scalar(select(func.count()).select_from(AuditEventRow))
            reviews = session.scalar(select(func.count()).select_from(RecordReviewRow))
            return row.version, audits or 0, reviews or 0

    before = counts()
    again = _apply(database, *responses)
    assert [o.kind for o in again.outcomes] == [OutcomeKind.OLDER, OutcomeKind.UNCHANGED]
    assert not again.changes.any
    assert counts() == before


def test_an_older_snapshot_never_overwrites_a_newer_one(database: Database) -> None:
    record_id, payload = exportable_record(database)
    now = utcnow()
    _apply(database, opportunity(payload, "O4", "Rejected", now + timedelta(seconds=5)))
    assert _state(database, record_id) is RecordState.REJECTED
    report = _apply(database, opportunity(payload, "O4", "In review", now))
    assert report.outcomes[0].kind is OutcomeKind.OLDER
    assert _state(database, record_id) is RecordState.REJECTED


def test_one_file_with_a_records_history_applies_it_in_time_order(database: Database) -> None:
    record_id, payload = exportable_record(database)
    now = utcnow()
    steps = [
        opportunity(payload, "O6", "Approved", now + timedelta(seconds=3)),
        opportunity(payload, "O6", "Submitted", now),
        opportunity(
            payload,
            "O6",
            "Action Required",
            now + timedelta(seconds=1),
            reason="Clarify Solution",
            comments="Name the solution.",
        ),
        opportunity(payload, "O6", "Submitted", now + timedelta(seconds=2)),
    ]
    page = {"OpportunitySummaries": [summary_of(step) for step in steps]}
    parsed = parse_partner_central_file(json.dumps(page).encode())
    report = apply_snapshots(database, parsed.snapshots, source="page.json", admin="carol")
    assert all(o.kind is OutcomeKind.APPLIED for o in report.outcomes), report.outcomes
    assert _state(database, record_id) is RecordState.APPROVED
    with database.reading() as session:
        statuses = session.scalars(
            select(RecordReviewRow.review_status)
            .where(RecordReviewRow.record_id == record_id)
            .order_by(RecordReviewRow.modified_at)
        ).all()
    assert statuses == ["Submitted", "Action Required", "Submitted", "Approved"]
    history = "\n".join(e.text for e in records.open_record(database, record_id).history)
    assert "Clarify Solution" in history and "Name the solution." in history


def test_an_opportunity_id_on_another_record_is_refused(database: Database) -> None:
    first_id, first = exportable_record(database, company="Alpha")
    second_id, second = exportable_record(database, company="Beta")
    now = utcnow()
    _apply(database, opportunity(first, "O42", "Submitted", now))
    report = _apply(database, opportunity(second, "O42", "Submitted", now))
    assert report.outcomes[0].kind is OutcomeKind.REFUSED
    assert f"record {first_id}" in report.outcomes[0].message
    assert _state(database, second_id) is RecordState.IDENTIFIED


def test_a_snapshot_older_than_the_records_own_last_step_still_applies_in_order(
    database: Database,
) -> None:
    record_id, payload = exportable_record(database)
    before = utcnow() - timedelta(minutes=5)  # Partner Central's time, before our submit
    submit(database, record_id)
    report = _apply(database, opportunity(payload, "O8", "Approved", before))
    assert report.outcomes[0].kind is OutcomeKind.APPLIED, report.outcomes
    opened = records.open_record(database, record_id)
    assert opened.summary.state is RecordState.APPROVED
    assert opened.summary.decided_at is not None and opened.summary.submitted_at is not None
    assert opened.summary.decided_at >= opened.summary.submitted_at
    with database.reading() as session:
        kept = session.scalar(
            select(RecordReviewRow.modified_at).where(RecordReviewRow.record_id == record_id)
        )
    assert kept is not None and abs(kept - before) < timedelta(milliseconds=2)
