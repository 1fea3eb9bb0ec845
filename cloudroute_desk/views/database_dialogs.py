"""Choosing a database: a SQLite file, or a shared PostgreSQL server."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from urllib.parse import quote, urlencode

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import make_url

from cloudroute_desk.db.tls import (
    ALLOW_CLEARTEXT,
    CleartextRefusedError,
    apply_tls_policy,
    describe_tls,
    is_local,
)
from cloudroute_desk.services.password_store import (
    NO_STORE_SENTENCE,
    password_store_available,
    stored_password,
)
from cloudroute_desk.views import file_dialogs
from cloudroute_desk.views.recent_databases import SavedServer

SSL_MODES = ("", "verify-full", "verify-ca", "require", "prefer", "disable")
""""" is the default: verify-full for another computer, as given for this one."""


def ask_sqlite_file(parent: QWidget | None, *, create: bool) -> str | None:
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


def postgres_url(
    host: str,
    port: int,
    database: str,
    user: str,
    password: str,
    tls: dict[str, str] | None = None,
) -> str:
    credentials = quote(user, safe="")
    if password:
        credentials += ":" + quote(password, safe="")
    query = f"?{urlencode(tls)}" if tls else ""
    return f"postgresql://{credentials}@{host}:{port}/{quote(database, safe='')}{query}"


def server_url(server: SavedServer, password: str) -> str:
    """The URL to open ``server`` with, its TLS settings in the query."""
    tls: dict[str, str] = {}
    if server.sslmode:
        tls["sslmode"] = server.sslmode
    if server.sslrootcert:
        tls["sslrootcert"] = server.sslrootcert
    if server.allow_cleartext:
        tls[ALLOW_CLEARTEXT] = "yes"
    return postgres_url(server.host, server.port, server.database, server.user, password, tls)


class ConnectServerDialog(QDialog):
    """Host, port, database and credentials for a shared PostgreSQL server, with the
    encryption it will get (and, on request, what the server actually offers). ``servers``
    (most recent first) are offered to pick from; their passwords come from the keyring."""

    _checked = Signal(str)

    def __init__(self, parent: QWidget | None = None, servers: Sequence[SavedServer] = ()) -> None:
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
        self.saved = QComboBox()
        self.saved.addItem("New server", None)
        for server in servers:
            self.saved.addItem(server.label, server)
        self.saved.currentIndexChanged.connect(self._on_saved_changed)
        self.password_note = QLabel(NO_STORE_SENTENCE + ".")
        self.password_note.setWordWrap(True)
        self.password_note.setVisible(not password_store_available())
        form = QFormLayout()
        if servers:
            form.addRow("Saved servers", self.saved)
        form.addRow("Host", self.host)
        form.addRow("Port", self.port)
        form.addRow("Database", self.database)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        form.addRow("", self.password_note)
        hint = QLabel(
            "The team's shared CloudRoute database. Ask your admin lead for the details; "
            "the schema is created or upgraded on first connect."
        )
        hint.setWordWrap(True)
        self.tls_state = QLabel()
        self.tls_state.setTextFormat(Qt.TextFormat.PlainText)
        self.tls_state.setWordWrap(True)
        self.check_button = QPushButton("Check encryption")
        self.check_button.clicked.connect(self._on_check_button_clicked)
        state_row = QHBoxLayout()
        state_row.addWidget(self.tls_state, 1)
        state_row.addWidget(self.check_button)
        self.advanced_button = QToolButton()
        self.advanced_button.setText("Advanced")
        self.advanced_button.setCheckable(True)
        self.advanced_button.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_button.toggled.connect(self._on_advanced_button_toggled)
        self.advanced = self._build_advanced()
        self.advanced.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.connect_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText("Connect")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addLayout(state_row)
        layout.addWidget(self.advanced_button)
        layout.addWidget(self.advanced)
        layout.addWidget(buttons)
        for edit in (self.host, self.root_certificate):
            edit.textChanged.connect(self._show_policy)
        self.ssl_mode.currentIndexChanged.connect(self._show_policy)
        self.allow_cleartext.toggled.connect(self._show_policy)
        self._checked.connect(self._on_checked, Qt.ConnectionType.QueuedConnection)
        self._show_policy()

    def _build_advanced(self) -> QWidget:
        box = QWidget()
        form = QFormLayout(box)
        form.setContentsMargins(16, 0, 0, 0)
        self.ssl_mode = QComboBox()
        for mode in SSL_MODES:
            self.ssl_mode.addItem(mode or "default (verify-full for another computer)", mode)
        self.root_certificate = QLineEdit()
        self.root_certificate.setPlaceholderText("the system's trusted roots")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._on_browse_clicked)
        root_row = QHBoxLayout()
        root_row.addWidget(self.root_certificate, 1)
        root_row.addWidget(browse)
        self.allow_cleartext = QCheckBox("Allow an unencrypted connection to this server")
        form.addRow("TLS mode (sslmode)", self.ssl_mode)
        form.addRow("Root certificate", root_row)
        form.addRow("", self.allow_cleartext)
        return box

    def url(self) -> str:
        return server_url(self.server(), self.password.text())

    def server(self) -> SavedServer:
        """The fields as a server to remember (everything but the password)."""
        return SavedServer(
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            user=self.user.text().strip(),
            sslmode=str(self.ssl_mode.currentData() or ""),
            sslrootcert=self.root_certificate.text().strip(),
            allow_cleartext=self.allow_cleartext.isChecked(),
        )

    def show_server(self, server: SavedServer) -> None:
        """Fill the fields from ``server``, its password from the keyring if saved there."""
        self.host.setText(server.host)
        self.port.setValue(server.port)
        self.database.setText(server.database)
        self.user.setText(server.user)
        self.ssl_mode.setCurrentIndex(max(0, self.ssl_mode.findData(server.sslmode)))
        self.root_certificate.setText(server.sslrootcert)
        self.allow_cleartext.setChecked(server.allow_cleartext)
        self.password.setText(stored_password(server.label) or "")

    def _on_saved_changed(self, index: int) -> None:
        server = self.saved.itemData(index)
        if isinstance(server, SavedServer):
            self.show_server(server)

    def _show_policy(self) -> None:
        """What encryption the connection will insist on, from the fields as they are."""
        try:
            url = apply_tls_policy(make_url(self.url()))
        except CleartextRefusedError as error:
            self.tls_state.setText(str(error))
            self.connect_button.setEnabled(False)
            return
        except ValueError:
            self.tls_state.setText("")
            return
        self.connect_button.setEnabled(True)
        mode = url.query.get("sslmode")
        if is_local(url) and mode is None:
            text = "This computer's server: encrypted if it offers TLS."
        elif mode == "verify-full":
            root = url.query.get("sslrootcert")
            roots = "the system's trusted roots" if root in (None, "system") else str(root)
            text = f"Encrypted; the server's certificate must name {url.host} and chain to {roots}."
        elif mode == "verify-ca":
            text = (
                "Encrypted; the certificate must chain to a trusted root (its name is not checked)."
            )
        elif mode == "require":
            text = "Encrypted, but the server's identity is not checked."
        else:
            text = f"Not necessarily encrypted (sslmode={mode})."
        self.tls_state.setText(text)

    def _on_check_button_clicked(self) -> None:
        try:
            url = apply_tls_policy(make_url(self.url()))
        except ValueError as error:
            self.tls_state.setText(str(error))
            return
        self.check_button.setEnabled(False)
        self.tls_state.setText("Checking what the server offers…")
        # A short TLS handshake of our own, off the GUI thread (it may wait on the network).
        threading.Thread(target=lambda: self._report(describe_tls(url)), daemon=True).start()

    def _report(self, text: str) -> None:
        with contextlib.suppress(RuntimeError):  # the dialog closed meanwhile
            self._checked.emit(text)

    def _on_checked(self, text: str) -> None:
        self.check_button.setEnabled(True)
        self.tls_state.setText(f"Server offers: {text}")

    def _on_advanced_button_toggled(self, shown: bool) -> None:
        self.advanced.setVisible(shown)
        arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        self.advanced_button.setArrowType(arrow)
        self.adjustSize()

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Root certificate",
            file_dialogs.start_path(),
            "Certificates (*.pem *.crt);;All files (*)",
        )
        chosen = file_dialogs.chosen(path)
        if chosen:
            self.root_certificate.setText(chosen)
