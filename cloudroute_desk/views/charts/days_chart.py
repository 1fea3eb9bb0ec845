"""Chart 2: submission-to-credit days per pool against the pool's expected band, with the
median and p90 marked; below, the monthly median per pool."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import POOLS, Pool
from cloudroute_desk.domain.chart_data import (
    ChartFilter,
    DaysData,
    PoolDays,
    month_label,
    request_for,
)
from cloudroute_desk.domain.formatting import days, percent, plural
from cloudroute_desk.services import charts
from cloudroute_desk.views.charts.bar_hits import BarHit
from cloudroute_desk.views.charts.category_axis import CategoryAxis
from cloudroute_desk.views.charts.chart_theme import ChartTheme
from cloudroute_desk.views.charts.chart_view import ChartView, CsvTable
from cloudroute_desk.views.charts.count_axis import CountAxis

MAX_PANELS = 4
LIKELY_POOLS = tuple(
    pool for pool in Pool if POOLS[pool].band_days is not None and POOLS[pool].partner_filed
)
"""Pools whose panels are built (and laid out) ahead of the data: the shown ones are picked
among these (ACE record pools with the seed's bands) by record count, which only the data
tells."""
"""Histograms side by side; at 1280 px each keeps ~290 px, enough for its labels."""


class _PoolPanel:
    """One pool's histogram with its band, median and p90; kept and updated in place."""

    def __init__(self, chart: DaysChart, pool: Pool) -> None:
        theme = chart.theme
        self.pool = pool
        # No menu: never shown, and building one costs ~3 ms.
        self.plot = pg.PlotItem(axisItems={"left": CountAxis("left")}, enableMenu=False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setTitle(POOLS[pool].label)
        self.plot.setLabel("bottom", "Days from submission to credit")
        self.band = pg.LinearRegionItem(values=(0, 0), movable=False, pen=pg.mkPen(None))
        self.band.setZValue(-10)
        self.plot.addItem(self.band)
        self.bars = pg.BarGraphItem(x0=[], width=1.0, height=[])
        self.plot.addItem(self.bars)
        self.median = pg.InfiniteLine(angle=90, label="", labelOpts={"position": 0.93})
        self.p90 = pg.InfiniteLine(angle=90, label="", labelOpts={"position": 0.78})
        for line in (self.median, self.p90):
            line.label.anchors = [(0, 0.5), (0, 0.5)]
            self.plot.addItem(line)
        self.hits = chart.watch_bars(self.plot)
        self.restyle(theme)

    def restyle(self, theme: ChartTheme) -> None:
        theme.style_plot(self.plot)
        self.band.setBrush(pg.mkBrush(theme.band))
        self.bars.setOpts(
            brush=theme.pool_color(self.pool), pen=pg.mkPen(theme.background, width=1)
        )
        for line, width, style in (
            (self.median, 2, Qt.PenStyle.SolidLine),
            (self.p90, 1, Qt.PenStyle.DashLine),
        ):
            line.setPen(pg.mkPen(theme.foreground, width=width, style=style))
            line.label.setColor(theme.foreground)
            line.label.fill = pg.mkBrush(theme.background)

    def show(self, pool_days: PoolDays, chart_filter: ChartFilter, first: bool) -> None:
        pool = self.pool
        left = "Records (count)" if first else ""
        if self.plot.getAxis("left").labelText != left:  # setLabel redraws the axis
            self.plot.setLabel("left", left)
        histogram = pool_days.day_histogram()
        band = pool_days.band
        self.band.setVisible(band is not None)
        if band is not None:
            self.band.setRegion(band)
        self.bars.setOpts(x0=[d for d, _n in histogram], height=[n for _d, n in histogram])
        for line, name, value in (
            (self.median, "median", pool_days.median),
            (self.p90, "p90", pool_days.p90),
        ):
            line.setVisible(value is not None)
            line.setPos(value or 0.0)
            line.label.setFormat(f"{name} {days(value)}")
        top = max([n for _d, n in histogram] + [1])
        self.hits.clear()
        total = pool_days.records
        shared = request_for(chart_filter)
        for day, count in histogram:
            request = replace(
                shared,
                pools=frozenset({pool}),
                days_min=float(day),
                days_max=float(day + 1),
                description=f"{POOLS[pool].label} · credited in {day}–{day + 1} days",
            )
            text = (
                f"{POOLS[pool].label}: {plural(count, 'record')} credited"
                f" in [{day}, {day + 1}) days"
                f"\n{percent(count / total, decimals=1)} of the pool"
            )
            self.hits.add(BarHit(day, day + 1, 0, max(count, top * 0.03), text, request))
        last = max([d + 1 for d, _n in histogram] + [band[1] + 2 if band else 0])
        first_day = min([d for d, _n in histogram] + [band[0] - 1 if band else last])
        self.plot.setXRange(max(0, first_day - 1), last + 1, padding=0)
        self.plot.setYRange(0, top * 1.25, padding=0)


class DaysChart(ChartView):
    title = "Days to credit"
    slug = "days-to-credit"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = DaysData()
        self.panels: dict[Pool, _PoolPanel] = {}
        self._layout_pools: tuple[Pool, ...] | None = None
        self.trend_axis = CategoryAxis("bottom")
        self.trend_plot = pg.PlotItem(axisItems={"bottom": self.trend_axis}, enableMenu=False)
        self.trend_plot.setMouseEnabled(x=False, y=False)
        self.trend_plot.hideButtons()
        self.trend_plot.setMenuEnabled(False)
        self.trend_plot.setTitle("Monthly median days to credit, by month of submission")
        self.trend_plot.setLabel("left", "Median (days)")
        self.trend_plot.setLabel("bottom", "Month submitted")
        self.trend_legend = self.trend_plot.addLegend(offset=(10, 5), colCount=4)
        self.trend_curves: dict[Pool, pg.PlotDataItem] = {}
        self.trend_hits = self.watch_bars(self.trend_plot)
        self.canvas.addItem(self.trend_plot, row=1, col=0)
        self._warming = False
        self._drawn = False
        """Whether data has been drawn (until then the panels may be laid out ahead)."""
        self.apply_theme()

    def showEvent(self, event: QShowEvent) -> None:
        # Building a pool panel (a pyqtgraph PlotItem with axes, view box and menus) costs
        # tens of ms; build them one per event-loop turn while the first data load runs on
        # the DB worker, so the first draw only fills them in.
        super().showEvent(event)
        if not self._warming:
            self._warming = True
            QTimer.singleShot(0, self, self._build_one_panel)

    def _build_one_panel(self) -> None:
        missing = [pool for pool in LIKELY_POOLS if pool not in self.panels]
        if missing:
            self.panels[missing[0]] = _PoolPanel(self, missing[0])
            QTimer.singleShot(0, self, self._build_one_panel)
        elif not self._drawn:
            QTimer.singleShot(0, self, self._lay_out_likely)

    def _lay_out_likely(self) -> None:
        # Laying the panels out and adding the trend's curves and legend rows also costs
        # tens of ms: do it for the likely pools before the data comes (the first draw then
        # finds them in place; pools the data lacks are taken out again, cheaply).
        if self._drawn:
            return
        self._arrange(LIKELY_POOLS[:MAX_PANELS])
        for pool in LIKELY_POOLS:
            self._trend_curve(pool)

    @property
    def histograms(self) -> dict[Pool, pg.BarGraphItem]:
        return {pool: self.panels[pool].bars for pool in self._layout_pools or ()}

    def load_job(self, chart_filter: ChartFilter) -> Callable[[Database], Any]:
        return lambda database: charts.days_to_credit(database, chart_filter)

    def has_data(self) -> bool:
        return any(pool.records for pool in self.data.pools) or bool(self.data.trend)

    def show_data(self, data: DaysData, chart_filter: ChartFilter) -> None:
        self.data = data
        self.chart_filter = chart_filter
        self._drawn = True
        self._draw()

    def apply_theme(self) -> None:
        for panel in self.panels.values():
            panel.restyle(self.theme)
        self.theme.style_plot(self.trend_plot)
        self.theme.style_legend(self.trend_legend)
        for pool, curve in self.trend_curves.items():
            self._style_curve(pool, curve)
        self._draw()

    # ---- drawing ------------------------------------------------------------------------

    def _shown_pools(self) -> list[PoolDays]:
        # The pools with a band and the most records, in catalog order.
        shown = sorted(self.data.pools, key=lambda p: (p.band is None, -p.records))[:MAX_PANELS]
        return sorted(shown, key=lambda p: list(Pool).index(p.pool))

    def arrange(self) -> None:
        if self._layout_pools is not None:
            self._arrange(self._layout_pools, force=True)

    def _arrange(self, pools: tuple[Pool, ...], *, force: bool = False) -> None:
        """Put the pools' panels in the first row and the trend under them, or beside them
        when the chart is wide and short; only when the set of pools or the shape changes."""
        if pools == self._layout_pools and not force:
            return
        layout = self.canvas.ci
        for panel in self.panels.values():
            if panel.plot.scene() is not None:
                layout.removeItem(panel.plot)
        layout.removeItem(self.trend_plot)
        for column, pool in enumerate(pools):
            if pool not in self.panels:
                self.panels[pool] = _PoolPanel(self, pool)
            layout.addItem(self.panels[pool].plot, row=0, col=column)
        if self.wide:
            layout.addItem(self.trend_plot, row=0, col=len(pools), colspan=2)
        else:
            layout.addItem(self.trend_plot, row=1, col=0, colspan=max(1, len(pools)))
        self._layout_pools = pools

    def _draw(self) -> None:
        shown = self._shown_pools()
        self._arrange(tuple(p.pool for p in shown))
        for column, pool_days in enumerate(shown):
            self.panels[pool_days.pool].show(pool_days, self.chart_filter, column == 0)
        self._draw_trend()
        parts = [
            f"{POOLS[p.pool].label}: median {days(p.median)}, p90 {days(p.p90)}, "
            f"{percent(p.share_in_band, decimals=1)} in band (n={p.records:,})"
            for p in shown
        ]
        self.summary.setText(" · ".join(parts) or "No credited records match the filters.")
        self.settle_for_paint()

    def _draw_trend(self) -> None:
        months = self.data.months
        self.trend_axis.set_labels([month_label(m) for m in months])
        plot = self.trend_plot
        index = {month: i for i, month in enumerate(months)}
        present = {p.pool for p in self.data.pools}
        for pool in list(self.trend_curves):
            if pool not in present:
                plot.removeItem(self.trend_curves.pop(pool))
                self.trend_legend.removeItem(POOLS[pool].label)
        for pool_days in self.data.pools:
            pool = pool_days.pool
            curve = self._trend_curve(pool)
            points = self.data.trend_for(pool)
            curve.setData([index[p.month] for p in points], [p.median for p in points])
        plot.setXRange(-0.5, max(len(months) - 0.5, 0.5), padding=0)
        highest = max([p.median for p in self.data.trend] + [1.0])
        plot.setYRange(0, highest * 1.3, padding=0)
        self.trend_hits.clear()
        for point in self.data.trend:
            x, y, reach = index[point.month], point.median, highest * 0.03
            text = (
                f"{POOLS[point.pool].label}, submitted {month_label(point.month)}:\n"
                f"median {days(point.median)} (n={point.records:,})"
            )
            self.trend_hits.add(BarHit(x - 0.25, x + 0.25, y - reach, y + reach, text, None))

    def _trend_curve(self, pool: Pool) -> pg.PlotDataItem:
        curve = self.trend_curves.get(pool)
        if curve is None:
            curve = self.trend_plot.plot([], [], name=POOLS[pool].label)
            curve.setSymbol("o")
            curve.setSymbolSize(6)
            self._style_curve(pool, curve)
            self.trend_curves[pool] = curve
        return curve

    def _style_curve(self, pool: Pool, curve: pg.PlotDataItem) -> None:
        colour = self.theme.pool_color(pool)
        curve.setPen(pg.mkPen(colour, width=2))
        curve.setSymbolBrush(colour)
        curve.setSymbolPen(colour)

    def csv_table(self) -> CsvTable:
        header = ["series", "pool", "month_submitted", "days_from", "days_to", "records", "days"]
        rows: list[list[object]] = []
        for pool_days in self.data.pools:
            for day, count in pool_days.day_histogram():
                rows.append(["histogram", pool_days.pool.value, "", day, day + 1, count, ""])
            rows.append(
                ["median", pool_days.pool.value, "", "", "", pool_days.records, pool_days.median]
            )
            rows.append(["p90", pool_days.pool.value, "", "", "", pool_days.records, pool_days.p90])
        for point in self.data.trend:
            rows.append(
                [
                    "monthly_median",
                    point.pool.value,
                    point.month,
                    "",
                    "",
                    point.records,
                    round(point.median, 2),
                ]
            )
        return header, rows
