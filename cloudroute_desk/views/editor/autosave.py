"""Autosave for one open record: local draft first, database sync second.

Each edit restarts a 400 ms single-shot timer. When it fires, the form goes into the local
draft store on the GUI thread (a local SQLite write that needs no server), so a crash or kill
loses at most the last ~0.4 s of typing. Then the draft is synced to the shared database on the
DB executor with the version check. A conflict pauses syncing until the admin resolves it; an
unreachable server is retried every few seconds; the draft stays on disk throughout.

Each sync carries a request id. A sync whose answer was lost is looked up once the server
answers ("Checking whether saving went through…" then "Done: …"), and a sync sent again
reuses its id, or names it (``after_request``) when newer edits went with it: the admin's
own save is never mistaken for someone else's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.models.write_check import WriteCheck, not_done
from cloudroute_desk.models.write_check import done as done_sentence
from cloudroute_desk.services import drafts
from cloudroute_desk.services.drafts import DraftStore, DraftStoreError
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.failures import worth_retrying
from cloudroute_desk.services.records import (
    EditConflict,
    RecordError,
    RecordLockedError,
    RecordNotFoundError,
    UnstorableTextError,
)
from cloudroute_desk.services.write_requests import Outcome, new_request_id

log = logging.getLogger(__name__)

AUTOSAVE_DELAY_MS = 400
RETRY_OFFLINE_MS = 10_000
RETRY_LOCAL_MS = 1_000
SAVING = "saving the record"


@dataclass(frozen=True, slots=True)
class _Sent:
    """A sync on its way, or whose answer never came."""

    request_id: str
    text: str
    version: int


class Autosave(QObject):
    status_changed = Signal(str)
    """A short sentence for the editor's save indicator."""
    synced = Signal(object)
    """A ``drafts.SyncOutcome`` after the database took the draft."""
    conflicted = Signal(object)
    """An ``EditConflict``: someone else saved first; syncing pauses until resolved."""
    locked = Signal(str)
    """The record left the draft state under us (submitted elsewhere) or was deleted."""
    settled = Signal()
    """A save on its way came back (saved or refused): ``version`` is current again."""

    def __init__(
        self, executor: DbExecutor, store: DraftStore, admin: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._jobs = DbJobs(executor, self)
        self._check = WriteCheck(self._jobs, self)
        self._check.reported.connect(self.status_changed)
        self._sent: _Sent | None = None
        self._store = store
        self._admin = admin
        self._identity = ""
        self._record_id: int | None = None
        self._version = 0
        self._form: AceForm | None = None
        self._dirty = False
        """Edits not yet written to the local draft store."""
        self._unsynced: str | None = None
        """Draft text written locally but not yet in the database."""
        self._syncing = False
        self._paused = False
        self._waiting: list[Callable[[bool], None]] = []
        """``sync_now`` callers, answered once the database holds the form or cannot."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_OFFLINE_MS)
        self._retry.timeout.connect(self._on_retry_timeout)
        self._local_retry = QTimer(self)
        self._local_retry.setSingleShot(True)
        self._local_retry.setInterval(RETRY_LOCAL_MS)
        self._local_retry.timeout.connect(self.flush)
        app = QCoreApplication.instance()
        if app is not None:
            # Quitting must not cost the last keystrokes still waiting on the timer.
            app.aboutToQuit.connect(self.flush)

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self, identity: str, record_id: int, version: int, unsynced: str | None) -> None:
        """Follow ``record_id`` at ``version``. ``unsynced`` is a restored draft: it is pushed
        with the next edit or before a transition, not at once, so "Revert" can still bring
        back the saved record."""
        self.stop()
        self._identity = identity
        self._record_id = record_id
        self._version = version
        self._unsynced = unsynced

    def stop(self) -> None:
        """Write what is pending locally, push it to the database in the background, and stop
        following the record."""
        self.flush()
        pushed = (
            self._unsynced is not None
            and self._record_id is not None
            and not self._paused
            and not self._syncing
        )
        # A sync on its way still writes; its outcome is for a record no longer followed.
        self._jobs.forget()
        if pushed and self._record_id is not None and self._unsynced is not None:
            self._final_sync(self._record_id, self._unsynced, self._version)
        self._answer_waiting(False)
        self._timer.stop()
        self._retry.stop()
        self._local_retry.stop()
        self._record_id = None
        self._form = None
        self._unsynced = None
        self._syncing = False
        self._paused = False
        self._sent = None

    @property
    def identity(self) -> str:
        return self._identity

    @property
    def version(self) -> int:
        return self._version

    @property
    def record_id(self) -> int | None:
        return self._record_id

    def has_unsynced(self) -> bool:
        return self._dirty or self._unsynced is not None

    @property
    def syncing(self) -> bool:
        """A save is on its way to the database (its new version is not known yet)."""
        return self._syncing

    # ---- edits ----------------------------------------------------------------------------

    def edited(self, form: AceForm) -> None:
        if self._record_id is None:
            return
        self._form = form
        self._dirty = True
        self._timer.start()

    def flush(self) -> None:
        """Write the pending edit to the local draft store now (closing, switching records)."""
        self._timer.stop()
        if not self._dirty or self._record_id is None or self._form is None:
            return
        try:
            self._unsynced = drafts.write_draft(
                self._store, self._identity, self._record_id, self._form, self._version
            )
        except DraftStoreError as error:
            # The edits stay in memory (and go to the server from there); the draft file is
            # tried again shortly, without ever waiting on it.
            self._unsynced = drafts.form_json(self._form)
            self.status_changed.emit(f"{error}. Your edits are kept in memory.")
            self._local_retry.start()
            return
        self._dirty = False
        self.status_changed.emit(f"Saved locally at {utcnow():%H:%M:%S} UTC")

    def _on_timer_timeout(self) -> None:
        self.flush()
        self._sync()

    def _on_retry_timeout(self) -> None:
        self._sync()

    # ---- conflict resolution ---------------------------------------------------------------

    def keep_mine(self, form: AceForm, their_version: int) -> None:
        """Save ``form`` over their version, knowingly."""
        self._paused = False
        self._version = their_version
        self._form = form
        self._dirty = True
        self.flush()
        self._sync()

    def take_theirs(self, their_version: int) -> None:
        self._paused = False
        self._timer.stop()
        self._dirty = False
        self._unsynced = None
        self._version = their_version
        if self._record_id is not None:
            drafts.discard_draft(self._store, self._identity, self._record_id)
        self.status_changed.emit("Took their version")

    def discard(self) -> None:
        """Revert: forget the local draft; the caller reloads the saved record."""
        self._timer.stop()
        self._retry.stop()
        self._dirty = False
        self._unsynced = None
        self._paused = False
        if self._record_id is not None:
            drafts.discard_draft(self._store, self._identity, self._record_id)

    def set_version(self, version: int) -> None:
        """The record moved on through this editor (a transition bumped its version)."""
        self._version = version

    # ---- sync -----------------------------------------------------------------------------

    def _sync(self) -> None:
        if self._syncing or self._paused or self._unsynced is None or self._record_id is None:
            return
        self._syncing = True
        record_id, text, version = self._record_id, self._unsynced, self._version
        store, identity, admin = self._store, self._identity, self._admin
        sent, after = self._request_for(text, version)
        self._jobs.run(
            lambda db: drafts.sync_draft(
                db,
                store,
                identity,
                record_id,
                text,
                version,
                admin,
                request_id=sent.request_id,
                after_request=after,
            ),
            on_done=lambda outcome: self._on_synced(text, outcome),
            on_error=lambda error: self._on_sync_failed(error, sent),
        )

    def _request_for(self, text: str, version: int) -> tuple[_Sent, str | None]:
        """The same request again for the same text on the same version (a replay changes
        nothing); a new one otherwise, naming the unanswered one it follows."""
        previous = self._sent
        if previous is not None and (previous.text, previous.version) == (text, version):
            return previous, None
        self._sent = _Sent(new_request_id(), text, version)
        return self._sent, previous.request_id if previous is not None else None

    def sync_now(self, then: Callable[[bool], None]) -> None:
        """Flush and push everything pending; ``then(True)`` once the database holds this
        editor's form, ``then(False)`` when it cannot now (conflict, locked, offline); used
        before a lifecycle transition."""
        self.flush()
        self._waiting.append(then)
        self._follow_up()

    def _follow_up(self) -> None:
        """After a sync (or a ``sync_now``): push newer edits, or answer who is waiting."""
        if self._syncing:
            return
        if self._unsynced is None:
            self._answer_waiting(True)
        elif self._paused or self._record_id is None:
            self._answer_waiting(False)
        else:
            self._sync()

    def _answer_waiting(self, ok: bool) -> None:
        waiting, self._waiting = self._waiting, []
        for then in waiting:
            then(ok)

    def _final_sync(self, record_id: int, text: str, version: int) -> None:
        """Sync a record the editor no longer shows; on any refusal the draft simply stays
        in the store and is restored, with its banner, when the record is opened again."""
        store, identity, admin = self._store, self._identity, self._admin

        def kept(error: BaseException) -> None:
            if not (isinstance(error, RecordError | ValueError) or worth_retrying(error)):
                raise error
            log.info("Draft of record %s kept locally: %s", record_id, error)

        # With a request id: a kill before the answer is settled when the record reopens.
        request_id = new_request_id()
        self._jobs.run(
            lambda db: drafts.sync_draft(
                db, store, identity, record_id, text, version, admin, request_id=request_id
            ),
            on_done=lambda _outcome: None,
            on_error=kept,
        )

    def _on_sync_failed(self, error: BaseException, sent: _Sent) -> None:
        record_id = self._record_id
        if record_id is not None and self._check.handle(
            error,
            sent.request_id,
            action=SAVING,
            done_text="Saved the record",
            on_applied=lambda outcome: self._on_found_saved(record_id, sent, outcome),
            on_not_applied=self._on_found_not_saved,
        ):
            return  # still "syncing" until the server says what became of it
        self._syncing = False
        self.settled.emit()
        if not worth_retrying(error):
            self._sent = None  # answered with a refusal: nothing of it is pending
        if isinstance(error, EditConflict):
            self._paused = True
            self.status_changed.emit("Not saved: someone else changed this record")
            self.conflicted.emit(error)
        elif isinstance(error, UnstorableTextError):
            self.status_changed.emit(str(error))
        elif isinstance(error, RecordLockedError | RecordNotFoundError):
            self._paused = True
            self.locked.emit(str(error))
        elif isinstance(error, RecordError) or worth_retrying(error):
            log.info("Draft sync failed, will retry: %s", error)
            if self._dirty:
                # The draft file refused too: say where the edits are.
                self.status_changed.emit(
                    "Not saved: the database is unreachable and the drafts file cannot be "
                    "written; your edits are kept in memory, retrying"
                )
            else:
                self.status_changed.emit(
                    f"Saved locally at {utcnow():%H:%M:%S} UTC; the database is unreachable, "
                    "retrying"
                )
            self._retry.start()
        else:
            self._answer_waiting(False)
            raise error
        self._answer_waiting(False)

    def _on_found_saved(self, record_id: int, sent: _Sent, outcome: Outcome) -> None:
        if record_id != self._record_id:
            return
        synced = drafts.applied_sync(
            self._store, self._identity, record_id, sent.text, sent.version, outcome
        )
        self._on_synced(sent.text, synced, done=True)

    def _on_found_not_saved(self) -> None:
        self._syncing = False
        self.settled.emit()
        self.status_changed.emit(not_done(SAVING) + " Your edits are kept; retrying")
        self._retry.start()
        self._answer_waiting(False)

    def _on_synced(self, text: str, outcome: drafts.SyncOutcome, *, done: bool = False) -> None:
        self._syncing = False
        self._sent = None
        self._version = outcome.version
        if self._dirty and self._form is not None and drafts.form_json(self._form) == text:
            # Saved on the server before the draft file could take it: nothing left to keep.
            self._dirty = False
            self._local_retry.stop()
        if self._unsynced == text:
            self._unsynced = None
        saved = f"Saved at {_hms(outcome.updated_at)} UTC"
        self.status_changed.emit(done_sentence(saved) if done else saved)
        self.synced.emit(outcome)
        self.settled.emit()
        # Newer edits reached the draft store while we synced: they stand on our save.
        self._follow_up()


def _hms(moment: datetime) -> str:
    return f"{moment:%H:%M:%S}"
