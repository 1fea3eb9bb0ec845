"""The one way to run database work from the GUI and get its result back on the GUI thread.

    jobs = DbJobs(executor, parent=self)          # one per owner, for the owner's life
    jobs.run(lambda db: service.read(db, x), on_done=self._show, key="detail")

``run`` submits a ``Job`` to the single DB worker (``services.executor``) and later calls
``on_done(result)`` on the GUI thread, or ``on_error(exception)``. A ``key`` says "only the
latest of these matters": a newer job with the same key supersedes the older one, whose
result is dropped (and which does not run at all if it had not started). ``cancel`` drops
results the owner no longer wants the same way; ``forget`` drops them but lets the jobs run.
Write jobs take no key: a write always runs. ``read`` is ``run`` for a read a pane shows: on
PostgreSQL it may run beside the worker (``DbExecutor.submit_read``), after everything
submitted before it.

Without ``on_error`` an exception is raised on the GUI thread, where the application's one
exception handler shows it to the user as one sentence (``services.failures``) and logs it.
Pass ``on_error`` only for failures the owner expects and explains itself.

The relay is one long-lived QObject per owner, a child of it: creating and deleting a relay
per job corrupted memory under PySide 6.11 when the deletion raced the queued signal. When
the owner is deleted, its relay goes with it and late results are dropped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

from cloudroute_desk.db.engine import Database
from cloudroute_desk.services.executor import DbExecutor, ExecutorClosedError, Job

T = TypeVar("T")


@dataclass(eq=False)
class _Ticket(Generic[T]):
    future: Future[T]
    key: Hashable | None
    on_done: Callable[[T], None]
    on_error: Callable[[BaseException], None] | None
    dropped: bool = False

    def deliver(self) -> None:
        if self.dropped or self.future.cancelled():
            return
        error = self.future.exception()
        if error is None:
            self.on_done(self.future.result())
        elif self.on_error is not None:
            self.on_error(error)
        else:
            raise error


def _never() -> Future[Any]:
    future: Future[Any] = Future()
    future.cancel()
    return future


class DbJobs(QObject):
    """One owner's database jobs: run on the DB worker, answered on the GUI thread."""

    _finished = Signal(object)

    def __init__(self, executor: DbExecutor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = executor
        self._live: set[_Ticket[Any]] = set()
        self._latest: dict[Hashable, _Ticket[Any]] = {}
        # Queued even from the GUI thread, so a callback never runs inside ``run``.
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    @property
    def executor(self) -> DbExecutor:
        return self._executor

    @property
    def pending(self) -> int:
        """Jobs whose result has not been delivered (or dropped) yet."""
        return len(self._live)

    def run(
        self,
        job: Job[T],
        *,
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
        key: Hashable | None = None,
    ) -> Future[T]:
        """Run ``job(database)`` on the DB worker; ``on_done(result)`` here later."""
        return self._start(self._executor.submit, job, on_done, on_error, key)

    def read(
        self,
        job: Job[T],
        *,
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
        key: Hashable | None = None,
    ) -> Future[T]:
        """``run`` for a job that only reads: the panes' loads, beside each other."""
        return self._start(self._executor.submit_read, job, on_done, on_error, key)

    def _start(
        self,
        submit: Callable[[Job[T]], Future[T]],
        job: Job[T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None,
        key: Hashable | None,
    ) -> Future[T]:
        try:
            future = submit(job)
        except ExecutorClosedError:
            return _never()  # the application is closing: a late result starts nothing
        return self._watch(future, on_done, on_error, key)

    def open(
        self,
        target: str,
        *,
        on_done: Callable[[Database], None],
        on_error: Callable[[BaseException], None] | None = None,
        key: Hashable | None = None,
        check_integrity: bool = True,
    ) -> Future[Database]:
        """Open (check, migrate) the database at ``target`` on the DB worker; switching to
        it is the caller's decision (``DbExecutor.switch_to``)."""
        try:
            future = self._executor.submit_opening(target, check_integrity=check_integrity)
        except ExecutorClosedError:
            return _never()
        return self._watch(future, on_done, on_error, key)

    def cancel(self, key: Hashable | None = None) -> None:
        """Drop the results of pending jobs with ``key`` (every pending job when None); those
        the worker has not started do not run at all. For reads."""
        for ticket in list(self._live):
            if key is None or ticket.key == key:
                self._drop(ticket)

    def forget(self) -> None:
        """Drop the results of every pending job but let each run: for writes whose outcome
        nobody waits for any more (the owner moved on)."""
        for ticket in self._live:
            ticket.dropped = True

    def _watch(
        self,
        future: Future[T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None,
        key: Hashable | None,
    ) -> Future[T]:
        ticket = _Ticket(future, key, on_done, on_error)
        if key is not None:
            older = self._latest.get(key)
            if older is not None:
                self._drop(older)
            self._latest[key] = ticket
        self._live.add(ticket)
        future.add_done_callback(lambda _done: self._emit(ticket))
        return future

    def _emit(self, ticket: _Ticket[Any]) -> None:
        # Runs on the DB worker thread: the queued signal carries the ticket to ours.
        # RuntimeError: the owner and this relay were deleted; nobody is waiting any more.
        with contextlib.suppress(RuntimeError):
            self._finished.emit(ticket)

    def _drop(self, ticket: _Ticket[Any]) -> None:
        ticket.dropped = True
        ticket.future.cancel()  # succeeds only if the worker has not started it

    def _on_finished(self, ticket: _Ticket[Any]) -> None:
        self._live.discard(ticket)
        if ticket.key is not None and self._latest.get(ticket.key) is ticket:
            del self._latest[ticket.key]
        ticket.deliver()
