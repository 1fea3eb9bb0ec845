"""The charts pane as the main window holds it: the real ``ChartsPanel`` (and pyqtgraph, a
third of a second of imports) is built the first time the pane is shown, after that show's
paint, so a window that opens on another tab never waits for the chart stack."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from cloudroute_desk.services.changes import Changes
from cloudroute_desk.services.executor import DbExecutor

if TYPE_CHECKING:
    from cloudroute_desk.views.charts.panel import ChartsPanel


class DeferredChartsPanel(QWidget):
    queue_filter_requested = Signal(object)
    """Forwarded from the real panel: a ``QueueFilterRequest``."""

    built = Signal()
    """The real panel exists (``panel`` is set)."""

    def __init__(self, executor: DbExecutor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deferredChartsPanel")
        self._executor = executor
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.panel: ChartsPanel | None = None

    def build(self) -> ChartsPanel:
        """The real panel, built now if it was not yet."""
        if self.panel is None:
            from cloudroute_desk.views.charts.panel import ChartsPanel

            self.panel = ChartsPanel(self._executor, self)
            self.panel.queue_filter_requested.connect(self.queue_filter_requested)
            self._layout.addWidget(self.panel)
            self.built.emit()
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
        if self.panel is None:
            QTimer.singleShot(0, self._build_if_still_shown)

    def _build_if_still_shown(self) -> None:
        if self.isVisible():
            self.build()
