"""Triage and Review in the redesigned window: workspaces share the selected inquiry, a drop
on another queue row says so with Undo, Clear filters clears the chart chip too, and each new
inquiry's ranking starts at #1."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
)

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import Tier
from cloudroute_desk.domain.queue_filter import FilterRequest, QueueFilter
from cloudroute_desk.models.partner_ranking_model import Column
from cloudroute_desk.services import assignment
from cloudroute_desk.views.main_window import MainWindow
from cloudroute_desk.views.workspaces import Workspace
from tests.factories import add_inquiry, add_partner
from tests.partner_rankings import make_world

WAIT = 20_000


def _window(qtbot, app_context) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _select(qtbot, window: MainWindow, inquiry_id: int) -> None:  # type: ignore[no-untyped-def]
    queue = window.queue
    qtbot.waitUntil(lambda: queue.model.row_of_loaded(inquiry_id) is not None, timeout=WAIT)
    with qtbot.waitSignal(window.partners.pane.ranking_shown, timeout=WAIT):
        assert queue.select_inquiry(inquiry_id)


def test_workspaces_switch_with_ctrl_numbers_and_share_the_selected_inquiry(
    qtbot, app_context, database: Database
) -> None:  # type: ignore[no-untyped-def]
    world = make_world(database)
    window = _window(qtbot, app_context)
    actions = window.workspaces.actions_by_workspace
    assert [actions[w].shortcut() for w in Workspace] == [
        QKeySequence("Ctrl+1"),
        QKeySequence("Ctrl+2"),
        QKeySequence("Ctrl+3"),
    ]
    _select(qtbot, window, world.inquiry)
    qtbot.waitUntil(lambda: window.inquiry_detail.detail is not None, timeout=WAIT)
    actions[Workspace.REVIEW].trigger()
    assert window.workspaces.currentWidget() is window.review
    assert not window.queue.isVisible() and window.record_editor.isVisible()
    assert window.record_editor.inquiry_id == world.inquiry
    assert window.inquiry_facts.headline.full_text().startswith(f"#{world.inquiry} ")
    actions[Workspace.CHARTS].trigger()
    assert window.charts.isVisible() and not window.record_editor.isVisible()
    # Window-wide keys: Ctrl+F from Charts brings Triage back with the search focused.
    window.queue.find_action.trigger()
    assert window.workspaces.current is Workspace.TRIAGE
    assert window.queue.selected_id == world.inquiry
    assert window.queue.find_action.shortcutContext() == Qt.ShortcutContext.WindowShortcut


def test_review_pops_out_into_its_own_window_and_comes_back(qtbot, app_context) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, app_context)
    window.pop_out_action.trigger()
    popped = window.review.window_widget
    assert popped is not None and popped.isVisible() and popped.isWindow()
    assert window.record_editor.window() is popped
    assert window.workspaces.current is Workspace.TRIAGE
    window.reset_layout_action.trigger()
    assert window.review.window_widget is None
    assert window.record_editor.window() is window


def test_a_drop_on_another_row_says_so_and_undoes_in_one_click(
    qtbot, app_context, database: Database
) -> None:  # type: ignore[no-untyped-def]
    world = make_world(database)
    other = add_inquiry(database, company_name="Other Row Ltd", website="https://other.example")
    window = _window(qtbot, app_context)
    _select(qtbot, window, world.inquiry)
    pane = window.partners.pane
    mime = pane.model.mimeData([pane.model.index(0, Column.PARTNER)])
    queue = window.queue
    qtbot.waitUntil(lambda: queue.model.row_of_loaded(other) is not None, timeout=WAIT)
    row = queue.model.row_of_loaded(other)
    assert row is not None
    with qtbot.waitSignal(window.partners.controller.changes_made, timeout=WAIT):
        assert queue.model.dropMimeData(
            mime, Qt.DropAction.CopyAction, -1, -1, queue.model.index(row, 0)
        )
    notice = queue.drop_notice
    assert notice.isVisible()
    assert "Other Row Ltd" in notice.label.full_text()
    assert "not the selected inquiry" in notice.label.full_text()
    assert [e.partner_id for e in assignment.assignment_history(database, other) if e.active]
    with qtbot.waitSignal(window.partners.controller.changes_made, timeout=WAIT):
        notice.undo_button.click()
    assert not [e for e in assignment.assignment_history(database, other) if e.active]
    assert not notice.isVisible()


def test_clear_filters_also_clears_the_chart_drill_down(
    qtbot, app_context, database: Database
) -> None:  # type: ignore[no-untyped-def]
    world = make_world(database)
    window = _window(qtbot, app_context)
    queue = window.queue
    queue.apply_filter_request(
        FilterRequest(QueueFilter(partner_id=world.strong), "Strong Cloud's inquiries")
    )
    assert queue.request_chip.isVisibleTo(queue)
    qtbot.waitUntil(lambda: queue.model.queue_filter.partner_id == world.strong, timeout=WAIT)
    queue.filter_bar.clear_button.click()
    assert not queue.request_chip.isVisibleTo(queue)
    assert queue.model.queue_filter.is_unfiltered


def test_each_new_inquirys_ranking_starts_at_the_top(
    qtbot, app_context, database: Database
) -> None:  # type: ignore[no-untyped-def]
    world = make_world(database)
    for i in range(40):
        add_partner(database, name=f"Extra Partner {i:02}", tier=Tier.ADVANCED)
    second = add_inquiry(database, company_name="Second Inquiry", website="https://two.example")
    window = _window(qtbot, app_context)
    window.resize(1280, 720)
    _select(qtbot, window, world.inquiry)
    table = window.partners.pane.table
    assert window.partners.pane.model.rowCount() > 40
    qtbot.waitUntil(lambda: table.verticalScrollBar().maximum() > 0, timeout=WAIT)
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    assert table.verticalScrollBar().value() > 0
    _select(qtbot, window, second)
    assert table.verticalScrollBar().value() == 0


def test_controls_without_their_own_text_have_accessible_names(
    qtbot, app_context, database: Database
) -> None:  # type: ignore[no-untyped-def]
    world = make_world(database)
    window = _window(qtbot, app_context)
    window.resize(1280, 720)
    _select(qtbot, window, world.inquiry)
    buddies = {label.buddy() for label in window.findChildren(QLabel) if label.buddy()}
    for workspace in Workspace:
        window.show_workspace(workspace)
        unnamed = [
            type(widget).__name__ + ":" + widget.objectName()
            for kind in (QAbstractItemView, QLineEdit, QComboBox, QAbstractSpinBox)
            for widget in window.findChildren(kind)
            if widget.isVisible()
            and not widget.accessibleName()
            and widget not in buddies
            and not isinstance(widget, QHeaderView)
            and not isinstance(widget.parentWidget(), QComboBox | QAbstractSpinBox)
        ]
        assert unnamed == [], (workspace, unnamed)
