"""The GUI thread while the offline copy is taken and refreshed: the longest heartbeat gap.

    QT_QPA_PLATFORM=offscreen python bench/offline_stall_bench.py [--records 1000] [--runs 3]

A real window on a throwaway PostgreSQL (behind the test TCP proxy on 127.0.0.1). A 5 ms
heartbeat on the GUI thread (``heartbeat_bench.Heartbeat``) records its longest gap: first with
no copy kept (the window opened without a server target: the yardstick), then while the
window takes its copy of ``--records`` drafts (after its first second, which holds the
window's own start-up in both cases and is printed apart), then while another connection changes two
records a second and the copy follows. Prints the median over ``--runs`` of each phase's
longest gap, beside the issue's 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from heartbeat_bench import Heartbeat  # noqa: E402
from offline_bench import _edit, _seed, _server  # noqa: E402
from PySide6.QtCore import QSettings, QSize  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from cloudroute_desk.db.opening import open_database  # noqa: E402
from cloudroute_desk.services.executor import DbExecutor  # noqa: E402
from cloudroute_desk.views.context import AppContext  # noqa: E402
from cloudroute_desk.views.gui_collector import GuiThreadCollector  # noqa: E402
from cloudroute_desk.views.main_window import MainWindow  # noqa: E402
from tests.net_proxy import NetProxy  # noqa: E402


def _window(target: str, data_dir: Path, keep_copy: bool) -> tuple[MainWindow, DbExecutor]:
    executor = DbExecutor(open_database(target).signed_as("alice"))
    settings = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(executor, "alice", settings, data_dir, target=target if keep_copy else "")
    window = MainWindow(context)
    window.show_at_size(QSize(1280, 720))
    return window, executor


def _close(window: MainWindow, executor: DbExecutor) -> None:
    window.close()
    executor.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    GuiThreadCollector(app)  # collects garbage as the app does: on the GUI thread only
    heartbeat = Heartbeat()
    phases: dict[str, list[float]] = {
        "first second, no copy": [],
        "first second, copy starting": [],
        "no copy": [],
        "taking": [],
        "following": [],
    }
    with _server(None) as target_url:
        url = make_url(target_url)
        with NetProxy.in_front_of(url) as proxy:
            target = proxy.proxied(url).render_as_string(hide_password=False)
            seeding = open_database(target).signed_as("bob")
            record_ids = _seed(seeding, args.records)
            for run in range(args.runs):
                data_dir = Path(tempfile.mkdtemp(prefix="crd-stall-"))
                window, executor = _window(target, data_dir, keep_copy=False)
                # The first second holds the window's own start-up (panes loading, painting).
                phases["first second, no copy"].append(heartbeat.run_for(1.0, lambda: None))
                heartbeat.run_for(1.0, lambda: None)
                phases["no copy"].append(heartbeat.run_for(args.seconds, lambda: None))
                _close(window, executor)
                window, executor = _window(target, data_dir, keep_copy=True)
                mode = window.offline.mode
                gaps: list[float] = []
                deadline = time.monotonic() + 120
                while not (mode.status is not None and mode.status.complete):
                    if time.monotonic() > deadline:
                        raise SystemExit("the copy was not taken within 120 s")
                    gaps.append(heartbeat.run_for(1.0, lambda: None))
                phases["first second, copy starting"].append(gaps[0] if gaps else 0.0)
                phases["taking"].append(max(gaps[1:], default=0.0))
                stop = threading.Event()

                def write(offset: int = run, stop: threading.Event = stop) -> None:
                    n = 0
                    while not stop.wait(0.5):
                        _edit(seeding, record_ids[(offset * 97 + n) % len(record_ids)], f"x{n}")
                        n += 1

                writer = threading.Thread(target=write, daemon=True)
                writer.start()
                phases["following"].append(heartbeat.run_for(args.seconds, lambda: None))
                stop.set()
                writer.join()
                _close(window, executor)
                print(
                    f"run {run + 1}: no copy {phases['no copy'][-1]:.0f} ms, taking "
                    f"{phases['taking'][-1]:.0f} ms, following {phases['following'][-1]:.0f} ms",
                    flush=True,
                )
            seeding.dispose()
    cells = ", ".join(f"{name} {statistics.median(v):.0f} ms" for name, v in phases.items())
    print(
        f"longest GUI-thread gap, median of {args.runs}: {cells} "
        f"(target 50 ms; load {os.getloadavg()[0]:.1f})"
    )
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
