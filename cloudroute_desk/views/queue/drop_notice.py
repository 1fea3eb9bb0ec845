"""The line above the queue that says what a drop onto a row just did, with Undo.

Rows are 21 px high, so a partner dropped one row off lands on another inquiry; the notice
names the inquiry that got the partner, says when it was not the selected one, and undoes it
in one click.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from cloudroute_desk.views.elided_label import ElidedLabel

SHOWN_MS = 30_000


class DropNotice(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropNotice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = ElidedLabel()
        self.undo_button = QToolButton()
        self.undo_button.setText("Undo")
        self.undo_button.setAccessibleName("Undo this assignment")
        self.show_button = QToolButton()
        self.show_button.setText("Select it")
        self.show_button.setAccessibleName("Select the inquiry that got the partner")
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAccessibleName("Dismiss")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 2, 2)
        row.addWidget(self.label, 1)
        for button in (self.undo_button, self.show_button, self.close_button):
            row.addWidget(button)
        self._undo: Callable[[], None] | None = None
        self._select: Callable[[], object] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SHOWN_MS)
        self._timer.timeout.connect(self.hide)
        self.undo_button.clicked.connect(self._on_undo_clicked)
        self.show_button.clicked.connect(self._on_show_clicked)
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def show_result(
        self,
        text: str,
        undo: Callable[[], None],
        select: Callable[[], object] | None = None,
    ) -> None:
        self.label.setText(text)
        self._undo = undo
        self._select = select
        self.show_button.setVisible(select is not None)
        self.show()
        self._timer.start()

    def _on_undo_clicked(self) -> None:
        undo, self._undo = self._undo, None
        self.hide()
        if undo is not None:
            undo()

    def _on_show_clicked(self) -> None:
        if self._select is not None:
            self._select()
        self.show_button.hide()
