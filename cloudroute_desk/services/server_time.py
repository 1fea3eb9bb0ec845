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
        self._measuring = False
        self._lock = threading.Lock()

    @property
    def offset(self) -> timedelta:
        """Server time minus local time (positive: the laptop is behind)."""
        return self._offset

    @property
    def due(self) -> bool:
        """True when no measurement is under way and there was none in the last ``REFRESH``."""
        with self._lock:
            if self._measuring:
                return False
            measured = self._measured_at
        return measured is None or time.monotonic() - measured > REFRESH.total_seconds()

    @property
    def measured(self) -> bool:
        """True once a measurement has finished (well or not)."""
        with self._lock:
            return self._measured_at is not None and not self._measuring

    def begin(self) -> None:
        """A measurement is on its way (so ``due`` does not ask for a second one)."""
        with self._lock:
            self._measuring = True

    def now(self) -> datetime:
        """The server's current time (naive UTC), without a round trip."""
        return utcnow() + self._offset

    def measure(self, database: Database) -> timedelta:
        """Read the server's clock once and keep the offset (half the round trip counted)."""
        try:
            with database.reading() as session:
                before = utcnow()
                server = server_now(session)
                after = utcnow()
            self._offset = server - (before + (after - before) / 2)
            return self._offset
        finally:
            with self._lock:
                self._measuring = False
                self._measured_at = time.monotonic()
