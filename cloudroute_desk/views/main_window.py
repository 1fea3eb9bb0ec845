"""The main window: menus, status bar, the panes, and the fan-out of what changed.

Panes are built in ``_build_panes``; each reacts to ``apply_changes(Changes)`` and reloads
only what it shows. Database switches (File menu) open the new database off the GUI thread
and, only once it opened cleanly, point the DB executor at it.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QWidget,
)

from cloudroute_desk import __version__
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import DatabaseOpenError, open_database
from cloudroute_desk.domain.chart_data import QueueFilterRequest, to_filter_request
from cloudroute_desk.services.changes import EVERYTHING, Changes
from cloudroute_desk.services.drafts import DraftStore
from cloudroute_desk.views.charts.deferred_panel import DeferredChartsPanel
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.database_dialogs import ConnectServerDialog, ask_sqlite_file
from cloudroute_desk.views.editor import RecordEditorPane
from cloudroute_desk.views.import_dialog import ImportController
from cloudroute_desk.views.partners.partner_dock import PartnerDock
from cloudroute_desk.views.queue import InquiryDetailPanel, QueuePane
from cloudroute_desk.views.tasks import spawn
from cloudroute_desk.views.theme import Theme, apply_theme


class ChangeAware(Protocol):
    def apply_changes(self, changes: Changes) -> None: ...


class MainWindow(QMainWindow):
    database_switched = Signal(str)
    """Emitted with the new database's display name after File → Open / Connect."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.undo_stack = QUndoStack(self)
        self._change_aware: list[ChangeAware] = []
        self.setWindowTitle("CloudRoute Desk")
        self.resize(1440, 900)
        self._build_panes()
        self._build_menus()
        self._build_status_bar()
        self._restore_state()

    # ---- panes ---------------------------------------------------------------------------

    def _build_panes(self) -> None:
        """Create every pane, dock it, and connect the panes to each other."""
        self.view_menu_actions: list[QAction] = []
        self._build_queue()
        self._build_partner_dock()
        self._build_editor_dock()
        self._build_charts_dock()
        self._arrange_default_layout()

    def _build_queue(self) -> None:
        self.queue = QueuePane(self.context.executor, self)
        self.inquiry_detail = InquiryDetailPanel(self.context.executor, self)
        queue_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        queue_splitter.setObjectName("queue_splitter")
        queue_splitter.addWidget(self.queue)
        queue_splitter.addWidget(self.inquiry_detail)
        queue_splitter.setStretchFactor(0, 3)
        queue_splitter.setStretchFactor(1, 1)
        queue_splitter.setSizes([720, 300])
        self.setCentralWidget(queue_splitter)
        self.queue.inquiry_selected.connect(self.inquiry_detail.show_inquiry)
        self.queue.status_message.connect(self._on_queue_status_message)
        self.queue.changes_made.connect(self.apply_changes)
        self.inquiry_detail.changes_made.connect(self.apply_changes)
        for actions in (self.queue.status_actions, self.inquiry_detail.status_actions):
            actions.admin = self.context.admin
        self.register_change_aware(self.queue)
        self.register_change_aware(self.inquiry_detail)

    def _build_partner_dock(self) -> None:
        self.partners = PartnerDock(
            self, self.context.executor, self.context.admin, self.undo_stack, self.apply_changes
        )
        self.register_change_aware(self.partners.pane)
        self.view_menu_actions.append(self.partners.view_action)
        self.queue.inquiry_selected.connect(self.partners.pane.set_inquiry)
        self.queue.partner_dropped.connect(self.partners.controller.assign_dropped)
        self.inquiry_detail.partner_dropped.connect(self.partners.controller.assign_dropped)

    def _build_editor_dock(self) -> None:
        self.record_editor = RecordEditorPane(
            self.context.executor,
            DraftStore(self.context.data_dir / "drafts.sqlite"),
            self,
            admin=self.context.admin,
        )
        self.record_editor.changes_made.connect(self.apply_changes)
        self.register_change_aware(self.record_editor)
        self.queue.inquiry_selected.connect(self.record_editor.set_inquiry)
        self.editor_dock = self._dock("ACE records", "dock_ace_records", self.record_editor)

    def _build_charts_dock(self) -> None:
        self.charts = DeferredChartsPanel(self.context.executor, self)
        self.register_change_aware(self.charts)
        self.charts.queue_filter_requested.connect(self._on_charts_queue_filter_requested)
        self.database_switched.connect(lambda _name: self.charts.set_database_changed())
        self.charts_dock = self._dock("Charts", "dock_charts", self.charts)

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.view_menu_actions.append(dock.toggleViewAction())
        return dock

    def _arrange_default_layout(self) -> None:
        """Queue on top, partners to its right, records and charts as tabs below.

        Saved window state (``_restore_state``) replaces this once the admin rearranges.
        """
        self.tabifyDockWidget(self.editor_dock, self.charts_dock)
        self.editor_dock.raise_()
        self.resizeDocks([self.editor_dock], [380], Qt.Orientation.Vertical)
        self.resizeDocks([self.partners.dock], [470], Qt.Orientation.Horizontal)

    def _on_charts_queue_filter_requested(self, request: QueueFilterRequest) -> None:
        self.queue.apply_filter_request(to_filter_request(request))

    def _on_queue_status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 5000)

    def register_change_aware(self, pane: ChangeAware) -> None:
        self._change_aware.append(pane)

    def apply_changes(self, changes: Changes) -> None:
        """Fan a use-case's Changes out to every pane; each reloads only what it shows."""
        if not changes.any:
            return
        for pane in self._change_aware:
            pane.apply_changes(changes)

    # ---- menus ---------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = file_menu.addAction("&Open database…", self._on_open_triggered)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        file_menu.addAction("&New database…", self._on_new_triggered)
        file_menu.addAction("&Connect to server…", self._on_connect_triggered)
        file_menu.addSeparator()
        self.file_menu = file_menu
        self.file_import_separator = file_menu.addSeparator()
        self.importer = ImportController(self.context, self)
        self.importer.add_actions(file_menu, before=self.file_import_separator)
        self.importer.imported.connect(self.apply_changes)
        file_menu.insertAction(self.file_import_separator, self.queue.export_action)
        quit_action = file_menu.addAction("&Quit", self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)

        edit_menu = self.menuBar().addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        self.edit_menu = edit_menu

        self.view_menu = self.menuBar().addMenu("&View")
        for action in self.view_menu_actions:
            self.view_menu.addAction(action)
        theme_menu = self.view_menu.addMenu("&Theme")
        self.theme_actions = QActionGroup(self)
        self.theme_actions.setExclusive(True)
        for theme in Theme:
            action = theme_menu.addAction(theme.value.capitalize())
            action.setCheckable(True)
            action.setChecked(self._saved_theme() is theme)
            action.triggered.connect(lambda _=False, t=theme: self._on_theme_chosen(t))
            self.theme_actions.addAction(action)

        self.partners.add_menus(self.menuBar())

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("&About CloudRoute Desk", self._on_about_triggered)

    def _saved_theme(self) -> Theme:
        value = self.context.settings.value("ui/theme", Theme.SYSTEM.value)
        try:
            return Theme(str(value))
        except ValueError:
            return Theme.SYSTEM

    def _on_theme_chosen(self, theme: Theme) -> None:
        self.context.settings.setValue("ui/theme", theme.value)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            "About CloudRoute Desk",
            f"CloudRoute Desk {__version__}\n\n"
            "Route startup inquiries to one AWS partner, review their ACE records, and "
            f"follow credits to landing.\n\nDatabase: {self.database.display_name}",
        )

    # ---- status bar ----------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        self.database_label = QLabel()
        self.database_label.setTextFormat(Qt.TextFormat.PlainText)
        self.admin_label = QLabel(f"Signed in as {self.context.admin}")
        self.admin_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addWidget(self.database_label, 1)
        self.statusBar().addPermanentWidget(self.admin_label)
        self._show_database_name()

    @property
    def database(self) -> Database:
        return self.context.executor.database

    def _show_database_name(self) -> None:
        self.database_label.setText(f"Database: {self.database.display_name}")

    # ---- switching databases -------------------------------------------------------------

    def _on_open_triggered(self) -> None:
        path = ask_sqlite_file(self, create=False)
        if path:
            spawn(self.switch_database(path))

    def _on_new_triggered(self) -> None:
        path = ask_sqlite_file(self, create=True)
        if path:
            spawn(self.switch_database(path))

    def _on_connect_triggered(self) -> None:
        dialog = ConnectServerDialog(self)
        if dialog.exec() == ConnectServerDialog.DialogCode.Accepted:
            spawn(self.switch_database(dialog.url()))

    async def switch_database(self, target: str) -> bool:
        """Open ``target`` off the GUI thread; on success every pane reloads from it."""
        self.statusBar().showMessage("Opening database…")
        loop = asyncio.get_running_loop()
        try:
            database = await loop.run_in_executor(None, open_database, target)
        except DatabaseOpenError as error:
            self.statusBar().clearMessage()
            QMessageBox.critical(self, "Cannot open database", str(error))
            return False
        self.context.executor.switch_to(database)
        self.undo_stack.clear()
        self.statusBar().showMessage("Database opened", 3000)
        self._show_database_name()
        self.context.settings.setValue("database/last", target if "://" not in target else "")
        self.apply_changes(EVERYTHING)
        self.database_switched.emit(database.display_name)
        return True

    # ---- window state --------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.context.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.context.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.context.settings.setValue("window/geometry", self.saveGeometry())
        self.context.settings.setValue("window/state", self.saveState())
        super().closeEvent(event)
