"""The app as a user starts it: the window, --screenshot, and refusals on the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from cloudroute_desk.views.main_window import MainWindow
from tests.qasync_loop import running_qasync_loop  # noqa: F401 (the fixture)

QT_NOISE = "This plugin does not support propagateSizeHints()"
"""The offscreen platform's note when a window is shown; not the app's output."""


def run_app(*args: str, data_dir: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CLOUDROUTE_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "cloudroute_desk", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def test_main_window_names_its_database(qtbot, app_context) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    assert app_context.executor.database.display_name in window.database_label.text()
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus[:2] == ["&File", "&Edit"] and "&Help" in menus


def test_screenshot_writes_a_real_png(sqlite_template: Path, tmp_path: Path) -> None:
    database = tmp_path / "shot.sqlite"
    shutil.copyfile(sqlite_template, database)
    png = tmp_path / "window.png"
    result = run_app("--db", str(database), "--screenshot", str(png), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 800 and image.height() >= 500


def test_refused_database_exits_2_with_one_line(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("not a database")
    result = run_app("--db", str(bogus), "--screenshot", str(tmp_path / "x.png"), data_dir=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"cloudroute-desk: {bogus} is not a SQLite database."]
    assert bogus.read_text() == "not a database"
    assert not (tmp_path / "x.png").exists()


def test_unknown_command_line_option_is_a_usage_error(tmp_path: Path) -> None:
    result = run_app("--no-such-option", data_dir=tmp_path)
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_refused_switch_shows_a_message_and_keeps_the_current_database(
    qtbot, app_context, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    before = app_context.executor.database
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("hello")
    with (
        qtbot.assertNotEmitted(window.database_switched),
        qtbot.waitSignal(window.database_refused, timeout=10_000) as refused,
    ):
        window.switch_database(str(bogus))
    assert refused.args == [f"{bogus} is not a SQLite database."]
    assert shown == [f"{bogus} is not a SQLite database."]
    assert app_context.executor.database is before


def test_switching_to_another_database_repoints_the_window(
    qtbot, app_context, sqlite_template: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.sqlite"
    shutil.copyfile(sqlite_template, other)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    with (
        qtbot.assertNotEmitted(window.database_refused),
        qtbot.waitSignal(window.database_switched, timeout=10_000),
    ):
        window.switch_database(str(other))
    assert str(other) in window.database_label.text()
    assert app_context.executor.database.url.database == str(other)


def test_screenshot_of_a_damaged_file_exits_2_after_the_deferred_check(
    sqlite_template: Path, tmp_path: Path
) -> None:
    from tests.damage import damage_one_index

    database = tmp_path / "damaged.sqlite"
    shutil.copyfile(sqlite_template, database)
    damage_one_index(database)
    png = tmp_path / "window.png"
    result = run_app("--db", str(database), "--screenshot", str(png), data_dir=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip() and QT_NOISE not in line]
    assert len(lines) == 1 and lines[0].startswith(f"cloudroute-desk: {database} failed its")
    assert not png.exists()


@pytest.mark.usefixtures("running_qasync_loop")
def test_a_damaged_file_found_after_start_is_shown_and_closes_the_app(
    qtbot, sqlite_template: Path, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMessageBox

    from cloudroute_desk.db.opening import open_database
    from cloudroute_desk.services.executor import DbExecutor
    from cloudroute_desk.views import startup
    from cloudroute_desk.views.context import AppContext
    from tests.damage import damage_one_index

    path = tmp_path / "damaged.sqlite"
    shutil.copyfile(sqlite_template, path)
    damage_one_index(path)
    executor = DbExecutor(open_database(str(path), check_integrity=False))
    try:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(AppContext(executor, "tester", settings, tmp_path))
        qtbot.addWidget(window)
        window.show()
        codes: list[int] = []
        import asyncio

        task = asyncio.ensure_future(startup._after_start(window, executor, codes.append))
        qtbot.waitUntil(task.done, timeout=30_000)
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
        box = next(b for b in boxes if b.isVisible())
        assert box.windowTitle() == "Database damaged"
        assert box.text().startswith(f"{path} failed its integrity check")
        assert codes == []
        box.accept()
        qtbot.waitUntil(lambda: codes == [2], timeout=5_000)
    finally:
        executor.shutdown()
