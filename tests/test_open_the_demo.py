"""The empty queue's *Open the demo*: a missing demo is generated from the window (progress,
Cancel leaves nothing) and then opened; an existing one is opened at once."""

from __future__ import annotations

import functools

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from cloudroute_desk.views import demo_first_use, main_window
from cloudroute_desk.views.main_window import MainWindow
from tests.demo_progress import visible_demo_dialog
from tests.qasync_loop import running_qasync_loop  # noqa: F401 (the fixture)

pytestmark = pytest.mark.usefixtures("running_qasync_loop")
WAIT = 60_000


def _small_demo(monkeypatch: pytest.MonkeyPatch, inquiries: int, partners: int) -> None:
    small = functools.partial(
        demo_first_use.generate_demo_on_first_use, inquiries=inquiries, partners=partners
    )
    monkeypatch.setattr(main_window, "generate_demo_on_first_use", small)


def _empty_window(qtbot, app_context) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.queue.empty_state.isVisible(), timeout=WAIT)
    return window


def test_open_the_demo_generates_it_with_progress_then_opens_it(
    qtbot, app_context, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _small_demo(monkeypatch, inquiries=2_000, partners=20)
    window = _empty_window(qtbot, app_context)
    button = window.queue.empty_state.demo_button
    with qtbot.waitSignal(window.database_switched, timeout=WAIT):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert not button.isEnabled()  # a second click cannot start a second generation
        qtbot.waitUntil(lambda: visible_demo_dialog() is not None, timeout=5_000)
    assert app_context.settings.value("database/last") == str(
        demo_first_use.demo_path(app_context.data_dir)
    )
    qtbot.waitUntil(lambda: window.queue.model.rowCount() > 0, timeout=WAIT)
    assert not window.queue.empty_state.isVisible()
    assert visible_demo_dialog() is None
    assert list(app_context.data_dir.glob("demo.sqlite.partial*")) == []


def test_cancelling_the_generation_keeps_the_empty_database_and_leaves_nothing(
    qtbot, app_context, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _small_demo(monkeypatch, inquiries=20_000, partners=50)
    window = _empty_window(qtbot, app_context)
    before = window.database
    qtbot.mouseClick(window.queue.empty_state.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: visible_demo_dialog() is not None, timeout=5_000)
    dialog = visible_demo_dialog()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.value() > 0, timeout=WAIT)
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.queue.empty_state.demo_button.isEnabled(), timeout=WAIT)
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.database is before
    assert list(app_context.data_dir.glob("demo.sqlite*")) == []
