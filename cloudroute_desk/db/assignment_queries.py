"""Assignment statements: each a single conditional write the database arbitrates.

The conditional UPDATEs report through their row count whether this caller won, and the
partial unique index ``uq_assignments_one_active`` refuses a second active assignment whatever
the application does. Capacity is the one place that locks: the partner's row, before
counting its open slots (``lock_partner_slots``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, func, insert, select, update
from sqlalchemy.orm import Session

from cloudroute_desk.db.tables import AssignmentRow, InquiryRow, PartnerRow
from cloudroute_desk.domain.catalog import END_DID_NOT_CONNECT, WAITING_STATUSES, InquiryStatus
from cloudroute_desk.domain.routing.assignment_check import partner_full
from cloudroute_desk.domain.routing.values import AssignmentEntry

_WAITING = sorted(status.value for status in WAITING_STATUSES)
OPEN_SLOT = (
    InquiryStatus.ASSIGNED.value,
    InquiryStatus.CONNECTED.value,
    InquiryStatus.FILED.value,
)
"""Statuses in which an inquiry holds one of its partner's capacity slots."""


def _rowcount(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def waiting_inquiries(session: Session) -> list[InquiryRow]:
    """Every inquiry waiting for a partner, oldest first (what the batch suggestion routes)."""
    return list(
        session.scalars(
            select(InquiryRow)
            .where(InquiryRow.partner_id.is_(None), InquiryRow.status.in_(_WAITING))
            .order_by(InquiryRow.arrived_at, InquiryRow.id)
        )
    )


def claim_inquiry(session: Session, inquiry_id: int, partner_id: int, now: datetime) -> bool:
    """Give the inquiry to ``partner_id`` if it is waiting with no partner; True if we won."""
    result = session.execute(
        update(InquiryRow)
        .where(
            InquiryRow.id == inquiry_id,
            InquiryRow.partner_id.is_(None),
            InquiryRow.status.in_(_WAITING),
        )
        .values(
            partner_id=partner_id,
            status=InquiryStatus.ASSIGNED.value,
            assigned_at=now,
            version=InquiryRow.version + 1,
        )
    )
    return _rowcount(result) == 1


def waiting_for_partner(session: Session, inquiry_id: int) -> bool:
    """A plain read of what ``claim_inquiry`` requires (not a lock: the claim decides)."""
    found = session.scalar(
        select(InquiryRow.id).where(
            InquiryRow.id == inquiry_id,
            InquiryRow.partner_id.is_(None),
            InquiryRow.status.in_(_WAITING),
        )
    )
    return found is not None


@dataclass(frozen=True, slots=True)
class PartnerSlots:
    partner_name: str
    capacity: int
    held: int
    """Inquiries holding one of the partner's open slots (assigned, connected, filed)."""

    @property
    def full(self) -> bool:
        return self.held >= self.capacity

    def describe(self) -> str:
        return partner_full(self.partner_name, self.held, self.capacity)


def lock_partner_slots(session: Session, partner_id: int) -> PartnerSlots | None:
    """Lock the partner's row (PostgreSQL; SQLite's writer lock already serialises) and count
    its open slots after the lock, so the count includes every earlier assigner's commit.

    ``FOR NO KEY UPDATE`` does not conflict with the key-share locks foreign-key checks take,
    so inserting the partner's records or assignments elsewhere is not held up.
    """
    return _slots(session, partner_id, lock=True)


def partner_slots(session: Session, partner_id: int) -> PartnerSlots | None:
    """The partner's open slots as committed now, without a lock (for a refusal's message)."""
    return _slots(session, partner_id, lock=False)


def _slots(session: Session, partner_id: int, *, lock: bool) -> PartnerSlots | None:
    query = select(PartnerRow.name, PartnerRow.capacity).where(PartnerRow.id == partner_id)
    row = session.execute(query.with_for_update(key_share=True) if lock else query).first()
    if row is None:
        return None
    # The capacity trigger's count (migration 0007), so the two never disagree.
    held = session.scalar(
        select(func.count())
        .select_from(InquiryRow)
        .where(InquiryRow.partner_id == partner_id, InquiryRow.status.in_(OPEN_SLOT))
    )
    return PartnerSlots(str(row[0]), int(row[1]), int(held or 0))


def release_inquiry(
    session: Session,
    inquiry_id: int,
    partner_id: int,
    from_statuses: tuple[str, ...],
    to_status: InquiryStatus,
) -> bool:
    result = session.execute(
        update(InquiryRow)
        .where(
            InquiryRow.id == inquiry_id,
            InquiryRow.partner_id == partner_id,
            InquiryRow.status.in_(from_statuses),
        )
        .values(
            partner_id=None,
            status=to_status.value,
            assigned_at=None,
            version=InquiryRow.version + 1,
        )
    )
    return _rowcount(result) == 1


def partner_name(session: Session, partner_id: int) -> str | None:
    return session.scalar(select(PartnerRow.name).where(PartnerRow.id == partner_id))


def inquiry_status(session: Session, inquiry_id: int) -> str | None:
    return session.scalar(select(InquiryRow.status).where(InquiryRow.id == inquiry_id))


def active_holder(session: Session, inquiry_id: int) -> tuple[int, str, str, datetime] | None:
    """(partner id, partner name, assigned by, assigned at) of the active assignment."""
    row = session.execute(
        select(
            AssignmentRow.partner_id,
            PartnerRow.name,
            AssignmentRow.assigned_by,
            AssignmentRow.assigned_at,
        )
        .join(PartnerRow, PartnerRow.id == AssignmentRow.partner_id)
        .where(AssignmentRow.inquiry_id == inquiry_id, AssignmentRow.active.is_(True))
    ).first()
    if row is None:
        return None
    return int(row[0]), str(row[1]), str(row[2]), row[3]


def insert_assignment(
    session: Session,
    inquiry_id: int,
    partner_id: int,
    admin: str,
    now: datetime,
    score: float | None,
    rank: int | None,
) -> int:
    return int(
        session.execute(
            insert(AssignmentRow)
            .values(
                inquiry_id=inquiry_id,
                partner_id=partner_id,
                active=True,
                assigned_at=now,
                assigned_by=admin,
                score=score,
                rank=rank,
            )
            .returning(AssignmentRow.id)
        ).scalar_one()
    )


def end_assignment(
    session: Session, inquiry_id: int, partner_id: int | None, reason: str, now: datetime
) -> tuple[int, float | None, int | None] | None:
    """End the inquiry's active assignment (to ``partner_id`` if given); returns its
    (id, score, rank) for the audit row, or None when there was none to end."""
    conditions = [AssignmentRow.inquiry_id == inquiry_id, AssignmentRow.active.is_(True)]
    if partner_id is not None:
        conditions.append(AssignmentRow.partner_id == partner_id)
    found = session.execute(
        select(AssignmentRow.id, AssignmentRow.score, AssignmentRow.rank).where(*conditions)
    ).first()
    if found is None:
        return None
    result = session.execute(
        update(AssignmentRow)
        .where(AssignmentRow.id == found[0], AssignmentRow.active.is_(True))
        .values(active=False, ended_at=now, end_reason=reason[:40])
    )
    if _rowcount(result) != 1:
        return None
    return int(found[0]), found[1], found[2]


def reactivate_assignment(session: Session, assignment_id: int) -> None:
    session.execute(
        update(AssignmentRow)
        .where(AssignmentRow.id == assignment_id)
        .values(active=True, ended_at=None, end_reason=None)
    )


def last_ended(session: Session, inquiry_id: int, partner_id: int, reason: str) -> int | None:
    return session.scalar(
        select(AssignmentRow.id)
        .where(
            AssignmentRow.inquiry_id == inquiry_id,
            AssignmentRow.partner_id == partner_id,
            AssignmentRow.active.is_(False),
            AssignmentRow.end_reason == reason,
        )
        .order_by(AssignmentRow.id.desc())
        .limit(1)
    )


def was_rerouted(session: Session, inquiry_id: int) -> bool:
    """True when a partner of this inquiry did not connect (undo returns it to re-route)."""
    return (
        session.scalar(
            select(AssignmentRow.id)
            .where(
                AssignmentRow.inquiry_id == inquiry_id,
                AssignmentRow.end_reason == END_DID_NOT_CONNECT,
            )
            .limit(1)
        )
        is not None
    )


def history(session: Session, inquiry_id: int) -> tuple[AssignmentEntry, ...]:
    rows = session.execute(
        select(AssignmentRow, PartnerRow.name)
        .join(PartnerRow, PartnerRow.id == AssignmentRow.partner_id)
        .where(AssignmentRow.inquiry_id == inquiry_id)
        .order_by(AssignmentRow.assigned_at, AssignmentRow.id)
    ).all()
    return tuple(
        AssignmentEntry(
            id=a.id,
            partner_id=a.partner_id,
            partner_name=name,
            active=a.active,
            assigned_at=a.assigned_at,
            assigned_by=a.assigned_by,
            ended_at=a.ended_at,
            end_reason=a.end_reason,
            score=a.score,
            rank=a.rank,
        )
        for a, name in rows
    )
