"""Queue and detail-panel actions that move an inquiry along its lifecycle by hand:
"Discovery call held" and "Decline…".

The use-case runs on the DB executor (``DbJobs``); the result comes back on the GUI thread and the
``Changes`` leave through ``changes_made`` for the main window to fan out. A refusal (someone
changed the inquiry meanwhile) is shown in a message box, word for word.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QMessageBox, QWidget

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.acting_admin import acting_admin
from cloudroute_desk.domain.catalog import InquiryStatus
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.models.write_check import WriteCheck
from cloudroute_desk.services import inquiry_status
from cloudroute_desk.services.changes import Changes
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.failures import failure_sentence
from cloudroute_desk.services.queue import QueueRow
from cloudroute_desk.services.write_requests import new_request_id

CALL_HELD_TITLE = "Discovery call held"
DECLINE_TITLE = "Decline inquiry"


class StatusActions(QObject):
    changes_made = Signal(object)
    """The ``Changes`` of a status move that succeeded."""
    failed = Signal(str)
    """The sentence shown to the admin when a move was refused."""
    reported = Signal(str)
    """A move whose answer was lost: checking…, then Done: … or Not done: …"""

    def __init__(self, executor: DbExecutor, owner: QWidget, admin: str | None = None) -> None:
        super().__init__(owner)
        self._owner = owner
        self._jobs = DbJobs(executor, self)
        self._check = WriteCheck(self._jobs, self)
        self._check.reported.connect(self.reported)
        self.admin = acting_admin(admin)
        self._inquiry_id: int | None = None
        self._status: InquiryStatus | None = None
        self._company = ""
        self.call_held_action = QAction("Discovery call held", self)
        self.call_held_action.setStatusTip("The founder and the partner have met")
        self.call_held_action.triggered.connect(self._on_call_held_action_triggered)
        self.decline_action = QAction("Decline…", self)
        self.decline_action.setStatusTip("Close the inquiry without credits")
        self.decline_action.triggered.connect(self._on_decline_action_triggered)
        self._update_enabled()

    def set_inquiry(
        self, inquiry_id: int | None, status: InquiryStatus | None, company: str = ""
    ) -> None:
        """The inquiry the actions apply to, and the status the admin sees it in."""
        self._inquiry_id = inquiry_id
        self._status = status
        self._company = company
        self._update_enabled()

    def fill_menu(self, menu: QMenu, row: QueueRow | None) -> None:
        """Point the actions at the queue row under the mouse and put them first in ``menu``."""
        if row is None:
            self.set_inquiry(None, None)
        else:
            self.set_inquiry(row.id, row.status, row.company_name)
        menu.addActions([self.call_held_action, self.decline_action])
        menu.addSeparator()

    def _update_enabled(self) -> None:
        status = self._status if self._inquiry_id is not None else None
        self.call_held_action.setEnabled(
            status is not None and inquiry_status.can_mark_connected(status)
        )
        self.decline_action.setEnabled(status is not None and inquiry_status.can_decline(status))

    def _on_call_held_action_triggered(self) -> None:
        inquiry_id, admin = self._inquiry_id, self.admin
        if inquiry_id is None or not self.call_held_action.isEnabled():
            return

        def job(database: Database, request_id: str) -> Changes:
            return inquiry_status.mark_discovery_call_held(
                database, inquiry_id, admin, request_id=request_id
            )

        self._run(
            job,
            CALL_HELD_TITLE,
            inquiry_id,
            action=f"marking the discovery call held (inquiry {inquiry_id})",
            done_text=f"Discovery call held for inquiry {inquiry_id}.",
        )

    def _on_decline_action_triggered(self) -> None:
        inquiry_id, expected, admin = self._inquiry_id, self._status, self.admin
        if inquiry_id is None or expected is None or not self.decline_action.isEnabled():
            return
        name = self._company or f"inquiry {inquiry_id}"
        reason, ok = QInputDialog.getText(
            self._owner,
            DECLINE_TITLE,
            f"Why is {name} declined? (optional, kept in the audit log)",
            QLineEdit.EchoMode.Normal,
        )
        if not ok:
            return
        answer = QMessageBox.question(
            self._owner,
            DECLINE_TITLE,
            f"Decline {name}? Its partner, if any, is released and the inquiry is closed.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return

        def job(database: Database, request_id: str) -> Changes:
            return inquiry_status.decline(
                database,
                inquiry_id,
                admin,
                expected=expected,
                reason=reason,
                request_id=request_id,
            )

        self._run(
            job,
            DECLINE_TITLE,
            inquiry_id,
            action=f"declining {name}",
            done_text=f"Declined {name}.",
        )

    def _run(
        self,
        job: Callable[[Database, str], Changes],
        title: str,
        inquiry_id: int,
        *,
        action: str,
        done_text: str,
    ) -> None:
        request_id = new_request_id()

        def failed(error: BaseException) -> None:
            if not self._check.handle(
                error,
                request_id,
                action=action,
                done_text=done_text,
                on_applied=lambda outcome: self.changes_made.emit(outcome.changes),
                on_not_applied=lambda: self.changes_made.emit(
                    inquiry_status.status_moved(inquiry_id)
                ),
            ):
                self._on_error(title, inquiry_id, error)

        self._jobs.run(
            lambda db: job(db, request_id), on_done=self.changes_made.emit, on_error=failed
        )

    def _on_error(self, title: str, inquiry_id: int, error: BaseException) -> None:
        message = str(error)
        if isinstance(error, inquiry_status.InquiryStatusError):
            # What the admin saw is stale: show the inquiry as it is now.
            self.changes_made.emit(inquiry_status.status_moved(inquiry_id))
        else:
            message = f"The change was not saved: {failure_sentence(error)}"
        self.failed.emit(message)
        QMessageBox.warning(self._owner, title, message[:1].upper() + message[1:] + ".")
