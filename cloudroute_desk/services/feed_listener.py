"""PostgreSQL's LISTEN on a connection of its own, outside the DB worker, that wakes the app
when another writer commits a change.

The wake-up carries nothing: the app then reads the feed from its cursor, so a notification
lost while the connection was down costs nothing. After a dropped connection the listener
reconnects (with back-off) and wakes the app once, which is its catch-up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy.engine import URL

from cloudroute_desk.db import change_feed

log = logging.getLogger(__name__)

APPLICATION_NAME = "cloudroute-desk-listen"
RECONNECT_DELAYS_S = (0.2, 0.5, 1.0, 2.0, 5.0)
CHECK_STOP_S = 0.5
"""How long one wait for notifications lasts before the thread checks whether to stop."""


def conninfo(url: URL) -> str:
    """The libpq connection string for a SQLAlchemy PostgreSQL URL."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class FeedListener:
    def __init__(self, url: URL, on_wake: Callable[[], None], *, connect_timeout_s: int = 5):
        self._url = url
        self._on_wake = on_wake
        self._connect_timeout_s = connect_timeout_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cloudroute-listen", daemon=True)
        self.connections = 0
        """How many times a LISTEN connection was opened (tests watch reconnects)."""

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    conninfo(self._url),
                    autocommit=True,
                    application_name=APPLICATION_NAME,
                    connect_timeout=self._connect_timeout_s,
                ) as connection:
                    connection.execute(f"LISTEN {change_feed.CHANNEL}")
                    self.connections += 1
                    failures = 0
                    self._on_wake()  # catch up on whatever happened while not listening
                    while not self._stop.is_set():
                        notes = connection.notifies(timeout=CHECK_STOP_S, stop_after=1)
                        if any(True for _note in notes):
                            self._on_wake()
            except psycopg.Error as error:
                delay = RECONNECT_DELAYS_S[min(failures, len(RECONNECT_DELAYS_S) - 1)]
                failures += 1
                log.info("change feed listener: %s; reconnecting in %.1f s", error, delay)
                self._stop.wait(delay)
