"""Deliver results of DbExecutor futures on the GUI thread through a queued Qt signal."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Signal


class FutureRelay(QObject):
    """Calls ``on_done(result)`` on this object's (GUI) thread when a future finishes.

    The future's callback runs on the DB worker thread; emitting a signal of an object that
    lives on the GUI thread queues the call there. Exceptions are handed to ``on_error``.
    """

    _finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._finished.connect(self._on_self_finished)

    def watch(
        self,
        future: Future[Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        def finished(done: Future[Any]) -> None:
            # RuntimeError: the relay was deleted with its owner; nobody is waiting any more.
            with contextlib.suppress(RuntimeError):
                self._finished.emit((done, on_done, on_error))

        future.add_done_callback(finished)

    def _on_self_finished(self, payload: Any) -> None:
        done, on_done, on_error = payload
        error = done.exception()
        if error is None:
            on_done(done.result())
        elif on_error is not None:
            on_error(error)
        else:
            raise error
