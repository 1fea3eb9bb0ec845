"""The Connect dialog: the encryption a server will get, its Advanced TLS settings, and what
the server really offers (checked against a TLS endpoint made by the test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import URL, make_url

from cloudroute_desk.views.database_dialogs import ConnectServerDialog
from tests.tls_server import TlsServer, tls_server


@pytest.fixture
def dialog(qtbot: QtBot) -> ConnectServerDialog:
    dialog = ConnectServerDialog()
    qtbot.addWidget(dialog)
    dialog.user.setText("admin")
    return dialog


@pytest.fixture
def tls(pg_admin_url: URL) -> Iterator[TlsServer]:
    with tls_server(pg_admin_url) as server:
        yield server


def test_another_computer_gets_verify_full(dialog: ConnectServerDialog) -> None:
    dialog.host.setText("db.example")
    assert "must name db.example and chain to the system's trusted roots" in (
        dialog.tls_state.text()
    )
    assert make_url(dialog.url()).query == {}
    assert dialog.connect_button.isEnabled()


def test_cleartext_needs_the_box_ticked(
    dialog: ConnectServerDialog, qtbot: QtBot, tmp_path: Path
) -> None:
    dialog.show()
    dialog.host.setText("db.example")
    dialog.advanced_button.click()
    assert dialog.advanced.isVisible()
    dialog.ssl_mode.setCurrentIndex(dialog.ssl_mode.findData("disable"))
    assert dialog.tls_state.text().startswith("Refusing to connect to db.example")
    assert not dialog.connect_button.isEnabled()
    dialog.grab().save(str(tmp_path / "connect-refused.png"))
    dialog.allow_cleartext.setChecked(True)
    assert dialog.connect_button.isEnabled()
    assert make_url(dialog.url()).query == {"sslmode": "disable", "allow_cleartext": "yes"}


def test_check_encryption_shows_protocol_and_certificate(
    dialog: ConnectServerDialog, qtbot: QtBot, tls: TlsServer, tmp_path: Path
) -> None:
    dialog.show()
    dialog.port.setValue(tls.port)
    dialog.advanced_button.click()
    dialog.ssl_mode.setCurrentIndex(dialog.ssl_mode.findData("verify-full"))
    dialog.root_certificate.setText(str(tls.root_certificate))
    assert make_url(dialog.url()).query["sslrootcert"] == str(tls.root_certificate)
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.tls_state.text().startswith("Server offers:"), timeout=8000)
    assert "TLS 1." in dialog.tls_state.text()
    assert "localhost (issued by CloudRoute test root)" in dialog.tls_state.text()
    dialog.grab().save(str(tmp_path / "connect-checked.png"))
