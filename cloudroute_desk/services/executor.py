"""The single database worker thread (Anki's taskman pattern).

All database work runs here, one unit of work at a time, so the GUI thread never waits on
SQLite's disk or PostgreSQL's network, and sessions never cross threads. A ``Job`` is a plain
function of the current ``Database`` that returns a plain value (pydantic models, tuples,
``Changes``). Opening a database runs here too, so nothing else touches a database off the
GUI thread. The GUI gets results back through ``models.db_jobs.DbJobs``.

Reads a pane shows (``submit_read``) may run beside it on PostgreSQL: there every query is a
network round trip, and one selection fills three panes, so their reads go out at once on
``READERS`` more connections instead of queueing behind each other. A read still sees every
job submitted before it: it starts only when the worker has finished those. Writes, openings
and everything on SQLite (a local file, one writer) stay on the one worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import TypeVar

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.services.server_time import ServerClock

T = TypeVar("T")
Job = Callable[[Database], T]
"""Work for the DB worker: gets the current database, returns a plain value."""


class NoDatabaseError(RuntimeError):
    """A job was submitted before any database was opened."""


class ExecutorClosedError(RuntimeError):
    """A job was submitted after ``shutdown`` (the application is closing)."""


READERS = 3
"""Reader threads (each with its own pooled connection) for PostgreSQL: one per pane that a
selection fills (the detail panel, the partner ranking, the record editor)."""


class DbExecutor:
    def __init__(self, database: Database | None = None) -> None:
        self._database = database
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cloudroute-db")
        self._readers: ThreadPoolExecutor | None = None
        self._serial_pending = 0
        self._pending = 0
        self._submitted = 0
        self._closed = False
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
    def submitted(self) -> int:
        """Jobs submitted since start (tests count the DB work an action causes)."""
        with self._lock:
            return self._submitted

    @property
    def database(self) -> Database:
        if self._database is None:
            raise NoDatabaseError("No database is open.")
        return self._database

    def switch_to(self, database: Database) -> None:
        """Use another database from the next job on; the old one is closed after its jobs.
        After ``shutdown`` (the window closing while a link went down) there is no next job."""
        with self._lock:
            if self._closed:
                return
        old = self._database
        self._database = database
        if old is not None and old is not database:
            self._pool.submit(old.dispose)
        self._measure_clock()

    def now(self) -> datetime:
        """The database server's current time; re-measures the offset when it is due."""
        if self.clock.due:
            self._measure_clock()
        return self.clock.now()

    def _measure_clock(self) -> None:
        database = self._database
        if database is None:
            return
        # Housekeeping on the worker, not a job: it is not counted in ``submitted``.
        self.clock.begin()
        future = self._pool.submit(self.clock.measure, database)
        # A failed measurement keeps the previous offset; the next due check tries again.
        future.add_done_callback(lambda done: done.exception())

    def submit(self, job: Job[T]) -> Future[T]:
        database = self.database
        return self._submit(lambda: job(database))

    def submit_read(self, job: Job[T]) -> Future[T]:
        """A read-only job: beside the worker on PostgreSQL, after every job submitted before
        it (so it sees their writes); on the worker itself on SQLite."""
        database = self.database
        if database.backend != "postgresql":
            return self.submit(job)
        with self._lock:
            closed = self._closed
            behind = self._serial_pending > 0
        if closed:
            raise ExecutorClosedError("The database worker has stopped.")
        # A marker on the worker, not the last job's future: a superseded read that never
        # ran counts as done at once, while the job before it may still be running.
        barrier: Future[None] | None = self._pool.submit(lambda: None) if behind else None

        def read() -> T:
            if barrier is not None:
                barrier.result()
            return job(database)

        return self._submit(read, self._reader_pool())

    def _reader_pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._readers is None:
                self._readers = ThreadPoolExecutor(
                    max_workers=READERS, thread_name_prefix="cloudroute-read"
                )
            return self._readers

    def submit_opening(self, target: str, *, check_integrity: bool = True) -> Future[Database]:
        """Open, check and migrate ``target`` on the worker (``open_database``); the current
        database stays in use until ``switch_to``. ``check_integrity=False``: the caller runs
        the integrity check later (start-up does, once the window is up)."""
        return self._submit(lambda: open_database(target, check_integrity=check_integrity))

    def _submit(self, work: Callable[[], T], lane: ThreadPoolExecutor | None = None) -> Future[T]:
        serial = lane is None
        with self._lock:
            if self._closed:
                raise ExecutorClosedError("The database worker has stopped.")
            self._pending += 1
            self._submitted += 1
            self._serial_pending += serial
        future = (lane or self._pool).submit(work)
        future.add_done_callback(lambda _done: self._on_job_done(serial))
        return future

    def _on_job_done(self, serial: bool) -> None:
        with self._lock:
            self._pending -= 1
            self._serial_pending -= serial

    def call(self, job: Job[T]) -> T:
        """Run a job and wait for it: for the CLI and tests, never from the GUI thread."""
        return self.submit(job).result()

    def shutdown(self) -> None:
        """Run what is queued, close the database, and refuse any later job."""
        with self._lock:
            self._closed = True
            readers = self._readers
        if readers is not None:
            readers.shutdown(wait=True)
        if self._database is not None:
            self._pool.submit(self._database.dispose)
        self._pool.shutdown(wait=True)
