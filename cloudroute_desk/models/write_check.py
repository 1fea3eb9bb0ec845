"""Writes of unknown outcome, resolved on the GUI side: never a raw error for a committed write.

When a write fails because the connection dropped (``failures.connection_lost``), the server
may have committed it before the answer was lost. The owner hands the failure to
``WriteCheck.handle``: the status reads "Checking whether <action> went through…", the
write's request id is looked up (``write_requests.outcome_of``) as soon as the server
answers again (the link's own reconnect news, and a back-off in case that news came
first), and the owner hears one of two things:

- applied: ``on_applied(outcome)``, with the same ``Changes`` a success returns, so every pane
  refreshes as after an answered write, and the status reads "Done: …";
- not applied: the status reads "Not done: nothing was changed …" and ``on_not_applied()``
  runs (the owner's normal retry path).

A replay the server refused as already done (``AlreadyApplied``) is a success too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from cloudroute_desk.db.server_link import BACKOFF_S
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services.failures import connection_lost, failure_sentence, worth_retrying
from cloudroute_desk.services.write_requests import AlreadyApplied, Outcome, outcome_of


def checking(action: str) -> str:
    return f"Checking whether {action} went through…"


def done(what: str) -> str:
    return f"Done: {what[:1].lower()}{what[1:]}"


def not_done(action: str) -> str:
    return f"Not done: nothing was changed ({action} did not reach the server)."


@dataclass(eq=False)
class _Check:
    request_id: str
    action: str
    done_text: str
    on_applied: Callable[[Outcome], None]
    on_not_applied: Callable[[], None]
    attempts: int = 0
    resolved: bool = False


class WriteCheck(QObject):
    reported = Signal(str)
    """A sentence for the owner's status line: checking…, Done: …, Not done: …"""
    _answering = Signal()

    def __init__(self, jobs: DbJobs, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._waiting: list[_Check] = []
        self._unsubscribe: Callable[[], None] | None = None
        self._answering.connect(self._on_answering, Qt.ConnectionType.QueuedConnection)

    @property
    def checking(self) -> bool:
        """A lookup is waiting for the server."""
        return bool(self._waiting)

    def handle(
        self,
        error: BaseException,
        request_id: str,
        *,
        action: str,
        done_text: str,
        on_applied: Callable[[Outcome], None],
        on_not_applied: Callable[[], None] = lambda: None,
    ) -> bool:
        """Take over ``error`` when its write may have gone through; False: not ours (the
        owner reports it as usual). ``action`` names the write as "assigning X to Y",
        ``done_text`` says what happened when it did: "Assigned X to Y"."""
        if isinstance(error, AlreadyApplied):
            self.reported.emit(done(done_text))
            on_applied(error.outcome)
            return True
        if not connection_lost(error):
            return False
        check = _Check(request_id, action, done_text, on_applied, on_not_applied)
        self.reported.emit(checking(action))
        self._look_up(check)
        return True

    def _look_up(self, check: _Check) -> None:
        request_id = check.request_id
        self._jobs.run(
            lambda db: outcome_of(db, request_id),
            on_done=lambda outcome: self._on_found(check, outcome),
            on_error=lambda error: self._on_not_found_yet(check, error),
        )

    def _on_found(self, check: _Check, outcome: Outcome) -> None:
        if check.resolved:
            return  # a second lookup (back-off and reconnect news both fired)
        check.resolved = True
        self._forget(check)
        if outcome.applied:
            self.reported.emit(done(check.done_text))
            check.on_applied(outcome)
        else:
            self.reported.emit(not_done(check.action))
            check.on_not_applied()

    def _on_not_found_yet(self, check: _Check, error: BaseException) -> None:
        if check.resolved:
            return
        if not worth_retrying(error):
            check.resolved = True
            self._forget(check)
            self.reported.emit(
                f"Could not check whether {check.action} went through: {failure_sentence(error)}"
            )
            return
        # The server is not answering yet: ask again when its link says it is back, and
        # after a back-off in case that news came before we started listening.
        if check not in self._waiting:
            self._waiting.append(check)
        self._listen()
        delay = BACKOFF_S[min(check.attempts, len(BACKOFF_S) - 1)]
        check.attempts += 1
        QTimer.singleShot(int(delay * 1000), self, lambda: self._retry(check))

    def _retry(self, check: _Check) -> None:
        if check in self._waiting:
            self._look_up(check)

    def _on_answering(self) -> None:
        for check in list(self._waiting):
            self._look_up(check)

    def _forget(self, check: _Check) -> None:
        with contextlib.suppress(ValueError):
            self._waiting.remove(check)
        if not self._waiting and self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _listen(self) -> None:
        link = self._jobs.executor.database.link
        if link is None or self._unsubscribe is not None:
            return

        def relay(answering: bool) -> None:
            # Runs on the thread that noticed; RuntimeError: this object is gone.
            if answering:
                with contextlib.suppress(RuntimeError):
                    self._answering.emit()

        self._unsubscribe = link.subscribe(relay)
