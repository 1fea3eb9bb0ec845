"""This window's claim on the inquiry its admin is triaging, and the others' claims.

Selecting an inquiry claims it (and drops the previous claim); the claim is renewed every
minute while this is the active window, so a laptop left alone lets it lapse; closing the
window releases it. The others' claims are re-read when the change feed says a claim moved,
and every minute (a lapse is a matter of time, not of a write).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from cloudroute_desk.db.engine import Database
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services import claims
from cloudroute_desk.services.claims import Claim
from cloudroute_desk.services.executor import DbExecutor


class ClaimKeeper(QObject):
    claims_changed = Signal()
    """The others' claims were re-read (``others``)."""

    def __init__(self, executor: DbExecutor, window: QWidget) -> None:
        super().__init__(window)
        self._executor = executor
        self._window = window
        self._jobs = DbJobs(executor, self)
        self._inquiry_id: int | None = None
        self.others: dict[int, Claim] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(int(claims.RENEW_EVERY.total_seconds() * 1000))
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    def claim_of(self, inquiry_id: int) -> Claim | None:
        """Another admin's live claim on the inquiry, if any."""
        return self.others.get(inquiry_id)

    def describe(self, inquiry_id: int | None) -> str | None:
        claim = None if inquiry_id is None else self.others.get(inquiry_id)
        return None if claim is None else claim.describe(self._executor.now())

    def on_inquiry_selected(self, inquiry_id: int | None) -> None:
        if inquiry_id == self._inquiry_id:
            return
        self._inquiry_id = inquiry_id
        self._write(lambda db: claims.claim(db, inquiry_id))

    def reload(self) -> None:
        self._jobs.run(
            claims.others, on_done=self._on_others, on_error=lambda _error: None, key="others"
        )

    def release(self) -> None:
        """The window closes: nobody is on our inquiry any more."""
        self._timer.stop()
        self._inquiry_id = None
        # Through the owner's jobs like every claim write: once the DB worker has shut down
        # a raw submit raised inside the window's closeEvent, which PySide turned into a crash.
        self._write(lambda db: claims.claim(db, None))

    def _write(self, job: Callable[[Database], None]) -> None:
        # A claim is a courtesy: failing to write one (server away) must not bother the admin.
        self._jobs.run(job, on_done=lambda _none: None, on_error=lambda _error: None)

    def _on_others(self, others: dict[int, Claim]) -> None:
        self.others = others
        self.claims_changed.emit()

    def _on_timer_timeout(self) -> None:
        if self._inquiry_id is not None and self._window.isActiveWindow():
            self._write(claims.renew)
        self.reload()
