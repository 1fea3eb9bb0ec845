"""What the window shows while the database server is not answering.

An inline banner (hosted by the main window above its workspace), a permanent status-bar
note, and the controls that need the server disabled with a tooltip saying why. All three
follow one ``ServerStatus`` and clear themselves when the server answers again; the link
reconnects by itself with back-off (``db.server_link``), so there is nothing to click.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from cloudroute_desk.models.server_status import ServerStatus

BANNER_TEXT = "Server not answering — retrying; your edits are kept on this computer"
STATUS_TEXT = "Server not answering — retrying"
DISABLED_TIP = "Needs the server, which is not answering; retrying by itself."
OFFLINE_TIP = "Needs the server: you are working offline from a local copy."


class ServerBanner(QFrame):
    def __init__(self, status: ServerStatus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("server_banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # Amber with dark text reads the same in the light and the dark palette.
        self.setStyleSheet(
            "#server_banner { background: #fff3cd; border: 1px solid #e0b84c; }"
            " #server_banner QLabel { color: #5c4400; }"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel(BANNER_TEXT)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        row.addWidget(self.label, 1)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        status.changed.connect(self._on_status_changed)
        self._on_status_changed(status.answering)

    def _on_status_changed(self, answering: bool) -> None:
        self.setVisible(not answering)
        self.status_label.setText("" if answering else STATUS_TEXT)
        self.status_label.setVisible(not answering)


class ServerBoundActions:
    """Actions that need the server: disabled while it is away, as they were when it is back.

    A disabled ``QActionGroup`` holds its actions disabled without touching their own enabled
    state, so a pane that enables or disables an action meanwhile still gets its way once the
    server answers.
    """

    def __init__(self, status: ServerStatus, parent: QWidget) -> None:
        self._group = QActionGroup(parent)
        self._group.setExclusionPolicy(QActionGroup.ExclusionPolicy.None_)
        self._tips: dict[QAction, str] = {}
        self._answering = True
        self._offline = False
        status.changed.connect(self._on_status_changed)
        self._widgets: list[QWidget] = []

    def add(self, *actions: QAction) -> None:
        for action in actions:
            self._group.addAction(action)
            self._tips[action] = action.toolTip()
        self._apply()

    def add_widgets(self, *widgets: QWidget) -> None:
        """Containers (a bar of buttons): Qt restores each child's own state on re-enable."""
        self._widgets.extend(widgets)
        self._apply()

    def _on_status_changed(self, answering: bool) -> None:
        self._answering = answering
        self._apply()

    def set_offline(self, offline: bool) -> None:
        """Working from the offline copy: the same controls need the server, for that reason."""
        self._offline = offline
        self._apply()

    def _apply(self) -> None:
        usable = self._answering and not self._offline
        why = OFFLINE_TIP if self._offline else DISABLED_TIP
        self._group.setEnabled(usable)
        for action, tip in self._tips.items():
            action.setToolTip(tip if usable else why)
        for widget in self._widgets:
            widget.setEnabled(usable)
            widget.setToolTip("" if usable else why)
