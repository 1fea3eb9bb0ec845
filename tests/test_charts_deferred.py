"""The charts pane the main window holds: built the first time it is shown without one long
GUI-thread step (issue 17: no stall over 50 ms after the window is shown). The chart modules
import on a thread of their own, then the five charts come one per event-loop turn, and the
result is the same panel as one built at once. Speed is shown by ``bench/startup_bench.py
--stalls --use``; these tests pin the behaviour."""

from __future__ import annotations

import itertools
import subprocess
import sys

from pytestqt.qtbot import QtBot

from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.charts import panel as panel_module
from cloudroute_desk.views.charts.deferred_panel import DeferredChartsPanel
from cloudroute_desk.views.charts.panel import ChartsPanel

WAIT_MS = 15_000


def test_a_first_shown_charts_pane_builds_its_charts_one_event_loop_turn_apart(
    qtbot: QtBot, executor: DbExecutor, monkeypatch
) -> None:
    turns = [0]
    turn_at_chart: list[int] = []
    add_chart = ChartsPanel._add_chart
    next_piece = DeferredChartsPanel._next_piece

    def counted(self: ChartsPanel, chart):  # type: ignore[no-untyped-def]
        turn_at_chart.append(turns[0])
        return add_chart(self, chart)

    def one_turn(self: DeferredChartsPanel) -> None:
        turns[0] += 1  # each call is one event-loop callback (a zero-delay timer)
        next_piece(self)

    monkeypatch.setattr(panel_module.ChartsPanel, "_add_chart", counted)
    monkeypatch.setattr(DeferredChartsPanel, "_next_piece", one_turn)
    deferred = DeferredChartsPanel(executor)
    qtbot.addWidget(deferred)
    deferred.resize(1280, 800)
    with qtbot.waitSignal(deferred.built, timeout=WAIT_MS):
        deferred.show()
    assert deferred.panel is not None
    assert deferred.panel.parent() is deferred
    assert len(turn_at_chart) == 5
    assert all(later > earlier for earlier, later in itertools.pairwise(turn_at_chart)), (
        turn_at_chart
    )
    whole = ChartsPanel(executor)
    qtbot.addWidget(whole)
    titles = [deferred.panel.tabs.tabText(i) for i in range(deferred.panel.tabs.count())]
    assert titles == [whole.tabs.tabText(i) for i in range(whole.tabs.count())]
    assert [type(c) for c in deferred.panel.charts] == [type(c) for c in whole.charts]


def test_build_completes_a_panel_whose_pieces_are_under_way(
    qtbot: QtBot, executor: DbExecutor
) -> None:
    deferred = DeferredChartsPanel(executor)
    qtbot.addWidget(deferred)
    deferred._start_pieces()  # as a first show does, then a caller needs the panel now
    built = deferred.build()
    assert built is deferred.panel and len(built.charts) == 5
    qtbot.wait(50)  # the pieces already scheduled find nothing left to do
    assert deferred.panel is built and len(built.charts) == 5


def test_the_chart_modules_are_imported_off_the_gui_thread_when_not_loaded_yet() -> None:
    script = """
import os, sys, threading
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import importlib.abc
from PySide6.QtWidgets import QApplication
from PySide6.QtGui import QShowEvent
app = QApplication([])
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.charts.deferred_panel import DeferredChartsPanel
threads = []
class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "pyqtgraph":
            threads.append(threading.current_thread() is threading.main_thread())
        return None
sys.meta_path.insert(0, Watch())
assert "pyqtgraph" not in sys.modules
executor = DbExecutor()
deferred = DeferredChartsPanel(executor)
deferred.built.connect(app.quit)
from PySide6.QtCore import QTimer
QTimer.singleShot(30_000, app.quit)  # a build that never comes fails below, not by hanging
deferred.showEvent(QShowEvent())  # as the first show does, without loading any data
app.exec()
print("pyqtgraph imported on the GUI thread:", threads, len(deferred.panel.charts))
executor.shutdown()
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=90, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("[False] 5"), result.stdout
