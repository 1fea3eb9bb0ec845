"""Two admins at two windows on one database: two executors, two connections, each signed
with its admin, each with its own settings folder (the live-update tests' world)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QSettings, QSize
from pytestqt.qtbot import QtBot

from cloudroute_desk.db.opening import open_database
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.main_window import MainWindow

ADMINS = ("alice", "bob")


@contextmanager
def two_admin_windows(
    qtbot: QtBot, db_target: str, folder: Path, size: QSize
) -> Iterator[dict[str, MainWindow]]:
    opened: dict[str, MainWindow] = {}
    executors = []
    try:
        for admin in ADMINS:
            executor = DbExecutor(open_database(db_target).signed_as(admin))
            executors.append(executor)
            home = folder / admin
            home.mkdir()
            settings = QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat)
            window = MainWindow(AppContext(executor, admin, settings, home))
            qtbot.addWidget(window)
            window.show_at_size(size)
            qtbot.waitExposed(window)
            opened[admin] = window
        yield opened
    finally:
        for window in opened.values():
            window.close()
        for executor in executors:
            executor.shutdown()
