"""Python's cyclic garbage collector, run on the GUI thread only.

Left automatic, a collection runs on whichever thread allocates past the threshold: the DB
worker, the feed watcher, a loader thread. Whatever cycles are garbage at that moment are
destroyed there, and a cycle can hold a widget without a Qt parent (a dialog closed, a pane
replaced): its C++ object is then deleted off the GUI thread while the GUI thread may be
painting or dispatching events to it, which is undefined in Qt and can crash the process (the
whole suite has segfaulted inside a collection, at a different test each time).

So the automatic collector is off while the app runs, and a timer on the GUI thread runs the
collection Python would have run, by Python's own thresholds. (pyqtgraph ships the same idea,
but importing it loads numpy, which the first paint does without.)

Start-up is the exception. It imports about 700 modules and builds the window: some 170,000
objects that live as long as the app, and about 4,600 that are garbage by the end. A
collection during it walks whatever was allocated since the last one, 40-60 ms of GUI-thread
time each, and the one full collection that would find the garbage at its end walks all of it,
120-130 ms: visible stalls, for well under a megabyte. So during start-up nothing is collected,
and when it is over everything it left is frozen (``gc.freeze``: never walked again, that
small garbage included), and collections begin, walking only what the admin's work makes.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 500
"""How often the GUI thread looks at the allocation counts; a look without a collection is a
single call into the interpreter."""
START_UP_LIMIT_MS = 30_000
"""Start-up ends by this time even if nothing said it is over (a pane that never quietens)."""


def collect_if_due() -> int | None:
    """Runs the collection the automatic collector would run now, if any: the oldest
    generation whose count is over its threshold. Returns that generation."""
    counts = gc.get_count()
    thresholds = gc.get_threshold()
    for generation in (2, 1, 0):
        if thresholds[generation] and counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return generation
    return None


class GuiThreadCollector(QObject):
    """Owns the switch: construct it on the GUI thread to turn the automatic collector off,
    ``stop()`` to turn it back on. With ``starting_up``, collections begin only at
    ``start_up_done()``."""

    def __init__(self, parent: QObject | None = None, *, starting_up: bool = False) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(collect_if_due)
        self._starting_up = starting_up
        if starting_up:
            QTimer.singleShot(START_UP_LIMIT_MS, self, self.start_up_done)
        else:
            self._timer.start()

    @property
    def starting_up(self) -> bool:
        return self._starting_up

    def start_up_done(self) -> None:
        """Freezes what start-up left and starts collecting; once only."""
        if not self._starting_up:
            return
        self._starting_up = False
        gc.freeze()
        self._timer.start()

    def stop(self) -> None:
        self._starting_up = False  # a start-up limit still to come changes nothing
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
