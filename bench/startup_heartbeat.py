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
"""

from __future__ import annotations

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
        if now - self._last > self.longest[1] - self.longest[0]:
            self.longest = (self._last, now)
        self._last = now

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
        self._watching = False
        if self._timer is not None:
            self._timer.stop()
        start, end = self.longest
        steps = ",".join(f"{name}:{(e - s) * 1000:.1f}" for s, e, name in self.steps)
        if os.environ.get("STALLS_DEBUG"):
            print(f"longest gap {start:.3f}-{end:.3f}", file=sys.stderr)
        print(
            f"stalls longest={(end - start) * 1000:.1f} during={self._during(start, end)} "
            f"steps={steps}",
            file=sys.stderr,
            flush=True,
        )


def main() -> None:
    logging.getLogger(MILESTONES).addHandler(StallWatch())
    sys.argv = ["cloudroute_desk", *sys.argv[1:]]
    runpy.run_module("cloudroute_desk", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
