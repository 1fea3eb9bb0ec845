"""Run a database job on the DB executor and get its result back on the GUI thread.

Works without an asyncio loop (tests, modal dialogs): the worker thread emits a signal on a
runner that lives in the GUI thread, so Qt queues the call back to it. One runner per widget,
kept for the widget's life: creating and deleting a relay object per job corrupted memory
under PySide 6.11 when the deletion raced the queued signal.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import suppress
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from cloudroute_desk.db.engine import Database
from cloudroute_desk.services.executor import DbExecutor

T = TypeVar("T")
_ids = itertools.count(1)


class JobRunner(QObject):
    _finished = Signal(int, object)

    def __init__(self, executor: DbExecutor, parent: QObject) -> None:
        super().__init__(parent)
        self.executor = executor
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None]]]
        self._callbacks = {}
        self._finished.connect(self._on_finished)

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def run(
        self,
        job: Callable[[Database], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
    ) -> Future[T]:
        """Submit ``job``; call ``on_done(result)`` or ``on_error(exc)`` later on this thread."""
        job_id = next(_ids)
        self._callbacks[job_id] = (on_done, on_error)
        future = self.executor.submit(job)
        signal = self._finished

        def deliver(done: Future[T]) -> None:
            # RuntimeError: the runner's owner was destroyed; nobody is waiting any more.
            with suppress(RuntimeError):
                signal.emit(job_id, done)

        future.add_done_callback(deliver)
        return future

    @Slot(int, object)
    def _on_finished(self, job_id: int, future: Future[Any]) -> None:
        callbacks = self._callbacks.pop(job_id, None)
        if callbacks is None:
            return
        on_done, on_error = callbacks
        error = future.exception()
        if error is not None:
            on_error(error)
        else:
            on_done(future.result())
