"""A Partner Central sync for the GUI: the network part on a thread of its own, the database
part on the one DB worker, progress and the result back on the GUI thread as signals.

The sync thread waits on the network (paced at about a request a second, backing off on
throttling) and hands each page to the DB executor as one job, waiting for it there, so the
GUI thread never waits on either and other panes' queries slot in between pages. Cancel sets
an event the sync checks at every wait; a page already handed to the database is finished, so
what is stored is always whole pages and the cursor matching them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from cloudroute_desk.db.engine import Database
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.partner_central_calls import Connection, Pace
from cloudroute_desk.services.partner_central_sync import PartnerCentralSync

T = TypeVar("T")


class DatabaseSwitchedError(RuntimeError):
    """Another database was opened while the sync ran: the rest must not go there."""


class PartnerCentralSyncRunner(QObject):
    progressed = Signal(object)
    """A ``SyncProgress``, after each page and while waiting."""
    finished = Signal(object)
    """The ``SyncResult`` of a run that ended (complete, cancelled or stopped)."""
    failed = Signal(object)
    """The exception of a run that could not go on (the database failed)."""

    def __init__(self, executor: DbExecutor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = executor
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(
        self,
        connection: Connection,
        *,
        admin: str,
        since: datetime | None = None,
        pace: Pace | None = None,
        page_size: int | None = None,
        client_factory: Callable[[Connection], Any] | None = None,
    ) -> None:
        if self.running:
            return
        self._cancel = threading.Event()
        database = self._executor.database
        executor = self._executor

        def run_db(job: Callable[[Database], T]) -> T:
            if executor.database is not database:
                raise DatabaseSwitchedError("another database was opened during the sync")
            return executor.submit(job).result()

        options: dict[str, Any] = {}
        if page_size is not None:
            options["page_size"] = page_size
        if client_factory is not None:
            options["client_factory"] = client_factory
        sync = PartnerCentralSync(
            connection,
            run_db,
            admin=admin,
            since=since,
            pace=pace,
            cancel=self._cancel,
            on_progress=self.progressed.emit,
            **options,
        )

        def work() -> None:
            try:
                result = sync.run()
            except Exception as error:
                self.failed.emit(error)
            else:
                self.finished.emit(result)

        self._thread = threading.Thread(target=work, name="partner-central-sync", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Join the sync thread (closing the window, tests); True when it has ended."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()
