"""ACE record use-cases on both backends: create from intake, save with the version check,
allowed and refused transitions (service and database trigger), audit rows, awards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.tables import AceRecordRow, AuditEventRow
from cloudroute_desk.domain.ace.award import Award
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.catalog import Pool, RecordState, Tier
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.services import records
from cloudroute_desk.services.changes import ChangeKind, Changes, Rows
from tests.factories import add_inquiry, add_partner, add_record

GOOD_USE_CASE = (
    "Lumen Analytics runs retrieval-augmented search for 40 hospital customers. The credits "
    "fund Bedrock inference and EC2 GPU capacity for the first 12 months of production."
)


def _assigned_inquiry(database: Database, **partner: object) -> tuple[int, int]:
    partner_id = add_partner(database, **partner)
    inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned")
    return inquiry_id, partner_id


def _fixed_form(form: AceForm) -> AceForm:
    """The prefilled form with the few things the intake cannot know filled in well."""
    data = form.model_dump()
    data["use_case"] = GOOD_USE_CASE
    data["customer"]["postal_code"] = "10001"
    data["customer"]["state_or_region"] = "New York"
    data["customer"]["aws_account_id"] = "123456789012"
    data["work_start"] = (utcnow().date() + timedelta(days=7)).isoformat()
    data["go_live"] = (utcnow().date() + timedelta(days=90)).isoformat()
    data["annual_deal_size_usd"] = 120_000
    data["amount_requested_usd"] = 75_000
    return AceForm.model_validate(data)


def _error_free(database: Database, record_id: int) -> records.OpenedRecord:
    opened = records.open_record(database, record_id)
    form = _fixed_form(opened.form)
    errors = [f for f in records.record_context.validate(form, opened.context) if f.is_error]
    assert errors == [], errors
    records.save_form(database, record_id, form, opened.version, "alice")
    return records.open_record(database, record_id)


def test_create_prefills_from_the_intake(database: Database) -> None:
    inquiry_id, partner_id = _assigned_inquiry(database)
    opened, changes = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
    assert changes == Changes.of(
        ChangeKind.RECORDS_ADDED,
        inquiries=Rows.of(inquiry_id),
        records=Rows.of(opened.record_id),
        admin="alice",
    )
    assert opened.summary.state is RecordState.IDENTIFIED and opened.version == 1
    assert opened.form.customer.company_name == "Lumen Analytics Inc."
    assert opened.form.lead_investor == "Northwind Ventures"
    assert [line.service for line in opened.form.spend] == ["EC2", "Bedrock"]
    assert opened.summary.partner_id == partner_id
    items = records.list_records(database, inquiry_id)
    assert [item.summary.id for item in items] == [opened.record_id]
    assert items[0].partner_name == "Acme Cloud Partners"
    with database.reading() as session:
        kinds = session.scalars(
            select(AuditEventRow.kind).where(AuditEventRow.record_id == opened.record_id)
        ).all()
    assert kinds == ["record_created"]


def test_create_needs_an_assigned_partner(database: Database) -> None:
    inquiry_id = add_inquiry(database)
    with pytest.raises(records.NoPartnerError):
        records.create_record(database, inquiry_id, Pool.FOUNDERS, "alice")


def test_save_bumps_version_and_detects_conflicts(database: Database) -> None:
    inquiry_id, _ = _assigned_inquiry(database)
    opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
    mine = opened.form.model_copy(update={"partner_role": "alice's"})
    result = records.save_form(database, opened.record_id, mine, 1, "alice")
    assert result.version == 2
    theirs = opened.form.model_copy(update={"partner_role": "bob's"})
    with pytest.raises(records.EditConflict) as caught:
        records.save_form(database, opened.record_id, theirs, 1, "bob")
    assert caught.value.their_version == 2
    assert caught.value.theirs.partner_role == "alice's"
    assert caught.value.updated_by == "alice"
    # Keeping mine after seeing the conflict is a save over *their* version.
    records.save_form(database, opened.record_id, theirs, caught.value.their_version, "bob")
    assert records.open_record(database, opened.record_id).form.partner_role == "bob's"


def test_concurrent_editors_on_two_connections(db_target: str) -> None:
    """Two admins, two Database handles on one database: neither edit is lost silently."""
    first, second = open_database(db_target), open_database(db_target)
    try:
        inquiry_id, _ = _assigned_inquiry(first)
        opened, _ = records.create_record(first, inquiry_id, Pool.PORTFOLIO, "alice")
        a = records.open_record(first, opened.record_id)
        b = records.open_record(second, opened.record_id)
        records.save_form(first, a.record_id, a.form.model_copy(update={"title": "A"}), 1, "alice")
        with pytest.raises(records.EditConflict) as caught:
            records.save_form(
                second, b.record_id, b.form.model_copy(update={"title": "B"}), 1, "bob"
            )
        assert caught.value.theirs.title == "A"
        assert records.open_record(second, a.record_id).form.title == "A"
    finally:
        first.dispose()
        second.dispose()


def test_hostile_text_stays_out_of_the_database(database: Database) -> None:
    inquiry_id, _ = _assigned_inquiry(database)
    opened, _ = records.create_record(database, inquiry_id, Pool.FOUNDERS, "alice")
    for bad in ("NUL\x00here", "lone \ud800 surrogate", "x" * 100_000):
        form = opened.form.model_copy(update={"use_case": bad})
        with pytest.raises(records.UnstorableTextError) as caught:
            records.save_form(database, opened.record_id, form, 1, "alice")
        assert caught.value.fields == {"use_case"}
    fine = "RTL \u202eשלום 🚀 '); DROP TABLE ace_records; --"
    records.save_form(
        database, opened.record_id, opened.form.model_copy(update={"use_case": fine}), 1, "a"
    )
    assert records.open_record(database, opened.record_id).form.use_case == fine


def test_errors_block_submission_warnings_do_not(database: Database) -> None:
    inquiry_id, _ = _assigned_inquiry(database)
    opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
    broken = opened.form.model_copy(update={"use_case": "too short"})
    records.save_form(database, opened.record_id, broken, 1, "alice")
    with pytest.raises(records.SubmissionBlockedError) as caught:
        records.transition(database, opened.record_id, RecordState.SUBMITTED, 2, "alice")
    assert any(f.field == "use_case" and f.is_error for f in caught.value.findings)
    ready = _error_free(database, opened.record_id)
    result = records.transition(
        database, ready.record_id, RecordState.SUBMITTED, ready.version, "alice"
    )
    assert result.summary.state is RecordState.SUBMITTED
    assert result.summary.submitted_at is not None
    assert result.changes.kinds == {ChangeKind.RECORD_STATES, ChangeKind.INQUIRY_STATUS}
    assert result.changes.records == Rows.of(ready.record_id)


def test_full_lifecycle_with_award_and_audit(database: Database) -> None:
    inquiry_id, _ = _assigned_inquiry(database)
    opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
    ready = _error_free(database, opened.record_id)
    rid, version = ready.record_id, ready.version
    for state in (RecordState.SUBMITTED, RecordState.VALIDATED):
        version = records.transition(database, rid, state, version, "alice").summary.version
    with pytest.raises(records.AwardError):
        records.transition(database, rid, RecordState.APPROVED, version, "alice")
    award = Award(amount_usd=75_000, pool=Pool.PORTFOLIO, credited_on=utcnow().date())
    approved = records.transition(database, rid, RecordState.APPROVED, version, "bob", award=award)
    summary = approved.summary
    assert summary.state is RecordState.APPROVED
    assert summary.amount_awarded_usd == 75_000 and summary.awarded_pool is Pool.PORTFOLIO
    assert summary.decided_at is not None and summary.credited_at is not None
    with database.reading() as session:
        days = session.scalar(select(AceRecordRow.days_to_credit).where(AceRecordRow.id == rid))
        events = session.execute(
            select(AuditEventRow.kind, AuditEventRow.actor, AuditEventRow.detail, AuditEventRow.at)
            .where(AuditEventRow.record_id == rid)
            .order_by(AuditEventRow.id)
        ).all()
    assert days is not None and 0 <= days < 1
    assert [e.kind for e in events] == ["record_created"] + ["record_state"] * 3
    assert [e.detail["to"] for e in events[1:]] == ["submitted", "validated", "approved"]
    assert events[-1].actor == "bob" and events[-1].detail["amount_awarded_usd"] == 75_000
    assert all(e.at is not None for e in events)
    version = summary.version
    for state in (RecordState.LAUNCHED, RecordState.CLOSED):
        version = records.transition(database, rid, state, version, "bob").summary.version
    assert records.open_record(database, rid).summary.state is RecordState.CLOSED


def test_downgrade_needs_a_smaller_or_other_award(database: Database) -> None:
    inquiry_id, partner_id = _assigned_inquiry(database)
    rid = add_record(
        database,
        inquiry_id,
        partner_id,
        state=RecordState.VALIDATED,
        amount_awarded_usd=None,
        decided_at=None,
        credited_at=None,
        submitted_at=utcnow() - timedelta(days=9),
    )
    same = Award(amount_usd=100_000, pool=Pool.PORTFOLIO, credited_on=utcnow().date())
    with pytest.raises(records.AwardError):
        records.transition(database, rid, RecordState.DOWNGRADED, 1, "bob", award=same)
    founders = Award(amount_usd=25_000, pool=Pool.FOUNDERS, credited_on=utcnow().date())
    with pytest.raises(records.AwardError):
        records.transition(database, rid, RecordState.APPROVED, 1, "bob", award=founders)
    result = records.transition(database, rid, RecordState.DOWNGRADED, 1, "bob", award=founders)
    assert result.summary.awarded_pool is Pool.FOUNDERS
    assert result.summary.days_to_credit == pytest.approx(9, abs=0.01)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (RecordState.IDENTIFIED, RecordState.APPROVED),
        (RecordState.IDENTIFIED, RecordState.VALIDATED),
        (RecordState.SUBMITTED, RecordState.LAUNCHED),
        (RecordState.REJECTED, RecordState.SUBMITTED),
        (RecordState.CLOSED, RecordState.IDENTIFIED),
    ],
)
def test_refused_transitions_in_service_and_trigger(
    database: Database, start: RecordState, target: RecordState
) -> None:
    inquiry_id, partner_id = _assigned_inquiry(database)
    rid = add_record(database, inquiry_id, partner_id, state=start)
    award = Award(amount_usd=50_000, pool=Pool.PORTFOLIO, credited_on=utcnow().date())
    with pytest.raises(records.TransitionRefusedError):
        records.transition(database, rid, target, 1, "alice", award=award)
    with pytest.raises(DBAPIError), database.writing() as session:
        session.execute(
            update(AceRecordRow).where(AceRecordRow.id == rid).values(state=target.value)
        )
    assert records.open_record(database, rid).summary.state is start


def test_allowed_transitions_follow_the_catalog() -> None:
    assert records.allowed_transitions(RecordState.IDENTIFIED) == [RecordState.SUBMITTED]
    assert set(records.allowed_transitions(RecordState.VALIDATED)) == {
        RecordState.IDENTIFIED,
        RecordState.APPROVED,
        RecordState.REJECTED,
        RecordState.DOWNGRADED,
    }
    assert records.allowed_transitions(RecordState.CLOSED) == []


def test_locked_record_refuses_edits_and_stale_transition(database: Database) -> None:
    inquiry_id, partner_id = _assigned_inquiry(database)
    rid = add_record(database, inquiry_id, partner_id, state=RecordState.SUBMITTED)
    opened = records.open_record(database, rid)
    assert not opened.editable
    with pytest.raises(records.RecordLockedError):
        records.save_form(database, rid, opened.form, 1, "alice")
    records.transition(database, rid, RecordState.VALIDATED, 1, "alice")
    with pytest.raises(records.EditConflict):
        records.transition(database, rid, RecordState.REJECTED, 1, "bob")


def test_other_partner_on_same_customer_blocks_submission(database: Database) -> None:
    inquiry_id, _ = _assigned_inquiry(database)
    rival = add_partner(database, name="Rival Cloud", tier=Tier.PREMIER)
    add_record(database, inquiry_id, rival, state=RecordState.SUBMITTED, pool=Pool.FOUNDERS)
    opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
    form = _fixed_form(opened.form)
    records.save_form(database, opened.record_id, form, 1, "alice")
    with pytest.raises(records.SubmissionBlockedError) as caught:
        records.transition(database, opened.record_id, RecordState.SUBMITTED, 2, "alice")
    assert any(f.is_error and f.rule for f in caught.value.findings)
    with database.reading() as session:
        assert session.execute(text("SELECT count(*) FROM ace_records")).scalar_one() == 2


def test_decision_refreshes_the_routing_index_in_the_same_transaction(database: Database) -> None:
    from cloudroute_desk.db import routing_queries

    inquiry_id, partner_id = _assigned_inquiry(database)
    rid = add_record(
        database,
        inquiry_id,
        partner_id,
        state=RecordState.VALIDATED,
        amount_awarded_usd=None,
        decided_at=None,
        credited_at=None,
        submitted_at=utcnow() - timedelta(days=3),
    )
    now = utcnow()
    with database.writing() as session:
        routing_queries.bring_index_up_to_date(session, routing_queries.window_end_for(now), now)
        assert [
            e for e in routing_queries.index_entries(session) if e.partner_id == partner_id
        ] == []
    records.transition(database, rid, RecordState.REJECTED, 1, "bob")
    with database.reading() as session:
        entries = [e for e in routing_queries.index_entries(session) if e.partner_id == partner_id]
        assert entries and all(e.rejected == 1 and e.decided == 1 for e in entries)


def test_save_reports_chart_changes_only_for_pool_or_amount(database: Database) -> None:
    inquiry_id, _ = _assigned_inquiry(database)
    opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
    text_only = opened.form.model_copy(update={"next_steps": "call Tuesday"})
    first = records.save_form(database, opened.record_id, text_only, 1, "alice")
    assert first.changes.kinds == {ChangeKind.RECORD_FIELDS}
    assert first.changes.records == Rows.of(opened.record_id)
    absurd = text_only.model_copy(update={"amount_requested_usd": 10**12})
    second = records.save_form(database, opened.record_id, absurd, 2, "alice")
    assert second.changes.kinds == {ChangeKind.RECORD_FIELDS, ChangeKind.RECORD_FIGURES}
    summary = records.open_record(database, opened.record_id).summary
    assert summary.amount_requested_usd == records.MAX_COLUMN_USD
    assert records.open_record(database, opened.record_id).form.amount_requested_usd == 10**12


def test_launch_needs_the_customers_12_digit_account(database: Database) -> None:
    """Partner Central (Opportunity-Fields.csv, awsAccountId): "For Consulting Partners,
    When Stage = Launched"; test scenario 3.8: "Stage cannot be updated to Launched till
    AWSAccountID is updated"."""
    inquiry_id, _ = _assigned_inquiry(database)
    opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
    form = _fixed_form(opened.form)
    data = form.model_dump()
    data["customer"]["aws_account_id"] = "GREENFIELD"
    records.save_form(database, opened.record_id, AceForm.model_validate(data), 1, "alice")
    version = 2
    for state in (RecordState.SUBMITTED, RecordState.VALIDATED):
        version = records.transition(
            database, opened.record_id, state, version, "alice"
        ).summary.version
    award = Award(amount_usd=75_000, pool=Pool.PORTFOLIO, credited_on=utcnow().date())
    version = records.transition(
        database, opened.record_id, RecordState.APPROVED, version, "bob", award=award
    ).summary.version
    with pytest.raises(records.TransitionRefusedError, match="12-digit AWS account ID"):
        records.transition(database, opened.record_id, RecordState.LAUNCHED, version, "bob")
    reopened = records.open_record(database, opened.record_id)
    assert reopened.summary.state is RecordState.APPROVED
    assert "stage.launched_account" not in {
        f.rule for f in records.record_context.validate(reopened.form, reopened.context)
    }
