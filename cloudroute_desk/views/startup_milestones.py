"""Start-up milestones on the ``cloudroute_desk.startup`` log (DEBUG), so a benchmark can time
a real start from outside the process: the window shown, the queue painted with its first rows,
and every pane quiet. Each line carries the wall-clock time (``at=``, Unix seconds) the moment
happened, which the benchmark compares with the time it started the process, and the CPU time
the process had used by the moment it was logged (``cpu=``, all threads), which a busy
machine inflates far less than wall time."""

from __future__ import annotations

import asyncio
import logging
import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from cloudroute_desk.services.executor import DbExecutor

log = logging.getLogger("cloudroute_desk.startup")

WINDOW_SHOWN = "window shown"
QUEUE_PAINTED = "queue painted with rows"
LATER_PANES_BUILT = "later panes built"
PANES_QUIET = "panes quiet"
QUIET_CHECKS = 5
QUIET_POLL_S = 0.05


def milestone(name: str, at: float | None = None) -> None:
    log.debug("%s at=%.4f cpu=%.3f", name, time.time() if at is None else at, time.process_time())


class FirstRowsPaint(QObject):
    """Logs QUEUE_PAINTED once the queue's viewport has painted after its first rows arrived."""

    painted = Signal()
    """Emitted once, right after QUEUE_PAINTED is logged."""

    def __init__(self, viewport: QWidget, first_rows_loaded: object) -> None:
        super().__init__(viewport)
        self._armed = False
        self._done = False
        first_rows_loaded.connect(self._arm)  # type: ignore[attr-defined]
        viewport.installEventFilter(self)

    def _arm(self) -> None:
        self._armed = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._armed and not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            # Logged once the paint event has been handled, i.e. the rows are on screen.
            QTimer.singleShot(0, self._on_painted)
            watched.removeEventFilter(self)
        return False

    def _on_painted(self) -> None:
        milestone(QUEUE_PAINTED)
        self.painted.emit()


async def wait_until_quiet(executor: DbExecutor, timeout_s: float) -> float | None:
    """Wait until the DB worker has been idle for a few polls in a row (every pane's loading
    is a DB job). Returns the wall-clock time the quiet began, or None after ``timeout_s``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    quiet_checks = 0
    quiet_since = time.time()
    while quiet_checks < QUIET_CHECKS:
        if loop.time() >= deadline:
            return None
        # Sleeping hands control back to the Qt loop, which paints and delivers results.
        await asyncio.sleep(QUIET_POLL_S)
        if not executor.idle:
            quiet_checks = 0
        else:
            if quiet_checks == 0:
                quiet_since = time.time()
            quiet_checks += 1
    return quiet_since
