"""One notion of "now" for the whole app.

Times are stored as naive UTC everywhere (SQLite has no time zones, and PostgreSQL columns are
``timestamp without time zone``), so every layer asks this function rather than the OS clock.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
