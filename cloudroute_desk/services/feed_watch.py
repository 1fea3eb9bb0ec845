"""Watching the change feed from outside the DB worker, so the worker (and the GUI) only
hear of it when another app instance or writer committed something.

PostgreSQL: ``LISTEN`` on a connection of its own; each notification carries the writer's
origin, so this instance's own commits wake nobody. After a dropped connection the watcher
reconnects (with back-off) and wakes the app once, which is its catch-up; every
``CHECK_EVERY_S`` it pings the server, so a connection that died silently is noticed too.
SQLite: a connection of its own asks once a second, while the window is shown, whether the
feed grew with rows written by anyone else (an index range probe, microseconds).
Either way the wake-up carries nothing: the app reads the feed from its cursor, so a
notification lost while the connection was down costs nothing.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable

from cloudroute_desk.db import change_feed
from cloudroute_desk.db.engine import Database

log = logging.getLogger(__name__)

APPLICATION_NAME = "cloudroute-desk-listen"
RECONNECT_DELAYS_S = (0.2, 0.5, 1.0, 2.0, 5.0)
WAIT_S = 0.5
"""How long one wait lasts before the thread checks whether to stop."""
CHECK_EVERY_S = 15.0
SQLITE_POLL_S = 1.0

_SQLITE_PROBE = (
    "SELECT max(seq), max(CASE WHEN origin <> ? THEN seq END) FROM change_feed WHERE seq > ?"
)


def _connection_errors(backend: str) -> tuple[type[Exception], ...]:
    """What a lost watching connection raises. The PostgreSQL driver is imported only when a
    server is watched, so opening a SQLite file never pays for it at start-up."""
    if backend == "postgresql":
        import psycopg

        return (psycopg.Error,)
    return (sqlite3.Error,)


class FeedWatcher:
    """Calls ``on_wake`` (on its own thread) when others changed something."""

    def __init__(self, database: Database, on_wake: Callable[[], None]) -> None:
        self._url = database.url
        self._origin = database.origin
        self._backend = database.backend
        self._on_wake = on_wake
        self._stop = threading.Event()
        self._active = threading.Event()
        self._active.set()
        self._thread = threading.Thread(target=self._run, name="cloudroute-feed", daemon=True)
        self.connections = 0
        """How many times a watching connection was opened (tests watch reconnects)."""

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._active.set()
        self._thread.join(timeout=5)

    def set_active(self, active: bool) -> None:
        """SQLite polls only while the window is shown (PostgreSQL's LISTEN costs nothing)."""
        if active:
            self._active.set()
        else:
            self._active.clear()

    def _run(self) -> None:
        errors = _connection_errors(self._backend)
        failures = 0
        while not self._stop.is_set():
            try:
                if self._backend == "postgresql":
                    self._listen()
                else:
                    self._poll()
            except errors as error:
                delay = RECONNECT_DELAYS_S[min(failures, len(RECONNECT_DELAYS_S) - 1)]
                failures += 1
                log.info("change feed watcher: %s; again in %.1f s", error, delay)
                self._stop.wait(delay)
            else:
                failures = 0

    def _listen(self) -> None:
        import psycopg

        conninfo = self._url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(
            conninfo, autocommit=True, application_name=APPLICATION_NAME, connect_timeout=5
        ) as connection:
            connection.execute(f"LISTEN {change_feed.CHANNEL}")
            self.connections += 1
            self._on_wake()  # catch up on whatever happened while not listening
            checked = time.monotonic()
            while not self._stop.is_set():
                for note in connection.notifies(timeout=WAIT_S, stop_after=1):
                    if note.payload != self._origin:
                        self._on_wake()
                if time.monotonic() - checked > CHECK_EVERY_S:
                    connection.execute("SELECT 1")
                    checked = time.monotonic()

    def _poll(self) -> None:
        path = self._url.database or ""
        connection = sqlite3.connect(path, timeout=1.0)
        try:
            self.connections += 1
            (last,) = connection.execute("SELECT coalesce(max(seq), 0) FROM change_feed").fetchone()
            while not self._stop.wait(SQLITE_POLL_S):
                self._active.wait()
                probe = connection.execute(_SQLITE_PROBE, (self._origin, last))
                newest, foreign = probe.fetchone()
                if newest is not None:
                    last = int(newest)
                if foreign is not None:
                    self._on_wake()
        finally:
            connection.close()
