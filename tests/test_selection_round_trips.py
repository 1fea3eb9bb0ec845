"""One inquiry selection fills every pane in few round trips, and the reads behind it go out
side by side on PostgreSQL without overtaking the writes before them.

Counted, not timed: on PostgreSQL the requests the client sends through a proxy on 127.0.0.1
(one per round trip; in all, and on the busiest connection, which is what a slow link makes
the admin wait for once the panes read beside each other); on SQLite the statements sent.
Before the panes read in one session each, a selection took 65 round trips (16 on the busiest
connection, everything on one) and 58 SQLite statements.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import event, select
from sqlalchemy.engine import make_url

from cloudroute_desk.db import assignment_queries, routing_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.tables import AceRecordRow, AssignmentRow
from cloudroute_desk.demo.generator import generate_demo
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.main_window import MainWindow
from tests.net_proxy import NetProxy

WAIT = 20_000
LONGEST_CHAIN = 10
"""PostgreSQL: round trips on the busiest connection per selection (9 measured)."""
ROUND_TRIPS = 40
"""PostgreSQL: round trips per selection in all, the claim write included (35 measured)."""
STATEMENTS = 42
"""SQLite: statements per selection, session set-up and the claim write included (38)."""


@pytest.fixture
def reached(db_target: str, backend: str) -> Iterator[tuple[Database, NetProxy | None]]:
    """A small demo database, opened the app's way (through a proxy on PostgreSQL)."""
    loaded = open_database(db_target)
    generate_demo(loaded, inquiries=60, partners=12, seed=17)
    loaded.dispose()
    if backend == "sqlite":
        database = open_database(db_target)
        yield database, None
        database.dispose()
        return
    url = make_url(db_target)
    with NetProxy.in_front_of(url) as proxy:
        database = open_database(proxy.proxied(url).render_as_string(hide_password=False))
        yield database, proxy
        database.dispose()


def _window(qtbot: Any, executor: DbExecutor, folder: Path) -> MainWindow:
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(AppContext(executor, "tester", settings, folder))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _rows_with_records(window: MainWindow, database: Database) -> list[int]:
    with database.reading() as session:
        with_records = set(session.scalars(select(AceRecordRow.inquiry_id).distinct()))
    model = window.queue.model
    return [
        row
        for row in range(model.rowCount())
        if (item := model.row_object(row)) is not None and item.id in with_records
    ]


def _select_and_wait(qtbot: Any, window: MainWindow, executor: DbExecutor, row: int) -> None:
    item = window.queue.model.row_object(row)
    assert item is not None
    with (
        qtbot.waitSignal(window.inquiry_detail.detail_loaded, timeout=WAIT),
        qtbot.waitSignal(window.partners.pane.ranking_shown, timeout=WAIT),
        qtbot.waitSignal(window.record_editor.record_opened, timeout=WAIT),
    ):
        window.queue.select_row(row)
    qtbot.waitUntil(lambda: executor.idle, timeout=WAIT)
    assert window.inquiry_detail.inquiry_id == item.id
    assert window.record_editor.inquiry_id == item.id
    assert window.record_editor.opened is not None


def test_a_selection_fills_every_pane_in_few_round_trips(
    qtbot: Any, reached: tuple[Database, NetProxy | None], tmp_path: Path
) -> None:
    database, proxy = reached
    executor = DbExecutor(database)
    statements: list[str] = []
    event.listen(
        database.engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_rest: statements.append(statement),
    )
    try:
        window = _window(qtbot, executor, tmp_path)
        qtbot.waitUntil(lambda: executor.idle and window.queue.model.rowCount() > 0, timeout=WAIT)
        rows = _rows_with_records(window, database)
        assert len(rows) >= 3
        _select_and_wait(qtbot, window, executor, rows[0])  # warms the index cache
        for row in rows[1:3]:
            statements.clear()
            before = dict(proxy.requests) if proxy is not None else {}
            _select_and_wait(qtbot, window, executor, row)
            if proxy is None:
                assert len(statements) <= STATEMENTS, statements
                continue
            sent = {n: count - before.get(n, 0) for n, count in proxy.requests.items()}
            assert sum(sent.values()) <= ROUND_TRIPS, statements
            assert max(sent.values()) <= LONGEST_CHAIN, (sent, statements)
            # The panes' reads went out on more than one connection.
            assert sum(1 for count in sent.values() if count) >= 3
    finally:
        window.close()
        executor.shutdown()


def test_reads_go_out_beside_each_other_but_after_the_jobs_before_them(
    database: Database, backend: str
) -> None:
    executor = DbExecutor(database)
    release = threading.Event()
    order: list[str] = []
    try:
        executor.submit(lambda _db: (release.wait(10), order.append("write")))
        read = executor.submit_read(lambda _db: order.append("read after the write"))
        assert not read.done()  # it waits for the job before it ...
        if backend == "postgresql":
            held = threading.Event()
            first = executor.submit_read(lambda _db: held.wait(10))
            release.set()
            read.result(timeout=10)
            # ... and another read runs while the first is still busy.
            executor.submit_read(lambda _db: order.append("beside")).result(timeout=10)
            assert not first.done()
            held.set()
        else:
            release.set()
            read.result(timeout=10)
        assert order[:2] == ["write", "read after the write"]
    finally:
        release.set()
        executor.shutdown()


def test_tried_partners_read_from_the_history_equal_the_query(database: Database) -> None:
    generate_demo(database, inquiries=80, partners=10, seed=5)
    with database.reading() as session:
        inquiry_ids = sorted(set(session.scalars(select(AssignmentRow.inquiry_id))))
        assert inquiry_ids
        for inquiry_id in inquiry_ids:
            history = assignment_queries.history(session, inquiry_id)
            assert routing_queries.tried_in_history(history) == routing_queries.tried_partners(
                session, inquiry_id
            )
