"""The longest the GUI thread goes unanswered while the network, a file or the disk is bad.

Run: ``python bench/heartbeat_bench.py [--runs 3] [--seconds 4]``

A 5 ms heartbeat timer on the GUI thread records the longest gap between its ticks while the
real main window (or the ACE editor) works through one fault at a time:

* no fault: the window on a healthy SQLite file doing the same reloads as the next two rows
  (what the panes' own work costs on the GUI thread, for comparison);
* black-holed network: the window on a PostgreSQL database (a throwaway pgserver) reached
  through the fault proxy (tests/net_proxy.py), the link black-holed, the queue, ranking and
  records reloading every 500 ms;
* locked SQLite: the window on a SQLite file whose write lock a second process holds, the
  same reloads, the partner pane ranking (its index refresh needs the lock);
* locked drafts file: the editor typing into a record while a second process holds the
  draft store's write lock, autosave flushing on every edit;
* full disk: the same with the draft store on a 3 MiB tmpfs filled to the last byte
  (needs root for ``mount``; skipped otherwise).

Printed per fault: the median over ``--runs`` of each run's longest gap, beside the 100 ms
yardstick the issue sets.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.* helpers

from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy.engine import make_url

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.services.changes import ALL_ROWS, ChangeKind, Changes
from cloudroute_desk.services.drafts import DraftStore
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.editor import RecordEditorPane
from cloudroute_desk.views.gui_collector import GuiThreadCollector
from cloudroute_desk.views.main_window import MainWindow
from tests.editor_helpers import seed_record
from tests.factories import add_inquiry, add_partner, add_record
from tests.net_proxy import NetProxy
from tests.sqlite_lock_holder import write_lock_held
from tests.tiny_disk import fill

YARDSTICK_MS = 100.0
HEARTBEAT_MS = 5
RELOAD = Changes.of(
    ChangeKind.INQUIRY_STATUS, ChangeKind.ASSIGNMENTS, inquiries=ALL_ROWS, partners=ALL_ROWS
)
"""What other admins' assignments make the window reload: the queue, the detail panel and
the ranking (the charts redraw on their own tab only)."""
POKE_MS = 500


class Heartbeat:
    def __init__(self) -> None:
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(HEARTBEAT_MS)
        self._timer.timeout.connect(self._tick)
        self.longest_ms = 0.0

    def _tick(self) -> None:
        gap = self._clock.nsecsElapsed() / 1e6
        self.longest_ms = max(self.longest_ms, gap)
        self._clock.restart()

    def run_for(self, seconds: float, poke: Callable[[], None], every_ms: int = POKE_MS) -> float:
        """Run the event loop for ``seconds``, calling ``poke`` every ``every_ms``."""
        app = QApplication.instance()
        assert app is not None
        self.longest_ms = 0.0
        self._clock.start()
        self._timer.start()
        ends = time.monotonic() + seconds
        next_poke = 0.0
        while time.monotonic() < ends:
            if time.monotonic() >= next_poke:
                poke()
                next_poke = time.monotonic() + every_ms / 1000
            app.processEvents()
            time.sleep(0.001)
        self._timer.stop()
        return self.longest_ms


def _window(database: Database, folder: Path) -> tuple[MainWindow, DbExecutor]:
    executor = DbExecutor(database)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(AppContext(executor, "bench", settings, folder))
    window.show()
    return window, executor


def _settle(executor: DbExecutor, seconds: float = 10) -> None:
    """Until the first loads are in and painted: the first paint is not what is measured."""
    app = QApplication.instance()
    assert app is not None
    ends = time.monotonic() + seconds
    while not executor.idle and time.monotonic() < ends:
        app.processEvents()
        time.sleep(0.005)
    painted = time.monotonic() + 1.0
    while time.monotonic() < painted:
        app.processEvents()
        time.sleep(0.005)


def _seed(database: Database) -> int:
    """An inquiry to rank, and a partner with a record (so the index has an entry)."""
    _add_other_record(database, "first")
    return add_inquiry(database)


def _add_other_record(database: Database, name: str) -> None:
    """A record for another customer: marks its partner's index entry stale."""
    other = add_inquiry(database, company_name=f"{name} Inc.", website=f"https://{name}.example")
    add_record(database, other, add_partner(database, name=f"{name} Partners"))


def blackholed_network(heartbeat: Heartbeat, seconds: float, folder: Path) -> float:
    import pgserver

    data = Path(tempfile.mkdtemp(prefix="crd-hb-pg-"))
    server = pgserver.get_server(data, cleanup_mode="stop")
    try:
        url = make_url(server.get_uri()).set(drivername="postgresql+psycopg")
        with NetProxy.in_front_of(url) as proxy:
            database = open_database(proxy.proxied(url).render_as_string(hide_password=False))
            inquiry_id = _seed(database)
            window, executor = _window(database, folder)
            _settle(executor)
            proxy.blackhole()

            def poke() -> None:
                window.apply_changes(RELOAD)
                window.partners.pane.set_inquiry(inquiry_id)

            longest = heartbeat.run_for(seconds, poke)
            proxy.restore()
            window.close()
            executor.shutdown()
            return longest
    finally:
        server.cleanup()


def healthy_sqlite(heartbeat: Heartbeat, seconds: float, folder: Path) -> float:
    """The same work as ``locked_sqlite`` with nothing wrong: what the panes' own work costs."""
    return _sqlite_window(heartbeat, seconds, folder, locked=False)


def locked_sqlite(heartbeat: Heartbeat, seconds: float, folder: Path) -> float:
    return _sqlite_window(heartbeat, seconds, folder, locked=True)


def _sqlite_window(heartbeat: Heartbeat, seconds: float, folder: Path, *, locked: bool) -> float:
    path = folder / f"window-{time.monotonic_ns()}.sqlite"
    database = open_database(str(path))
    inquiry_id = _seed(database)
    window, executor = _window(database, folder)
    _settle(executor)
    _add_other_record(database, "second")
    with ExitStack() as stack:
        if locked:
            stack.enter_context(write_lock_held(path))

        def poke() -> None:
            window.apply_changes(RELOAD)
            window.partners.pane.set_inquiry(inquiry_id)

        longest = heartbeat.run_for(seconds, poke)
    window.close()
    executor.shutdown()
    return longest


def _typing(heartbeat: Heartbeat, seconds: float, pane: RecordEditorPane) -> float:
    role = pane.form.editor("partner_role").widget
    count = iter(range(10_000))

    def poke() -> None:
        role.setPlainText(f"Role {next(count)}")  # type: ignore[attr-defined]
        pane.autosave.edited(pane.form.form)
        pane.autosave.flush()

    return heartbeat.run_for(seconds, poke, every_ms=50)


@contextmanager
def _editor(folder: Path, store_path: Path) -> Iterator[RecordEditorPane]:
    database = open_database(str(folder / f"editor-{time.monotonic_ns()}.sqlite"))
    inquiry_id, _ = seed_record(database)
    executor = DbExecutor(database)
    pane = RecordEditorPane(executor, DraftStore(store_path), admin="bench")
    pane.show()
    opened: list[int] = []
    pane.record_opened.connect(lambda *_: opened.append(1))
    pane.set_inquiry(inquiry_id)
    app = QApplication.instance()
    assert app is not None
    ends = time.monotonic() + 10
    while not opened and time.monotonic() < ends:
        app.processEvents()
        time.sleep(0.005)
    try:
        yield pane
    finally:
        pane.autosave.stop()
        pane.close()
        executor.shutdown()


def locked_drafts(heartbeat: Heartbeat, seconds: float, folder: Path) -> float:
    store_path = folder / f"drafts-{time.monotonic_ns()}.sqlite"
    with _editor(folder, store_path) as pane:
        pane.draft_store.open()
        with write_lock_held(store_path):
            return _typing(heartbeat, seconds, pane)


def full_disk(heartbeat: Heartbeat, seconds: float, folder: Path) -> float | None:
    import subprocess

    disk = folder / f"tiny-{time.monotonic_ns()}"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)])
    if mounted.returncode != 0:
        return None
    try:
        fill(disk)
        with _editor(folder, disk / "drafts.sqlite") as pane:
            return _typing(heartbeat, seconds, pane)
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


FAULTS = {
    "no fault (SQLite, the same reloads)": healthy_sqlite,
    "black-holed network (PostgreSQL)": blackholed_network,
    "SQLite file locked by another process": locked_sqlite,
    "drafts file locked by another process": locked_drafts,
    "full disk (3 MiB tmpfs) under the drafts": full_disk,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    app = QApplication([])
    GuiThreadCollector(app)  # collects garbage as the app does: on the GUI thread only
    heartbeat = Heartbeat()
    print(f"longest GUI-thread gap, median of {args.runs} runs of {args.seconds:g} s", flush=True)
    print(f"{'fault':<44} {'median ms':>10} {'worst ms':>9} {'yardstick':>10}")
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="crd-hb-")))
        for name, fault in FAULTS.items():
            gaps = [fault(heartbeat, args.seconds, folder) for _ in range(args.runs)]
            measured = [gap for gap in gaps if gap is not None]
            if not measured:
                print(f"{name:<44} {'skipped (no tmpfs)':>21}")
                continue
            print(
                f"{name:<44} {statistics.median(measured):>10.1f} {max(measured):>9.1f} "
                f"{'<= ' + format(YARDSTICK_MS, 'g'):>10}",
                flush=True,
            )
    app.quit()


if __name__ == "__main__":
    main()
