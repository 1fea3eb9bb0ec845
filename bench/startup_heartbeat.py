"""The real app with a GUI-thread heartbeat from its first rows painted until every pane is quiet.

Run: ``python bench/startup_heartbeat.py --db DB --log-level DEBUG --screenshot PNG`` (the
app's own arguments; ``bench/startup_bench.py --stalls`` starts it so).

Once the queue's first rows are painted (the ``queue painted with rows`` milestone), a 5 ms
QTimer on the GUI thread measures the gaps between its ticks. Each step of the window's later
build (``MainWindow._later_stages``) is timed on the GUI thread with ``time.perf_counter``; a
step that returns a generator (pieces run one event-loop turn apart) is timed piece by piece.
When ``panes quiet`` is logged it prints, on stderr, one line
``stalls longest=MS during=STEP steps=NAME:MS,...``: the longest gap, the step it overlapped
most, and every step's GUI time in the order they ran. A gap outside the steps is named by
what a watcher thread saw the GUI thread run during it (``other:module.function``, the
innermost frame of the app's own code, sampled every 10 ms while a gap lasts; plain ``other``
when it was in Qt or the event loop only). Nothing of the app is changed but the wrapping of
those steps, so the build before and after a change is measured the same way.

Beside each gap it reports the CPU time inside it (``cpu=GUI/PROCESS`` ms: the GUI thread's
own and the whole process's), so on a busy machine a gap the process spent waiting for a core
can be told from one it spent working, and a gap that overlaps a full (generation 2) garbage
collection is named ``gc`` (the collector holds the GIL throughout).

With ``STARTUP_HEARTBEAT_USE=1`` (``startup_bench.py --use``) the run goes on after the panes
are quiet: it opens the Charts workspace for the first time and waits until the charts are
drawn, then goes back to Triage and selects the next ``USE_SELECTIONS`` inquiries one after
another, each until quiet, and prints ``use charts=MS cpu=… selections=MS,MS,… cpus=…,…``:
the longest gap of each phase.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import runpy
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

HEARTBEAT_MS = 5
SAMPLE_S = 0.010
SAMPLE_AFTER_S = 0.020
MILESTONES = "cloudroute_desk.startup"
USE_SELECTIONS = 5
CHARTS_DRAWN_S = 0.5
"""After the charts' data loaded, this long for their first draws (they paint in turns)."""


class StallWatch(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.steps: list[tuple[float, float, str]] = []
        self.longest = (0.0, 0.0)
        self._timer: Any = None
        self._last = 0.0
        self._samples: list[tuple[float, str]] = []
        self._gui_thread = threading.get_ident()
        self._watching = False
        self._last_cpu = (0.0, 0.0)
        self.longest_cpu = (0.0, 0.0)
        self.collections: list[tuple[float, float]] = []
        self._collecting: dict[int, float] = {}
        gc.callbacks.append(self._on_collection)

    def _on_collection(self, phase: str, info: dict[str, int]) -> None:
        """Full collections' spans (any thread), to name the gaps they cause."""
        if info["generation"] != 2:
            return
        if phase == "start":
            self._collecting[threading.get_ident()] = time.perf_counter()
        elif (started := self._collecting.pop(threading.get_ident(), None)) is not None:
            self.collections.append((started, time.perf_counter()))

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("window shown"):
            self._wrap_later_steps()
        elif message.startswith("queue painted with rows") and self._timer is None:
            self._start_heartbeat()
        elif message.startswith("panes quiet"):
            self._report()

    def _start_heartbeat(self) -> None:
        from PySide6.QtCore import QTimer

        self._timer = QTimer()
        self._timer.setInterval(HEARTBEAT_MS)
        self._timer.timeout.connect(self._tick)
        self._last = time.perf_counter()
        self._last_cpu = (time.thread_time(), time.process_time())
        self._timer.start()
        self._gui_thread = threading.get_ident()
        self._watching = True
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        """While a gap lasts, note the app's innermost frame the GUI thread is in."""
        while self._watching:
            time.sleep(SAMPLE_S)
            now = time.perf_counter()
            if now - self._last < SAMPLE_AFTER_S:
                continue
            frames = sys._current_frames()
            if os.environ.get("STALLS_DEBUG"):  # every thread's innermost frame, to read by hand
                for ident, top in frames.items():
                    if ident != threading.get_ident():
                        print(
                            f"  sample {now:.3f} gui={ident == self._gui_thread} "
                            f"{top.f_code.co_filename}:{top.f_code.co_name}:{top.f_lineno} "
                            f"<- {top.f_back.f_code.co_name if top.f_back else ''}",
                            file=sys.stderr,
                        )
            frame = frames.get(self._gui_thread)
            while frame is not None and "cloudroute_desk" not in frame.f_code.co_filename:
                frame = frame.f_back
            if frame is not None:
                module = frame.f_globals.get("__name__", "?").removeprefix("cloudroute_desk.")
                self._samples.append((now, f"{module}.{frame.f_code.co_name}"))

    def _tick(self) -> None:
        now = time.perf_counter()
        cpu = (time.thread_time(), time.process_time())
        if now - self._last > self.longest[1] - self.longest[0]:
            self.longest = (self._last, now)
            self.longest_cpu = (cpu[0] - self._last_cpu[0], cpu[1] - self._last_cpu[1])
        self._last = now
        self._last_cpu = cpu

    def restart(self) -> None:
        """Forget the longest gap so far (the next phase of a ``--use`` run)."""
        self.longest = (0.0, 0.0)
        self.longest_cpu = (0.0, 0.0)

    def longest_text(self) -> str:
        start, end = self.longest
        gui, process = self.longest_cpu
        return f"{(end - start) * 1000:.1f} cpu={gui * 1000:.0f}/{process * 1000:.0f}"

    def _timed(self, step: Callable[[], Any]) -> Callable[[], Any]:
        """``step`` timed; a step that returns a generator (pieces run one event-loop turn
        apart) is timed piece by piece, as ``name[0]``, ``name[1]``, …"""
        name = getattr(step, "__name__", repr(step))

        def run() -> Any:
            started = time.perf_counter()
            try:
                pieces = step()
            finally:
                ended = time.perf_counter()
            if pieces is None:
                self.steps.append((started, ended, name))
                return None
            return self._timed_pieces(name, pieces)

        run.__name__ = name
        return run

    def _timed_pieces(self, name: str, pieces: Iterator[None]) -> Iterator[None]:
        index = 0
        while True:
            started = time.perf_counter()
            try:
                next(pieces)
            except StopIteration:
                self.steps.append((started, time.perf_counter(), f"{name}[{index}]"))
                return
            self.steps.append((started, time.perf_counter(), f"{name}[{index}]"))
            index += 1
            yield

    def _wrap_later_steps(self) -> None:
        window_class = sys.modules["cloudroute_desk.views.main_window"].MainWindow
        stages = window_class._later_stages
        watch = self

        def timed_stages(window: object) -> tuple[Any, ...]:
            return tuple((modules, watch._timed(step)) for modules, step in stages(window))

        window_class._later_stages = timed_stages

    def _during(self, start: float, end: float) -> str:
        collected = sum(max(0.0, min(end, e) - max(start, s)) for s, e in self.collections)
        if collected > (end - start) / 2:
            return "gc"
        best, best_overlap = "", 0.0
        for step_start, step_end, name in self.steps:
            overlap = min(end, step_end) - max(start, step_start)
            if overlap > best_overlap:
                best, best_overlap = name, overlap
        if best:
            return best
        seen = [where for at, where in self._samples if start <= at <= end]
        return "other:" + max(set(seen), key=seen.count) if seen else "other"

    def _report(self) -> None:
        using = bool(os.environ.get("STARTUP_HEARTBEAT_USE"))
        if not using:
            self._watching = False
            if self._timer is not None:
                self._timer.stop()
        start, end = self.longest
        steps = ",".join(f"{name}:{(e - s) * 1000:.1f}" for s, e, name in self.steps)
        if os.environ.get("STALLS_DEBUG"):
            print(f"longest gap {start:.3f}-{end:.3f}", file=sys.stderr)
        print(
            f"stalls longest={self.longest_text()} during={self._during(start, end)} steps={steps}",
            file=sys.stderr,
            flush=True,
        )
        if using:
            self._use_after_quiet()

    def _use_after_quiet(self) -> None:
        """Run ``_use`` before the screenshot run's integrity check (which follows quiet)."""
        startup = sys.modules["cloudroute_desk.views.startup"]
        integrity = startup._integrity
        watch = self

        async def use_then_integrity(executor: Any) -> Any:
            startup._integrity = integrity
            await watch._use(executor)
            return await integrity(executor)

        startup._integrity = use_then_integrity

    async def _use(self, executor: Any) -> None:
        from PySide6.QtWidgets import QApplication

        from cloudroute_desk.views.main_window import MainWindow
        from cloudroute_desk.views.startup_milestones import wait_until_quiet
        from cloudroute_desk.views.workspaces import Workspace

        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        self.restart()
        window.show_workspace(Workspace.CHARTS)
        while window.charts.panel is None:
            await asyncio.sleep(0.01)
        await wait_until_quiet(executor, 60)
        await asyncio.sleep(CHARTS_DRAWN_S)
        charts = self.longest_text()
        window.show_workspace(Workspace.TRIAGE)
        await wait_until_quiet(executor, 60)
        selections = []
        for row in range(1, USE_SELECTIONS + 1):
            await asyncio.sleep(0.1)
            self.restart()
            window.queue.select_row(row)
            await wait_until_quiet(executor, 60)
            await asyncio.sleep(0.1)
            selections.append(self.longest_text())
        self._watching = False
        if self._timer is not None:
            self._timer.stop()
        gaps = ",".join(text.split()[0] for text in selections)
        cpus = ",".join(text.split()[1].removeprefix("cpu=") for text in selections)
        print(f"use charts={charts} selections={gaps} cpus={cpus}", file=sys.stderr, flush=True)


def main() -> None:
    logging.getLogger(MILESTONES).addHandler(StallWatch())
    sys.argv = ["cloudroute_desk", *sys.argv[1:]]
    runpy.run_module("cloudroute_desk", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
