"""Choosing a database: a SQLite file, or a shared PostgreSQL server."""

from __future__ import annotations

from urllib.parse import quote

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.views import file_dialogs


def ask_sqlite_file(parent: QWidget, *, create: bool) -> str | None:
    """A path chosen by the user, or None when they cancel."""
    filters = "CloudRoute databases (*.sqlite *.db);;All files (*)"
    if create:
        path, _ = QFileDialog.getSaveFileName(
            parent, "New database", file_dialogs.start_path("cloudroute.sqlite"), filters
        )
    else:
        path, _ = QFileDialog.getOpenFileName(
            parent, "Open database", file_dialogs.start_path(), filters
        )
    return file_dialogs.chosen(path) or None


def postgres_url(host: str, port: int, database: str, user: str, password: str) -> str:
    credentials = quote(user, safe="")
    if password:
        credentials += ":" + quote(password, safe="")
    return f"postgresql://{credentials}@{host}:{port}/{quote(database, safe='')}"


class ConnectServerDialog(QDialog):
    """Host, port, database and credentials for a shared PostgreSQL server."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to server")
        self.host = QLineEdit("localhost")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit("cloudroute")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Host", self.host)
        form.addRow("Port", self.port)
        form.addRow("Database", self.database)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        hint = QLabel(
            "The team's shared CloudRoute database. Ask your admin lead for the details; "
            "the schema is created or upgraded on first connect."
        )
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def url(self) -> str:
        return postgres_url(
            self.host.text().strip(),
            self.port.value(),
            self.database.text().strip(),
            self.user.text().strip(),
            self.password.text(),
        )
