"""Storing and finding write requests (migration 0010)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cloudroute_desk.db.write_request_tables import WriteRequestRow

RETENTION = timedelta(days=7)
"""Rows older than this are pruned. Longer than the change feed's: an outbox entry whose
acknowledgement was lost may be sent again after a long trip, and must still be known."""


def insert_once(
    session: Session,
    request_id: str,
    *,
    part_of: str | None,
    admin: str,
    action: str,
    at: datetime,
    changes: dict[str, Any],
    result: dict[str, Any],
) -> bool:
    """Record the request; False when that id is already recorded (nothing is written).

    ``ON CONFLICT DO NOTHING`` rather than catching the key violation: on PostgreSQL a
    violation aborts the whole transaction, and a second writer of the same id waits here
    for the first to commit or roll back, then learns which."""
    values = {
        "request_id": request_id,
        "part_of": part_of,
        "admin": admin,
        "action": action,
        "at": at,
        "changes": changes,
        "result": result,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(WriteRequestRow).values(values).on_conflict_do_nothing()
    outcome = session.execute(statement)
    return bool(getattr(outcome, "rowcount", 0))


def is_recorded(session: Session, request_id: str) -> bool:
    found = session.scalar(
        select(WriteRequestRow.request_id).where(WriteRequestRow.request_id == request_id)
    )
    return found is not None


def rows_of(session: Session, request_id: str) -> list[WriteRequestRow]:
    """The request's own row and those of its parts (a batch's items), oldest first."""
    return list(
        session.scalars(
            select(WriteRequestRow)
            .where(
                or_(WriteRequestRow.request_id == request_id, WriteRequestRow.part_of == request_id)
            )
            .order_by(WriteRequestRow.at, WriteRequestRow.request_id)
        )
    )


def wait_for_in_flight(session: Session, request_id: str) -> None:
    """PostgreSQL: wait until no other transaction is still writing ``request_id``.

    A write whose connection dropped right after COMMIT was sent may not have committed on
    the server yet when the app asks; a probe insert of the same key waits for that
    transaction's end; the probe itself is rolled back at once."""
    if session.get_bind().dialect.name != "postgresql":
        return  # a local file: a commit is done or not, never half-way on another machine
    probe = session.begin_nested()
    session.execute(
        text(
            "INSERT INTO write_requests (request_id, admin, action, at, changes, result)"
            " VALUES (:id, '', 'probe', timezone('UTC', now()), '{}', '{}')"
            " ON CONFLICT DO NOTHING"
        ),
        {"id": request_id},
    )
    probe.rollback()


def prune(session: Session, now: datetime) -> int:
    """Delete rows older than ``RETENTION``; returns how many went."""
    if session.get_bind().dialect.name == "postgresql":
        # Admins may not delete rows themselves; the owner's function keeps its own cut-off.
        return int(session.scalar(text("SELECT crd_prune_write_requests()")) or 0)
    result = session.execute(delete(WriteRequestRow).where(WriteRequestRow.at < now - RETENTION))
    return int(getattr(result, "rowcount", 0) or 0)
