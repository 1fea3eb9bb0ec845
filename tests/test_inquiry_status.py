"""Inquiry lifecycle moves on both backends: discovery call held, declined (with the partner
released), refusals when the inquiry changed meanwhile, and the moves ACE records cause."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from cloudroute_desk.db import assignment_queries as aq
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.tables import AssignmentRow, AuditEventRow, InquiryRow
from cloudroute_desk.domain.ace.award import Award
from cloudroute_desk.domain.catalog import InquiryStatus, Pool, RecordState
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.services import inquiry_status, records
from cloudroute_desk.services.changes import ChangeKind, Changes, Rows
from cloudroute_desk.services.inquiry_status import InquiryStatusError
from tests.factories import T0, add_inquiry, add_partner, add_record
from tests.test_records_service import _error_free


def _assigned(database: Database) -> tuple[int, int]:
    """An inquiry assigned the way the assignment use-case leaves it: with an active row."""
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned", assigned_at=T0)
    with database.writing() as session:
        aq.insert_assignment(session, inquiry_id, partner_id, "alice", T0, 0.8, 1)
    return inquiry_id, partner_id


def _status(database: Database, inquiry_id: int) -> tuple[str, int | None, int]:
    with database.reading() as session:
        row = session.execute(
            select(InquiryRow.status, InquiryRow.partner_id, InquiryRow.version).where(
                InquiryRow.id == inquiry_id
            )
        ).one()
    return row[0], row[1], row[2]


def _events(database: Database, inquiry_id: int) -> list[tuple[str, str, dict[str, object]]]:
    with database.reading() as session:
        rows = session.execute(
            select(AuditEventRow.kind, AuditEventRow.actor, AuditEventRow.detail)
            .where(AuditEventRow.inquiry_id == inquiry_id)
            .order_by(AuditEventRow.id)
        ).all()
    # The record's own rows (record_created, record_state) are not inquiry moves.
    return [(k, actor, detail) for k, actor, detail in rows if not k.startswith("record_")]


def test_discovery_call_held_moves_assigned_to_connected(database: Database) -> None:
    inquiry_id, partner_id = _assigned(database)
    before = _status(database, inquiry_id)
    changes = inquiry_status.mark_discovery_call_held(database, inquiry_id, "alice")
    assert changes == Changes.of(
        ChangeKind.INQUIRY_STATUS, inquiries=Rows.of(inquiry_id), admin="alice"
    )
    status, partner, version = _status(database, inquiry_id)
    assert (status, partner, version) == ("connected", partner_id, before[2] + 1)
    [(kind, actor, detail)] = _events(database, inquiry_id)
    assert (kind, actor) == ("discovery_call_held", "alice")
    assert detail["previous_status"] == "assigned"
    assert detail["partner_name"] == "Acme Cloud Partners"


def test_discovery_call_refused_when_the_inquiry_changed(database: Database) -> None:
    inquiry_id, _ = _assigned(database)
    inquiry_status.mark_discovery_call_held(database, inquiry_id, "alice")
    with pytest.raises(InquiryStatusError, match='changed meanwhile: it is now "discovery call'):
        inquiry_status.mark_discovery_call_held(database, inquiry_id, "bob")
    assert [kind for kind, _, _ in _events(database, inquiry_id)] == ["discovery_call_held"]
    with pytest.raises(InquiryStatusError, match="no inquiry with id 999999"):
        inquiry_status.mark_discovery_call_held(database, 999_999, "bob")


def test_decline_ends_the_assignment_and_frees_the_partner(database: Database) -> None:
    inquiry_id, partner_id = _assigned(database)
    inquiry_status.mark_discovery_call_held(database, inquiry_id, "alice")
    changes = inquiry_status.decline(
        database, inquiry_id, "bob", expected=InquiryStatus.CONNECTED, reason="  not eligible "
    )
    assert changes == Changes.of(
        ChangeKind.INQUIRY_STATUS,
        ChangeKind.ASSIGNMENTS,
        inquiries=Rows.of(inquiry_id),
        partners=Rows.of(partner_id),
        admin="bob",
    )
    status, partner, _ = _status(database, inquiry_id)
    assert (status, partner) == ("declined", None)
    with database.reading() as session:
        active, end_reason = session.execute(
            select(AssignmentRow.active, AssignmentRow.end_reason).where(
                AssignmentRow.inquiry_id == inquiry_id
            )
        ).one()
    assert not active and end_reason == "declined"
    kind, actor, detail = _events(database, inquiry_id)[-1]
    assert (kind, actor) == ("declined", "bob")
    assert detail["reason"] == "not eligible" and detail["previous_status"] == "connected"
    assert detail["partner_name"] == "Acme Cloud Partners" and detail["assignment_id"]
    with database.reading() as session:
        partner_of_event = session.scalar(
            select(AuditEventRow.partner_id).where(AuditEventRow.kind == "declined")
        )
    assert partner_of_event == partner_id


def test_decline_a_new_inquiry_without_partner(database: Database) -> None:
    inquiry_id = add_inquiry(database)
    inquiry_status.decline(database, inquiry_id, "alice", expected=InquiryStatus.NEW)
    assert _status(database, inquiry_id)[0] == "declined"
    [(kind, _, detail)] = _events(database, inquiry_id)
    assert kind == "declined" and detail["reason"] == "" and "partner_name" not in detail


def test_decline_refused_when_stale_or_not_allowed(database: Database) -> None:
    inquiry_id, _ = _assigned(database)
    # The admin saw "new"; someone assigned it meanwhile.
    with pytest.raises(InquiryStatusError, match='changed meanwhile: it is now "assigned"'):
        inquiry_status.decline(database, inquiry_id, "bob", expected=InquiryStatus.NEW)
    with pytest.raises(InquiryStatusError, match="cannot be declined"):
        inquiry_status.decline(database, inquiry_id, "bob", expected=InquiryStatus.CREDITED)
    status, partner, _ = _status(database, inquiry_id)
    assert status == "assigned" and partner is not None
    assert _events(database, inquiry_id) == []


def test_declinable_statuses_follow_the_catalog() -> None:
    assert {
        InquiryStatus.NEW,
        InquiryStatus.ASSIGNED,
        InquiryStatus.CONNECTED,
        InquiryStatus.REROUTE,
        InquiryStatus.FILED,
    } == inquiry_status.DECLINABLE
    assert inquiry_status.can_mark_connected(InquiryStatus.ASSIGNED)
    assert not inquiry_status.can_mark_connected(InquiryStatus.CONNECTED)


def test_submitting_a_record_files_an_assigned_inquiry(database: Database) -> None:
    inquiry_id, _ = _assigned(database)
    opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
    assert _status(database, inquiry_id)[0] == "assigned"
    ready = _error_free(database, opened.record_id)
    result = records.transition(
        database, ready.record_id, RecordState.SUBMITTED, ready.version, "alice"
    )
    assert result.changes.kinds == {ChangeKind.RECORD_STATES, ChangeKind.INQUIRY_STATUS}
    assert result.changes.inquiries == Rows.of(inquiry_id)
    assert _status(database, inquiry_id)[0] == "filed"
    moves = [(k, d["previous_status"]) for k, _, d in _events(database, inquiry_id)]
    assert moves == [("discovery_call_held", "assigned"), ("records_filed", "connected")]
    version = records.transition(
        database, ready.record_id, RecordState.VALIDATED, result.summary.version, "alice"
    ).summary.version
    assert _status(database, inquiry_id)[0] == "filed"
    award = Award(amount_usd=75_000, pool=Pool.PORTFOLIO, credited_on=utcnow().date())
    records.transition(database, ready.record_id, RecordState.APPROVED, version, "bob", award=award)
    assert _status(database, inquiry_id)[0] == "credited"
    kind, actor, detail = _events(database, inquiry_id)[-1]
    assert (kind, actor, detail["record_id"]) == ("credited", "bob", ready.record_id)


def test_submitting_from_connected_files_once(database: Database) -> None:
    inquiry_id, _ = _assigned(database)
    inquiry_status.mark_discovery_call_held(database, inquiry_id, "alice")
    opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
    ready = _error_free(database, opened.record_id)
    records.transition(database, ready.record_id, RecordState.SUBMITTED, ready.version, "alice")
    kinds = [kind for kind, _, _ in _events(database, inquiry_id)]
    assert kinds == ["discovery_call_held", "records_filed"]
    assert _status(database, inquiry_id)[0] == "filed"


def test_downgrade_credits_a_filed_inquiry(database: Database) -> None:
    inquiry_id, partner_id = _assigned(database)
    with database.writing() as session:
        session.execute(
            update(InquiryRow).where(InquiryRow.id == inquiry_id).values(status="connected")
        )
        session.execute(
            update(InquiryRow).where(InquiryRow.id == inquiry_id).values(status="filed")
        )
    rid = add_record(
        database,
        inquiry_id,
        partner_id,
        state=RecordState.VALIDATED,
        amount_awarded_usd=None,
        decided_at=None,
        credited_at=None,
        submitted_at=T0,
    )
    founders = Award(amount_usd=25_000, pool=Pool.FOUNDERS, credited_on=utcnow().date())
    result = records.transition(database, rid, RecordState.DOWNGRADED, 1, "bob", award=founders)
    assert ChangeKind.INQUIRY_STATUS in result.changes.kinds
    assert result.changes.partners == Rows.of(partner_id)
    assert _status(database, inquiry_id)[0] == "credited"
    assert [kind for kind, _, _ in _events(database, inquiry_id)] == ["credited"]


def test_records_leave_other_statuses_alone(database: Database) -> None:
    """A rejection moves nothing; an approval on a declined inquiry does not revive it."""
    inquiry_id, partner_id = _assigned(database)
    rejected = add_record(
        database, inquiry_id, partner_id, state=RecordState.SUBMITTED, amount_awarded_usd=None
    )
    records.transition(database, rejected, RecordState.REJECTED, 1, "bob")
    assert _status(database, inquiry_id)[0] == "assigned"
    inquiry_status.decline(database, inquiry_id, "bob", expected=InquiryStatus.ASSIGNED)
    validated = add_record(
        database,
        inquiry_id,
        partner_id,
        state=RecordState.VALIDATED,
        amount_awarded_usd=None,
        decided_at=None,
        credited_at=None,
        submitted_at=T0,
    )
    award = Award(amount_usd=100_000, pool=Pool.PORTFOLIO, credited_on=utcnow().date())
    records.transition(database, validated, RecordState.APPROVED, 1, "bob", award=award)
    assert _status(database, inquiry_id)[0] == "declined"
    assert [kind for kind, _, _ in _events(database, inquiry_id)] == ["declined"]
