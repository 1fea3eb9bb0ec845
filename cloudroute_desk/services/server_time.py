"""The server's time as this laptop sees it: the local clock plus an offset measured against
the database server, so the SLA countdown agrees with the times the server stored.

Measured when a database is opened and again once the last measurement is older than
``REFRESH``; between measurements ``now()`` costs no round trip. A failed measurement keeps
the previous offset (a laptop's clock drifts by seconds a day, not hours).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.domain.clock import utcnow

REFRESH = timedelta(minutes=10)


class ServerClock:
    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._measured_at: float | None = None
        self._lock = threading.Lock()

    @property
    def offset(self) -> timedelta:
        """Server time minus local time (positive: the laptop is behind)."""
        return self._offset

    @property
    def due(self) -> bool:
        """True when never measured, or the last measurement is older than ``REFRESH``."""
        with self._lock:
            measured = self._measured_at
        return measured is None or time.monotonic() - measured > REFRESH.total_seconds()

    def now(self) -> datetime:
        """The server's current time (naive UTC), without a round trip."""
        return utcnow() + self._offset

    def measure(self, database: Database) -> timedelta:
        """Read the server's clock once and keep the offset (half the round trip counted)."""
        with self._lock:
            self._measured_at = time.monotonic()
        with database.reading() as session:
            before = utcnow()
            server = server_now(session)
            after = utcnow()
        self._offset = server - (before + (after - before) / 2)
        return self._offset
