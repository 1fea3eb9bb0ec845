"""The strip above the form that tells the admin something happened to their draft: restored
after a crash, in conflict with another admin's save, overtaken by a newer save of someone
else, locked under them, or refused."""

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
        self.reload_button = QPushButton("Reload")
        self.reload_button.setToolTip("Take their version and discard your unsaved changes")
        self.compare_button = QPushButton("Compare…")
        self.compare_button.setToolTip("See your version and theirs side by side, then choose")
        row.addWidget(self.label, 1)
        for button in self._buttons():
            row.addWidget(button)
        self.hide()

    def _buttons(self) -> tuple[QPushButton, ...]:
        return (self.revert_button, self.resolve_button, self.reload_button, self.compare_button)

    def show_message(
        self, text: str, *, revert: bool = False, resolve: bool = False, newer: bool = False
    ) -> None:
        """``newer``: someone else saved a newer version; offer Reload and Compare."""
        self.label.setText(text)
        self.revert_button.setVisible(revert)
        self.resolve_button.setVisible(resolve)
        self.reload_button.setVisible(newer)
        self.compare_button.setVisible(newer)
        self.show()

    def offers_action(self) -> bool:
        """True while the banner asks for a decision (revert a restore, resolve a conflict,
        reload or compare a newer version)."""
        return self.isVisible() and any(button.isVisibleTo(self) for button in self._buttons())
