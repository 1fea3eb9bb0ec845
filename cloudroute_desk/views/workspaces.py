"""The admin's three jobs as three full-window workspaces, and the side bar that switches them.

Triage (queue, inquiry detail, partner ranking), Review (the inquiry's ACE records) and
Charts each get the whole window; Ctrl+1/2/3 or the side bar switch between them. The pages
share one selected inquiry, because they are views of the same panes' state.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QStackedWidget, QToolBar, QToolButton, QWidget

from cloudroute_desk.views.help import HELP_TEXT


class Workspace(IntEnum):
    TRIAGE = 0
    REVIEW = 1
    CHARTS = 2

    @property
    def title(self) -> str:
        return self.name.capitalize()


DESCRIPTIONS = {
    Workspace.TRIAGE: "Queue, inquiry detail and partner ranking: route inquiries",
    Workspace.REVIEW: "The selected inquiry's ACE records: edit, validate, file",
    Workspace.CHARTS: "Pipeline, days to credit, routing turnaround and close rates",
}


class Workspaces(QStackedWidget):
    """One page per workspace, plus the actions (menu, side bar, Ctrl+N) that show them."""

    workspace_changed = Signal(object)
    """The ``Workspace`` now shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspaces")
        self._group = QActionGroup(self)
        self._group.setExclusive(True)
        self.actions_by_workspace: dict[Workspace, QAction] = {}
        for workspace in Workspace:
            action = QAction(f"&{workspace.value + 1} {workspace.title}", self)
            action.setIconText(workspace.title)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(f"Ctrl+{workspace.value + 1}"))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(f"{DESCRIPTIONS[workspace]} (Ctrl+{workspace.value + 1})")
            action.setStatusTip(DESCRIPTIONS[workspace])
            action.setProperty(HELP_TEXT, f"Show {workspace.title}: {DESCRIPTIONS[workspace]}")
            action.triggered.connect(lambda _=False, w=workspace: self.show_workspace(w))
            self._group.addAction(action)
            self.actions_by_workspace[workspace] = action
        self.currentChanged.connect(self._on_current_changed)

    def add_page(self, workspace: Workspace, page: QWidget) -> None:
        if self.count() != workspace.value:
            raise ValueError("pages are added in Workspace order")
        page.setObjectName(f"page_{workspace.name.lower()}")
        self.addWidget(page)
        if self.count() == 1:
            self.actions_by_workspace[workspace].setChecked(True)

    @property
    def current(self) -> Workspace:
        return Workspace(self.currentIndex())

    def show_workspace(self, workspace: Workspace) -> None:
        self.setCurrentIndex(workspace.value)

    def side_bar(self) -> QToolBar:
        bar = QToolBar("Workspaces")
        bar.setObjectName("workspace_bar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setOrientation(Qt.Orientation.Vertical)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in self.actions_by_workspace.values():
            bar.addAction(action)
            button = bar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setAccessibleName(f"{action.iconText()} workspace")
                # Reachable with Tab (it then shows the focus ring); a click leaves the
                # focus where the admin was working.
                button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        return bar

    def _on_current_changed(self, index: int) -> None:
        if index < 0:
            return
        workspace = Workspace(index)
        self.actions_by_workspace[workspace].setChecked(True)
        self.workspace_changed.emit(workspace)
