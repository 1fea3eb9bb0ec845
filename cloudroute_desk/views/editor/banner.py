"""The strip above the form that tells the admin something happened to their draft: restored
after a crash, in conflict with another admin's save, locked under them, or refused."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class Banner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.revert_button = QPushButton("Revert")
        self.resolve_button = QPushButton("Resolve…")
        row.addWidget(self.label, 1)
        row.addWidget(self.revert_button)
        row.addWidget(self.resolve_button)
        self.hide()

    def show_message(self, text: str, *, revert: bool = False, resolve: bool = False) -> None:
        self.label.setText(text)
        self.revert_button.setVisible(revert)
        self.resolve_button.setVisible(resolve)
        self.show()

    def offers_action(self) -> bool:
        """True while the banner asks for a decision (revert a restore, resolve a conflict)."""
        return self.isVisible() and (
            self.revert_button.isVisibleTo(self) or self.resolve_button.isVisibleTo(self)
        )
