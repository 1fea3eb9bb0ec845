"""Queue speed on a big database: our windowed pane against Qt's QSqlTableModel.

Build the database once, then run (offscreen, several minutes on 1,000,000 rows):

    cloudroute-desk demo --db queue1m.sqlite --inquiries 1000000 --partners 2000 --seed 7
    QT_QPA_PLATFORM=offscreen python bench/queue_bench.py --db queue1m.sqlite
    # PostgreSQL: copy the same partners and inquiries into an empty, migrated database
    # (COPY, then VACUUM ANALYZE so index-only scans work as they do once autovacuum ran):
    QT_QPA_PLATFORM=offscreen python bench/queue_bench.py --db postgresql://.../queue1m \
        --copy-from queue1m.sqlite

Each figure is the median of ``--runs`` runs, measured the way a user sees it: from the
action (model reset, header click, filter change, search, scroll) until the visible page is
in and the table has painted it (a synchronous viewport repaint). The exact count follows the
rows (since 2026-12-02 the rows no longer wait for it): its time is printed below each figure,
with the viewport paints until then (1: the count only resized the scrollbar), and the CPU
figures run until it is in. Each action starts with the DB worker idle (header counts,
recounts and the model's landmarks of the previous action finished), so a figure is that
action's own latency; "jump, before landmarks are read" jumps right after a reload.
Sorting reuses the count the filter already had (sorting never changes it); every filter
and search run counts afresh, as the first use of a filter does. The search
figure starts when the debounce timer fires (the 150 ms debounce itself is excluded).
The yardstick is QSqlTableModel on the same SQLite file in the same process, reaching row
500,000 the only way it can: ``fetchMore`` until ``rowCount() > 500,000``. Its first paint
waits for the window to be exposed, as ours does, and is checked to have painted (before
2026-12-02 it did not: ``repaint()`` on a window not yet exposed paints nothing).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtWidgets import QApplication, QTableView, QWidget
from sqlalchemy import text

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.domain.catalog import FundingStage, InquiryStatus, Region
from cloudroute_desk.domain.queue_filter import QueueFilter, SlaState, SortKey
from cloudroute_desk.models import inquiry_queue_model as qm
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.gui_collector import GuiThreadCollector
from cloudroute_desk.views.queue import QueuePane

TARGETS_MS = {
    "first paint": 50.0,
    "sort change": 30.0,
    "filter change": 40.0,
    "text search": 60.0,
    "jump to row 500,000": 30.0,
}
FIRST_PAINT_RATIO = 5.0
"""First paint may take at most this many times QSqlTableModel's select() + first paint."""


class Started(NamedTuple):
    wall: float
    gui_cpu: float
    db_cpu: float


class Sample(NamedTuple):
    wall_ms: float
    gui_cpu_ms: float
    db_cpu_ms: float
    count_ms: float = 0.0
    """Wall time until the exact count was in too (0: not a reset)."""
    paints: int = 0
    """Paints of the table's viewport from the action until the count was in."""


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def wait_until(app: QApplication, done: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout_s
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the queue did not answer in time")
        app.processEvents()
        time.sleep(0.0005)


class Bench:
    def __init__(self, app: QApplication, executor: DbExecutor) -> None:
        self.app = app
        self.executor = executor
        self.results: dict[str, list[Sample]] = {}
        self.peak_rss = rss_mb()
        worker = executor.call(lambda _database: threading.get_ident())
        self._db_clock = time.pthread_getcpuclockid(worker)
        self._painted_at: float | None = None
        self._count_at: float | None = None
        self._paints: PaintCounter | None = None

    def begin(self) -> Started:
        """Wall clock, and CPU time of the GUI thread and of the DB worker thread."""
        self._painted_at = self._count_at = None
        if self._paints is not None:
            self._paints.count = 0
        return Started(time.perf_counter(), time.thread_time(), self._db_cpu())

    def _db_cpu(self) -> float:
        return time.clock_gettime(self._db_clock)

    def quiet(self, pane: QueuePane | None = None) -> None:
        """Let background jobs (recounts, header counts, the model's landmarks) finish:
        each action starts idle."""
        wait_until(
            self.app,
            lambda: (
                self.executor.idle and (pane is None or not getattr(pane.model, "gathering", False))
            ),
        )
        self.app.processEvents()

    def watch_paints(self, pane: QueuePane) -> None:
        """Count the paints of this pane's table from now on (a new pane: a new counter)."""
        self._paints = PaintCounter(pane.table.viewport())

    def sample(self, name: str, started: Started) -> None:
        """Wall time to the rows painted (or now), CPU until now (the count in too)."""
        end = time.perf_counter()
        painted = self._painted_at if self._painted_at is not None else end
        counted = self._count_at
        sample = Sample(
            (painted - started.wall) * 1000,
            (time.thread_time() - started.gui_cpu) * 1000,
            (self._db_cpu() - started.db_cpu) * 1000,
            (counted - started.wall) * 1000 if counted is not None else 0.0,
            self._paints.count if self._paints is not None else 0,
        )
        self._painted_at = self._count_at = None
        self.results.setdefault(name, []).append(sample)
        self.peak_rss = max(self.peak_rss, rss_mb())

    def settle(self, pane: QueuePane) -> None:
        """Wait until the app has painted the reset's rows on screen, then for the exact
        count (which only resizes the scrollbar: ``QueueTableView.doItemsLayout``).
        ``sample`` reports both times; the action's figure is the rows painted."""
        model = pane.model
        counted = {"at": 0.0}

        def count_in() -> None:
            counted["at"] = time.perf_counter()

        model.window_loaded.connect(count_in)
        try:
            self.paint_visible(pane, reset=True)
            wait_until(self.app, lambda: bool(counted["at"]))
            self._count_at = counted["at"]
        finally:
            model.window_loaded.disconnect(count_in)

    def paint_visible(self, pane: QueuePane, *, reset: bool = False) -> None:
        """Wait until the app itself, through its event loop, has painted the rows on screen
        (after a reset: the reset's rows; after a jump, the rows, once read: the paint before
        them is held back, or paints placeholders on a read slower than the hold).
        Before 2026-12-02 the bench painted synchronously instead, and twice when the app
        had painted already."""
        model = pane.model
        arrived = {"at": time.perf_counter() if not reset else 0.0}

        def rows_in(*_rows: int) -> None:
            arrived["at"] = time.perf_counter()

        model.first_rows_loaded.connect(rows_in)
        model.rows_loaded.connect(rows_in)

        def painted() -> bool:
            first, last = pane.table.visible_rows()
            shown = first < 0 or all(model.row_object(r) is not None for r in (first, last))
            return shown and bool(arrived["at"]) and TimedPaints.ended > arrived["at"]

        try:
            if not reset:
                pane.table.viewport().update()  # merges with the scroll's own update, if any
            wait_until(self.app, painted)
        finally:
            model.first_rows_loaded.disconnect(rows_in)
            model.rows_loaded.disconnect(rows_in)
        self._painted_at = TimedPaints.ended


class TimedPaints:
    """When the queue table's last paint ended (the bench wraps the view's paintEvent)."""

    ended = 0.0

    @staticmethod
    def install() -> None:
        from cloudroute_desk.views.queue.queue_table_view import QueueTableView

        app_paint = QueueTableView.paintEvent

        def paint_event(view: QueueTableView, event: Any) -> None:
            app_paint(view, event)
            TimedPaints.ended = time.perf_counter()

        QueueTableView.paintEvent = paint_event  # type: ignore[method-assign]


def search_terms(executor: DbExecutor, count: int, seed: int) -> list[str]:
    """Words that really occur in company names, so each search finds something."""

    def job(database: object) -> list[str]:
        with database.reading() as session:  # type: ignore[attr-defined]
            total = session.execute(text("SELECT max(id) FROM inquiries")).scalar_one()
            rng = random.Random(seed)
            words: list[str] = []
            while len(words) < count:
                row = session.execute(
                    text("SELECT company_name FROM inquiries WHERE id >= :i ORDER BY id LIMIT 1"),
                    {"i": rng.randint(1, total)},
                ).scalar()
                if row:
                    parts = [p for p in row.split() if len(p) >= 4 and p.isalpha()]
                    if parts:
                        words.append(rng.choice(parts)[:6].lower())
            return words

    return executor.call(job)


def run_ours(args: argparse.Namespace, app: QApplication, bench: Bench) -> None:
    executor = bench.executor
    pane: QueuePane | None = None
    for _ in range(args.runs):
        if pane is not None:  # one pane alive at a time, as in the app
            bench.quiet(pane)
            pane.close()
            pane.deleteLater()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        bench.quiet()
        started = bench.begin()
        pane = QueuePane(executor)
        bench.watch_paints(pane)
        pane.resize(1280, 800)
        pane.show()
        bench.settle(pane)
        bench.sample("first paint", started)
    assert pane is not None

    sorts = [
        (qm.COL_COMPANY, Qt.SortOrder.AscendingOrder),
        (qm.COL_SPEND, Qt.SortOrder.DescendingOrder),
        (qm.COL_STATUS, Qt.SortOrder.AscendingOrder),
        (qm.COL_REGION, Qt.SortOrder.DescendingOrder),
        (qm.COL_ARRIVED, Qt.SortOrder.DescendingOrder),
    ]
    for run in range(args.runs):
        column, order = sorts[run % len(sorts)]
        bench.quiet(pane)
        started = bench.begin()
        pane.table.sortByColumn(column, order)
        bench.settle(pane)
        bench.sample("sort change", started)
    if (
        pane.model.queue_filter.sort is not SortKey.ARRIVED
        or not pane.model.queue_filter.descending
    ):
        pane.table.sortByColumn(qm.COL_ARRIVED, Qt.SortOrder.DescendingOrder)
        bench.settle(pane)

    filters = [
        QueueFilter(statuses=frozenset({InquiryStatus.NEW})),
        QueueFilter(regions=frozenset({Region.EU})),
        QueueFilter(stages=frozenset({FundingStage.SEED})),
        QueueFilter(sla_states=frozenset({SlaState.BREACHED})),
        QueueFilter(statuses=frozenset({InquiryStatus.ASSIGNED, InquiryStatus.CONNECTED})),
        QueueFilter(),
    ]
    for run in range(args.runs):
        wanted = filters[run % len(filters)]
        pane.model.forget_counts()  # every run counts, as the first use of a filter does
        bench.quiet(pane)
        started = bench.begin()
        pane.filter_bar.set_queue_filter(wanted)
        bench.settle(pane)
        bench.sample("filter change", started)
    combo = QueueFilter(
        regions=frozenset({Region.EU}), statuses=frozenset({InquiryStatus.ASSIGNED})
    )
    for _ in range(args.runs):
        pane.filter_bar.set_queue_filter(QueueFilter())
        bench.settle(pane)
        pane.model.forget_counts()
        bench.quiet(pane)
        started = bench.begin()
        pane.filter_bar.set_queue_filter(combo)
        bench.settle(pane)
        bench.sample("two-column filter (EU + assigned)", started)
    pane.filter_bar.set_queue_filter(QueueFilter())
    bench.settle(pane)

    terms = search_terms(executor, args.runs, args.seed)
    print(f"search terms: {', '.join(terms)}")
    hits = []
    for term in terms:
        pane.model.forget_counts()
        bench.quiet(pane)
        started = bench.begin()
        pane.filter_bar.search.setText(term)
        pane.filter_bar._debounce.stop()  # time the query, not the deliberate 150 ms pause
        pane.filter_bar.filter_changed.emit()
        bench.settle(pane)
        bench.sample("text search", started)
        hits.append(pane.model.rowCount())
    print(f"search hits: {', '.join(f'{h:,}' for h in hits)}")
    pane.filter_bar.set_queue_filter(QueueFilter())
    bench.settle(pane)

    total = pane.model.rowCount()
    for run in range(args.runs):
        # A different page each run, so every jump really goes to the database.
        row = min(500_000 + run * 7_919, total - 1)
        bench.quiet(pane)
        started = bench.begin()
        pane.table.scrollTo(pane.model.index(row, 0), QTableView.ScrollHint.PositionAtTop)
        bench.paint_visible(pane)
        bench.sample("jump to row 500,000", started)
        assert pane.model.row_object(row) is not None
        pane.table.scrollToTop()
        bench.paint_visible(pane)
    for run in range(args.runs):
        # Right after a reload, before the model has read its landmarks (queue_landmarks):
        # the jump walks the index from the top.
        row = min(500_000 + run * 7_919 + 3_571, total - 1)
        pane.model.refresh()
        bench.settle(pane)
        wait_until(app, lambda: executor.idle)
        started = bench.begin()
        pane.table.scrollTo(pane.model.index(row, 0), QTableView.ScrollHint.PositionAtTop)
        bench.paint_visible(pane)
        bench.sample("jump, before landmarks are read", started)
        assert pane.model.row_object(row) is not None
        pane.table.scrollToTop()
        bench.paint_visible(pane)
    if args.screenshot:
        pane.grab().save(args.screenshot)
    print(f"rows held by the model at the end: {pane.model.loaded_rows():,}")
    measure_repaints(app, bench, pane)
    # Gone before the yardstick runs: it must not repaint (SLA ticks) in the yardstick's time.
    pane.close()
    pane.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


REPAINT_BATCHES = 6
REPAINTS_PER_BATCH = 20


def _repaint_cpu_ms(viewport: QWidget) -> Sample:
    """GUI-thread CPU of one synchronous repaint: the best batch (least disturbed by load)."""
    best = None
    for _ in range(REPAINT_BATCHES):
        wall, cpu = time.perf_counter(), time.thread_time()
        for _ in range(REPAINTS_PER_BATCH):
            viewport.repaint()
        sample = Sample(
            (time.perf_counter() - wall) * 1000 / REPAINTS_PER_BATCH,
            (time.thread_time() - cpu) * 1000 / REPAINTS_PER_BATCH,
            0.0,
        )
        best = sample if best is None or sample.gui_cpu_ms < best.gui_cpu_ms else best
    assert best is not None
    return best


def measure_repaints(app: QApplication, bench: Bench, pane: QueuePane) -> None:
    """One screenful repainted: our model, and the same texts in Qt's C++
    QStandardItemModel in the same view class at the same size (Qt's own pace)."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel

    from cloudroute_desk.views.queue.queue_table_view import QueueTableView

    pane.table.scrollToTop()
    bench.paint_visible(pane)
    bench.results["repaint, one screenful"] = [_repaint_cpu_ms(pane.table.viewport())]
    rows = pane.table.visible_rows()[1] + 1
    columns = pane.model.columnCount()
    plain = QStandardItemModel(rows, columns)
    for row in range(rows):
        for column in range(columns):
            index = pane.model.index(row, column)
            item = QStandardItem(str(index.data() or ""))
            alignment = index.data(Qt.ItemDataRole.TextAlignmentRole)
            if alignment:
                item.setTextAlignment(Qt.AlignmentFlag(alignment))
            plain.setItem(row, column, item)
    view = QueueTableView()
    view.setModel(plain)
    view.resize(pane.table.size())
    for column in range(columns):
        view.setColumnWidth(column, pane.table.columnWidth(column))
    view.show()
    wait_until(app, lambda: _exposed(view))
    view.viewport().repaint()
    bench.results["same texts in QStandardItemModel"] = [_repaint_cpu_ms(view.viewport())]
    view.close()
    view.deleteLater()


COPIED_TABLES = ("partners", "inquiries")


def copy_into_postgres(database: object, source: str) -> None:
    """Copy partners and inquiries from a SQLite file into an empty PostgreSQL database."""
    import sqlite3

    engine = database.engine  # type: ignore[attr-defined]
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        # The app's statement deadline (seconds) is for the GUI's queries, not a bulk copy.
        cursor.execute("SET statement_timeout = 0")
        for table in COPIED_TABLES:
            columns = [row[1] for row in reader.execute(f"PRAGMA table_info({table})")]
            names = ", ".join(columns)
            started = time.perf_counter()
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in reader.execute(f"SELECT {names} FROM {table} ORDER BY id"):
                    copy.write_row(row)
            raw.commit()
            print(f"copied {table} in {time.perf_counter() - started:.0f} s", flush=True)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('inquiries', 'id'), "
            "(SELECT max(id) FROM inquiries))"
        )
        raw.commit()
        raw.driver_connection.autocommit = True
        cursor.execute("VACUUM (ANALYZE) partners")
        cursor.execute("VACUUM (ANALYZE) inquiries")
    finally:
        raw.close()
        reader.close()


def _qt_database(database: Database, name: str) -> Any:
    """A QSqlDatabase on the same file or server: QSQLITE, or QPSQL (libpq)."""
    from PySide6.QtSql import QSqlDatabase

    url = database.url
    if database.backend == "sqlite":
        qt = QSqlDatabase.addDatabase("QSQLITE", name)
        qt.setDatabaseName(str(Path(url.database or "")))
    else:
        qt = QSqlDatabase.addDatabase("QPSQL", name)
        qt.setHostName(str(url.host or url.query.get("host") or "localhost"))
        if url.port:
            qt.setPort(int(url.port))
        qt.setDatabaseName(str(url.database or ""))
        qt.setUserName(str(url.username or ""))
        qt.setPassword(str(url.password or ""))
    if not qt.open():
        raise SystemExit(
            f"QSqlDatabase could not open {database.display_name}: {qt.lastError().text()}"
        )
    return qt


class PaintCounter(QObject):
    """Counts the paint events a widget gets (proof that a "first paint" painted)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _exposed(view: QWidget) -> bool:
    handle = view.windowHandle()
    return handle is not None and handle.isExposed()


def run_yardstick(
    database: Database, bench: Bench, runs: int, reach: bool
) -> tuple[list[float], float]:
    """QSqlTableModel: ``select() + first paint`` samples go to ``bench``; returns the
    times to reach row 500,000 by ``fetchMore`` (when ``reach``) and the memory growth."""
    from PySide6.QtSql import QSqlDatabase, QSqlTableModel

    reach_times: list[float] = []
    growth = 0.0
    for run in range(runs):
        name = f"yardstick{run}"
        qt_database = _qt_database(database, name)
        before = rss_mb()
        started = bench.begin()
        model = QSqlTableModel(None, qt_database)
        model.setTable("inquiries")
        model.select()
        view = QTableView()
        view.setModel(model)
        view.resize(1280, 800)
        painted = PaintCounter(view.viewport())
        view.show()
        # Until the window is exposed, repaint() paints nothing: wait for it as our pane's
        # first paint does (its settle spins the event loop), then paint.
        wait_until(bench.app, lambda shown=view: _exposed(shown))
        view.viewport().repaint()
        bench.sample("select() + first paint", started)
        if not painted.count:
            raise SystemExit("QSqlTableModel's view never painted: the yardstick is void")
        if reach:
            clock = time.perf_counter()
            while model.canFetchMore(QModelIndex()) and model.rowCount() <= 500_000:
                model.fetchMore(QModelIndex())
            reach_times.append((time.perf_counter() - clock) * 1000)
            view.scrollTo(model.index(min(500_000, model.rowCount() - 1), 0))
            view.viewport().repaint()
        growth = max(growth, rss_mb() - before)
        view.close()
        view.setModel(None)
        view.deleteLater()
        QApplication.processEvents()
        model.clear()
        del model
        qt_database.close()
        del qt_database
        QSqlDatabase.removeDatabase(name)
        QApplication.processEvents()
    return reach_times, growth


def _line(name: str, samples: list[Sample], target: float | None) -> str:
    wall = statistics.median(s.wall_ms for s in samples)
    gui = statistics.median(s.gui_cpu_ms for s in samples)
    worker = statistics.median(s.db_cpu_ms for s in samples)
    verdict = ""
    if target is not None:
        verdict = f" (target ≤ {target:.0f} ms)" + (" ok" if wall <= target else " OVER TARGET")
    line = (
        f"  {name:36s} {wall:8.1f} ms   CPU: GUI {gui:6.1f}  DB worker {worker:6.1f}"
        f"   min {min(s.wall_ms for s in samples):7.1f}"
        f"  max {max(s.wall_ms for s in samples):7.1f}{verdict}"
    )
    if any(s.count_ms for s in samples):
        counted = statistics.median(s.count_ms for s in samples)
        line += f"\n  {'':36s} exact count in at {counted:6.1f} ms"
    if any(s.paints for s in samples):
        line += f"; viewport paints {statistics.median(s.paints for s in samples):.0f}"
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLite path or postgresql:// URL")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-yardstick", action="store_true")
    parser.add_argument("--yardstick-runs", type=int, default=3)
    parser.add_argument("--screenshot", default="", help="save the pane after the run here")
    parser.add_argument("--copy-from", default="", help="SQLite file to copy into --db first")
    args = parser.parse_args()

    app = QApplication(sys.argv[:1])
    GuiThreadCollector(app)  # collects garbage as the app does: on the GUI thread only
    TimedPaints.install()
    database = open_database(args.db)
    print(f"database: {database.display_name}")
    if args.copy_from:
        copy_into_postgres(database, args.copy_from)
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    executor = DbExecutor(database)
    rss_start = rss_mb()
    bench = Bench(app, executor)
    run_ours(args, app, bench)
    growth = bench.peak_rss - rss_start
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")

    jump_target = 30.0 if database.backend == "sqlite" else 60.0
    TARGETS_MS["jump to row 500,000"] = jump_target
    if database.backend == "postgresql":
        TARGETS_MS["first paint"] = 80.0
    reaches: list[float] = []
    qt_growth = 0.0
    if not args.no_yardstick:
        reaches, qt_growth = run_yardstick(
            database, bench, args.yardstick_runs, reach=database.backend == "sqlite"
        )
    print(
        f"\nCloudRoute queue ({database.backend}), median of {args.runs} runs "
        "(wall time; CPU time of the GUI thread and of the DB worker):"
    )
    yardstick = bench.results.pop("select() + first paint", [])
    for name, samples in bench.results.items():
        print(_line(name, samples, TARGETS_MS.get(name)))
    print(
        f"  (repaints: best of {REPAINT_BATCHES} batches of {REPAINTS_PER_BATCH}, per repaint;"
        " a first paint, sort, filter or search paints once; a jump's first paint event is held"
        " back (a blank screen while its rows are read, QueueTableView.UNREAD_HOLD_MS), the"
        " second paints the rows."
        " An action's time is until its rows are painted; CPU counts until the exact count is"
        " in, which only resizes the scrollbar)"
    )
    print(f"  {'resident memory growth':36s} {growth:8.1f} MB (target ≤ 50 MB)")
    if yardstick:
        print(f"\nQSqlTableModel on the same database, median of {args.yardstick_runs} runs:")
        print(_line("select() + first paint", yardstick, None))
        ours = statistics.median(s.wall_ms for s in bench.results["first paint"])
        theirs = statistics.median(s.wall_ms for s in yardstick)
        ratio = ours / theirs if theirs else float("inf")
        verdict = "ok" if ratio <= FIRST_PAINT_RATIO else "OVER TARGET"
        print(
            f"  {'first paint / select() + first paint':36s} {ratio:8.1f} x"
            f" (target ≤ {FIRST_PAINT_RATIO:.0f} x) {verdict}"
        )
        if reaches:
            print(f"  {'fetchMore until row 500,000':36s} {statistics.median(reaches):8.1f} ms")
        print(f"  {'resident memory growth':36s} {qt_growth:8.1f} MB")
    executor.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
