"""The database server's clock: the one clock every stored time comes from.

Laptops drift, sleep and travel across time zones; the server is the one clock all admins
share. PostgreSQL's ``now()`` is the transaction's start, so every row one transaction writes
carries the same time. SQLite has no server: its ``'now'`` is the clock of the machine that
writes, which is still the database engine's clock, never a value the app computed.
Times are naive UTC like every stored time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

_QUERIES = {
    "postgresql": "SELECT now() AT TIME ZONE 'UTC'",
    "sqlite": "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')",
}


def server_now(session: Session) -> datetime:
    """The server's current time (naive UTC), read inside ``session``'s transaction."""
    value = session.execute(text(_QUERIES[session.get_bind().dialect.name])).scalar_one()
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=None)
