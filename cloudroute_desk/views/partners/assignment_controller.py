"""Assigning a partner to an inquiry from the GUI: checks, confirmation, undo and re-route.

Every path (drag onto a queue row or the detail panel, Ctrl+Return, the context menu) ends in
``assign(inquiry_id, partner_id)``. It ranks the inquiry first (off the GUI thread) so the
admin is told at once when the inquiry is already held or the partner is excluded, and asked
to confirm a below-threshold partner. The database stays the judge: if another admin wins
the race meanwhile, the service raises ``AlreadyAssigned`` and we say "Already assigned to X
by Y" and ask every pane to refresh.

The undo stack holds commands whose first ``redo`` is the assignment that already happened;
undo/redo then call ``unassign``/``assign`` (or the re-route pair) on the executor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import CLOSE_RATE_THRESHOLD
from cloudroute_desk.domain.routing.values import AssignmentEntry, Ranking
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services import assignment as assignment_service
from cloudroute_desk.services.assignment import AlreadyAssigned, AssignmentError
from cloudroute_desk.services.changes import ALL_ROWS, ChangeKind, Changes
from cloudroute_desk.services.claims import Claim
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.routing import InquiryNotFoundError, rank_inquiry

REFRESH = Changes.of(
    ChangeKind.INQUIRY_STATUS,
    ChangeKind.ASSIGNMENTS,
    inquiries=ALL_ROWS,
    partners=ALL_ROWS,
)
"""What panes reload after a refusal: someone else changed the inquiry under us."""

Confirm = Callable[[str, str], bool]
Notify = Callable[[str, str], None]


def already_assigned_text(error: AlreadyAssigned) -> str:
    return f"Already assigned to {error.partner_name} by {error.assigned_by}."


@dataclass(frozen=True, slots=True)
class InquiryRouting:
    ranking: Ranking
    history: tuple[AssignmentEntry, ...]

    @property
    def active(self) -> AssignmentEntry | None:
        return next((entry for entry in self.history if entry.active), None)


def load_routing(database: Database, inquiry_id: int, limit: int | None = None) -> InquiryRouting:
    """The ranking (the best ``limit`` partners, or all) and the assignment history of one
    inquiry, read together on the executor."""
    ranking = rank_inquiry(database, inquiry_id, limit=limit)
    return InquiryRouting(ranking, assignment_service.assignment_history(database, inquiry_id))


class _AppliedWriteCommand(QUndoCommand):
    """An undo step for a write that already happened when it is pushed: the stack's first
    ``redo`` (which ``push`` calls) is skipped, later ones repeat the write."""

    def __init__(
        self,
        controller: AssignmentController,
        text: str,
        redo_job: Callable[[Database], Changes],
        undo_job: Callable[[Database], Changes],
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
        lambda db: assignment_service.assign(db, inquiry_id, partner_id, admin, reason="redo"),
        lambda db: assignment_service.unassign(db, inquiry_id, partner_id, admin),
        "assignment",
    )


def reroute_command(
    controller: AssignmentController, inquiry_id: int, partner_id: int, partner_name: str
) -> QUndoCommand:
    admin = controller.admin
    return _AppliedWriteCommand(
        controller,
        f"Re-route inquiry {inquiry_id} (did not connect with {partner_name})",
        lambda db: assignment_service.mark_did_not_connect(db, inquiry_id, admin),
        lambda db: assignment_service.undo_did_not_connect(db, inquiry_id, partner_id, admin),
        "re-route",
    )


class AssignmentController(QObject):
    changes_made = Signal(object)
    """A ``Changes`` after every assignment, undo, redo, re-route, and after a refusal."""
    status_reported = Signal(str)
    """A one-line outcome for the status bar."""

    def __init__(
        self,
        executor: DbExecutor,
        undo_stack: QUndoStack,
        admin: str,
        parent: QWidget | None = None,
        *,
        confirm: Confirm | None = None,
        notify: Notify | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = parent
        self._jobs = DbJobs(executor, self)
        self.undo_stack = undo_stack
        self.admin = admin
        self._confirm = confirm or self._ask
        self._notify = notify or self._warn
        self.claim_of: Callable[[int], Claim | None] = lambda _inquiry_id: None
        """Another admin's claim on an inquiry (the window's ClaimKeeper sets this)."""

    # ---- assigning -----------------------------------------------------------------------

    def assign(self, inquiry_id: int, partner_id: int) -> None:
        """Check, maybe confirm, then assign; the outcome arrives as ``changes_made``."""
        self._jobs.run(
            lambda db: load_routing(db, inquiry_id),
            on_done=lambda routing: self._on_routing_loaded(routing, partner_id),
            on_error=self._on_failed,
        )

    def assign_dropped(self, inquiry_id: int, partner_id: int) -> None:
        """A partner was dropped on an inquiry row or on the detail panel."""
        self.assign(inquiry_id, partner_id)

    def _on_routing_loaded(self, routing: InquiryRouting, partner_id: int) -> None:
        ranking = routing.ranking
        active = routing.active
        if active is not None:
            self._refuse(f"Already assigned to {active.partner_name} by {active.assigned_by}.")
            return
        excluded = next((e for e in ranking.excluded if e.partner_id == partner_id), None)
        if excluded is not None:
            self._notify(
                "Partner excluded",
                f"{excluded.partner_name} cannot take this inquiry: {excluded.reason}.",
            )
            return
        chosen = ranking.find(partner_id)
        if chosen is None:
            self._notify("Partner not found", "That partner is no longer in the partner list.")
            return
        claim = self.claim_of(ranking.inquiry_id)
        if claim is not None and not self._confirm(
            "Someone is on this inquiry", f"{claim.admin} is working on it — assign anyway?"
        ):
            return
        reason = ""
        if not chosen.above_threshold:
            threshold = f"{CLOSE_RATE_THRESHOLD * 100:.0f} %"
            question = (
                f"{chosen.partner_name} is below the {threshold} close-rate threshold on this "
                f"profile (estimate {chosen.close_estimate * 100:.0f} %)."
            )
            if not ranking.below_threshold_fallback:
                best = ranking.best
                if best is not None:
                    question += f" {best.partner_name} is above it."
            if not self._confirm(
                "Assign a below-threshold partner?", question + "\n\nAssign anyway?"
            ):
                return
            reason = "below threshold, confirmed"
        admin = self.admin
        inquiry_id = ranking.inquiry_id
        name = chosen.partner_name
        self._jobs.run(
            lambda db: assignment_service.assign(
                db, inquiry_id, partner_id, admin, reason=reason, ranking=ranking
            ),
            on_done=lambda changes: self._on_assigned(changes, inquiry_id, partner_id, name),
            on_error=self._on_failed,
        )

    def _on_assigned(self, changes: Changes, inquiry_id: int, partner_id: int, name: str) -> None:
        self.undo_stack.push(assign_command(self, inquiry_id, partner_id, name))
        self.status_reported.emit(f"Assigned {name} to inquiry {inquiry_id}.")
        self.changes_made.emit(changes)

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
        self._jobs.run(
            lambda db: assignment_service.mark_did_not_connect(db, inquiry_id, admin),
            on_done=lambda changes: self._on_rerouted(changes, inquiry_id, active),
            on_error=self._on_failed,
        )

    def _on_rerouted(self, changes: Changes, inquiry_id: int, previous: AssignmentEntry) -> None:
        self.undo_stack.push(
            reroute_command(self, inquiry_id, previous.partner_id, previous.partner_name)
        )
        self.status_reported.emit(f"Inquiry {inquiry_id} needs a new partner.")
        self.changes_made.emit(changes)

    # ---- shared --------------------------------------------------------------------------

    def run_write(self, job: Callable[[Database], Changes], what: str) -> None:
        """Run an undo/redo write; a refusal is reported and every pane refreshes."""
        self._jobs.run(
            job,
            on_done=lambda changes: self._on_written(changes, what),
            on_error=self._on_failed,
        )

    def _on_written(self, changes: Changes, what: str) -> None:
        self.status_reported.emit(f"{what}: done.")
        self.changes_made.emit(changes)

    def _on_failed(self, error: BaseException) -> None:
        if isinstance(error, AlreadyAssigned):
            self._refuse(already_assigned_text(error))
        elif isinstance(error, AssignmentError | InquiryNotFoundError):
            message = str(error)
            self._refuse(message[:1].upper() + message[1:] + ("" if message.endswith(".") else "."))
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
