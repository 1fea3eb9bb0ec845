"""What the admin can do when the first database cannot be opened at start-up: try again
(a server back up, a lock released), open another database, or quit."""

from __future__ import annotations

import enum

from PySide6.QtWidgets import QMessageBox, QPushButton


class RefusalChoice(enum.Enum):
    RETRY = "retry"
    OPEN_ANOTHER = "open another"
    QUIT = "quit"


class StartupRefusalDialog(QMessageBox):
    def __init__(self, message: str) -> None:
        super().__init__(QMessageBox.Icon.Critical, "Cannot open database", message)
        self.setInformativeText(
            "Try again once the server answers or the file is free, or open another database."
        )
        self.retry_button = self._add("&Retry", QMessageBox.ButtonRole.AcceptRole)
        self.open_button = self._add("&Open another database…", QMessageBox.ButtonRole.ActionRole)
        self.quit_button = self._add("&Quit", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.retry_button)
        self.setEscapeButton(self.quit_button)

    def _add(self, text: str, role: QMessageBox.ButtonRole) -> QPushButton:
        button = self.addButton(text, role)
        assert button is not None
        return button

    def choose(self) -> RefusalChoice:
        self.exec()
        clicked = self.clickedButton()
        if clicked is self.retry_button:
            return RefusalChoice.RETRY
        if clicked is self.open_button:
            return RefusalChoice.OPEN_ANOTHER
        return RefusalChoice.QUIT
