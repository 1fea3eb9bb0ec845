"""Other admins' work, arriving by itself: follows the database's change feed and hands each
batch of the others' changes to the window as ``arrived(RemoteChanges)``.

The ``FeedWatcher`` thread (LISTEN on PostgreSQL, a one-second probe on SQLite while the
window is shown) wakes us when someone else committed, and after every reconnect, which is
the catch-up; showing the window again reads at once. Reads run on the DB executor, one at a
time: a wake-up during a read asks for exactly one more read after it, so a burst of commits
costs two reads, not one each. The app's own writes wake nothing.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QWidget

from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services.change_follow import FeedCursor, RemoteChanges
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.feed_watch import FeedWatcher


class LiveUpdates(QObject):
    arrived = Signal(object)
    """RemoteChanges: what the others changed since the last read (never empty)."""

    _woken = Signal()
    """Emitted from the listener thread; Qt queues it to this object's (GUI) thread."""

    def __init__(self, executor: DbExecutor, window: QWidget) -> None:
        super().__init__(window)
        self._executor = executor
        self._window = window
        self._jobs = DbJobs(executor, self)
        self._cursor: FeedCursor | None = None
        self._reading = False
        self._read_again = False
        self._watcher: FeedWatcher | None = None
        self._generation = 0
        self._woken.connect(self.read_now)
        window.installEventFilter(self)

    @property
    def following(self) -> bool:
        return self._cursor is not None

    def start(self) -> None:
        """Follow the current database from its newest change on (what is loaded now)."""
        self.stop()
        self._generation += 1
        generation = self._generation
        self._jobs.run(
            FeedCursor.at_head,
            on_done=lambda cursor: self._on_cursor_ready(generation, cursor),
            on_error=lambda _error: None,  # unreachable now: F5 or the next open tries again
        )

    def stop(self) -> None:
        self._generation += 1
        self._cursor = None
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

    def read_now(self) -> None:
        if self._cursor is None:
            return
        if self._reading:
            self._read_again = True
            return
        self._reading = True
        generation, cursor = self._generation, self._cursor
        self._jobs.run(
            cursor.read,
            on_done=lambda remote: self._on_read(generation, remote),
            on_error=lambda _error: self._on_read(generation, None),
        )

    def _on_cursor_ready(self, generation: int, cursor: FeedCursor) -> None:
        if generation != self._generation:
            return
        self._cursor = cursor
        self._watcher = FeedWatcher(self._executor.database, self._wake_from_thread)
        self._watcher.set_active(self._window.isVisible())
        self._watcher.start()

    def _wake_from_thread(self) -> None:
        # RuntimeError: this object was deleted while the watcher was still stopping.
        with contextlib.suppress(RuntimeError):
            self._woken.emit()

    def _on_read(self, generation: int, remote: RemoteChanges | None) -> None:
        self._reading = False
        if generation != self._generation:
            return
        if remote is not None and (remote.changes.any or remote.entries):
            self.arrived.emit(remote)
        if self._read_again:
            self._read_again = False
            self.read_now()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and self._watcher is not None:
            if event.type() == QEvent.Type.Show:
                self._watcher.set_active(True)
                self.read_now()  # back from hidden: catch up at once
            elif event.type() == QEvent.Type.Hide:
                self._watcher.set_active(False)
        return False
