"""Saved servers and File → Recent: what the admin typed is remembered in QSettings, the
password only in the keyring (an in-memory backend here), and no file the app writes holds it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from cloudroute_desk.services.password_store import (
    NO_STORE_SENTENCE,
    SERVICE,
    store_password,
)
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.database_dialogs import ConnectServerDialog
from cloudroute_desk.views.main_window import MainWindow
from cloudroute_desk.views.recent_databases import RecentDatabases, SavedServer
from tests.memory_keyring import MemoryKeyring, memory_keyring, no_keyring  # noqa: F401
from tests.net_proxy import NetProxy

PASSWORD = "pw-Zq7!kept-in-the-keyring"


@pytest.fixture
def proxy(db_target: str) -> Iterator[NetProxy]:
    """A TCP endpoint on 127.0.0.1 for the test server (pgserver listens on a socket)."""
    with NetProxy.in_front_of(make_url(db_target)) as running:
        yield running


def _files_holding(folder: Path, secret: str) -> list[Path]:
    needles = {secret.encode(), secret.encode("utf-16-le")}
    return [
        path
        for path in folder.rglob("*")
        if path.is_file() and any(needle in path.read_bytes() for needle in needles)
    ]


def _connect_through_dialog(window: MainWindow, qtbot: QtBot, fill: object) -> None:
    """File → Connect to server…, the dialog filled by ``fill`` and Connect clicked."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ConnectServerDialog)
        fill(dialog)  # type: ignore[operator]
        dialog.connect_button.click()

    QTimer.singleShot(0, answer)
    with qtbot.waitSignal(window.database_switched, timeout=20_000):
        window._on_connect_triggered()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_connected_server_is_remembered_and_no_file_holds_its_password(
    qtbot: QtBot,
    app_context: AppContext,
    db_target: str,
    proxy: NetProxy,
    memory_keyring: MemoryKeyring,  # noqa: F811
    tmp_path: Path,
) -> None:
    target = make_url(db_target)
    window = MainWindow(app_context)
    qtbot.addWidget(window)

    def fill(dialog: ConnectServerDialog) -> None:
        dialog.host.setText("127.0.0.1")
        dialog.port.setValue(proxy.port)
        dialog.database.setText(str(target.database))
        dialog.user.setText(str(target.username))
        dialog.password.setText(PASSWORD)
        dialog.allow_cleartext.setChecked(True)

    _connect_through_dialog(window, qtbot, fill)
    label = f"postgresql://{target.username}@127.0.0.1:{proxy.port}/{target.database}"
    assert memory_keyring.passwords == {(SERVICE, label): PASSWORD}
    [server] = RecentDatabases(app_context.settings).servers()
    assert server.label == label and server.allow_cleartext

    # File → Recent names it as typed and reopens it with the keyring's password.
    window.recent_menu.refresh()
    labels = [action.text() for action in window.recent_menu.actions()]
    assert labels[0] == label
    assert not any("+psycopg" in text or PASSWORD in text for text in labels)
    with qtbot.waitSignal(window.database_switched, timeout=20_000):
        window.recent_menu.actions()[0].trigger()
    assert app_context.executor.database.url.port == proxy.port

    window.close()  # writes window state and settings, as quitting does
    app_context.settings.sync()
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert any(path.name == "settings.ini" for path in written)
    settings_text = (tmp_path / "settings.ini").read_text()
    assert str(target.database) in settings_text and str(proxy.port) in settings_text
    assert _files_holding(tmp_path, PASSWORD) == []


def test_file_recent_lists_files_most_recent_first_and_opens_them(
    qtbot: QtBot, app_context: AppContext, sqlite_template: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    for path in (first, second):
        shutil.copyfile(sqlite_template, path)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    for path in (first, second):
        with qtbot.waitSignal(window.database_switched, timeout=10_000):
            window.switch_database(str(path))
    window.recent_menu.refresh()
    assert [action.text() for action in window.recent_menu.actions()][:2] == [
        str(second),
        str(first),
    ]
    with qtbot.waitSignal(window.database_switched, timeout=10_000):
        window.recent_menu.actions()[1].trigger()
    assert app_context.executor.database.url.database == str(first)


def test_recent_keeps_the_last_eight(app_context: AppContext) -> None:
    recent = RecentDatabases(app_context.settings)
    for number in range(10):
        recent.remember_file(f"/data/{number}.sqlite")
    recent.remember_file("/data/3.sqlite")
    paths = [entry.label for entry in recent.recent()]
    assert paths == [
        "/data/3.sqlite",
        "/data/9.sqlite",
        *[f"/data/{n}.sqlite" for n in (8, 7, 6, 5, 4, 2)],
    ]


def test_the_dialog_offers_saved_servers_with_their_keyring_password(
    qtbot: QtBot,
    app_context: AppContext,
    memory_keyring: MemoryKeyring,  # noqa: F811
    tmp_path: Path,
) -> None:
    recent = RecentDatabases(app_context.settings)
    team = SavedServer("db.example", 5433, "cloudroute", "admin", "verify-full", "/etc/ca.pem")
    local = SavedServer("localhost", 5432, "scratch", "me")
    recent.remember_server(team)
    recent.remember_server(local)
    assert store_password(team.label, PASSWORD)
    dialog = ConnectServerDialog(servers=recent.servers())
    qtbot.addWidget(dialog)
    assert [dialog.saved.itemText(i) for i in range(dialog.saved.count())] == [
        "New server",
        local.label,
        team.label,
    ]
    dialog.saved.setCurrentIndex(2)
    assert dialog.server() == team
    assert dialog.password.text() == PASSWORD
    assert not dialog.password_note.isVisibleTo(dialog)
    dialog.show()
    dialog.advanced_button.click()
    dialog.grab().save(str(tmp_path / "connect-saved-servers.png"))
    dialog.saved.setCurrentIndex(1)
    assert dialog.server() == local and dialog.password.text() == ""


def test_without_a_keyring_the_dialog_says_so_and_nothing_is_written(
    qtbot: QtBot,
    app_context: AppContext,
    no_keyring: None,  # noqa: F811
    tmp_path: Path,
) -> None:
    dialog = ConnectServerDialog()
    qtbot.addWidget(dialog)
    assert dialog.password_note.isVisibleTo(dialog)
    assert dialog.password_note.text() == NO_STORE_SENTENCE + "."
    assert store_password("postgresql://admin@db.example:5432/cloudroute", PASSWORD) is False
    RecentDatabases(app_context.settings).remember_server(dialog.server())
    app_context.settings.sync()
    assert _files_holding(tmp_path, PASSWORD) == []
