"""The charts pane as the main window holds it: the real ``ChartsPanel`` is built the first
time the pane is shown, so a window that opens on another tab never waits for the chart
stack. Even then the GUI thread never waits long for it (issue 17: no stall over 50 ms):
the chart modules (pyqtgraph among them, a third of a second) are imported on a thread of
their own unless start-up already loaded them, and the five charts are built one per
event-loop turn; the pane is placed once all of them exist."""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from cloudroute_desk.services.changes import Changes
from cloudroute_desk.services.executor import DbExecutor

if TYPE_CHECKING:
    from cloudroute_desk.views.charts.panel import ChartsPanel

PANEL_MODULE = "cloudroute_desk.views.charts.panel"
"""The chart stack: importing it loads pyqtgraph and every chart (``load_chart_modules``)."""


def load_chart_modules() -> None:
    """Import the chart stack (safe on any thread: it creates no Qt object)."""
    importlib.import_module(PANEL_MODULE)


class DeferredChartsPanel(QWidget):
    queue_filter_requested = Signal(object)
    """Forwarded from the real panel: a ``QueueFilterRequest``."""

    built = Signal()
    """The real panel exists (``panel`` is set)."""

    _modules_loaded = Signal()
    """Emitted by the import thread; delivered on the GUI thread."""

    def __init__(self, executor: DbExecutor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deferredChartsPanel")
        self._executor = executor
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.panel: ChartsPanel | None = None
        self._started = False
        self._pending: tuple[ChartsPanel, Iterator[None]] | None = None
        self._modules_loaded.connect(self._start_pieces)

    def build(self) -> ChartsPanel:
        """The real panel, completed now if it was not yet."""
        if self.panel is None:
            if self._pending is None:
                self._start_pieces()
            assert self._pending is not None
            for _piece in self._pending[1]:
                pass
            self._place()
        assert self.panel is not None
        return self.panel

    # A panel built later loads everything fresh, so until then changes need no bookkeeping.

    def apply_changes(self, changes: Changes) -> None:
        if self.panel is not None:
            self.panel.apply_changes(changes)

    def set_database_changed(self) -> None:
        if self.panel is not None:
            self.panel.set_database_changed()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            if PANEL_MODULE in sys.modules:
                QTimer.singleShot(0, self, self._start_pieces)
            else:
                threading.Thread(target=self._load_modules, name="chart modules").start()

    def _load_modules(self) -> None:
        try:
            load_chart_modules()  # a failure shows when the GUI thread imports it again
        finally:
            with contextlib.suppress(RuntimeError):  # the pane was deleted meanwhile
                self._modules_loaded.emit()

    def _start_pieces(self) -> None:
        if self.panel is not None or self._pending is not None:
            return
        from cloudroute_desk.views.charts.panel import ChartsPanel

        # Owned by this pane from the start (hidden until placed): if the window closes
        # while the pieces are under way, Qt deletes the half-built panel with it. Held only
        # by Python, it would be deleted by whichever garbage collection reached it, with
        # its plots, in the middle of unrelated work.
        panel = ChartsPanel(self._executor, self, charts_later=True)
        self._pending = (panel, panel.build_in_pieces())
        QTimer.singleShot(0, self, self._next_piece)

    def _next_piece(self) -> None:
        if self._pending is None:
            return  # built at once meanwhile (``build``)
        try:
            next(self._pending[1])
        except StopIteration:
            self._place()
        else:
            QTimer.singleShot(0, self, self._next_piece)

    def _place(self) -> None:
        assert self._pending is not None
        panel, self._pending = self._pending[0], None
        self.panel = panel
        panel.queue_filter_requested.connect(self.queue_filter_requested)
        self._layout.addWidget(panel)
        self.built.emit()
