"""Assign, undo, re-route: statuses, history and audit rows, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.tables import AssignmentRow, AuditEventRow, InquiryRow
from cloudroute_desk.domain.catalog import InquiryStatus, RecordState, Tier
from cloudroute_desk.services import assignment as svc
from cloudroute_desk.services.changes import ChangeKind, Changes, Rows
from cloudroute_desk.services.routing import rank_inquiry
from tests.factories import add_inquiry, add_partner, add_record


def status(database: Database, inquiry_id: int) -> tuple[str, int | None]:
    with database.reading() as session:
        row = session.get(InquiryRow, inquiry_id)
        assert row is not None
        return row.status, row.partner_id


def audit(database: Database, inquiry_id: int) -> list[tuple[str, str, int | None, dict]]:  # type: ignore[type-arg]
    with database.reading() as session:
        rows = session.scalars(
            select(AuditEventRow)
            .where(AuditEventRow.inquiry_id == inquiry_id)
            .order_by(AuditEventRow.id)
        ).all()
        return [(r.kind, r.actor, r.partner_id, dict(r.detail)) for r in rows]


@pytest.fixture
def setup(database: Database) -> tuple[int, int, int]:
    strong = add_partner(database, name="Strong")
    weak = add_partner(database, name="Weak")
    history = add_inquiry(database, company_name="Earlier Co", website="https://earlier.example")
    for _ in range(12):
        add_record(database, history, strong)
    inquiry = add_inquiry(database)
    return inquiry, strong, weak


def test_assign_writes_assignment_and_audit_with_score_rank_and_runner_up(
    database: Database, setup: tuple[int, int, int]
) -> None:
    inquiry, strong, weak = setup
    changes = svc.assign(database, inquiry, strong, "alice", reason="best fit")
    assert changes == Changes.of(
        ChangeKind.INQUIRY_STATUS,
        ChangeKind.ASSIGNMENTS,
        inquiries=Rows.of(inquiry),
        partners=Rows.of(strong),
        admin="alice",
    )
    assert status(database, inquiry) == ("assigned", strong)
    (entry,) = svc.assignment_history(database, inquiry)
    assert (entry.partner_id, entry.partner_name, entry.active, entry.rank) == (
        strong,
        "Strong",
        True,
        1,
    )
    ((kind, actor, partner, detail),) = audit(database, inquiry)
    assert (kind, actor, partner) == ("assigned", "alice", strong)
    assert detail["rank"] == 1 and detail["score"] == pytest.approx(entry.score)
    assert detail["runner_up"]["partner_id"] == weak
    assert detail["reason"] == "best fit" and detail["previous_status"] == "new"


def test_second_assignment_is_refused_naming_the_holder(
    database: Database, setup: tuple[int, int, int]
) -> None:
    inquiry, strong, weak = setup
    svc.assign(database, inquiry, strong, "alice")
    with pytest.raises(svc.AlreadyAssigned, match="already assigned to Strong by alice") as caught:
        svc.assign(database, inquiry, weak, "bob")
    assert caught.value.partner_id == strong and caught.value.assigned_by == "alice"
    assert status(database, inquiry) == ("assigned", strong)
    assert len(svc.assignment_history(database, inquiry)) == 1


def test_excluded_partner_is_refused_and_nothing_changes(database: Database) -> None:
    select_partner = add_partner(database, name="Selective", tier=Tier.SELECT)
    inquiry = add_inquiry(database)
    with pytest.raises(svc.PartnerNotEligibleError, match="Selective cannot take this inquiry"):
        svc.assign(database, inquiry, select_partner, "alice")
    assert status(database, inquiry) == ("new", None)
    assert svc.assignment_history(database, inquiry) == ()
    assert audit(database, inquiry) == []


def test_partner_at_capacity_is_refused(database: Database) -> None:
    partner = add_partner(database, name="Busy", capacity=1)
    first, second = add_inquiry(database), add_inquiry(database, company_name="Other Co")
    svc.assign(database, first, partner, "alice")
    with pytest.raises(svc.PartnerNotEligibleError, match=r"at capacity \(1/1"):
        svc.assign(database, second, partner, "alice")
    assert status(database, second) == ("new", None)


def test_undo_restores_new_and_does_not_count_as_tried(
    database: Database, setup: tuple[int, int, int]
) -> None:
    inquiry, strong, _weak = setup
    svc.assign(database, inquiry, strong, "alice")
    svc.unassign(database, inquiry, strong, "alice")
    assert status(database, inquiry) == ("new", None)
    ranking = rank_inquiry(database, inquiry)
    assert ranking.ranked[0].partner_id == strong
    (entry,) = svc.assignment_history(database, inquiry)
    assert (entry.active, entry.end_reason) == (False, "undo")
    (_, _, _, assigned), (kind, actor, partner, undone) = audit(database, inquiry)
    assert (kind, actor, partner) == ("unassigned", "alice", strong)
    assert undone["partner_name"] == "Strong" and undone["reason"] == "undo"
    assert (undone["score"], undone["rank"]) == (assigned["score"], 1)
    assert undone["status"] == "new"
    with pytest.raises(svc.NotAssignedError):
        svc.unassign(database, inquiry, strong, "alice")


def test_did_not_connect_reroutes_excludes_and_keeps_history(
    database: Database, setup: tuple[int, int, int]
) -> None:
    inquiry, strong, weak = setup
    svc.assign(database, inquiry, strong, "alice")
    svc.mark_did_not_connect(database, inquiry, "alice")
    assert status(database, inquiry) == ("reroute", None)
    ranking = rank_inquiry(database, inquiry)
    assert [p.partner_id for p in ranking.ranked] == [weak]
    (excluded,) = ranking.excluded
    assert excluded.partner_id == strong
    assert excluded.reason.startswith("already tried for this inquiry (did not connect on ")

    with pytest.raises(svc.PartnerNotEligibleError, match="already tried"):
        svc.assign(database, inquiry, strong, "bob")
    svc.assign(database, inquiry, weak, "bob")
    history = svc.assignment_history(database, inquiry)
    assert [(h.partner_id, h.active, h.end_reason) for h in history] == [
        (strong, False, "did_not_connect"),
        (weak, True, None),
    ]
    # Undoing the second assignment returns the inquiry to re-route, not to new.
    svc.unassign(database, inquiry, weak, "bob")
    assert status(database, inquiry) == ("reroute", None)
    events = audit(database, inquiry)
    assert [e[0] for e in events] == ["assigned", "did_not_connect", "assigned", "unassigned"]
    reroute = events[1]
    assert (reroute[1], reroute[2], reroute[3]["rank"]) == ("alice", strong, 1)
    assert reroute[3]["reason"] == "did not connect: re-route"
    assert events[2][3]["previous_status"] == "reroute"


def test_undo_did_not_connect_restores_the_partner(
    database: Database, setup: tuple[int, int, int]
) -> None:
    inquiry, strong, _weak = setup
    svc.assign(database, inquiry, strong, "alice")
    svc.mark_did_not_connect(database, inquiry, "alice")
    svc.undo_did_not_connect(database, inquiry, strong, "alice")
    assert status(database, inquiry) == ("assigned", strong)
    (entry,) = svc.assignment_history(database, inquiry)
    assert entry.active and entry.end_reason is None
    assert audit(database, inquiry)[-1][0] == "did_not_connect_undone"


def test_declined_inquiry_cannot_be_assigned(database: Database) -> None:
    partner = add_partner(database)
    inquiry = add_inquiry(database, status=InquiryStatus.DECLINED)
    with pytest.raises(svc.NotAssignableError, match="no longer waiting"):
        svc.assign(database, inquiry, partner, "alice")


def test_only_the_customers_record_holder_can_be_assigned(database: Database) -> None:
    holder = add_partner(database, name="Holder")
    other = add_partner(database, name="Other")
    earlier = add_inquiry(database, company_name="Orbit Labs Ltd", website="https://orbit.dev")
    inquiry = add_inquiry(database, company_name="Orbit Labs", website="https://orbit.dev")
    add_record(
        database,
        earlier,
        holder,
        state=RecordState.IDENTIFIED,
        decided_at=None,
        credited_at=None,
        amount_awarded_usd=None,
    )
    with pytest.raises(svc.PartnerNotEligibleError, match="rejected as competing"):
        svc.assign(database, inquiry, other, "alice")
    with database.reading() as session:
        assert session.scalars(select(AssignmentRow)).all() == []
    svc.assign(database, inquiry, holder, "alice")
    with database.reading() as session:
        (row,) = session.scalars(select(AssignmentRow)).all()
        assert (row.inquiry_id, row.partner_id) == (inquiry, holder)
