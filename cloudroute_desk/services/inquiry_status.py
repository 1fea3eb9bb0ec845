"""Moving an inquiry along its lifecycle outside assignment: "discovery call held", "declined",
and the moves ACE records cause (submitted → records filed, credits landed → credited).

Each move is one conditional UPDATE on the status the admin saw plus its audit row, in one
short transaction; an inquiry someone changed meanwhile is refused with its current status.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cloudroute_desk.db import assignment_queries as aq
from cloudroute_desk.db import audit
from cloudroute_desk.db import inquiry_status_queries as sq
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.domain.catalog import (
    END_DECLINED,
    INQUIRY_STATUS_LABELS,
    INQUIRY_TRANSITIONS,
    InquiryStatus,
    RecordState,
)
from cloudroute_desk.services import write_requests
from cloudroute_desk.services.changes import ChangeKind, Changes, Rows


def status_moved(inquiry_id: int, admin: str | None = None) -> Changes:
    """The inquiry's status changed (and nothing else about it)."""
    return Changes.of(ChangeKind.INQUIRY_STATUS, inquiries=Rows.of(inquiry_id), admin=admin)


DECLINABLE: frozenset[InquiryStatus] = frozenset(
    old for old, new in INQUIRY_TRANSITIONS if new is InquiryStatus.DECLINED
)

_Step = tuple[InquiryStatus, InquiryStatus, str]
_CALL_HELD: _Step = (InquiryStatus.ASSIGNED, InquiryStatus.CONNECTED, "discovery_call_held")
_FILED: _Step = (InquiryStatus.CONNECTED, InquiryStatus.FILED, "records_filed")
_CREDITED: _Step = (InquiryStatus.FILED, InquiryStatus.CREDITED, "credited")


class InquiryStatusError(Exception):
    """A refused status change; ``str(error)`` is a sentence for the admin."""


def can_mark_connected(status: InquiryStatus) -> bool:
    return status is InquiryStatus.ASSIGNED


def can_decline(status: InquiryStatus) -> bool:
    return status in DECLINABLE


def _label(status: InquiryStatus | str) -> str:
    try:
        return INQUIRY_STATUS_LABELS[InquiryStatus(status)].lower()
    except ValueError:
        return str(status)


def _changed(session: Session, inquiry_id: int) -> InquiryStatusError:
    status = aq.inquiry_status(session, inquiry_id)
    if status is None:
        return InquiryStatusError(f"no inquiry with id {inquiry_id}")
    return InquiryStatusError(f'the inquiry changed meanwhile: it is now "{_label(status)}"')


def mark_discovery_call_held(
    database: Database,
    inquiry_id: int,
    admin: str,
    *,
    reason: str = "",
    request_id: str | None = None,
) -> Changes:
    """The founder and the partner met: assigned → connected."""
    old, new, kind = _CALL_HELD
    changes = status_moved(inquiry_id, admin)
    with write_requests.recorded(database, request_id, "call_held", admin) as write:
        session = write.session
        now = server_now(session)
        holder = aq.active_holder(session, inquiry_id)
        if not sq.move_status(session, inquiry_id, old, new):
            raise _changed(session, inquiry_id)
        detail: dict[str, Any] = {"reason": reason.strip(), "previous_status": old.value}
        if holder is not None:
            detail["partner_name"] = holder[1]
        audit.add_audit_event(
            session,
            kind=kind,
            actor=admin,
            at=now,
            inquiry_id=inquiry_id,
            partner_id=holder[0] if holder else None,
            detail=detail,
        )
        write.done(changes)
    return changes


def decline(
    database: Database,
    inquiry_id: int,
    admin: str,
    *,
    expected: InquiryStatus,
    reason: str = "",
    request_id: str | None = None,
) -> Changes:
    """Decline the inquiry the admin saw in ``expected``; its active assignment (if any) ends
    and the partner is released."""
    if not can_decline(expected):
        raise InquiryStatusError(f'a "{_label(expected)}" inquiry cannot be declined')
    reason = reason.strip()
    with write_requests.recorded(database, request_id, "decline", admin) as write:
        session = write.session
        now = server_now(session)
        holder = aq.active_holder(session, inquiry_id)
        if not sq.move_status(
            session, inquiry_id, expected, InquiryStatus.DECLINED, release_partner=True
        ):
            raise _changed(session, inquiry_id)
        detail: dict[str, Any] = {"reason": reason, "previous_status": expected.value}
        partner_id = None
        if holder is not None:
            partner_id = holder[0]
            ended = aq.end_assignment(session, inquiry_id, partner_id, END_DECLINED, now)
            detail["partner_name"] = holder[1]
            if ended is not None:
                detail.update(assignment_id=ended[0], score=ended[1], rank=ended[2])
        audit.add_audit_event(
            session,
            kind="declined",
            actor=admin,
            at=now,
            inquiry_id=inquiry_id,
            partner_id=partner_id,
            detail=detail,
        )
        changes = _declined(inquiry_id, partner_id, admin)
        write.done(changes)
    return changes


def _declined(inquiry_id: int, partner_id: int | None, admin: str) -> Changes:
    if partner_id is None:
        return status_moved(inquiry_id, admin)
    # The declined inquiry ends its partner's engagement: the partner has room again.
    return Changes.of(
        ChangeKind.INQUIRY_STATUS,
        ChangeKind.ASSIGNMENTS,
        inquiries=Rows.of(inquiry_id),
        partners=Rows.of(partner_id),
        admin=admin,
    )


def follow_record(
    session: Session,
    inquiry_id: int,
    partner_id: int,
    record_id: int,
    new_state: RecordState,
    admin: str,
    now: datetime,
) -> tuple[InquiryStatus, ...]:
    """Move the inquiry as its ACE record moved, inside the record's transaction.

    A submitted record means records are filed (and, from assigned, that the discovery call
    evidently happened); an approval or downgrade means credits landed. Returns the statuses
    the inquiry passed through; an inquiry in any other status is left alone.
    """
    status = aq.inquiry_status(session, inquiry_id)
    steps: tuple[_Step, ...] = ()
    if new_state is RecordState.SUBMITTED:
        if status == InquiryStatus.ASSIGNED.value:
            steps = (_CALL_HELD, _FILED)
        elif status == InquiryStatus.CONNECTED.value:
            steps = (_FILED,)
    elif (
        new_state in (RecordState.APPROVED, RecordState.DOWNGRADED)
        and status == InquiryStatus.FILED.value
    ):
        steps = (_CREDITED,)
    moved: list[InquiryStatus] = []
    for old, new, kind in steps:
        if not sq.move_status(session, inquiry_id, old, new):
            break
        detail = {
            "record_id": record_id,
            "reason": f"ACE record {record_id} {new_state.value}",
            "previous_status": old.value,
        }
        audit.add_audit_event(
            session,
            kind=kind,
            actor=admin,
            at=now,
            inquiry_id=inquiry_id,
            partner_id=partner_id,
            detail=detail,
        )
        moved.append(new)
    return tuple(moved)
