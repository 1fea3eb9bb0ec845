"""Run a database job on the DB executor and get its result back on the GUI thread.

Works without an asyncio loop (tests, modal dialogs). One runner per widget, kept for the
widget's life: creating and deleting a relay object per job corrupted memory under PySide
6.11 when the deletion raced the queued signal.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from PySide6.QtCore import QObject

from cloudroute_desk.db.engine import Database
from cloudroute_desk.models.future_relay import FutureRelay
from cloudroute_desk.services.executor import DbExecutor

T = TypeVar("T")


class JobRunner(FutureRelay):
    """A FutureRelay bound to the DB executor, counting the jobs still to report back."""

    def __init__(self, executor: DbExecutor, parent: QObject) -> None:
        super().__init__(parent)
        self.executor = executor
        self._pending = 0

    @property
    def pending(self) -> int:
        return self._pending

    def run(
        self,
        job: Callable[[Database], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
    ) -> Future[T]:
        """Submit ``job``; call ``on_done(result)`` or ``on_error(exc)`` later on this thread."""
        self._pending += 1

        def done(result: Any) -> None:
            self._pending -= 1
            on_done(result)

        def failed(error: BaseException) -> None:
            self._pending -= 1
            on_error(error)

        future = self.executor.submit(job)
        self.watch(future, done, failed)
        return future
