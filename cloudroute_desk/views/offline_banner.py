"""What the window shows and offers around the offline copy.

The banner "Offline — working from a copy taken 14:02 UTC; 3 edits waiting to sync" above the
workspace while the window runs on the copy; the controls that need the server disabled with
the reason as tooltip; the partner ranking saying it needs the server (the copy holds only the
partners of the copied records, so a ranking from it would be wrong, not just old); after the
sync, "Synced 3 edits; 1 needs your decision" in the status bar and the Mine / Theirs dialog
once per record that needs a decision, with "Keep mine for all". File → Forget offline copy,
and "Keep offline" on the queue's and the record list's context menus.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QStyle,
    QWidget,
)

from cloudroute_desk.db import offline_copy
from cloudroute_desk.db.engine import Database
from cloudroute_desk.models.offline_mode import OfflineMode
from cloudroute_desk.services.changes import Changes
from cloudroute_desk.services.offline_sync import NeedsDecision, SyncReport
from cloudroute_desk.views.editor.conflict_dialog import ConflictDialog

RANKING_NEEDS_SERVER = (
    "Partner ranking needs the server: it weighs every partner, and the offline copy holds "
    "only the partners of the copied records."
)
SYNC_MESSAGE_MS = 20_000


class OfflineBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offline_banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # Blue-grey with dark text: unlike the amber "not answering", nothing is wrong.
        self.setStyleSheet(
            "#offline_banner { background: #dde8f3; border: 1px solid #7d9cc0; }"
            " #offline_banner QLabel { color: #1d3557; }"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        row.addWidget(self.label, 1)
        self.hide()

    def show_text(self, text: str) -> None:
        self.label.setText(text)
        self.setVisible(bool(text))


class OfflineController(QObject):
    def __init__(self, window: Any) -> None:
        """``window``: the ``MainWindow`` (typed loosely: it imports this module)."""
        super().__init__(window)
        self._window = window
        context = window.context
        self.mode = OfflineMode(
            context.executor,
            context.data_dir,
            window.record_editor.draft_store,
            context.admin,
            self,
        )
        self.banner = OfflineBanner(window)
        self._decisions: list[NeedsDecision] = []
        self._keep_mine_for_all = False
        self.dialog: ConflictDialog | None = None
        self.last_report: SyncReport | None = None
        self.mode.status_changed.connect(self._on_mode_status_changed)
        self.mode.went_offline.connect(self._on_mode_went_offline)
        self.mode.came_online.connect(self._on_mode_came_online)
        self.mode.synced.connect(self._on_mode_synced)
        self.mode.marks_changed.connect(self._on_mode_marks_changed)
        records_view = window.record_editor.records_view
        records_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        records_view.customContextMenuRequested.connect(self._on_records_menu_requested)
        window.server_status.changed.connect(self._on_server_status_changed)
        window.register_change_aware(self)
        window.record_editor.record_opened.connect(
            lambda record_id: self.mode.keep_offline(offline_copy.RECENT_RECORD, record_id)
        )
        self.forget_action = QAction("&Forget offline copy", window)
        self.forget_action.setStatusTip(
            "Delete this computer's copy of the server's records (it holds customer contacts)"
        )
        self.forget_action.triggered.connect(self._on_forget_triggered)
        if context.offline_start is not None:
            start = context.offline_start
            self.mode.start_offline(start.target, start.identity, start.copy)
        elif context.target:
            self.mode.follow(context.target, context.executor.database)

    def apply_changes(self, _changes: Changes) -> None:
        """Our own writes and the others' (the window fans both out here) reach the copy
        within a moment rather than at the next periodic refresh, so a server lost seconds
        after a save still leaves the saved version in the copy."""
        self.mode.refresh_soon()

    def install(self, host_layout: object, file_menu: QMenu, before: QAction) -> None:
        """Put the banner above the workspace and the menu entry in File."""
        host_layout.insertWidget(0, self.banner)  # type: ignore[attr-defined]
        file_menu.insertAction(before, self.forget_action)

    def fill_queue_menu(self, menu: QMenu, inquiry_id: int | None) -> None:
        if inquiry_id is None or not self.mode.has_copy:
            return
        action = menu.addAction("Keep offline")
        action.setStatusTip("Copy this inquiry and its records to this computer")
        action.setCheckable(True)
        action.setChecked(inquiry_id in self.mode.kept_inquiries)
        action.toggled.connect(
            lambda on: self.mode.keep_offline(offline_copy.KEEP_INQUIRY, inquiry_id, on)
        )

    def fill_record_menu(self, menu: QMenu, record_id: int | None) -> None:
        if record_id is None or not self.mode.has_copy:
            return
        action = menu.addAction("Keep offline")
        action.setStatusTip("Copy this record and what its review needs to this computer")
        action.setCheckable(True)
        action.setChecked(record_id in self.mode.kept_records)
        action.toggled.connect(
            lambda on: self.mode.keep_offline(offline_copy.KEEP_RECORD, record_id, on)
        )

    def _on_records_menu_requested(self, position: QPoint) -> None:
        view = self._window.record_editor.records_view
        row = view.indexAt(position).row()
        model = self._window.record_editor.records_model
        record_id = model.item(row).summary.id if 0 <= row < model.rowCount() else None
        menu = QMenu(view)
        self.fill_record_menu(menu, record_id)
        if not menu.isEmpty():
            menu.exec(view.viewport().mapToGlobal(position))
        menu.deleteLater()

    # ---- the mode's news ------------------------------------------------------------------

    def _on_mode_marks_changed(self, records: frozenset[int], inquiries: frozenset[int]) -> None:
        self._window.queue.model.set_kept_offline(inquiries)
        icon = self._window.style().standardIcon(QStyle.StandardPixmap.SP_DriveHDIcon)
        self._window.record_editor.records_model.set_kept_offline(records, icon)

    def _on_mode_status_changed(self, text: str) -> None:
        self.banner.show_text(text)
        offline = bool(text)
        self._window.server_bound.set_offline(offline)
        self._window.partners.pane.set_unavailable(RANKING_NEEDS_SERVER if offline else None)
        self.forget_action.setEnabled(not offline)
        self._window.show_database_name()

    def _on_server_status_changed(self, answering: bool) -> None:
        if not answering:
            self.mode.lose_server()

    def _on_mode_went_offline(self, copy: Database) -> None:
        self._window.use_database(copy.signed_as(self._window.context.admin))

    def _on_mode_came_online(self, server: Database) -> None:
        self._window.use_database(server.signed_as(self._window.context.admin))
        self._window.statusBar().showMessage("Server answering again; syncing your edits…")

    def _on_mode_synced(self, report: SyncReport) -> None:
        self.last_report = report if self.last_report is None else self.last_report | report
        self._window.apply_changes(report.changes)
        self._decisions.extend(report.decisions)
        self._show_summary()
        for kept in report.kept:
            self._window.record_editor.banner.show_message(kept.reason)
        self._next_decision()

    def _show_summary(self) -> None:
        report = self.last_report
        if report is None:
            return
        waiting = len(self._decisions) + (1 if self.dialog is not None else 0)
        summary = SyncReport(report.synced, tuple(self._decisions), report.kept).summary
        if waiting and not self._decisions:
            summary += f"; {waiting} needs your decision"
        self._window.statusBar().showMessage(summary, SYNC_MESSAGE_MS)

    def _next_decision(self) -> None:
        if self.dialog is not None or not self._decisions:
            return
        decision = self._decisions.pop(0)
        if self._keep_mine_for_all:
            self.mode.decide(decision, keep_mine=True)
            self._next_decision()
            return
        dialog = ConflictDialog(
            decision.mine,
            decision.conflict(),
            self._window,
            more_to_come=bool(self._decisions),
        )
        dialog.setWindowTitle(f"Offline edits of record {decision.record_id}: choose")
        self.dialog = dialog

        def chosen(_result: int) -> None:
            self.dialog = None
            if dialog.choice == ConflictDialog.KEEP_MINE_FOR_ALL:
                self._keep_mine_for_all = True
            if dialog.choice in (ConflictDialog.KEEP_MINE, ConflictDialog.KEEP_MINE_FOR_ALL):
                self.mode.decide(decision, keep_mine=True)
            elif dialog.choice == ConflictDialog.TAKE_THEIRS:
                self.mode.decide(decision, keep_mine=False)
            else:
                self._decisions.insert(0, decision)  # closed: asked again at the next sync
                return
            self._next_decision()

        dialog.finished.connect(chosen)
        dialog.open()

    def _on_forget_triggered(self) -> None:
        if self.mode.offline:
            return
        status = self.mode.status
        if status is not None and status.pending_edits:
            QMessageBox.information(
                self._window,
                "Forget offline copy",
                f"{status.pending_edits} offline edit(s) still wait for your decision; the copy "
                "is kept until they are synced.",
            )
            return
        answer = QMessageBox.question(
            self._window,
            "Forget offline copy",
            "Delete this computer's copy of the server's records (it holds customer contact "
            "data)? It is taken again the next time you connect to this server.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        gone = self.mode.forget()
        self._window.statusBar().showMessage(
            "Offline copy deleted" if gone else "There was no offline copy", 5000
        )
