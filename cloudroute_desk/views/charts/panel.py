"""The charts pane: the shared filter bar over one tab per chart.

Only the visible chart loads; the others are marked stale and load when their tab is shown.
Each load runs on the DB executor, keyed by chart: a newer load of the same chart supersedes
the older one, so quick filter changes never paint old data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from cloudroute_desk.domain.chart_data import ChartFilter
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services import charts
from cloudroute_desk.services.changes import ChangeKind, Changes
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.failures import failure_sentence
from cloudroute_desk.views.charts.chart_view import ChartView
from cloudroute_desk.views.charts.close_rate_chart import CloseRateChart
from cloudroute_desk.views.charts.days_chart import DaysChart
from cloudroute_desk.views.charts.filter_bar import ChartFilterBar
from cloudroute_desk.views.charts.pipeline_chart import PipelineChart
from cloudroute_desk.views.charts.review_latency_chart import ReviewLatencyChart
from cloudroute_desk.views.charts.routing_chart import RoutingChart

CHARTED_KINDS = tuple(kind for kind in ChangeKind if kind is not ChangeKind.RECORD_FIELDS)
"""Every change but a draft's text moves some chart."""

log = logging.getLogger(__name__)

C = TypeVar("C", bound=ChartView)


class ChartsPanel(QWidget):
    queue_filter_requested = Signal(object)
    """A ``QueueFilterRequest``: show these inquiries in the queue."""

    chart_refreshed = Signal(str)
    """A chart's slug, after it drew freshly loaded data."""

    def __init__(
        self, executor: DbExecutor, parent: QWidget | None = None, *, charts_later: bool = False
    ) -> None:
        """With ``charts_later`` the caller builds the charts with ``build_in_pieces`` before
        showing the panel."""
        super().__init__(parent)
        self.setObjectName("chartsPanel")
        self._jobs = DbJobs(executor, self)
        self.filter_bar = ChartFilterBar()
        self.charts: tuple[ChartView, ...] = ()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Charts")
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)

        self._filter = ChartFilter()
        self._stale: set[str] = set()
        self._partners_stale = True
        self.timings: dict[str, tuple[float, float]] = {}
        """Per chart slug: (ms to data, ms to render) of its last load."""
        self.filter_bar.filter_changed.connect(self._on_filter_bar_filter_changed)
        if not charts_later:
            for _piece in self.build_in_pieces():
                pass

    def build_in_pieces(self) -> Iterator[None]:
        """The five charts, one per piece (each is a few pyqtgraph plots: 15-40 ms of GUI
        thread), the first tab's first, so a caller that turns the event loop between the
        pieces never holds the GUI for all of them (issue 17: ≤ 50 ms)."""
        self.pipeline = self._add_chart(PipelineChart())
        yield
        self.days = self._add_chart(DaysChart())
        yield
        self.routing = self._add_chart(RoutingChart())
        yield
        self.close_rate = self._add_chart(CloseRateChart())
        yield
        self.review_latency = self._add_chart(ReviewLatencyChart())
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

    def _add_chart(self, chart: C) -> C:
        self.tabs.addTab(chart, chart.title)
        chart.queue_filter_requested.connect(self.queue_filter_requested)
        self.charts = (*self.charts, chart)
        self._stale.add(chart.slug)
        return chart

    @property
    def chart_filter(self) -> ChartFilter:
        return self._filter

    def set_chart_filter(self, chart_filter: ChartFilter) -> None:
        self.filter_bar.set_chart_filter(chart_filter)

    def current_chart(self) -> ChartView:
        return self.charts[self.tabs.currentIndex()]

    # ---- reacting to the rest of the app ------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Reload every chart: the visible one now, the others when shown."""
        self._stale = {chart.slug for chart in self.charts}
        if self.isVisible():
            self._load(self.current_chart())

    def apply_changes(self, changes: Changes) -> None:
        """The charts add up inquiries, assignments and records' figures and states; a
        draft's text alone changes none of them."""
        if changes.has(ChangeKind.PARTNERS):
            self._partners_stale = True
            if self.isVisible():
                self._load_partners()
        if changes.has(*CHARTED_KINDS):
            self.refresh()

    def set_database_changed(self) -> None:
        self._partners_stale = True
        if self.isVisible():
            self._load_partners()
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._partners_stale:
            self._load_partners()
        chart = self.current_chart()
        if chart.slug in self._stale:
            self._load(chart)

    # ---- loading ------------------------------------------------------------------------

    def _on_filter_bar_filter_changed(self, chart_filter: ChartFilter) -> None:
        self._filter = chart_filter
        self.refresh()

    def _on_tabs_current_changed(self, index: int) -> None:
        chart = self.charts[index]
        if chart.slug in self._stale and self.isVisible():
            self._load(chart)

    def _load(self, chart: ChartView) -> None:
        self._stale.discard(chart.slug)
        chart_filter = self._filter
        self.status.setText(f"Loading {chart.title.lower()}…")
        started = time.perf_counter()
        self._jobs.run(
            chart.load_job(chart_filter),
            on_done=lambda data: self._on_chart_loaded(chart, chart_filter, started, data),
            on_error=lambda error: self._on_chart_failed(chart, error),
            key=chart.slug,
        )

    def _on_chart_failed(self, chart: ChartView, error: BaseException) -> None:
        # Say so where the user looks, then let the one error handler log and show it.
        self.status.setText(f"Could not load {chart.title.lower()}: {failure_sentence(error)}")
        self._stale.add(chart.slug)
        raise error

    def _on_chart_loaded(
        self, chart: ChartView, chart_filter: ChartFilter, started: float, data: Any
    ) -> None:
        loaded = time.perf_counter()
        chart.show_data(data, chart_filter)
        chart.show_empty_state()
        drawn = time.perf_counter()
        # Kept for the benchmark and the log; admins see what they can do, not timings.
        data_ms, render_ms = (loaded - started) * 1000, (drawn - loaded) * 1000
        self.timings[chart.slug] = (data_ms, render_ms)
        log.debug("%s: data %.0f ms, drawn in %.0f ms", chart.slug, data_ms, render_ms)
        self.status.setText(
            "" if chart.is_empty else "Click a bar to show its inquiries in the queue."
        )
        self.chart_refreshed.emit(chart.slug)

    def _load_partners(self) -> None:
        self._partners_stale = False
        self._jobs.run(
            charts.partner_choices, on_done=self.filter_bar.set_partners, key="partner_choices"
        )
