"""Chart 4: a partner's close rate per monthly cohort of inquiries, with the number decided.

Months are months of arrival, like every other filter and click in the pane, so a click shows
exactly that cohort's inquiries in the queue (the queue filters on arrival, not decision).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import CLOSE_RATE_THRESHOLD, DECIDED_STATES, DOWNGRADE_WEIGHT
from cloudroute_desk.domain.chart_data import (
    ChartFilter,
    CloseRateData,
    clamp_range,
    month_label,
    month_start,
    next_month_start,
    request_for,
)
from cloudroute_desk.domain.formatting import THRESHOLD_LABEL, percent
from cloudroute_desk.services import charts
from cloudroute_desk.views.charts.bar_hits import BarHit
from cloudroute_desk.views.charts.category_axis import CategoryAxis
from cloudroute_desk.views.charts.chart_view import ChartView, CsvTable

BAR_WIDTH = 0.7


class CloseRateChart(ChartView):
    title = "Close rate"
    slug = "close-rate"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = CloseRateData(None, charts.ALL_PARTNERS)
        self.month_axis = CategoryAxis("bottom")
        self.plot = self.canvas.addPlot(
            row=0, col=0, axisItems={"bottom": self.month_axis}, enableMenu=False
        )
        self.plot.setLabel("left", "Close rate (%)")
        self.plot.setLabel("bottom", "Month of arrival (n = records decided so far)")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH)
        self.plot.addItem(self.bars)
        # A legend, not a text label on the line: a label would sit on top of the bars.
        self.legend = self.plot.addLegend(offset=(10, 5), colCount=2)
        self.legend.addItem(self.bars, "Close rate (downgrade = ½)")
        self.threshold = self.plot.plot([], [], name=f"{THRESHOLD_LABEL} routing threshold")
        self._count_texts: list[pg.TextItem] = []
        """Reused between draws; the ones past the months shown are hidden."""
        self.hits = self.watch_bars(self.plot)
        self.apply_theme()

    @property
    def count_texts(self) -> list[pg.TextItem]:
        return [text for text in self._count_texts if text.isVisible()]

    def load_job(self, chart_filter: ChartFilter) -> Callable[[Database], Any]:
        return lambda database: charts.close_rate(database, chart_filter)

    def has_data(self) -> bool:
        return self.data.decided > 0

    def show_data(self, data: CloseRateData, chart_filter: ChartFilter) -> None:
        self.data = data
        self.chart_filter = chart_filter
        self._draw()

    def apply_theme(self) -> None:
        self.theme.style_plot(self.plot)
        self.threshold.setPen(pg.mkPen(self.theme.warning, width=2, style=Qt.PenStyle.DashLine))
        self.theme.style_legend(self.legend)
        self._draw()

    def _draw(self) -> None:
        months = self.data.months
        self.plot.setTitle(
            f"Close rate per monthly cohort — {self.data.partner_name}",
            color=self.theme.foreground.name(),
            size="10pt",
        )
        self.month_axis.set_labels([month_label(m.month) for m in months])
        xs = list(range(len(months)))
        rates = [(m.rate or 0.0) * 100 for m in months]
        self.bars.setOpts(
            x=xs,
            height=rates,
            width=BAR_WIDTH,
            brush=self.theme.accent,
            pen=pg.mkPen(self.theme.background, width=1),
        )
        threshold = CLOSE_RATE_THRESHOLD * 100
        self.threshold.setData([-0.6, max(len(months) - 0.4, 0.6)], [threshold, threshold])
        # "n=" labels are as wide as month labels: show them for the months the axis labels.
        stride = self.month_axis.stride(self.plot.vb.width() or 800)
        labelled = [(x, month) for x, month in zip(xs, months, strict=True) if x % stride == 0]
        while len(self._count_texts) < len(labelled):
            text = pg.TextItem(anchor=(0.5, 1))
            self.plot.addItem(text)
            self._count_texts.append(text)
        for index, text in enumerate(self._count_texts):
            text.setVisible(index < len(labelled))
            if index < len(labelled):
                x, month = labelled[index]
                text.setText(f"n={month.decided}", color=self.theme.foreground)
                text.setPos(x, (month.rate or 0.0) * 100)
        self.plot.setXRange(-0.6, max(len(months) - 0.4, 0.6), padding=0)
        self.plot.setYRange(0, 115, padding=0)
        self._register_hits(xs)
        self.summary.setText(
            f"{self.data.partner_name}: {percent(self.data.rate, decimals=1)} over "
            f"{self.data.decided:,} decided records "
            f"(a downgrade counts {DOWNGRADE_WEIGHT:g} of an approval)"
        )
        self.settle_for_paint()

    def _register_hits(self, xs: list[int]) -> None:
        self.hits.clear()
        for x, month in zip(xs, self.data.months, strict=True):
            start, end = clamp_range(
                month_start(month.month),
                next_month_start(month.month),
                self.chart_filter.arrived_from,
                self.chart_filter.arrived_to,
            )
            request = replace(
                request_for(self.chart_filter),
                record_states=DECIDED_STATES,
                arrived_from=start,
                arrived_to=end,
                description=f"{self.data.partner_name} · decided records of inquiries arrived in "
                f"{month_label(month.month)}",
            )
            text = (
                f"Arrived {month_label(month.month)}: "
                f"close rate {percent(month.rate, decimals=1)}\n"
                f"n={month.decided}: {month.approved} approved, {month.downgraded} downgraded, "
                f"{month.rejected} rejected"
            )
            height = max((month.rate or 0.0) * 100, 3.0)
            self.hits.add(BarHit(x - BAR_WIDTH / 2, x + BAR_WIDTH / 2, 0, height, text, request))

    def csv_table(self) -> CsvTable:
        header = ["partner", "month_arrived", "approved", "downgraded", "rejected", "decided"]
        header.append("close_rate")
        rows = [
            [
                self.data.partner_name,
                m.month,
                m.approved,
                m.downgraded,
                m.rejected,
                m.decided,
                "" if m.rate is None else round(m.rate, 4),
            ]
            for m in self.data.months
        ]
        return header, rows
