"""Hosts the partner pane, the assignment controller and the partner/routing menus for the
main window, so the window itself only needs a few lines to place the pane in its Triage
workspace."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMenu, QMenuBar, QMessageBox

from cloudroute_desk.domain.entities import Partner
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services import partners as partner_service
from cloudroute_desk.services.changes import Changes
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.partners.assignment_controller import AssignmentController
from cloudroute_desk.views.partners.batch_dialog import BatchSuggestDialog
from cloudroute_desk.views.partners.partner_dialog import PartnerDialog
from cloudroute_desk.views.partners.partner_pane import PartnerPane


class PartnerDock(QObject):
    def __init__(
        self,
        window: QMainWindow,
        executor: DbExecutor,
        admin: str,
        undo_stack: QUndoStack,
        apply_changes: Callable[[Changes], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._executor = executor
        self._admin = admin
        self._apply_changes = apply_changes
        self._jobs = DbJobs(executor, self)
        self._batch: BatchSuggestDialog | None = None

        self.pane = PartnerPane(executor, window)
        self.controller = AssignmentController(
            executor, undo_stack, admin, window, shown_routing=self.pane.current_routing
        )
        self.controller.changes_made.connect(apply_changes)
        self.controller.status_reported.connect(
            lambda text: window.statusBar().showMessage(text, 8000)
        )
        self.pane.assign_requested.connect(self.controller.assign)
        self.pane.reroute_requested.connect(self.controller.mark_did_not_connect)
        self.pane.edit_partner_requested.connect(self.edit_partner)

        self.suggest_action = QAction("&Suggest for all new inquiries…", self)
        self.suggest_action.triggered.connect(self.show_batch_dialog)
        self.new_partner_action = QAction("&New partner…", self)
        self.new_partner_action.triggered.connect(lambda: self.open_partner_dialog(None))
        self.edit_partner_action = QAction("&Edit partner…", self)
        self.edit_partner_action.triggered.connect(self._on_edit_partner_triggered)

    def add_menus(self, menu_bar: QMenuBar, before: QAction | None = None) -> tuple[QMenu, QMenu]:
        routing = QMenu("&Routing", menu_bar)
        routing.addAction(self.pane.assign_action)
        routing.addAction(self.pane.reroute_action)
        routing.addSeparator()
        routing.addAction(self.suggest_action)
        partners = QMenu("&Partners", menu_bar)
        partners.addAction(self.new_partner_action)
        partners.addAction(self.edit_partner_action)
        for menu in (routing, partners):
            if before is None:
                menu_bar.addMenu(menu)
            else:
                menu_bar.insertMenu(before, menu)
        return routing, partners

    # ---- batch ---------------------------------------------------------------------------

    def show_batch_dialog(self) -> BatchSuggestDialog:
        if self._batch is None:
            self._batch = BatchSuggestDialog(self._executor, self._admin, self._window)
            self._batch.changes_made.connect(self._apply_changes)
        self._batch.show()
        self._batch.raise_()
        return self._batch

    # ---- partners ------------------------------------------------------------------------

    def open_partner_dialog(self, partner: Partner | None) -> PartnerDialog:
        dialog = PartnerDialog(self._executor, self._admin, partner, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.partner_saved.connect(lambda saved: self._on_partner_saved(saved))
        dialog.show()
        return dialog

    def _on_partner_saved(self, saved: partner_service.PartnerSaved) -> None:
        self._window.statusBar().showMessage(f"Saved partner {saved.partner.name}.", 6000)
        self._apply_changes(saved.changes)

    def edit_partner(self, partner_id: int) -> None:
        self._jobs.run(
            lambda db: partner_service.get_partner(db, partner_id),
            on_done=self._open_existing,
            on_error=self._on_failed,
        )

    def _open_existing(self, partner: Partner) -> None:
        self.open_partner_dialog(partner)

    def _on_edit_partner_triggered(self) -> None:
        selected = self.pane.selected_partner_ids()
        if selected:
            self.edit_partner(selected[0])
            return
        self._jobs.run(
            partner_service.list_partners, on_done=self._choose_partner, on_error=self._on_failed
        )

    def _choose_partner(self, partners: list[Partner]) -> None:
        if not partners:
            QMessageBox.information(self._window, "Edit partner", "There are no partners yet.")
            return
        labels = [f"{p.name} ({p.tier.value}{'' if p.active else ', inactive'})" for p in partners]
        label, ok = QInputDialog.getItem(self._window, "Edit partner", "Partner:", labels, 0, False)
        if ok and label in labels:
            self.open_partner_dialog(partners[labels.index(label)])

    def _on_failed(self, error: BaseException) -> None:
        if isinstance(error, partner_service.PartnerError):
            QMessageBox.warning(self._window, "Partner", str(error))
        else:
            raise error
