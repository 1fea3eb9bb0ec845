"""The main window fits a 1280×720 laptop: every action button and the status bar are inside
the window, nothing a pane shows can grow the top-level, and its geometry stays on screen."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QAbstractButton, QScrollArea, QWidget

from cloudroute_desk.db.engine import Database
from cloudroute_desk.views.main_window import MainWindow
from cloudroute_desk.views.window_fit import fitted_rect
from cloudroute_desk.views.workspaces import Workspace
from tests.partner_rankings import make_world

WAIT = 20_000
LAPTOP = QSize(1280, 720)


def _inside(window: QWidget, widget: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def _scrolls(widget: QWidget) -> bool:
    """Inside a scroll area's content (the form's line editors): reached by scrolling."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _shown_buttons(window: QWidget) -> list[QAbstractButton]:
    return [
        b
        for b in window.findChildren(QAbstractButton)
        if b.isVisible() and b.width() > 0 and not _scrolls(b)
    ]


def _open_window(qtbot, app_context, database: Database) -> tuple[MainWindow, int]:  # type: ignore[no-untyped-def]
    world = make_world(database)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show_at_size(LAPTOP)
    qtbot.waitExposed(window)
    queue = window.queue
    qtbot.waitUntil(lambda: queue.model.row_of_loaded(world.inquiry) is not None, timeout=WAIT)
    with qtbot.waitSignal(window.partners.pane.ranking_shown, timeout=WAIT):
        queue.select_row(queue.model.row_of_loaded(world.inquiry) or 0)
    qtbot.waitUntil(lambda: window.inquiry_detail.detail is not None, timeout=WAIT)
    return window, world.inquiry


def test_minimum_size_fits_a_small_laptop(qtbot, app_context) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    assert window.minimumSize().width() <= 1024
    assert window.minimumSize().height() <= 640
    # The panes' own minimum fits too, so nothing is squeezed at the minimum size.
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 640, hint


def test_every_button_and_the_status_bar_are_inside_the_window_at_1280x720(
    qtbot, app_context, database: Database
) -> None:
    window, _inquiry = _open_window(qtbot, app_context, database)
    for workspace in Workspace:
        window.show_workspace(workspace)
        qtbot.waitUntil(lambda: window.workspaces.currentWidget().isVisible())
        assert window.size() == LAPTOP
        buttons = _shown_buttons(window)
        assert len(buttons) >= 3, workspace
        outside = [b.text() or b.objectName() for b in buttons if not _inside(window, b)]
        assert outside == [], (workspace, outside)
    status = window.statusBar()
    assert status.isVisible() and _inside(window, status)
    assert _inside(window, window.database_label)


def test_why_a_banner_compare_and_long_texts_leave_the_window_size_alone(
    qtbot, app_context, database: Database
) -> None:
    window, _inquiry = _open_window(qtbot, app_context, database)
    pane = window.partners.pane
    pane.table.selectRow(0)
    pane.why_action.setChecked(True)
    qtbot.waitUntil(lambda: pane.why_view.isVisible())
    assert window.size() == LAPTOP

    pane.table.selectAll()
    assert pane.compare_action.isEnabled()
    pane.compare_action.trigger()
    assert pane.compare_dialog is not None and pane.compare_dialog.isVisible()
    assert window.size() == LAPTOP

    window.show_workspace(Workspace.REVIEW)
    window.record_editor.banner.show_message("A conflict " * 80, revert=True, resolve=True)
    window.database_label.setText("Database: postgresql://" + "very-long-host." * 40)
    window.statusBar().showMessage("Exported 1,000,000 inquiries to " + "/deep/folder" * 60)
    window.server_status._on_heard(False)  # the server stopped answering: its banner shows
    assert window.server_banner.isVisible()
    window.show_workspace(Workspace.CHARTS)
    window.show_workspace(Workspace.TRIAGE)
    qtbot.wait(50)  # let any deferred layout run; a grown window would show now
    assert window.size() == LAPTOP
    assert _inside(window, window.statusBar())


def test_restored_geometry_is_moved_and_shrunk_onto_the_screen() -> None:
    area = QRect(0, 0, 1280, 720)
    frame = QSize(10, 40)
    # Saved on a big monitor, far to the right: brought back fully onto the laptop screen.
    fitted = fitted_rect(QRect(2400, 300, 1800, 1100), area, frame)
    assert fitted.width() + frame.width() <= 1280 and fitted.height() + frame.height() <= 720
    assert area.contains(fitted)
    # Already fitting: untouched.
    assert fitted_rect(QRect(20, 30, 1000, 600), area, frame) == QRect(20, 30, 1000, 600)


def test_default_geometry_and_reset_layout_keep_the_window_on_screen(qtbot, app_context) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    area = window.screen().availableGeometry()
    window.show()
    qtbot.waitExposed(window)
    assert window.width() <= max(area.width(), window.minimumWidth())
    assert window.height() <= max(area.height(), window.minimumHeight())
    window.show_workspace(Workspace.CHARTS)
    window.reset_layout_action.trigger()
    assert window.workspaces.current is Workspace.TRIAGE
    assert window.width() <= max(area.width(), window.minimumWidth())
