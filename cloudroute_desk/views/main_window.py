"""The main window: menus, status bar, the panes, and the fan-out of what changed.

Panes are built in ``_build_panes`` and placed in three full-window workspaces (Triage,
Review, Charts; ``workspaces.py``) by ``_build_workspaces``; each pane reacts to
``apply_changes(Changes)`` and reloads only what it shows. Database switches (File menu) open
the new database off the GUI thread and, only once it opened cleanly, point the DB executor
at it. The window fits small screens (``window_fit.py``): its minimum size is fixed, so no
pane can grow it, and its default and restored geometry are kept on the screen.

The window is built in two steps so the first paint waits only for the queue: ``__init__``
builds the queue, the inquiry detail, the charts' placeholder, the workspaces, menus, status
bar and server banner; ``build_later_panes`` adds the partner ranking, the editor and what
needs them (menu actions, live updates, offline mode). Their modules are gathered in
``later_panes.py``, which start-up imports off the GUI thread, step by step, after the queue's
first rows are on screen (``build_panes_later``); tests and every other caller get the whole
window at once.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk import __version__
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import DatabaseOpenError
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.models.server_status import ServerStatus
from cloudroute_desk.services.changes import EVERYTHING, Changes
from cloudroute_desk.views import file_dialogs
from cloudroute_desk.views.charts.deferred_panel import DeferredChartsPanel
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.demo_first_use import demo_path, generate_demo_on_first_use
from cloudroute_desk.views.elided_label import ElidedLabel
from cloudroute_desk.views.help import HELP_TEXT, GuideDialog, ShortcutsDialog, shortcut_rows
from cloudroute_desk.views.pop_out import PopOutHost
from cloudroute_desk.views.queue import InquiryDetailPanel, QueuePane
from cloudroute_desk.views.recent_databases import RecentDatabases, RecentEntry, SavedServer
from cloudroute_desk.views.recent_menu import RecentMenu
from cloudroute_desk.views.server_banner import ServerBanner, ServerBoundActions
from cloudroute_desk.views.theme import Theme, apply_theme
from cloudroute_desk.views.window_fit import MINIMUM_SIZE, default_geometry, fit_to_screen
from cloudroute_desk.views.workspaces import Workspace, Workspaces

if TYPE_CHECKING:
    from cloudroute_desk.domain.chart_data import QueueFilterRequest
    from cloudroute_desk.services.change_follow import RemoteChanges

CHARTS_DEBOUNCE_MS = 3000
"""Other admins' changes redraw the charts at most this often (each reload aggregates)."""


LaterStep = Callable[[], Iterator[None] | None]
"""A GUI-thread step of the later build: done when it returns, or a generator whose pieces
run one event-loop turn apart (each yield hands control back to paint and answer)."""


def _import_all(modules: tuple[str, ...]) -> None:
    for module in modules:
        importlib.import_module(module)


class ChangeAware(Protocol):
    def apply_changes(self, changes: Changes) -> None: ...


class MainWindow(QMainWindow):
    database_switched = Signal(str)
    """Emitted with the new database's display name after File → Open / Connect."""
    database_refused = Signal(str)
    """Emitted with the one-sentence reason when a database to switch to cannot be used."""
    panes_built = Signal()
    """The later panes exist (``panes_ready``): emitted once, by ``build_later_panes``."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        panes_after_first_paint: bool = False,
    ) -> None:
        """With ``panes_after_first_paint`` the caller builds the rest with
        ``build_panes_later`` (or ``build_later_panes``) once the queue is on screen."""
        super().__init__(parent)
        self.context = context
        self.undo_stack = QUndoStack(self)
        self._change_aware: list[ChangeAware] = []
        self._jobs = DbJobs(context.executor, self)
        self._fit_on_show = True
        self.recent_databases = RecentDatabases(context.settings)
        self._demo_generation: asyncio.Future[None] | None = None
        self.panes_ready = False
        """The later panes (``build_later_panes``) exist."""
        self._closed = False
        self.setWindowTitle("CloudRoute Desk")
        self.setMinimumSize(MINIMUM_SIZE)
        self._build_queue()
        self._build_charts()
        self._build_workspaces()
        self._build_menu_bar()
        self._build_status_bar()
        self._build_server_status()
        self._restore_state()
        if not panes_after_first_paint:
            self.build_later_panes()

    # ---- the panes built after the first paint ---------------------------------------------

    def _later_stages(self) -> tuple[tuple[tuple[str, ...], LaterStep], ...]:
        """(modules, step): each step a short GUI-thread build, or short pieces of one, once
        its modules are imported (``later_panes`` lists them all). The ranking comes first, so
        the first inquiry's ranking starts while the rest still loads; the last step completes
        the window."""
        return (
            (("cloudroute_desk.views.partners.partner_dock",), self._build_partners),
            (
                (
                    "cloudroute_desk.services.drafts",
                    "cloudroute_desk.views.editor",
                    "cloudroute_desk.views.queue.inquiry_facts",
                ),
                self._build_editor,
            ),
            (("cloudroute_desk.views.later_panes",), self._connect_later_panes),
        )

    def build_later_panes(self) -> None:
        """The partner ranking, the editor and everything wired to them, now."""
        for _modules, step in self._later_stages():
            for _piece in step() or ():
                pass

    async def build_panes_later(self) -> None:
        """``build_later_panes`` for start-up: each step's modules load on a pool thread
        (numpy, pydantic's ACE form, the dialogs: the GUI keeps painting and answering), then
        the step runs on the GUI thread, piece by piece with the event loop turning between
        them (no piece stalls the GUI long). Stops if the window closed meanwhile."""
        loop = asyncio.get_running_loop()
        for modules, step in self._later_stages():
            await loop.run_in_executor(None, _import_all, modules)
            if self._closed:
                return
            for _piece in step() or ():
                await asyncio.sleep(0)
                if self._closed:
                    return

    # ---- panes ---------------------------------------------------------------------------

    def _build_queue(self) -> None:
        self.queue = QueuePane(self.context.executor, self)
        self.inquiry_detail = InquiryDetailPanel(self.context.executor, self)
        self.queue.inquiry_selected.connect(self.inquiry_detail.show_inquiry)
        self.queue.status_message.connect(self._on_queue_status_message)
        self.queue.changes_made.connect(self.apply_changes)
        self.inquiry_detail.changes_made.connect(self.apply_changes)
        for actions in (self.queue.status_actions, self.inquiry_detail.status_actions):
            actions.admin = self.context.admin
            actions.reported.connect(self._on_queue_status_message)
        self.register_change_aware(self.queue)
        self.register_change_aware(self.inquiry_detail)
        self.queue.empty_state.demo_requested.connect(self.open_demo)

    def _build_partners(self) -> None:
        from cloudroute_desk.views.partners.partner_dock import PartnerDock

        self.partners = PartnerDock(
            self, self.context.executor, self.context.admin, self.undo_stack, self.apply_changes
        )
        self._partner_slot.addWidget(self.partners.pane)
        self.register_change_aware(self.partners.pane)
        self.queue.inquiry_selected.connect(self.partners.pane.set_inquiry)
        self.queue.partner_dropped.connect(self._on_partner_dropped_on_queue)
        self.partners.controller.assigned.connect(self._on_assigned)
        self._queue_drop: tuple[int, str, bool] | None = None
        self.inquiry_detail.partner_dropped.connect(self.partners.controller.assign_dropped)
        if self.queue.selected_id is not None:  # chosen before this pane existed
            self.partners.pane.set_inquiry(self.queue.selected_id)

    def _on_partner_dropped_on_queue(self, inquiry_id: int, partner_id: int) -> None:
        """Remember which row took the drop, to say so (with Undo) once it is assigned."""
        row = self.queue.model.row_of_loaded(inquiry_id)
        item = self.queue.model.row_object(row) if row is not None else None
        company = item.company_name if item is not None else f"inquiry #{inquiry_id}"
        self._queue_drop = (inquiry_id, company, inquiry_id != self.queue.selected_id)
        self.partners.controller.assign_dropped(inquiry_id, partner_id)

    def _on_assigned(self, inquiry_id: int, partner_name: str) -> None:
        drop, self._queue_drop = self._queue_drop, None
        if drop is None or drop[0] != inquiry_id:
            return
        _id, company, elsewhere = drop
        where = " — not the selected inquiry" if elsewhere else ""
        self.queue.drop_notice.show_result(
            f"Assigned {partner_name} to {company} (#{inquiry_id}){where}.",
            undo=lambda: self._undo_if_last(f"Assign {partner_name} to inquiry {inquiry_id}"),
            select=(lambda: self.queue.select_inquiry(inquiry_id)) if elsewhere else None,
        )

    def _undo_if_last(self, text: str) -> None:
        """Undo the step named ``text`` only if nothing was done since (else say so)."""
        if self.undo_stack.canUndo() and self.undo_stack.undoText() == text:
            self.undo_stack.undo()
        else:
            self.statusBar().showMessage("Not undone: other changes came after it.", 6000)

    def _build_editor(self) -> Iterator[None]:
        """The editor in pieces (its record form's 51 rows a few at a time), then wired."""
        from cloudroute_desk.services.drafts import DraftStore
        from cloudroute_desk.views.editor import RecordEditorPane
        from cloudroute_desk.views.queue.inquiry_facts import InquiryFacts

        self.record_editor = RecordEditorPane(
            self.context.executor,
            DraftStore(self.context.data_dir / "drafts.sqlite"),
            self,
            admin=self.context.admin,
            form_later=True,
        )
        yield
        yield from self.record_editor.build_in_pieces()
        self.record_editor.changes_made.connect(self.apply_changes)
        self.register_change_aware(self.record_editor)
        self.queue.inquiry_selected.connect(self.record_editor.set_inquiry)
        self.inquiry_facts = InquiryFacts(self.context.executor.now, self)
        self.inquiry_detail.detail_loaded.connect(
            lambda: self.inquiry_facts.show_detail(self.inquiry_detail.detail)
        )
        self.queue.inquiry_selected.connect(self._on_inquiry_selected_for_facts)
        yield
        self._review_layout.addWidget(self.inquiry_facts)
        self._review_layout.addWidget(self.record_editor, 1)
        self.record_editor.reset_layout()
        editor_state = self.context.settings.value("window/splitters/review")
        if isinstance(editor_state, QByteArray):
            self.record_editor.body.restoreState(editor_state)
        if self.queue.selected_id is not None:  # chosen before this pane existed
            self.record_editor.set_inquiry(self.queue.selected_id)
            self.inquiry_facts.show_detail(self.inquiry_detail.detail)

    def _on_inquiry_selected_for_facts(self, inquiry_id: int | None) -> None:
        if inquiry_id is None:
            self.inquiry_facts.show_detail(None)

    def _build_charts(self) -> None:
        self.charts = DeferredChartsPanel(self.context.executor, self)
        self.register_change_aware(self.charts)
        self.charts.queue_filter_requested.connect(self._on_charts_queue_filter_requested)
        self.database_switched.connect(lambda _name: self.charts.set_database_changed())

    # ---- workspaces ----------------------------------------------------------------------

    def _build_workspaces(self) -> None:
        """Triage: the queue over the partner ranking, the inquiry's detail on the right.
        Review: the inquiry's key facts over its records and the editor. Charts: the charts.
        """
        self.workspaces = Workspaces(self)
        self._splitters: dict[str, tuple[QSplitter, tuple[int, ...]]] = {}
        left = self._splitter("triage_left", Qt.Orientation.Vertical, (55, 45))
        left.addWidget(self.queue)
        # The partner ranking goes here once built; the splitter keeps its share meanwhile.
        partner_slot = QWidget()
        partner_slot.setObjectName("partner_slot")
        self._partner_slot = QVBoxLayout(partner_slot)
        self._partner_slot.setContentsMargins(0, 0, 0, 0)
        left.addWidget(partner_slot)
        triage = self._splitter("triage_splitter", Qt.Orientation.Horizontal, (70, 30))
        triage.addWidget(left)
        triage.addWidget(self.inquiry_detail)
        self.workspaces.add_page(Workspace.TRIAGE, triage)

        review_content = QWidget()
        review_layout = QVBoxLayout(review_content)
        review_layout.setContentsMargins(6, 6, 6, 0)
        review_layout.setSpacing(0)
        self._review_layout = review_layout  # the facts and the editor, once built
        self.review = PopOutHost(review_content, "Review", self)
        self.workspaces.add_page(Workspace.REVIEW, self.review)
        self.workspaces.add_page(Workspace.CHARTS, self.charts)

        self.setCentralWidget(self.workspaces)
        self.side_bar = self.workspaces.side_bar()
        self.addToolBar(Qt.ToolBarArea.LeftToolBarArea, self.side_bar)
        self._reset_splitters()

    def _splitter(
        self, name: str, orientation: Qt.Orientation, default: tuple[int, ...]
    ) -> QSplitter:
        splitter = QSplitter(orientation, self)
        splitter.setObjectName(name)
        splitter.setChildrenCollapsible(False)
        self._splitters[name] = (splitter, default)
        return splitter

    def _reset_splitters(self) -> None:
        for splitter, default in self._splitters.values():
            # Relative weights: the splitter shares out whatever length it has in proportion.
            splitter.setSizes([part * 100 for part in default])
        if self.panes_ready:
            self.record_editor.reset_layout()

    def show_workspace(self, workspace: Workspace) -> None:
        self.workspaces.show_workspace(workspace)

    def reset_layout(self) -> None:
        """View → Reset layout: default pane sizes, Triage shown, the window on screen."""
        self.review.bring_back()
        if self.panes_ready:
            self.partners.pane.why_action.setChecked(False)
        self._reset_splitters()
        self.show_workspace(Workspace.TRIAGE)
        if not self.isMaximized() and not self.isFullScreen():
            self.setGeometry(default_geometry(self))
        for key in ("window/geometry", "window/splitters", "window/workspace"):
            self.context.settings.remove(key)
        self.statusBar().showMessage("Layout reset", 3000)

    def _on_charts_queue_filter_requested(self, request: QueueFilterRequest) -> None:
        from cloudroute_desk.domain.chart_data import to_filter_request

        self.queue.apply_filter_request(to_filter_request(request))

    def _on_queue_status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 5000)

    def register_change_aware(self, pane: ChangeAware) -> None:
        self._change_aware.append(pane)

    # ---- the others' changes -------------------------------------------------------------

    def _build_live_updates(self) -> None:
        from cloudroute_desk.views.later_panes import ClaimKeeper, LiveUpdates

        self.claims = ClaimKeeper(self.context.executor, self)
        self.queue.inquiry_selected.connect(self.claims.on_inquiry_selected)
        self.claims.claims_changed.connect(self._on_claims_changed)
        self.inquiry_detail.detail_loaded.connect(self._on_claims_changed)
        self.partners.controller.claim_of = self.claims.claim_of
        self.claims.reload()
        self.live = LiveUpdates(self.context.executor, self)
        self.live.arrived.connect(self._on_live_arrived)
        self._charts_pending = Changes()
        self._charts_debounce = QTimer(self)
        self._charts_debounce.setSingleShot(True)
        self._charts_debounce.setInterval(CHARTS_DEBOUNCE_MS)
        self._charts_debounce.timeout.connect(self._on_charts_debounce_timeout)
        self.database_switched.connect(lambda _name: self.live.start())
        self.live.start()

    def _on_live_arrived(self, remote: RemoteChanges) -> None:
        """Another admin's changes reach every pane like our own; the charts (whole-table
        aggregates) at most once per ``CHARTS_DEBOUNCE_MS`` while changes keep coming."""
        for pane in self._change_aware if remote.changes.any else ():
            if pane is self.charts:
                self._charts_pending = self._charts_pending | remote.changes
                if not self._charts_debounce.isActive():
                    self._charts_debounce.start()
            else:
                pane.apply_changes(remote.changes)
        self.queue.model.mark_remote(remote.entries)
        if any(entry.entity == "claim" for entry in remote.entries):
            self.claims.reload()

    def _on_claims_changed(self) -> None:
        self.queue.model.set_claims(self.claims.others)
        self.inquiry_detail.show_claim(self.claims.describe(self.inquiry_detail.inquiry_id))

    def _on_charts_debounce_timeout(self) -> None:
        pending, self._charts_pending = self._charts_pending, Changes()
        self.charts.apply_changes(pending)

    def apply_changes(self, changes: Changes) -> None:
        """Fan a use-case's Changes out to every pane; each decides from the kinds and ids
        what, if anything, it reloads."""
        if not changes.any:
            return
        for pane in self._change_aware:
            pane.apply_changes(changes)

    # ---- menus ---------------------------------------------------------------------------

    def _build_menu_bar(self) -> None:
        """Every menu, with the actions of the panes built so far; ``_add_later_actions``
        adds those of the later panes at their places."""
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = file_menu.addAction("&Open database…", self._on_open_triggered)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        file_menu.addAction("&New database…", self._on_new_triggered)
        file_menu.addAction("&Connect to server…", self._on_connect_triggered)
        self.recent_menu = RecentMenu(self.recent_databases, file_menu)
        self.recent_menu.chosen.connect(self._on_recent_chosen)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        self.file_menu = file_menu
        self.file_import_separator = file_menu.addSeparator()
        file_menu.insertAction(self.file_import_separator, self.queue.export_action)
        quit_action = file_menu.addAction("&Quit", self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)

        edit_menu = self.menuBar().addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        undo.setProperty(HELP_TEXT, "Undo the last assignment or re-route")
        redo.setProperty(HELP_TEXT, "Redo what was undone")
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        self.edit_menu = edit_menu

        self.view_menu = self.menuBar().addMenu("&View")
        for action in self.workspaces.actions_by_workspace.values():
            self.view_menu.addAction(action)
        self.pop_out_action = self.view_menu.addAction(
            "Review in its own &window", self._on_pop_out_triggered
        )
        self.pop_out_action.setStatusTip("Open the record editor beside the window, for Triage")
        self.view_menu.addSeparator()
        self.refresh_action = self.view_menu.addAction("&Refresh", self.refresh)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.setStatusTip("Reload every pane from the database")
        self.reset_layout_action = self.view_menu.addAction("Reset &layout", self.reset_layout)
        self.view_menu.addSeparator()
        theme_menu = self.view_menu.addMenu("&Theme")
        self.theme_actions = QActionGroup(self)
        self.theme_actions.setExclusive(True)
        for theme in Theme:
            action = theme_menu.addAction(theme.value.capitalize())
            action.setCheckable(True)
            action.setChecked(self._saved_theme() is theme)
            action.triggered.connect(lambda _=False, t=theme: self._on_theme_chosen(t))
            self.theme_actions.addAction(action)

        self._add_window_wide_actions()

        help_menu = self.menuBar().addMenu("&Help")
        self.help_menu = help_menu
        self.guide_action = help_menu.addAction("User &guide", self.show_guide)
        self.guide_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.shortcuts_action = help_menu.addAction("&Keyboard shortcuts", self.show_shortcuts)
        self.shortcuts_action.setShortcut(QKeySequence("Ctrl+/"))
        help_menu.addSeparator()
        help_menu.addAction("&About CloudRoute Desk", self._on_about_triggered)

    def _add_later_actions(self) -> None:
        """The later panes' menus and actions, where the menus keep them."""
        from cloudroute_desk.views.later_panes import (
            ImportController,
            PartnerCentralImportController,
            PartnerCentralSyncController,
            RowKind,
        )

        file_menu, before = self.file_menu, self.queue.export_action
        self.importer = ImportController(self.context, self)
        self.importer.add_actions(file_menu, before=before)
        self.importer.imported.connect(self.apply_changes)
        self.partner_central_importer = PartnerCentralImportController(self.context, self)
        self.partner_central_importer.add_to(file_menu, before=before)
        self.partner_central_importer.imported.connect(self.apply_changes)
        self.partner_central_sync = PartnerCentralSyncController(self.context, self)
        file_menu.insertAction(before, self.partner_central_sync.action)
        self.partner_central_sync.synced.connect(self.apply_changes)
        self.queue.empty_state.import_requested.connect(
            lambda: self.importer.choose_and_import(RowKind.INQUIRY)
        )
        self.partners.add_menus(self.menuBar(), before=self.help_menu.menuAction())

    def _connect_later_panes(self) -> None:
        """The last later step: what needs the partner ranking and the editor built."""
        self._add_later_actions()
        self._bind_server_actions()
        self._build_live_updates()
        self._build_offline()
        self.panes_ready = True
        self.panes_built.emit()

    def _add_window_wide_actions(self) -> None:
        """Shortcuts that work from any pane and workspace; those that act on the queue
        bring Triage forward first."""
        for action in (self.queue.find_action, self.queue.next_breached_action):
            self.addAction(action)
            action.triggered.connect(lambda _=False: self.show_workspace(Workspace.TRIAGE))
        for action in self.workspaces.actions_by_workspace.values():
            self.addAction(action)
        self.addAction(self.refresh_action)

    def refresh(self) -> None:
        """F5: every pane re-reads what it shows (another admin's work, a restored server)."""
        self.apply_changes(EVERYTHING)
        if self.panes_ready and not self.live.following:
            self.live.start()  # the database was unreachable when it was opened
        self.statusBar().showMessage("Refreshed", 2000)

    def _on_pop_out_triggered(self) -> None:
        self.review.pop_out()
        self.show_workspace(Workspace.TRIAGE)

    def all_actions(self) -> list[QAction]:
        """Every action of the menus (in menu order) and the window-wide ones."""
        found: list[QAction] = []

        def walk(actions: list[QAction]) -> None:
            for action in actions:
                menu = action.menu()
                if isinstance(menu, QMenu):
                    walk(menu.actions())
                elif not action.isSeparator():
                    found.append(action)

        walk(self.menuBar().actions())
        walk(self.actions())
        return found

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(shortcut_rows(self.all_actions()), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_guide(self) -> GuideDialog:
        dialog = GuideDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

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
        # Elided labels: a long server URL or admin name must not widen the window.
        self.database_label = ElidedLabel()
        self.admin_label = ElidedLabel(f"Signed in as {self.context.admin}")
        self.admin_label.setMaximumWidth(240)
        self.statusBar().setSizeGripEnabled(True)
        self.statusBar().addWidget(self.database_label, 1)
        self.statusBar().addPermanentWidget(self.admin_label)
        self.show_database_name()

    @property
    def database(self) -> Database:
        return self.context.executor.database

    # ---- server link ---------------------------------------------------------------------

    def _build_server_status(self) -> None:
        """The banner above the workspace, its status-bar note, and the controls that need
        the server, all following whether the server answers."""
        self.server_status = ServerStatus(self)
        self.server_banner = ServerBanner(self.server_status, self)
        self.statusBar().addPermanentWidget(self.server_banner.status_label)
        host = QWidget(self)
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.server_banner)
        self._banner_layout = layout
        workspace = self.takeCentralWidget()
        if workspace is not None:
            layout.addWidget(workspace, 1)
        self.setCentralWidget(host)
        self.server_bound = ServerBoundActions(self.server_status, self)
        for actions in (self.queue.status_actions, self.inquiry_detail.status_actions):
            self.server_bound.add(actions.call_held_action, actions.decline_action)
        self.server_status.changed.connect(self._on_server_status_changed)
        self.server_status.follow(self.database)

    def _bind_server_actions(self) -> None:
        """The later panes' controls that need the server follow it too."""
        pane = self.partners.pane
        self.server_bound.add(
            pane.assign_action,
            pane.reroute_action,
            self.partners.suggest_action,
            self.partners.new_partner_action,
            self.partners.edit_partner_action,
            *self.importer.actions.values(),
            self.partner_central_sync.action,
        )
        self.server_bound.add_widgets(self.record_editor.lifecycle)

    def _on_server_status_changed(self, answering: bool) -> None:
        offline = getattr(self, "offline", None)
        if offline is not None and offline.mode.offline:
            return  # the offline copy "answers": that is no news about the server
        if answering:
            # What other admins did meanwhile, and what failed to load while it was away.
            self.statusBar().showMessage("Server answering again", 5000)
            self.apply_changes(EVERYTHING)

    def show_database_name(self) -> None:
        offline = getattr(self, "offline", None)
        if offline is not None and offline.mode.offline:
            self.database_label.setText(f"Offline copy of {offline.mode.server_where}")
            return
        self.database_label.setText(f"Database: {self.database.display_name}")

    # ---- switching databases -------------------------------------------------------------

    def open_demo(self) -> None:
        """The empty queue's "Open the demo": the demo database in the user data folder,
        generated first (progress and Cancel) when it is not there yet."""
        path = demo_path(self.context.data_dir)
        if path.exists():
            self.switch_database(str(path))
            return
        self.queue.empty_state.demo_button.setEnabled(False)
        self._demo_generation = asyncio.ensure_future(self._generate_then_open_demo(path))

    async def _generate_then_open_demo(self, path: Path) -> None:
        try:
            generated = await generate_demo_on_first_use(path, show_dialog=True)
        except Exception as error:
            # Any failure (a full disk, a read-only folder) gets one sentence; the generator
            # already removed its partial file, so nothing is lost and Open the demo can retry.
            QMessageBox.critical(
                self, "Open the demo", f"The demo database could not be generated: {error}"
            )
            return
        finally:
            self.queue.empty_state.demo_button.setEnabled(True)
        if not generated:
            self.statusBar().showMessage("Demo generation cancelled; nothing was kept.", 5000)
            return
        self.switch_database(str(path))

    def _on_open_triggered(self) -> None:
        from cloudroute_desk.views.database_dialogs import ask_sqlite_file

        path = ask_sqlite_file(self, create=False)
        if path:
            self.switch_database(path)

    def _on_new_triggered(self) -> None:
        from cloudroute_desk.views.database_dialogs import ask_sqlite_file

        path = ask_sqlite_file(self, create=True)
        if path:
            self.switch_database(path)

    def _on_connect_triggered(self, server: SavedServer | None = None) -> None:
        from cloudroute_desk.views.database_dialogs import ConnectServerDialog

        dialog = ConnectServerDialog(self, self.recent_databases.servers())
        if server is not None:
            dialog.show_server(server)
        if dialog.exec() == ConnectServerDialog.DialogCode.Accepted:
            self.connect_to(dialog.server(), dialog.password.text())

    def connect_to(self, server: SavedServer, password: str) -> None:
        """Open ``server``; once it opened, remember it (and its password in the keyring)."""
        # Loaded when first used: the keyring and the dialogs are no part of the first paint.
        from cloudroute_desk.services.password_store import store_password
        from cloudroute_desk.views.database_dialogs import server_url

        def remember() -> None:
            self.recent_databases.remember_server(server)
            store_password(server.label, password)  # no keyring: the dialog said so

        self.switch_database(server_url(server, password), on_opened=remember)

    def _on_recent_chosen(self, entry: RecentEntry) -> None:
        if entry.server is None:
            self.switch_database(entry.path)
            return
        from cloudroute_desk.services.password_store import stored_password

        password = stored_password(entry.server.label)
        if password is None:
            self._on_connect_triggered(entry.server)  # asks for the password
        else:
            self.connect_to(entry.server, password)

    def switch_database(self, target: str, on_opened: Callable[[], None] | None = None) -> None:
        """Open ``target`` on the DB worker; on success every pane reloads from it
        (``database_switched``), on a refusal the reason is shown (``database_refused``)."""
        self.statusBar().showMessage("Opening database…")

        def opened(database: Database) -> None:
            self._on_database_opened(target, database)
            if on_opened is not None:
                on_opened()

        self._jobs.open(target, on_done=opened, on_error=self._on_database_refused)

    def _on_database_refused(self, error: BaseException) -> None:
        if not isinstance(error, DatabaseOpenError):
            raise error
        self.statusBar().clearMessage()
        QMessageBox.critical(self, "Cannot open database", str(error))
        self.database_refused.emit(str(error))

    def _on_database_opened(self, target: str, database: Database) -> None:
        self.use_database(database.signed_as(self.context.admin))
        self.offline.mode.follow(target, database)
        self.statusBar().showMessage("Database opened", 3000)
        self.context.settings.setValue("database/last", target if "://" not in target else "")
        if "://" not in target:
            self.recent_databases.remember_file(target)

    def use_database(self, database: Database) -> None:
        """Run every pane on ``database`` from now on: another file or server, the offline
        copy when the server went away, the server again when it is back."""
        self.context.executor.switch_to(database)
        self.server_status.follow(database)
        self.undo_stack.clear()
        self.show_database_name()
        self.apply_changes(EVERYTHING)
        self.database_switched.emit(database.display_name)

    # ---- offline -------------------------------------------------------------------------

    def _build_offline(self) -> None:
        from cloudroute_desk.views.later_panes import OfflineController

        self.offline = OfflineController(self)
        self.offline.install(self._banner_layout, self.file_menu, self.file_import_separator)
        self.queue.menu_extras.append(self.offline.fill_queue_menu)

    # ---- window state --------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = self.context.settings
        file_dialogs.restore(settings.value("dialogs/last_folder", ""))
        geometry = settings.value("window/geometry")
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.setGeometry(default_geometry(self))
        fit_to_screen(self)
        for name, (splitter, _default) in self._splitters.items():
            state = settings.value(f"window/splitters/{name}")
            if isinstance(state, QByteArray):
                splitter.restoreState(state)
        try:
            self.show_workspace(Workspace(int(settings.value("window/workspace", 0))))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            self.show_workspace(Workspace.TRIAGE)

    def show_at_size(self, size: QSize) -> None:
        """Show at exactly ``size`` (screenshots, tests), whatever the screen."""
        self._fit_on_show = False
        self.resize(size)
        self.show()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._fit_on_show:
            # Only now is the frame (title bar, borders) known: keep all of it on screen.
            self._fit_on_show = False
            fit_to_screen(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        settings = self.context.settings
        settings.setValue("window/geometry", self.saveGeometry())
        for name, (splitter, _default) in self._splitters.items():
            settings.setValue(f"window/splitters/{name}", splitter.saveState())
        settings.setValue("window/workspace", self.workspaces.current.value)
        settings.setValue("dialogs/last_folder", file_dialogs.last_folder())
        self.review.bring_back()
        if self.panes_ready:
            settings.setValue("window/splitters/review", self.record_editor.body.saveState())
            self.live.stop()
            self.offline.mode.stop()
            self.claims.release()
            self.partner_central_sync.stop()
        super().closeEvent(event)
