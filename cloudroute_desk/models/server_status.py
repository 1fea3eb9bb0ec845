"""Whether the database server answers, as a Qt signal on the GUI thread.

The ``ServerLink`` reports from whichever thread noticed (the DB worker, its reconnect
probe); this object carries the news to the GUI thread with a queued signal. It follows the
database the DB executor uses: ``follow`` again after switching databases. A SQLite file has
no link and always "answers".
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal

from cloudroute_desk.db.engine import Database


class ServerStatus(QObject):
    changed = Signal(bool)
    """True when the server answers again, False when it stopped answering."""
    _heard = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._answering = True
        self._where = ""
        self._unsubscribe: Callable[[], None] | None = None
        self._heard.connect(self._on_heard, Qt.ConnectionType.QueuedConnection)

    @property
    def answering(self) -> bool:
        return self._answering

    @property
    def where(self) -> str:
        return self._where

    def follow(self, database: Database) -> None:
        self._stop_following()
        self._where = database.where
        link = database.link
        if link is not None:
            self._unsubscribe = link.subscribe(self._relay)
        self._on_heard(link.answering if link is not None else True)

    def _relay(self, answering: bool) -> None:
        # Runs on the thread that noticed; RuntimeError: this object is gone with its window.
        with contextlib.suppress(RuntimeError):
            self._heard.emit(answering)

    def _stop_following(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _on_heard(self, answering: bool) -> None:
        if answering == self._answering:
            return
        self._answering = answering
        self.changed.emit(answering)
