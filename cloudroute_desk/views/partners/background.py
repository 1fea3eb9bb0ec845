"""Run a database job on the DB executor and get its result back on the GUI thread.

Works without an asyncio loop (tests, modal dialogs): the worker thread emits a signal on a
relay that lives in the GUI thread, so Qt queues the call back to it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from contextlib import suppress
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from cloudroute_desk.db.engine import Database
from cloudroute_desk.services.executor import DbExecutor

T = TypeVar("T")


class _Relay(QObject):
    finished = Signal(object)

    def __init__(
        self,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._on_done = on_done
        self._on_error = on_error
        self.finished.connect(self._on_finished)

    @Slot(object)
    def _on_finished(self, future: Future[Any]) -> None:
        try:
            error = future.exception()
            if error is not None:
                self._on_error(error)
            else:
                self._on_done(future.result())
        finally:
            self.deleteLater()


def run_job(
    executor: DbExecutor,
    job: Callable[[Database], T],
    owner: QObject,
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None],
) -> Future[T]:
    """Submit ``job``; call ``on_done(result)`` or ``on_error(exc)`` later on the GUI thread.

    The callbacks never run if ``owner`` was destroyed first (the relay is its child).
    """
    relay = _Relay(on_done, on_error, owner)
    future = executor.submit(job)

    def deliver(done: Future[T]) -> None:
        # RuntimeError: the owner (and its relay) was destroyed; nobody is waiting any more.
        with suppress(RuntimeError):
            relay.finished.emit(done)

    future.add_done_callback(deliver)
    return future
