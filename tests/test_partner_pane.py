"""The partner pane: follows the selection, drops stale rankings, the fallback banner, the
excluded rows, the why view, compare, the shortcut, and dragging a partner onto an inquiry
(model level, and once end to end with real mouse events)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDrag, QDragEnterEvent, QDragMoveEvent, QDropEvent, QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import Tier
from cloudroute_desk.domain.formatting import NO_VALUE
from cloudroute_desk.domain.routing.values import ExcludedPartner
from cloudroute_desk.models.inquiry_queue_model import InquiryQueueModel
from cloudroute_desk.models.partner_ranking_model import Column
from cloudroute_desk.services import assignment, partners
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.partners.assignment_controller import AssignmentController
from cloudroute_desk.views.partners.partner_pane import PartnerPane
from cloudroute_desk.views.queue.queue_table_view import QueueTableView
from tests.db_worker import settle
from tests.factories import add_inquiry, add_partner
from tests.partner_rankings import World, make_world

WAIT = 15_000


@pytest.fixture
def world(database: Database) -> World:
    return make_world(database)


@pytest.fixture
def executor(database: Database) -> Iterator[DbExecutor]:
    executor = DbExecutor(database)
    yield executor
    executor._pool.shutdown(wait=True)


@pytest.fixture
def pane(qtbot, executor: DbExecutor) -> PartnerPane:  # type: ignore[no-untyped-def]
    pane = PartnerPane(executor)
    qtbot.addWidget(pane)
    pane.resize(1100, 600)
    return pane


def _show(qtbot, pane: PartnerPane, inquiry_id: int) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(pane.ranking_shown, timeout=WAIT):
        pane.set_inquiry(inquiry_id)


def _names(pane: PartnerPane) -> list[str]:
    return [
        str(pane.model.data(pane.model.index(row, Column.PARTNER)))
        for row in range(pane.model.rowCount())
    ]


def test_follows_the_selection_and_drops_stale_results(
    qtbot, pane: PartnerPane, world: World, executor: DbExecutor
) -> None:
    other = add_inquiry(world.database, company_name="Other Co", website="https://other.example")
    shown: list[int] = []
    pane.ranking_shown.connect(shown.append)
    pane.set_inquiry(world.inquiry)
    with qtbot.waitSignal(pane.ranking_shown, timeout=WAIT):
        pane.set_inquiry(other)
    settle(qtbot, executor)  # the first ranking is in too by now, and must have been dropped
    assert shown == [other]
    assert pane.model.ranking is not None and pane.model.ranking.inquiry_id == other
    assert pane.header_label.text().startswith(f"Inquiry #{other}: 2 ranked, 1 excluded")
    assert _names(pane) == ["Strong Cloud", "Newcomer"]
    assert pane.banner_label.isHidden()
    pane.shown_limit = 1
    _show(qtbot, pane, other)
    assert pane.header_label.text().startswith(f"Inquiry #{other}: 2 ranked (best 1 shown)")
    assert _names(pane) == ["Strong Cloud"]
    pane.set_inquiry(None)
    assert pane.model.rowCount() == 0
    assert pane.header_label.text() == "No inquiry selected."


def test_banner_when_only_below_threshold_partners_fit(
    qtbot, pane: PartnerPane, database: Database
) -> None:
    add_partner(database, name="Fresh One")
    add_partner(database, name="Fresh Two")
    _show(qtbot, pane, add_inquiry(database))
    assert not pane.banner_label.isHidden()
    assert "No partner is above the 70 % close-rate threshold" in pane.banner_label.text()


def test_excluded_rows_why_view_and_compare(qtbot, pane: PartnerPane, world: World) -> None:  # type: ignore[no-untyped-def]
    _show(qtbot, pane, world.inquiry)
    pane.show()
    assert pane.table.isColumnHidden(Column.REASON)
    pane.show_excluded_check.setChecked(True)
    assert _names(pane) == ["Strong Cloud", "Newcomer", "Select Systems"]
    assert not pane.table.isColumnHidden(Column.REASON)

    pane.why_action.setChecked(True)
    assert pane.why_view.isVisible()
    pane.table.selectRow(2)
    assert isinstance(pane.model.row_object(2), ExcludedPartner)
    assert pane.why_view.title_label.text() == "Why Select Systems is excluded"
    assert "Select tier" in pane.why_view.reasons_label.text()
    assert not pane.assign_action.isEnabled()

    pane.table.selectRow(0)
    why = pane.why_view
    assert why.title_label.text().startswith("Why Strong Cloud is #1 — score $")
    assert "above the 70 % threshold" in why.summary_label.text()
    assert why.axes_table.rowCount() == 6
    assert why.axes_table.item(0, 2).text() == "91 % · 40/44"
    assert "on this profile (trailing 12 months, per axis) — above 70 %" in why.reasons_label.text()
    assert "ranking estimate" in why.reasons_label.text()
    assert pane.assign_action.isEnabled()
    assert not pane.compare_action.isEnabled()

    pane.table.selectAll()  # two ranked + one excluded: excluded cannot be compared
    assert not pane.compare_action.isEnabled()
    pane.show_excluded_check.setChecked(False)
    pane.table.selectAll()
    assert pane.compare_action.isEnabled()
    pane.compare_action.trigger()
    dialog = pane.compare_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.columnCount() == 2
    assert dialog.cell("Rank", 0) == "#1" and dialog.cell("Rank", 1) == "#2"
    assert dialog.cell("Above threshold", 0) == "yes"
    assert dialog.cell("Above threshold", 1) == "no"
    assert dialog.cell("Stage close rate", 1) == f"{NO_VALUE} · 0/0"
    assert dialog.cell("Tier", 0) == "Premier (faster review)"


def test_ctrl_return_and_context_menu_ask_to_assign(qtbot, pane: PartnerPane, world: World) -> None:  # type: ignore[no-untyped-def]
    _show(qtbot, pane, world.inquiry)
    with qtbot.waitActive(pane):
        pane.show()
        pane.activateWindow()
    pane.table.setFocus()
    pane.table.selectRow(1)
    assert pane.assign_action.isEnabled()
    with qtbot.waitSignal(pane.assign_requested) as asked:
        QTest.keyClick(pane.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert asked.args == [world.inquiry, world.newcomer]
    menu = pane.context_menu()
    texts = [action.text() for action in menu.actions() if not action.isSeparator()]
    assert texts[0] == "Assign to inquiry"
    assert "Did not connect — re-route" in texts
    with qtbot.waitSignal(pane.assign_requested) as asked:
        menu.actions()[0].trigger()
    assert asked.args == [world.inquiry, world.newcomer]


def test_assigned_inquiry_shows_history_and_offers_reroute(
    qtbot, pane: PartnerPane, world: World
) -> None:
    assignment.assign(world.database, world.inquiry, world.strong, "bea")
    _show(qtbot, pane, world.inquiry)
    assert pane.history_label.text().startswith("Routing history: Strong Cloud — assigned now")
    assert pane.reroute_action.isEnabled()
    with qtbot.waitSignal(pane.reroute_requested) as asked:
        pane.reroute_action.trigger()
    assert asked.args == [world.inquiry]
    assignment.mark_did_not_connect(world.database, world.inquiry, "bea")
    _show(qtbot, pane, world.inquiry)
    assert "Strong Cloud — did not connect (by bea" in pane.history_label.text()
    assert not pane.reroute_action.isEnabled()
    pane.show_excluded_check.setChecked(True)
    strong = pane.model.row_object(pane.model.row_of_partner(world.strong) or 0)
    assert isinstance(strong, ExcludedPartner) and "already tried" in strong.reason


def test_a_tier_change_takes_effect_in_the_ranking_at_once(
    qtbot, pane: PartnerPane, world: World
) -> None:
    _show(qtbot, pane, world.inquiry)
    assert _names(pane)[0] == "Strong Cloud"
    strong = partners.get_partner(world.database, world.strong)
    saved = partners.update_partner(
        world.database, strong.model_copy(update={"tier": Tier.SELECT}), "ann"
    )
    with qtbot.waitSignal(pane.ranking_shown, timeout=WAIT):
        pane.apply_changes(saved.changes)
    assert _names(pane) == ["Newcomer"]
    assert not pane.banner_label.isHidden()


def _queue(qtbot, executor: DbExecutor) -> InquiryQueueModel:  # type: ignore[no-untyped-def]
    model = InquiryQueueModel(executor)
    with qtbot.waitSignal(model.window_loaded, timeout=WAIT):
        model.refresh()
    return model


def test_drag_and_drop_at_model_level(
    qtbot, pane: PartnerPane, world: World, executor: DbExecutor
) -> None:
    _show(qtbot, pane, world.inquiry)
    queue = _queue(qtbot, executor)
    row = queue.row_of_loaded(world.inquiry)
    assert row is not None
    mime = pane.model.mimeData([pane.model.index(0, Column.SCORE)])
    assert mime is not None
    target = queue.index(row, 0)
    assert queue.canDropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, target)
    with qtbot.waitSignal(queue.partner_dropped) as dropped:
        assert queue.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, target)
    assert dropped.args == [world.inquiry, world.strong]


def test_drag_end_to_end_with_real_mouse_events(
    qtbot, monkeypatch, world: World, executor: DbExecutor
) -> None:
    """Real mouse press/move on the pane's table start the drag through Qt's own item-view
    logic (selection, drag distance, startDrag, the model's mimeData). The offscreen platform
    has no drag loop (QDrag.exec returns at once), so the patched exec plays the platform's
    part: it delivers drag-enter, drag-move and drop events to the queue table's viewport
    over the inquiry's row. From there everything is real: the queue view and model accept
    the drop, emit partner_dropped, and the AssignmentController assigns in the database."""
    pane = PartnerPane(executor)  # owned by the window below
    _show(qtbot, pane, world.inquiry)
    queue_model = _queue(qtbot, executor)
    queue_view = QueueTableView()
    queue_view.setModel(queue_model)
    controller = AssignmentController(executor, QUndoStack(), "ann", notify=lambda *_: None)
    queue_model.partner_dropped.connect(controller.assign_dropped)
    window = QWidget()
    qtbot.addWidget(window)
    layout = QHBoxLayout(window)
    layout.addWidget(pane)
    layout.addWidget(queue_view)
    window.resize(1600, 600)
    with qtbot.waitExposed(window):
        window.show()

    target_row = queue_model.row_of_loaded(world.inquiry)
    assert target_row is not None
    drop_at = queue_view.visualRect(queue_model.index(target_row, 1)).center()
    delivered: list[Qt.DropAction] = []

    def platform_drag(drag: QDrag, *_args: object) -> Qt.DropAction:
        viewport = queue_view.viewport()
        mime = drag.mimeData()
        buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        enter = QDragEnterEvent(drop_at, Qt.DropAction.CopyAction, mime, buttons, mods)
        QApplication.sendEvent(viewport, enter)
        move = QDragMoveEvent(drop_at, Qt.DropAction.CopyAction, mime, buttons, mods)
        QApplication.sendEvent(viewport, move)
        assert move.isAccepted(), "the queue refused the partner drag over the inquiry row"
        drop = QDropEvent(QPointF(drop_at), Qt.DropAction.CopyAction, mime, buttons, mods)
        QApplication.sendEvent(viewport, drop)
        delivered.append(drop.dropAction() if drop.isAccepted() else Qt.DropAction.IgnoreAction)
        return delivered[-1]

    monkeypatch.setattr(QDrag, "exec", platform_drag)
    viewport = pane.table.viewport()
    start = pane.table.visualRect(pane.model.index(0, Column.PARTNER)).center()
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mouseClick(viewport, left, none, start)  # select the row, as a user does first
    with qtbot.waitSignal(controller.changes_made, timeout=WAIT):
        QTest.mousePress(viewport, left, none, start)
        QTest.mouseMove(viewport, start + QPoint(3, 0))
        QTest.mouseMove(viewport, start + QPoint(QApplication.startDragDistance() + 20, 4))
        QTest.mouseRelease(viewport, left, none, start)
    assert delivered == [Qt.DropAction.CopyAction]
    held = [e for e in assignment.assignment_history(world.database, world.inquiry) if e.active]
    assert [(e.partner_id, e.assigned_by) for e in held] == [(world.strong, "ann")]
