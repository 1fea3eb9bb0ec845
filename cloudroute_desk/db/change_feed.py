"""Reading the change feed, and signing write transactions so its rows say who wrote.

The rows are written by triggers (migration 0008); the app only signs, reads and prunes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from cloudroute_desk.db.change_tables import ChangeFeedRow

CHANNEL = "cloudroute_changes"
"""PostgreSQL's NOTIFY channel the feed triggers signal on."""

RETENTION = timedelta(days=3)
"""Feed rows older than this are pruned; an app away longer reloads everything instead."""


_SQLITE_SIGN = "INSERT OR REPLACE INTO change_actor (id, admin, origin) VALUES (1, :admin, :origin)"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    seq: int
    entity: str
    entity_id: int
    kind: str
    kinds: tuple[str, ...]
    inquiry_id: int | None
    partner_ids: tuple[int, ...]
    admin: str
    origin: str
    at: datetime


def sign(session: Session, admin: str, origin: str) -> None:
    """Name the admin and app instance the feed triggers record for this transaction."""
    values = {"admin": admin, "origin": origin}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(
                "SELECT set_config('cloudroute.admin', :admin, true), "
                "set_config('cloudroute.origin', :origin, true)"
            ),
            values,
        )
    else:
        session.execute(
            text(_SQLITE_SIGN),
            values,
        )


def unsign(session: Session) -> None:
    """SQLite: empty ``change_actor`` before commit, so writers that do not sign are not
    recorded as us. PostgreSQL's settings end with the transaction by themselves."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM change_actor"))


PAGE = 5000
"""Most rows one read returns."""


def entries_after(session: Session, floor: int, limit: int = PAGE) -> list[FeedEntry]:
    rows = session.execute(
        select(ChangeFeedRow)
        .where(ChangeFeedRow.seq > floor)
        .order_by(ChangeFeedRow.seq)
        .limit(limit)
    ).scalars()
    return [
        FeedEntry(
            r.seq,
            r.entity,
            r.entity_id,
            r.kind,
            tuple(k for k in r.kinds.split(",") if k),
            r.inquiry_id,
            tuple(p for p in (r.partner_id, r.old_partner_id) if p is not None),
            r.admin,
            r.origin,
            r.at,
        )
        for r in rows
    ]


def newest_seq(session: Session) -> int:
    """The feed's newest sequence number (0 when empty): one index probe, cheap to poll."""
    return int(session.scalar(select(func.max(ChangeFeedRow.seq))) or 0)


def prune(session: Session, now: datetime) -> int:
    """Delete rows older than ``RETENTION``; returns how many went."""
    result = session.execute(delete(ChangeFeedRow).where(ChangeFeedRow.at < now - RETENTION))
    return int(getattr(result, "rowcount", 0) or 0)


def forget_all(session: Session) -> None:
    """Empty the feed (a freshly generated demo database: nothing in it is news)."""
    session.execute(delete(ChangeFeedRow))
