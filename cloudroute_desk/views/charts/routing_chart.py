"""Chart 3: hours from arrival to assignment against the 24-hour SLA, month by month."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.chart_data import (
    ChartFilter,
    RoutingData,
    clamp_range,
    month_label,
    month_start,
    next_month_start,
    request_for,
)
from cloudroute_desk.domain.formatting import hours, percent
from cloudroute_desk.services import charts
from cloudroute_desk.views.charts.bar_hits import BarHit
from cloudroute_desk.views.charts.category_axis import CategoryAxis
from cloudroute_desk.views.charts.chart_view import ChartView, CsvTable

BAR_WIDTH = 0.7


class RoutingChart(ChartView):
    title = "Routing turnaround"
    slug = "routing-turnaround"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = RoutingData()
        self.hours_axis = CategoryAxis("bottom")
        self.share_axis = CategoryAxis("bottom")
        self.hours_plot = self.canvas.addPlot(
            row=0, col=0, axisItems={"bottom": self.hours_axis}, enableMenu=False
        )
        self.hours_plot.setTitle("Hours from arrival to assignment (p50, p90)")
        self.hours_plot.setLabel("left", "Hours to assign (h)")
        self.hours_plot.setLabel("bottom", "Month of arrival")
        self.share_plot = self.canvas.addPlot(
            row=1, col=0, axisItems={"bottom": self.share_axis}, enableMenu=False
        )
        self.share_plot.setTitle("Share routed within the SLA")
        self.share_plot.setLabel("left", "On time (%)")
        self.share_plot.setLabel("bottom", "Month of arrival")
        for plot in (self.hours_plot, self.share_plot):
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.setMenuEnabled(False)
        self._sla_text: pg.TextItem | None = None
        self.legend = self.hours_plot.addLegend(offset=(10, 5), colCount=3)
        self.p50_curve = self.hours_plot.plot([], [], name="p50")
        self.p90_curve = self.hours_plot.plot([], [], name="p90")
        self.sla_line = pg.InfiniteLine(angle=0, movable=False)
        self.hours_plot.addItem(self.sla_line)
        self.share_item = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH)
        self.share_plot.addItem(self.share_item)
        self.hours_hits = self.watch_bars(self.hours_plot)
        self.share_hits = self.watch_bars(self.share_plot)
        self.apply_theme()

    def stacked_plots(self) -> Sequence[pg.PlotItem]:
        return (self.hours_plot, self.share_plot)

    def load_job(self, chart_filter: ChartFilter) -> Callable[[Database], Any]:
        return lambda database: charts.routing(database, chart_filter)

    def has_data(self) -> bool:
        return self.data.measured > 0

    def show_data(self, data: RoutingData, chart_filter: ChartFilter) -> None:
        self.data = data
        self.chart_filter = chart_filter
        self._draw()

    def apply_theme(self) -> None:
        for plot in (self.hours_plot, self.share_plot):
            self.theme.style_plot(plot)
        self.theme.style_legend(self.legend)
        self.p50_curve.setPen(pg.mkPen(self.theme.accent, width=2))
        self.p50_curve.setSymbol("o")
        self.p50_curve.setSymbolBrush(self.theme.accent)
        self.p50_curve.setSymbolPen(self.theme.accent)
        self.p50_curve.setSymbolSize(6)
        p90 = self.theme.series_color(1)
        self.p90_curve.setPen(pg.mkPen(p90, width=2, style=Qt.PenStyle.DashLine))
        self.p90_curve.setSymbol("t")
        self.p90_curve.setSymbolBrush(p90)
        self.p90_curve.setSymbolPen(p90)
        self.p90_curve.setSymbolSize(7)
        self.sla_line.setPen(pg.mkPen(self.theme.warning, width=1, style=Qt.PenStyle.DashLine))
        self._draw()

    def _draw(self) -> None:
        months = self.data.months
        labels = [month_label(m.month) for m in months]
        self.hours_axis.set_labels(labels)
        self.share_axis.set_labels(labels)
        xs = list(range(len(months)))
        p50 = [(x, m.p50_hours) for x, m in zip(xs, months, strict=True) if m.p50_hours is not None]
        p90 = [(x, m.p90_hours) for x, m in zip(xs, months, strict=True) if m.p90_hours is not None]
        self.p50_curve.setData([x for x, _ in p50], [y for _, y in p50])
        self.p90_curve.setData([x for x, _ in p90], [y for _, y in p90])
        sla = self.data.sla_hours
        self.sla_line.setPos(sla)
        self._set_sla_label(sla)
        shares = [(m.share_on_time or 0.0) * 100 for m in months]
        self.share_item.setOpts(
            x=xs,
            height=shares,
            width=BAR_WIDTH,
            brush=self.theme.accent,
            pen=pg.mkPen(self.theme.background, width=1),
        )
        highest = max([y for _, y in p90] + [sla * 1.0])
        for plot in (self.hours_plot, self.share_plot):
            plot.setXRange(-0.6, max(len(months) - 0.4, 0.6), padding=0)
        self.hours_plot.setYRange(0, highest * 1.2, padding=0)
        self.share_plot.setYRange(0, 110, padding=0)
        self._register_hits(xs, highest)
        total = self.data
        self.summary.setText(
            f"{percent(total.share_on_time, decimals=1)} routed within {sla} h "
            f"({total.on_time:,} of {total.measured:,}; open inquiries past the SLA count as late)"
        )
        self.settle_for_paint()

    def _set_sla_label(self, sla: int) -> None:
        if self._sla_text is None:
            self._sla_text = pg.TextItem(anchor=(0, 1))
            self.hours_plot.addItem(self._sla_text, ignoreBounds=True)
        self._sla_text.setText(f"SLA {sla} h")
        self._sla_text.setColor(self.theme.warning)
        self._sla_text.fill = pg.mkBrush(self.theme.background)
        self._sla_text.setPos(-0.5, sla)

    def _register_hits(self, xs: list[int], highest: float) -> None:
        self.hours_hits.clear()
        self.share_hits.clear()
        for x, month in zip(xs, self.data.months, strict=True):
            start, end = clamp_range(
                month_start(month.month),
                next_month_start(month.month),
                self.chart_filter.arrived_from,
                self.chart_filter.arrived_to,
            )
            request = replace(
                request_for(self.chart_filter, records=False),
                arrived_from=start,
                arrived_to=end,
                description=f"Arrived in {month_label(month.month)}",
            )
            text = (
                f"Arrived {month_label(month.month)}: {month.on_time:,} of {month.measured:,} "
                f"on time ({percent(month.share_on_time, decimals=1)})\n"
                f"{month.assigned:,} assigned, {month.overdue_open:,} still open past the SLA\n"
                f"p50 {hours(month.p50_hours)} · p90 {hours(month.p90_hours)}"
            )
            share = (month.share_on_time or 0.0) * 100
            self.share_hits.add(
                BarHit(x - BAR_WIDTH / 2, x + BAR_WIDTH / 2, 0, max(share, 3.0), text, request)
            )
            top = month.p90_hours if month.p90_hours is not None else 0.0
            self.hours_hits.add(
                BarHit(x - 0.3, x + 0.3, 0, max(top, highest * 0.05), text, request)
            )

    def csv_table(self) -> CsvTable:
        header = [
            "month_arrived",
            "assigned",
            "on_time",
            "open_past_sla",
            "share_on_time",
            "p50_hours",
            "p90_hours",
        ]
        rows = [
            [
                m.month,
                m.assigned,
                m.on_time,
                m.overdue_open,
                "" if m.share_on_time is None else round(m.share_on_time, 4),
                "" if m.p50_hours is None else round(m.p50_hours, 2),
                "" if m.p90_hours is None else round(m.p90_hours, 2),
            ]
            for m in self.data.months
        ]
        return header, rows
