"""The window loses its server, works from the offline copy, and syncs back when it answers.

A real PostgreSQL server behind a TCP proxy on 127.0.0.1: the window takes its copy, the proxy
black-holes the link, the window switches to the copy (banner, read-only queue, the ranking
says it needs the server) and three records are edited there through the editor's save path;
meanwhile another admin, on a connection of their own, edits two of them (one on the same
field, one on another) and submits a fourth. When the link comes back the outbox syncs by
itself: one merge without a question, one Mine / Theirs decision, one kept local draft.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from cloudroute_desk.db import offline_copy
from cloudroute_desk.db import record_queries as queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.models import offline_mode
from cloudroute_desk.models.inquiry_queue_model import COL_COMPANY, KEPT_OFFLINE
from cloudroute_desk.models.record_list_model import KEPT_OFFLINE_TIP
from cloudroute_desk.models.record_list_model import Column as RecordColumn
from cloudroute_desk.services import drafts, records
from cloudroute_desk.services.changes import ChangeKind
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.editor.conflict_dialog import ConflictDialog
from cloudroute_desk.views.main_window import MainWindow
from cloudroute_desk.views.offline_banner import RANKING_NEEDS_SERVER
from cloudroute_desk.views.server_banner import OFFLINE_TIP
from cloudroute_desk.views.workspaces import Workspace
from tests.factories import add_inquiry
from tests.net_proxy import NetProxy
from tests.test_offline_copy import _edit, _seed, submit_as

SHOTS = os.environ.get("CLOUDROUTE_SCREENSHOT_DIR")
"""Where the screenshots go: ``CLOUDROUTE_SCREENSHOT_DIR=docs`` refreshes the README's."""


@pytest.fixture
def backend() -> str:
    return "postgresql"


@pytest.fixture
def offline_world(
    db_target: str, qtbot: QtBot, tmp_path: Path
) -> Iterator[tuple[NetProxy, MainWindow, Database, list[int]]]:
    url = make_url(db_target)
    colleague = open_database(db_target).signed_as("bob")
    record_ids = _seed(colleague, 4)
    with NetProxy.in_front_of(url) as proxy:
        target = proxy.proxied(url).render_as_string(hide_password=False)
        executor = DbExecutor(open_database(target).signed_as("alice"))
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(AppContext(executor, "alice", settings, tmp_path, target=target))
        qtbot.addWidget(window)
        window.show_at_size(QSize(1280, 720))
        try:
            yield proxy, window, colleague, record_ids
        finally:
            proxy.restore()
            window.close()
            executor.shutdown()
            colleague.dispose()


def test_offline_edits_sync_back_with_one_merge_one_decision_and_one_kept_draft(
    offline_world: tuple[NetProxy, MainWindow, Database, list[int]],
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    shots = Path(SHOTS) if SHOTS else tmp_path
    proxy, window, colleague, (a, b, c, d) = offline_world
    mode = window.offline.mode
    qtbot.waitUntil(lambda: mode.status is not None and mode.status.complete, timeout=20_000)

    proxy.blackhole()
    window.apply_changes(records.record_changed(records.open_record(colleague, a).summary, "x"))
    qtbot.waitUntil(lambda: mode.offline, timeout=20_000)
    qtbot.waitUntil(lambda: window.offline.banner.isVisible(), timeout=10_000)
    assert window.offline.banner.label.text().startswith("Offline — working from a copy taken ")
    assert window.database.backend == "sqlite"
    assign = window.partners.pane.assign_action
    assert not assign.isEnabled() and assign.toolTip() == OFFLINE_TIP
    assert not window.queue.status_actions.decline_action.isEnabled()
    assert window.partners.pane.header_label.text() == RANKING_NEEDS_SERVER

    executor = window.context.executor
    # Offline: three records edited, the way the editor's autosave saves (on the copy).
    for record_id, use_case in ((a, "alice on a"), (b, "alice on b"), (c, "alice on c")):
        executor.call(lambda db, r=record_id, u=use_case: _edit(db, r, use_case=u))
    executor.call(lambda db: _edit(db, d, use_case="alice on d"))
    mode.read_status()
    qtbot.waitUntil(
        lambda: "4 edits waiting to sync" in window.offline.banner.label.text(), timeout=10_000
    )
    window.queue.select_row(0)
    qtbot.waitUntil(lambda: executor.idle, timeout=10_000)
    window.grab().save(str(shots / "offline-mode.png"))
    window.show_workspace(Workspace.CHARTS)
    # The charts draw the copy's records (never a blank pane): its four drafts.
    qtbot.waitUntil(lambda: window.charts.panel is not None, timeout=10_000)
    qtbot.waitUntil(
        lambda: window.charts.panel.status.text().startswith("Click a bar"), timeout=15_000
    )
    window.grab().save(str(shots / "offline-charts.png"))
    window.show_workspace(Workspace.TRIAGE)

    # Meanwhile, bob on the server: another field of b, the same field of c, submits d.
    _edit(colleague, b, amount_requested_usd=42_000)
    _edit(colleague, c, use_case="bob on c")
    submit_as(colleague, d, "bob")

    proxy.restore()
    qtbot.waitUntil(lambda: window.offline.dialog is not None, timeout=40_000)
    assert not mode.offline and window.database.backend == "postgresql"
    assert window.offline.banner.isHidden()
    assert window.statusBar().currentMessage() == (
        "Synced 2 edits; 1 needs your decision; 1 kept as a local draft"
    )
    dialog = window.offline.dialog
    assert dialog is not None and dialog.keep_all_button is None  # the only one asking
    table = dialog.table
    assert [table.item(row, 1).text() for row in range(table.rowCount())] == ["alice on c"]
    _save_sync_screenshot(window, dialog, shots / "offline-sync.png")

    dialog.keep_button.click()
    qtbot.waitUntil(
        lambda: records.open_record(colleague, c).form.use_case == "alice on c", timeout=10_000
    )
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage().startswith("Synced 3"), timeout=10_000
    )
    assert records.open_record(colleague, a).form.use_case == "alice on a"
    merged = records.open_record(colleague, b).form
    assert (merged.use_case, merged.amount_requested_usd) == ("alice on b", 42_000)
    kept = drafts.read_draft(
        window.record_editor.draft_store, drafts.database_identity(executor.database), d
    )
    assert kept is not None and kept.form.use_case == "alice on d"
    assert assign.toolTip() != OFFLINE_TIP


def _save_sync_screenshot(window: MainWindow, dialog: ConflictDialog, path: Path) -> None:
    """The window with the sync summary and the decision dialog over it, as one picture."""
    from PySide6.QtGui import QPainter

    shot = window.grab()
    picture = dialog.grab()
    painter = QPainter(shot)
    x = (shot.width() - picture.width()) // 2
    y = (shot.height() - picture.height()) // 2
    painter.drawPixmap(x, y, picture)
    painter.end()
    shot.save(str(path))


def test_keep_offline_copies_an_inquiry_and_marks_its_row(
    offline_world: tuple[NetProxy, MainWindow, Database, list[int]],
    qtbot: QtBot,
) -> None:
    _proxy, window, colleague, _records = offline_world
    kept_id = add_inquiry(colleague, company_name="Kept Analytics", website="https://kept.example")
    mode = window.offline.mode
    qtbot.waitUntil(lambda: mode.status is not None and mode.status.complete, timeout=20_000)
    copy = mode.copy
    assert copy is not None
    with copy.reading() as session:
        assert queries.load_inquiry(session, kept_id) is None  # no record: not copied
    window.refresh()
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 5, timeout=10_000)
    menu = QMenu(window)
    window.offline.fill_queue_menu(menu, kept_id)
    [keep] = [action for action in menu.actions() if action.text() == "Keep offline"]
    assert not keep.isChecked()
    keep.trigger()

    def copied() -> bool:
        with copy.reading() as session:
            return queries.load_inquiry(session, kept_id) is not None

    qtbot.waitUntil(copied, timeout=10_000)
    model = window.queue.model
    texts = [model.index(row, COL_COMPANY).data() for row in range(model.rowCount())]
    assert f"Kept Analytics · {KEPT_OFFLINE}" in texts
    again = QMenu(window)
    window.offline.fill_queue_menu(again, kept_id)
    assert next(a for a in again.actions() if a.text() == "Keep offline").isChecked()


def test_keep_offline_on_a_record_marks_it_in_the_record_list(
    offline_world: tuple[NetProxy, MainWindow, Database, list[int]],
    qtbot: QtBot,
) -> None:
    _proxy, window, colleague, (a, *_others) = offline_world
    mode = window.offline.mode
    qtbot.waitUntil(lambda: mode.status is not None and mode.status.complete, timeout=20_000)
    inquiry_id = records.open_record(colleague, a).inquiry.id
    editor = window.record_editor
    with qtbot.waitSignal(editor.record_opened, timeout=10_000):
        editor.set_inquiry(inquiry_id)
    model = editor.records_model
    pool = model.index(0, RecordColumn.POOL)
    assert pool.data(Qt.ItemDataRole.DecorationRole) is None
    menu = QMenu(window)
    window.offline.fill_record_menu(menu, a)
    next(action for action in menu.actions() if action.text() == "Keep offline").trigger()
    qtbot.waitUntil(lambda: pool.data(Qt.ItemDataRole.DecorationRole) is not None, timeout=5_000)
    assert pool.data(Qt.ItemDataRole.ToolTipRole) == KEPT_OFFLINE_TIP
    copy = mode.copy
    assert copy is not None

    def marked() -> bool:
        with copy.reading() as session:
            return a in offline_copy.marked(session, offline_copy.KEEP_RECORD)

    qtbot.waitUntil(marked, timeout=10_000)


@pytest.fixture
def slow_periodic_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy's periodic refresh every ten minutes: only a change can refresh it sooner."""
    monkeypatch.setattr(offline_mode, "REFRESH_MS", 600_000)


def test_an_own_save_reaches_the_copy_at_once_not_at_the_next_periodic_refresh(
    slow_periodic_refresh: None,
    offline_world: tuple[NetProxy, MainWindow, Database, list[int]],
    qtbot: QtBot,
) -> None:
    _proxy, window, _colleague, (a, _b, _c, _d) = offline_world
    mode = window.offline.mode
    qtbot.waitUntil(lambda: mode.status is not None and mode.status.complete, timeout=20_000)
    copy = mode.copy
    assert copy is not None
    executor = window.context.executor
    # Saved online the way the editor's autosave saves, then fanned out like its Changes.
    executor.call(lambda db: _edit(db, a, use_case="saved just before the train"))
    summary = executor.call(lambda db: records.open_record(db, a).summary)
    window.apply_changes(records.record_changed(summary, "alice", ChangeKind.RECORD_FIELDS))
    qtbot.waitUntil(
        lambda: records.open_record(copy, a).form.use_case == "saved just before the train",
        timeout=10_000,
    )
