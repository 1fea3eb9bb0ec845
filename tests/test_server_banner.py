"""The window while the server is away: a banner, a status-bar note, server-bound actions
disabled with a reason, and everything back by itself when the server answers again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from cloudroute_desk.db.opening import open_database
from cloudroute_desk.services.changes import EVERYTHING
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.main_window import MainWindow
from cloudroute_desk.views.server_banner import BANNER_TEXT, DISABLED_TIP, STATUS_TEXT
from tests.factories import add_inquiry, add_partner
from tests.net_proxy import NetProxy


@pytest.fixture
def backend() -> str:
    return "postgresql"


@pytest.fixture
def proxied_window(
    db_target: str, qtbot: QtBot, tmp_path: Path
) -> Iterator[tuple[NetProxy, MainWindow]]:
    url = make_url(db_target)
    with NetProxy.in_front_of(url) as proxy:
        database = open_database(proxy.proxied(url).render_as_string(hide_password=False))
        add_partner(database)
        add_inquiry(database)
        executor = DbExecutor(database)
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(AppContext(executor, "tester", settings, tmp_path))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: executor.idle, timeout=10_000)
        try:
            yield proxy, window
        finally:
            proxy.restore()
            window.close()
            executor.shutdown()


def test_banner_disables_server_actions_and_clears_itself(
    proxied_window: tuple[NetProxy, MainWindow], qtbot: QtBot, tmp_path: Path
) -> None:
    proxy, window = proxied_window
    assign = window.partners.pane.assign_action
    assign_tip = assign.toolTip()
    assert window.server_banner.isHidden()

    proxy.blackhole()
    window.apply_changes(EVERYTHING)
    qtbot.waitUntil(lambda: window.server_banner.isVisible(), timeout=8_000)
    assert window.server_banner.label.text() == BANNER_TEXT
    assert window.server_banner.status_label.text() == STATUS_TEXT
    assert not assign.isEnabled()
    assert assign.toolTip() == DISABLED_TIP
    assert not window.record_editor.lifecycle.isEnabled()
    window.grab().save(str(tmp_path / "server-banner.png"))

    proxy.restore()
    qtbot.waitUntil(lambda: window.server_banner.isHidden(), timeout=20_000)
    assert assign.toolTip() == assign_tip
    assert window.record_editor.lifecycle.isEnabled()
    assert window.server_banner.status_label.text() == ""
