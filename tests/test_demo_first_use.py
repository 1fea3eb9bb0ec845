"""``--demo`` on first use: a progress dialog at once, Cancel leaves no half-built database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from cloudroute_desk.db.opening import open_database
from cloudroute_desk.views.demo_first_use import generate_demo_on_first_use
from tests.demo_progress import visible_demo_dialog
from tests.qasync_loop import running_qasync_loop  # noqa: F401 (the fixture)

pytestmark = pytest.mark.usefixtures("running_qasync_loop")


def test_cancel_stops_generation_and_leaves_nothing(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    task = asyncio.ensure_future(
        generate_demo_on_first_use(path, show_dialog=True, inquiries=20_000, partners=50)
    )
    qtbot.waitUntil(lambda: visible_demo_dialog() is not None, timeout=5_000)
    dialog = visible_demo_dialog()
    assert dialog is not None
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")
    qtbot.waitUntil(lambda: dialog.value() > 0, timeout=60_000)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(task.done, timeout=60_000)
    assert task.result() is False
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_completed_generation_is_renamed_into_place(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    task = asyncio.ensure_future(
        generate_demo_on_first_use(path, show_dialog=True, inquiries=300, partners=20)
    )
    qtbot.waitUntil(task.done, timeout=60_000)
    assert task.result() is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.sqlite"]
    assert visible_demo_dialog() is None
    database = open_database(str(path))
    try:
        with database.engine.connect() as connection:
            count = connection.exec_driver_sql("SELECT count(*) FROM inquiries").scalar()
        assert count == 300
    finally:
        database.dispose()


def test_leftovers_of_a_killed_run_are_removed(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    (tmp_path / "demo.sqlite.partial").write_bytes(b"half")
    (tmp_path / "demo.sqlite.partial-wal").write_bytes(b"half")
    task = asyncio.ensure_future(
        generate_demo_on_first_use(path, show_dialog=False, inquiries=100, partners=10)
    )
    qtbot.waitUntil(task.done, timeout=60_000)
    assert task.result() is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.sqlite"]


FIRST_DEMO_RUN = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from cloudroute_desk import app
from cloudroute_desk.views import demo_first_use, startup

real = demo_first_use.generate_demo_on_first_use


async def small_demo(path, *, show_dialog):
    return await real(path, show_dialog=show_dialog, inquiries=300, partners=20)


startup.generate_demo_on_first_use = small_demo
qt = QApplication(sys.argv[:1])


def close_the_window_once_it_shows_rows():
    for widget in qt.topLevelWidgets():
        if type(widget).__name__ == "MainWindow" and widget.isVisible():
            if widget.queue.model.rowCount() > 0:
                print("window with rows", flush=True)
                widget.close()
                return
    QTimer.singleShot(100, close_the_window_once_it_shows_rows)


QTimer.singleShot(100, close_the_window_once_it_shows_rows)
sys.exit(app.main(["--demo"]))
"""


def test_a_first_demo_run_opens_the_window_after_its_progress_dialog_closes(
    tmp_path: Path,
) -> None:
    """The progress dialog is the only window while the demo is generated: closing it must
    not quit the app (it did, on a fresh data folder: "Event loop stopped before Future
    completed" and no window)."""
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        CLOUDROUTE_DATA_DIR=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    result = subprocess.run(
        [sys.executable, "-c", FIRST_DEMO_RUN],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert "Event loop stopped" not in result.stderr, result.stderr
    assert (result.returncode, result.stdout.strip()) == (0, "window with rows"), result.stderr
    assert (tmp_path / "data" / "demo.sqlite").exists()
