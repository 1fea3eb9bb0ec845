"""The single database worker thread (Anki's taskman pattern).

All database work runs here, one unit of work at a time, so the GUI thread never waits on
SQLite's disk or PostgreSQL's network, and sessions never cross threads. Jobs are plain
functions of a ``Database`` that return plain values (pydantic models, tuples, ``Changes``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from cloudroute_desk.db.engine import Database
from cloudroute_desk.services.server_time import ServerClock

T = TypeVar("T")


class DbExecutor:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cloudroute-db")
        self._pending = 0
        self._lock = threading.Lock()
        self.clock = ServerClock()
        """The server's time for what the views compute (the SLA countdown)."""
        self._measure_clock()

    @property
    def idle(self) -> bool:
        """True when no job is queued or running (used to know a screenshot is complete)."""
        with self._lock:
            return self._pending == 0

    @property
    def database(self) -> Database:
        return self._database

    def switch_to(self, database: Database) -> None:
        """Use another database from the next job on; the old one is closed after its jobs."""
        old = self._database
        self._database = database
        self._pool.submit(old.dispose)
        self._measure_clock()

    def now(self) -> datetime:
        """The database server's current time; re-measures the offset when it is due."""
        if self.clock.due:
            self._measure_clock()
        return self.clock.now()

    def _measure_clock(self) -> None:
        future = self.submit(self.clock.measure)
        # A failed measurement keeps the previous offset; the next due check tries again.
        future.add_done_callback(lambda done: done.exception())

    def submit(self, job: Callable[[Database], T]) -> Future[T]:
        database = self._database
        with self._lock:
            self._pending += 1
        future = self._pool.submit(job, database)
        future.add_done_callback(self._on_job_done)
        return future

    def _on_job_done(self, _future: Future[Any]) -> None:
        with self._lock:
            self._pending -= 1

    async def run(self, job: Callable[[Database], T]) -> T:
        """Await ``job(database)`` on the worker thread without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(job))

    def call(self, job: Callable[[Database], T]) -> T:
        """Run a job and wait for it: for the CLI and tests, never from the GUI thread."""
        return self.submit(job).result()

    def shutdown(self) -> None:
        self._pool.submit(self._database.dispose)
        self._pool.shutdown(wait=True)
