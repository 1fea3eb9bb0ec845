"""Working offline, for the window: keep the server's copy current, switch to it when the
server stops answering, and back, with the outbox synced, when it answers again.

Online (a PostgreSQL server in the DB executor): the copy (``services.offline_copy``) is
opened on the DB worker and refreshed as a job every ``REFRESH_MS`` and after each batch of
changes, so refreshing never runs on the GUI thread. Losing the server (``lose_server``) or
starting without it (``start_offline``) switches the executor to the copy and starts a
``ServerProbe``; the probe's database comes back here on the GUI thread, the window switches
to it, and the outbox sync runs as one DB job (``services.offline_sync``). Records both
sides changed come back as decisions for the window's Mine / Theirs dialog.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from cloudroute_desk.db import offline_copy
from cloudroute_desk.db.draft_store import DraftStore
from cloudroute_desk.db.engine import Database, shown_url
from cloudroute_desk.db.opening import DatabaseOpenError, parse_target
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services import offline_copy as copies
from cloudroute_desk.services import offline_sync
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.offline_copy import CopyStatus, RefreshReport
from cloudroute_desk.services.offline_sync import NeedsDecision, SyncReport
from cloudroute_desk.services.server_probe import ServerProbe

log = logging.getLogger(__name__)

REFRESH_MS = 5_000
TAKING_MS = 50
"""Between the batches of the first copy: the panes' jobs get the worker in between."""
STATUS_MS = 2_000


def banner_text(status: CopyStatus | None) -> str:
    """ "Offline — working from a copy taken 14:02 UTC; 3 edits waiting to sync"."""
    taken = f"{status.taken_at:%H:%M} UTC" if status and status.taken_at else "earlier"
    pending = status.pending_edits if status else 0
    waiting = f"{pending} edit{'' if pending == 1 else 's'} waiting to sync"
    return f"Offline — working from a copy taken {taken}; {waiting}"


class OfflineMode(QObject):
    went_offline = Signal(object)
    """The copy's ``Database``: the window switches to it."""
    came_online = Signal(object)
    """The server's ``Database`` (answering again): the window switches to it."""
    status_changed = Signal(str)
    """The banner's sentence while offline, "" online."""
    synced = Signal(object)
    """A ``SyncReport`` after the outbox went to the server."""
    marks_changed = Signal(object, object)
    """The records and the inquiries marked "Keep offline" (two frozensets of ids)."""
    _probed = Signal(object)

    def __init__(
        self,
        executor: DbExecutor,
        data_dir: Path,
        store: DraftStore,
        admin: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._executor = executor
        self._data_dir = data_dir
        self._store = store
        self._admin = admin
        self._jobs = DbJobs(executor, self)
        self._target = ""
        self._identity = ""
        self._copy: Database | None = None
        self._offline = False
        self._probe: ServerProbe | None = None
        self.status: CopyStatus | None = None
        self.kept_inquiries: set[int] = set()
        self.kept_records: set[int] = set()
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.timeout.connect(self._on_refresh_timeout)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_MS)
        self._status_timer.timeout.connect(self.read_status)
        self._probed.connect(self._on_probed, Qt.ConnectionType.QueuedConnection)

    @property
    def offline(self) -> bool:
        return self._offline

    @property
    def has_copy(self) -> bool:
        return bool(self._identity) and (
            offline_copy.existing_copy(self._data_dir, self._identity) is not None
        )

    @property
    def copy(self) -> Database | None:
        return self._copy

    @property
    def server_where(self) -> str:
        """The server as the admin typed it (no password), for the status bar."""
        try:
            return shown_url(parse_target(self._target))
        except DatabaseOpenError:
            return self._target

    # ---- online: keep the copy ------------------------------------------------------------

    def follow(self, target: str, database: Database) -> None:
        """The window opened ``database`` from ``target``: keep a copy of it if it is a
        server (a local SQLite file needs none)."""
        self.stop()
        self._offline = False
        self.status_changed.emit("")
        if database.link is None:
            self._target = self._identity = ""
            return
        self._target = target
        self._identity = copies.identity_of(database)
        data_dir, identity = self._data_dir, self._identity
        self._jobs.run(
            lambda _db: copies.open_copy(data_dir, identity),
            on_done=self._on_copy_opened,
            on_error=self._on_copy_failed,
        )

    def _on_copy_opened(self, copy: Database) -> None:
        self._copy = copy
        self._on_refresh_timeout()  # at once: a short session still leaves a copy behind
        self._jobs.run(
            lambda _db: copies.kept_marks(copy),
            on_done=self._on_marks_read,
            on_error=lambda _error: None,
        )

    def _on_marks_read(self, marks: tuple[frozenset[int], frozenset[int]]) -> None:
        self.kept_records, self.kept_inquiries = set(marks[0]), set(marks[1])
        self._emit_marks()

    def _emit_marks(self) -> None:
        self.marks_changed.emit(frozenset(self.kept_records), frozenset(self.kept_inquiries))

    def _on_copy_failed(self, error: BaseException) -> None:
        log.warning("No offline copy: %s", error)

    def _schedule(self, delay_ms: int) -> None:
        if not self._offline and self._copy is not None:
            self._refresh.start(delay_ms)

    def refresh_soon(self) -> None:
        """Others' changes arrived: copy them within a moment (batched by the timer)."""
        if not self._refresh.isActive() or self._refresh.remainingTime() > 500:
            self._schedule(500)

    def _on_refresh_timeout(self) -> None:
        copy = self._copy
        if copy is None or self._offline:
            return
        self._jobs.run(
            lambda db: copies.refresh(db, copy),
            on_done=self._on_refreshed,
            on_error=self._on_refresh_failed,
            key="offline-refresh",
        )

    def _on_refreshed(self, report: RefreshReport) -> None:
        self.status = report.status
        self._schedule(TAKING_MS if report.more else REFRESH_MS)

    def _on_refresh_failed(self, error: BaseException) -> None:
        log.info("Offline copy not refreshed: %s", error)
        self._schedule(REFRESH_MS)

    def keep_offline(self, kind: str, entity_id: int, on: bool = True) -> None:
        """Mark a record or inquiry "Keep offline" (or note a record as recently opened)."""
        copy = self._copy
        if copy is None:
            return
        kept = {
            offline_copy.KEEP_INQUIRY: self.kept_inquiries,
            offline_copy.KEEP_RECORD: self.kept_records,
        }.get(kind)
        if kept is not None:
            (kept.add if on else kept.discard)(entity_id)
            self._emit_marks()
        if self._offline:
            self._jobs.run(
                lambda _db: _mark_only(copy, kind, entity_id, on),
                on_done=lambda _none: None,
                on_error=lambda error: log.info("Mark not kept: %s", error),
            )
            return
        self._jobs.run(
            lambda db: copies.keep_offline(db, copy, kind, entity_id, on),
            on_done=self._on_marked,
            on_error=lambda error: log.info("Mark not kept: %s", error),
        )

    def _on_marked(self, status: CopyStatus) -> None:
        self.status = status

    def forget(self) -> bool:
        """File → Forget offline copy (online only: offline the window runs on it)."""
        if self._offline or not self._identity:
            return False
        self._refresh.stop()
        self._jobs.cancel()
        copy, self._copy = self._copy, None
        gone = copies.forget_copy(self._data_dir, self._identity, copy)
        self.status = None
        return gone

    # ---- offline --------------------------------------------------------------------------

    def start_offline(self, target: str, identity: str, copy: Database) -> None:
        """Start-up found the server away and opened its copy (already in the executor)."""
        self._target, self._identity, self._copy = target, identity, copy
        self._jobs.run(
            lambda _db: copies.kept_marks(copy),
            on_done=self._on_marks_read,
            on_error=lambda _error: None,
        )
        self._enter_offline()

    def lose_server(self) -> bool:
        """The server stopped answering: work from the copy if there is a complete one."""
        copy = self._copy
        if self._offline or copy is None or self.status is None or not self.status.complete:
            return False
        self._refresh.stop()
        self._jobs.cancel("offline-refresh")
        self._offline = True  # before the switch: the window reads it while switching
        self.went_offline.emit(copy)
        self._enter_offline()
        return True

    def _enter_offline(self) -> None:
        self._offline = True
        self._status_timer.start()
        self.read_status()
        self._start_probe()

    def _start_probe(self) -> None:
        if self._probe is not None:
            self._probe.stop()
        relay = self._probed
        self._probe = ServerProbe(self._target, lambda db: _emit_quietly(relay, db)).start()

    def read_status(self) -> None:
        copy = self._copy
        if copy is None:
            return
        self._jobs.run(
            lambda _db: copies.status(copy),
            on_done=self._on_status_read,
            on_error=lambda _error: None,
            key="offline-status",
        )

    def _on_status_read(self, status: CopyStatus) -> None:
        self.status = status
        if self._offline:
            self.status_changed.emit(banner_text(status))

    def _on_probed(self, server: Database) -> None:
        if not self._offline:
            server.dispose()
            return
        self._offline = False
        self._status_timer.stop()
        self._probe = None
        self.status_changed.emit("")
        self.came_online.emit(server)
        self.sync()

    # ---- back online: the outbox ------------------------------------------------------------

    def sync(self) -> None:
        copy, store, admin = self._copy, self._store, self._admin
        if copy is None:
            return
        self._jobs.run(
            lambda db: offline_sync.sync_outbox(db, copy, store, admin),
            on_done=self._on_synced,
            on_error=self._on_sync_failed,
        )

    def decide(self, decision: NeedsDecision, keep_mine: bool) -> None:
        copy, store, admin = self._copy, self._store, self._admin
        if copy is None:
            return
        self._jobs.run(
            lambda db: offline_sync.resolve_decision(db, copy, store, decision, keep_mine, admin),
            on_done=self._on_synced,
            on_error=self._on_sync_failed,
        )

    def _on_synced(self, report: SyncReport) -> None:
        self.synced.emit(report)
        self._schedule(0)

    def _on_sync_failed(self, error: BaseException) -> None:
        # The entries stay in the outbox; the next answer from the server syncs them.
        log.info("Offline edits not synced yet: %s", error)
        self._schedule(REFRESH_MS)

    def stop(self) -> None:
        self._refresh.stop()
        self._status_timer.stop()
        if self._probe is not None:
            self._probe.stop()
            self._probe = None


def _mark_only(copy: Database, kind: str, entity_id: int, on: bool) -> None:
    with copy.session_factory() as session:
        offline_copy.mark(session, kind, entity_id, on)
        session.commit()


def _emit_quietly(signal: object, database: Database) -> None:
    # The probe thread: the window may be gone by now (RuntimeError), then nobody listens.
    with contextlib.suppress(RuntimeError):
        signal.emit(database)  # type: ignore[attr-defined]
