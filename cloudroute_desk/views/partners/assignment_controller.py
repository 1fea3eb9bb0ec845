"""Assigning a partner to an inquiry from the GUI: confirmation, undo and re-route.

Every path (drag onto a queue row or the detail panel, Ctrl+Return, the context menu) ends in
``assign(inquiry_id, partner_id)``. The services judge; this controller only asks and shows.
``plan_assignment`` checks the pick against the routing the partner pane shows (so a drag
ranks nothing more) and names any refusal at once; a below-threshold partner's question is
put to the admin; then ``assignment.assign`` writes. The database stays the judge: if another
admin wins the race meanwhile, the service raises ``AlreadyAssigned`` and we say "Already
assigned to X by Y" and ask every pane to refresh.

The undo stack holds commands whose first ``redo`` is the assignment that already happened;
undo/redo then call ``unassign``/``assign`` (or the re-route pair) on the executor.

Every write carries a fresh request id. When the connection drops under a write, the
``WriteCheck`` looks the id up once the server answers and reports "Done: …" (the same
refresh as an answered write, and the undo step) or "Not done: nothing was changed".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.routing.values import AssignmentEntry
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.models.write_check import WriteCheck
from cloudroute_desk.services import assignment as assignment_service
from cloudroute_desk.services.assignment import AssignmentError, PartnerExcludedError
from cloudroute_desk.services.assignment_plan import (
    AssignmentPlan,
    InquiryRouting,
    PartnerMissingError,
    plan_assignment,
)
from cloudroute_desk.services.changes import ALL_ROWS, ChangeKind, Changes
from cloudroute_desk.services.claims import Claim
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.write_requests import Outcome, new_request_id

REFRESH = Changes.of(
    ChangeKind.INQUIRY_STATUS,
    ChangeKind.ASSIGNMENTS,
    inquiries=ALL_ROWS,
    partners=ALL_ROWS,
)
"""What panes reload after a refusal: someone else changed the inquiry under us."""

Confirm = Callable[[str, str], bool]
Notify = Callable[[str, str], None]
ShownRouting = Callable[[int], InquiryRouting | None]
"""The routing on screen for an inquiry id, when it is current (the partner pane's)."""


def sentence(message: str) -> str:
    """A service's refusal (``"already assigned to X by Y"``) as the admin reads it."""
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


class _AppliedWriteCommand(QUndoCommand):
    """An undo step for a write that already happened when it is pushed: the stack's first
    ``redo`` (which ``push`` calls) is skipped, later ones repeat the write."""

    def __init__(
        self,
        controller: AssignmentController,
        text: str,
        redo_job: Callable[[Database, str], Changes],
        undo_job: Callable[[Database, str], Changes],
        what: str,
    ) -> None:
        super().__init__(text)
        self._controller = controller
        self._redo_job = redo_job
        self._undo_job = undo_job
        self._what = what
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._controller.run_write(self._redo_job, f"Redo {self._what}")

    def undo(self) -> None:
        self._controller.run_write(self._undo_job, f"Undo {self._what}")


def assign_command(
    controller: AssignmentController, inquiry_id: int, partner_id: int, partner_name: str
) -> QUndoCommand:
    admin = controller.admin
    return _AppliedWriteCommand(
        controller,
        f"Assign {partner_name} to inquiry {inquiry_id}",
        lambda db, request: assignment_service.assign(
            db, inquiry_id, partner_id, admin, reason="redo", request_id=request
        ),
        lambda db, request: assignment_service.unassign(
            db, inquiry_id, partner_id, admin, request_id=request
        ),
        "assignment",
    )


def reroute_command(
    controller: AssignmentController, inquiry_id: int, partner_id: int, partner_name: str
) -> QUndoCommand:
    admin = controller.admin
    return _AppliedWriteCommand(
        controller,
        f"Re-route inquiry {inquiry_id} (did not connect with {partner_name})",
        lambda db, request: assignment_service.mark_did_not_connect(
            db, inquiry_id, admin, request_id=request
        ),
        lambda db, request: assignment_service.undo_did_not_connect(
            db, inquiry_id, partner_id, admin, request_id=request
        ),
        "re-route",
    )


class AssignmentController(QObject):
    changes_made = Signal(object)
    """A ``Changes`` after every assignment, undo, redo, re-route, and after a refusal."""
    status_reported = Signal(str)
    """A one-line outcome for the status bar."""
    assigned = Signal(int, str)
    """(inquiry id, partner name) once an assignment is made and on the undo stack."""

    def __init__(
        self,
        executor: DbExecutor,
        undo_stack: QUndoStack,
        admin: str,
        parent: QWidget | None = None,
        *,
        confirm: Confirm | None = None,
        notify: Notify | None = None,
        shown_routing: ShownRouting | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = parent
        self._jobs = DbJobs(executor, self)
        self._check = WriteCheck(self._jobs, self)
        self._check.reported.connect(self.status_reported)
        self.undo_stack = undo_stack
        self.admin = admin
        self._confirm = confirm or self._ask
        self._notify = notify or self._warn
        self._shown_routing = shown_routing or (lambda _inquiry_id: None)
        self.claim_of: Callable[[int], Claim | None] = lambda _inquiry_id: None
        """Another admin's claim on an inquiry (the window's ClaimKeeper sets this)."""

    # ---- assigning -----------------------------------------------------------------------

    def assign(self, inquiry_id: int, partner_id: int) -> None:
        """Check, maybe confirm, then assign; the outcome arrives as ``changes_made``."""
        shown = self._shown_routing(inquiry_id)
        self._jobs.run(
            lambda db: plan_assignment(db, inquiry_id, partner_id, routing=shown),
            on_done=lambda plan: self._on_planned(plan, inquiry_id),
            on_error=self._on_failed,
        )

    def assign_dropped(self, inquiry_id: int, partner_id: int) -> None:
        """A partner was dropped on an inquiry row or on the detail panel."""
        self.assign(inquiry_id, partner_id)

    def _on_planned(self, plan: AssignmentPlan, inquiry_id: int) -> None:
        if plan.question is not None and not self._confirm(
            "Assign a below-threshold partner?", plan.question + "\n\nAssign anyway?"
        ):
            return
        claim = self.claim_of(inquiry_id)
        if claim is not None and not self._confirm(
            "Someone is on this inquiry", f"{claim.admin} is working on it — assign anyway?"
        ):
            return
        admin = self.admin
        partner_id = plan.partner.partner_id
        name = plan.partner.partner_name

        def applied(changes: Changes) -> None:
            self.undo_stack.push(assign_command(self, inquiry_id, partner_id, name))
            self.assigned.emit(inquiry_id, name)
            self.changes_made.emit(changes)

        self._write(
            lambda db, request: assignment_service.assign(
                db,
                inquiry_id,
                partner_id,
                admin,
                reason=plan.reason,
                ranking=plan.ranking,
                request_id=request,
            ),
            action=f"assigning {name} to inquiry {inquiry_id}",
            done_text=f"Assigned {name} to inquiry {inquiry_id}.",
            on_applied=applied,
        )

    # ---- re-route ------------------------------------------------------------------------

    def mark_did_not_connect(self, inquiry_id: int) -> None:
        """Ask, then end the active assignment as "did not connect": the inquiry needs a new
        partner, and the previous one is excluded from its ranking from now on."""
        self._jobs.run(
            lambda db: assignment_service.assignment_history(db, inquiry_id),
            on_done=lambda history: self._on_history_loaded(inquiry_id, history),
            on_error=self._on_failed,
        )

    def _on_history_loaded(self, inquiry_id: int, history: tuple[AssignmentEntry, ...]) -> None:
        active = next((entry for entry in history if entry.active), None)
        if active is None:
            self._refuse("The inquiry has no active partner to re-route from.")
            return
        if not self._confirm(
            "Did not connect — re-route?",
            f"Mark that the founder and {active.partner_name} did not connect?\n\n"
            f"The inquiry goes back to the queue for a new partner; {active.partner_name} "
            "stays in its history and is excluded from its ranking.",
        ):
            return
        admin = self.admin
        done_text = f"Inquiry {inquiry_id} needs a new partner."

        def applied(changes: Changes) -> None:
            self.undo_stack.push(
                reroute_command(self, inquiry_id, active.partner_id, active.partner_name)
            )
            self.changes_made.emit(changes)

        self._write(
            lambda db, request: assignment_service.mark_did_not_connect(
                db, inquiry_id, admin, request_id=request
            ),
            action=f"re-routing inquiry {inquiry_id}",
            done_text=done_text,
            on_applied=applied,
        )

    # ---- shared --------------------------------------------------------------------------

    def run_write(self, job: Callable[[Database, str], Changes], what: str) -> None:
        """Run an undo/redo write; a refusal is reported and every pane refreshes."""
        self._write(
            job,
            action=what[:1].lower() + what[1:],
            done_text=f"{what}: done.",
            on_applied=self.changes_made.emit,
        )

    def _write(
        self,
        job: Callable[[Database, str], Changes],
        *,
        action: str,
        done_text: str,
        on_applied: Callable[[Changes], None],
    ) -> None:
        """Run ``job(database, request_id)``; a lost answer is looked up, never guessed."""
        request_id = new_request_id()

        def answered(changes: Changes) -> None:
            self.status_reported.emit(done_text)
            on_applied(changes)

        def checked(outcome: Outcome) -> None:
            on_applied(outcome.changes)

        def failed(error: BaseException) -> None:
            if not self._check.handle(
                error,
                request_id,
                action=action,
                done_text=done_text,
                on_applied=checked,
                on_not_applied=self._refresh_after_not_done,
            ):
                self._on_failed(error)

        self._jobs.run(lambda db: job(db, request_id), on_done=answered, on_error=failed)

    def _refresh_after_not_done(self) -> None:
        # Nothing changed, but the panes may have been left waiting: show what is there.
        self.changes_made.emit(REFRESH)

    def _on_failed(self, error: BaseException) -> None:
        if isinstance(error, PartnerExcludedError):
            self._notify("Partner excluded", sentence(str(error)))
        elif isinstance(error, PartnerMissingError):
            self._notify("Partner not found", sentence(str(error)))
        elif isinstance(error, AssignmentError):
            self._refuse(sentence(str(error)))
        else:
            raise error

    def _refuse(self, message: str) -> None:
        self.status_reported.emit(message)
        self._notify("Not assigned", message)
        self.changes_made.emit(REFRESH)

    def _ask(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self._window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _warn(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self._window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()
