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
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 500
"""How often the GUI thread looks at the allocation counts; a look without a collection is a
single call into the interpreter."""


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
    ``stop()`` to turn it back on."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(collect_if_due)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
