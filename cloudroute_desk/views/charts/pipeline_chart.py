"""Chart 1: records by state stacked by pool (counts or dollars), and the conversion funnel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import QButtonGroup, QRadioButton, QWidget

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import POOLS, RECORD_STATE_LABELS, Pool, RecordState
from cloudroute_desk.domain.chart_data import (
    FUNNEL_STAGES,
    PIPELINE_STATES,
    ChartFilter,
    PipelineCell,
    PipelineData,
    request_for,
)
from cloudroute_desk.domain.formatting import compact_money, money, money_scale, percent, plural
from cloudroute_desk.services import charts
from cloudroute_desk.views.charts.bar_hits import BarHit
from cloudroute_desk.views.charts.category_axis import CategoryAxis
from cloudroute_desk.views.charts.chart_view import ChartView, CsvTable
from cloudroute_desk.views.charts.count_axis import CountAxis

BAR_WIDTH = 0.7

METRICS: dict[str, tuple[str, Callable[[PipelineCell], int]]] = {
    "records": ("Records", lambda cell: cell.records),
    "requested": ("Dollars requested", lambda cell: cell.requested_usd),
    "awarded": ("Dollars approved", lambda cell: cell.awarded_usd),
}

STATE_TICKS = {**RECORD_STATE_LABELS, RecordState.IDENTIFIED: "Identified"}
"""Tick labels: the draft's "(draft)" would crowd the axis."""


LEGEND_HEADROOM = 1.45
"""The y axis reaches this far past the tallest stack, so the legend sits above the bars."""


class PipelineChart(ChartView):
    title = "Pipeline"
    slug = "pipeline"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = PipelineData()
        self.measure = "records"
        self.measure_group = QButtonGroup(self)
        for position, (key, (label, _value)) in enumerate(METRICS.items()):
            button = QRadioButton(label)
            button.setChecked(key == self.measure)
            button.toggled.connect(partial(self._on_measure_toggled, key))
            self.measure_group.addButton(button, position)
            self.header.insertWidget(1 + position, button)

        self.state_axis = CategoryAxis("bottom")
        self.state_axis.set_labels([STATE_TICKS[s] for s in PIPELINE_STATES])
        self.plot = self.canvas.addPlot(
            row=0,
            col=0,
            axisItems={"bottom": self.state_axis, "left": CountAxis("left")},
            enableMenu=False,
        )
        self.plot.setTitle("Records by state, stacked by pool")
        self.plot.setLabel("bottom", "Record state")
        # Top right, two columns: the tallest stacks (launched, closed) sit mid-chart.
        self.legend = self.plot.addLegend(offset=(-10, 5), colCount=2)

        self.funnel_axis = CategoryAxis("bottom")
        self.funnel_plot = self.canvas.addPlot(
            row=1,
            col=0,
            axisItems={"bottom": self.funnel_axis, "left": CountAxis("left")},
            enableMenu=False,
        )
        self.funnel_plot.setTitle("Funnel: records at or past each step")
        self.funnel_plot.setLabel("left", "Records (count)")
        self.funnel_plot.setLabel("bottom", "Step (conversion from the step before)")
        for plot in (self.plot, self.funnel_plot):
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.setMenuEnabled(False)
        self.hits = self.watch_bars(self.plot)
        self.funnel_hits = self.watch_bars(self.funnel_plot)
        # Items are made once and updated in place: re-creating them costs more than drawing.
        self._pool_bars: dict[Pool, pg.BarGraphItem] = {}
        for pool in Pool:
            item = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH)
            item.setVisible(False)
            self.plot.addItem(item)
            self._pool_bars[pool] = item
        self._legend_pools: tuple[Pool, ...] | None = None
        self.funnel_item = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH)
        self.funnel_plot.addItem(self.funnel_item)
        self._funnel_texts = [pg.TextItem(anchor=(0.5, 1)) for _stage in FUNNEL_STAGES]
        for text in self._funnel_texts:
            self.funnel_plot.addItem(text)
        self.apply_theme()

    def stacked_plots(self) -> Sequence[pg.PlotItem]:
        return (self.plot, self.funnel_plot)

    @property
    def bar_items(self) -> dict[Pool, pg.BarGraphItem]:
        """The stacked bar series shown, one per pool with records."""
        return {pool: self._pool_bars[pool] for pool in self.data.pools}

    def load_job(self, chart_filter: ChartFilter) -> Callable[[Database], Any]:
        return lambda database: charts.pipeline(database, chart_filter)

    def has_data(self) -> bool:
        return self.data.total_records > 0

    def show_data(self, data: PipelineData, chart_filter: ChartFilter) -> None:
        self.data = data
        self.chart_filter = chart_filter
        self._draw()

    def _on_measure_toggled(self, key: str, checked: bool) -> None:
        if checked:
            self.measure = key
            self._draw()

    def apply_theme(self) -> None:
        for plot in (self.plot, self.funnel_plot):
            self.theme.style_plot(plot)
        self.theme.style_legend(self.legend)
        self._draw()

    # ---- drawing ------------------------------------------------------------------------

    def _draw(self) -> None:
        self._draw_pipeline()
        self._draw_funnel()
        funnel = self.data.funnel()
        credited = funnel[3]
        share = credited.records / funnel[0].records if funnel[0].records else None
        self.summary.setText(
            f"{self.data.total_records:,} records · "
            f"{compact_money(sum(c.requested_usd for c in self.data.cells))} requested · "
            f"{compact_money(sum(c.awarded_usd for c in self.data.cells))} approved · "
            f"credited {percent(share, decimals=1)} of filed"
        )
        # The count axes only: a category axis measured before the layout has given it its
        # width wraps its labels for too little room, and the two plots come out unequal.
        self.settle_for_paint(sides=("left",))

    def _draw_pipeline(self) -> None:
        pools = self.data.pools
        if pools != self._legend_pools:
            self.legend.clear()
            for pool in pools:
                self.legend.addItem(self._pool_bars[pool], POOLS[pool].label)
            self._legend_pools = pools
        for pool, item in self._pool_bars.items():
            item.setVisible(pool in pools)
        self.hits.clear()
        label, value = METRICS[self.measure]
        totals = [sum(value(c) for c in self.data.cells if c.state == s) for s in PIPELINE_STATES]
        divisor, unit = (1, "count") if self.measure == "records" else money_scale(max(totals))
        left = f"{label} ({unit})"
        if self.plot.getAxis("left").labelText != left:  # setLabel redraws the axis
            self.plot.setLabel("left", left, color=self.theme.foreground.name())
        base = [0.0] * len(PIPELINE_STATES)
        for pool in self.data.pools:
            heights = [value(self.data.cell(state, pool)) / divisor for state in PIPELINE_STATES]
            self._pool_bars[pool].setOpts(
                x=list(range(len(PIPELINE_STATES))),
                y0=list(base),
                height=heights,
                width=BAR_WIDTH,
                brush=self.theme.pool_color(pool),
                pen=pg.mkPen(self.theme.background, width=1),
            )
            for index, state in enumerate(PIPELINE_STATES):
                cell = self.data.cell(state, pool)
                if cell.records:
                    self.hits.add(self._hit(index, base[index], heights[index], cell))
            base = [b + h for b, h in zip(base, heights, strict=True)]
        self.plot.setXRange(-0.6, len(PIPELINE_STATES) - 0.4, padding=0)
        # Headroom for the legend row above the tallest stack.
        self.plot.setYRange(0, max([*base, 1.0]) * LEGEND_HEADROOM, padding=0)

    def _hit(self, index: int, y0: float, height: float, cell: PipelineCell) -> BarHit:
        text = (
            f"{POOLS[cell.pool].label} · {RECORD_STATE_LABELS[cell.state]}\n"
            f"{plural(cell.records, 'record')}\n"
            f"{money(cell.requested_usd)} requested · "
            f"{money(cell.awarded_usd)} approved"
        )
        request = replace(
            request_for(self.chart_filter),
            pools=frozenset({cell.pool}),
            record_states=frozenset({cell.state}),
            description=f"{POOLS[cell.pool].label} · {RECORD_STATE_LABELS[cell.state]}",
        )
        return BarHit(index - BAR_WIDTH / 2, index + BAR_WIDTH / 2, y0, y0 + height, text, request)

    def _draw_funnel(self) -> None:
        self.funnel_hits.clear()
        steps = self.data.funnel()
        labels = [
            step.label
            if step.conversion is None
            else f"{step.label} ({percent(step.conversion, decimals=1)})"
            for step in steps
        ]
        self.funnel_axis.set_labels(labels)
        heights = [float(step.records) for step in steps]
        self.funnel_item.setOpts(
            x=list(range(len(steps))),
            height=heights,
            width=BAR_WIDTH,
            brush=self.theme.accent,
            pen=pg.mkPen(self.theme.background, width=1),
        )
        top = max([*heights, 1.0])
        for index, (step, text) in enumerate(zip(steps, self._funnel_texts, strict=True)):
            text.setText(f"{step.records:,}", color=self.theme.foreground)
            text.setPos(index, step.records)
            request = replace(
                request_for(self.chart_filter),
                record_states=step.states,
                description=f"Records at or past “{step.label}”",
            )
            hover = f"{step.label}: {plural(step.records, 'record')}"
            if step.conversion is not None:
                hover += f"\n{percent(step.conversion, decimals=1)} of the step before"
            self.funnel_hits.add(
                BarHit(
                    index - BAR_WIDTH / 2,
                    index + BAR_WIDTH / 2,
                    0,
                    max(step.records, top * 0.02),
                    hover,
                    request,
                )
            )
        self.funnel_plot.setXRange(-0.6, len(steps) - 0.4, padding=0)
        self.funnel_plot.setYRange(0, top * 1.15, padding=0)

    def csv_table(self) -> CsvTable:
        header = ["state", "pool", "records", "requested_usd", "approved_usd"]
        rows = [
            [cell.state.value, cell.pool.value, cell.records, cell.requested_usd, cell.awarded_usd]
            for state in PIPELINE_STATES
            for cell in sorted(
                (c for c in self.data.cells if c.state == state), key=lambda c: c.pool.value
            )
        ]
        return header, rows
