"""The partner pane inside the main window: the queue's selection drives it, a drop on a queue
row assigns, Edit → Undo takes it back, and the Routing / Partners menus are there."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cloudroute_desk.db.engine import Database
from cloudroute_desk.models.partner_ranking_model import Column
from cloudroute_desk.services import assignment
from cloudroute_desk.views.main_window import MainWindow
from tests.partner_rankings import make_world

WAIT = 20_000


def _menu_texts(window: MainWindow, title: str) -> list[str]:
    for action in window.menuBar().actions():
        if action.text() == title and action.menu() is not None:
            return [a.text() for a in action.menu().actions() if not a.isSeparator()]
    raise AssertionError(f"no {title} menu")


def test_queue_selection_drop_and_undo_in_the_window(
    qtbot, app_context, database: Database
) -> None:
    world = make_world(database)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    assert _menu_texts(window, "&Routing") == [
        "Assign to inquiry",
        "Did not connect — re-route",
        "&Suggest for all new inquiries…",
    ]
    assert _menu_texts(window, "&Partners") == ["&New partner…", "&Edit partner…"]

    queue = window.queue
    qtbot.waitUntil(lambda: queue.model.row_of_loaded(world.inquiry) is not None, timeout=WAIT)
    pane = window.partners.pane
    with qtbot.waitSignal(pane.ranking_shown, timeout=WAIT) as shown:
        queue.select_row(queue.model.row_of_loaded(world.inquiry) or 0)
    assert shown.args == [world.inquiry]

    mime = pane.model.mimeData([pane.model.index(0, Column.PARTNER)])
    assert mime is not None
    row = queue.model.row_of_loaded(world.inquiry)
    assert row is not None
    with qtbot.waitSignal(window.partners.controller.changes_made, timeout=WAIT):
        assert queue.model.dropMimeData(
            mime, Qt.DropAction.CopyAction, -1, -1, queue.model.index(row, 0)
        )
    held = [e for e in assignment.assignment_history(database, world.inquiry) if e.active]
    assert [(e.partner_id, e.assigned_by) for e in held] == [(world.strong, "tester")]
    # The window fanned the change out: the pane re-ranked and now shows the holder.
    qtbot.waitUntil(lambda: "assigned now" in pane.history_label.text(), timeout=WAIT)

    with qtbot.waitSignal(window.partners.controller.changes_made, timeout=WAIT):
        window.undo_stack.undo()
    assert not [e for e in assignment.assignment_history(database, world.inquiry) if e.active]
