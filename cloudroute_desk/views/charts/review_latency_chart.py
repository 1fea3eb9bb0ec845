"""Chart 5: what Partner Central's review took, from the review statuses it reported.

Per pool, the median days from submission to approval and the Action Required round trips;
beside them, the rejections by ``ReviewStatusReason``. The shared filters apply (a partner
among them, so the same chart reads per pool and per partner). A click shows the inquiries
whose record Partner Central reported that status (and reason) for, in that pool.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import POOLS
from cloudroute_desk.domain.chart_data import ChartFilter, QueueFilterRequest, request_for
from cloudroute_desk.domain.formatting import percent
from cloudroute_desk.domain.review_latency import (
    ACTION_REQUIRED,
    APPROVED,
    NO_REASON,
    REJECTED,
)
from cloudroute_desk.services import review_figures
from cloudroute_desk.services.review_figures import ReviewLatencyData
from cloudroute_desk.views.charts.bar_hits import BarHit, BarHits
from cloudroute_desk.views.charts.category_axis import CategoryAxis
from cloudroute_desk.views.charts.chart_view import ChartView, CsvTable
from cloudroute_desk.views.charts.count_axis import CountAxis

BAR_WIDTH = 0.7


class _BarPlot:
    """One category bar plot, kept and updated in place."""

    def __init__(
        self, chart: ReviewLatencyChart, title: str, left: str, *, counts: bool = False
    ) -> None:
        self.counts = counts
        """Whole numbers: ticks on integers only."""
        self.axis = CategoryAxis("bottom")
        left_axis = CountAxis("left") if counts else pg.AxisItem("left")
        self.plot = pg.PlotItem(
            axisItems={"bottom": self.axis, "left": left_axis}, enableMenu=False
        )
        self.plot.setTitle(title)
        self.plot.setLabel("left", left)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH)
        self.plot.addItem(self.bars)
        self.hits: BarHits = chart.watch_bars(self.plot)

    def draw(
        self,
        chart: ReviewLatencyChart,
        labels: Sequence[str],
        heights: Sequence[float],
        hits: Sequence[tuple[str, QueueFilterRequest | None]],
    ) -> None:
        theme = chart.theme
        theme.style_plot(self.plot)
        self.axis.set_labels(list(labels))
        xs = list(range(len(labels)))
        self.bars.setOpts(
            x=xs,
            height=list(heights),
            width=BAR_WIDTH,
            brush=theme.accent,
            pen=pg.mkPen(theme.background, width=1),
        )
        top = max(heights, default=0.0)
        self.plot.setXRange(-0.6, max(len(labels) - 0.4, 0.6), padding=0)
        self.plot.setYRange(0, max(top * 1.15, 1.0), padding=0)
        if self.counts:
            step = max(1, math.ceil(max(top, 1.0) / 5))
            self.plot.getAxis("left").setTickSpacing(step, step)
        self.hits.clear()
        floor = max(top * 0.03, 0.05)
        for x, height, (text, request) in zip(xs, heights, hits, strict=True):
            self.hits.add(
                BarHit(x - BAR_WIDTH / 2, x + BAR_WIDTH / 2, 0, max(height, floor), text, request)
            )


class ReviewLatencyChart(ChartView):
    title = "Review latency"
    slug = "review-latency"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = ReviewLatencyData(review_figures.ALL_PARTNERS)
        self.latency = _BarPlot(self, "Submitted → approved (median days)", "Days")
        self.round_trips = _BarPlot(self, "Action Required round trips", "Round trips", counts=True)
        self.reasons = _BarPlot(self, "Rejections by reason", "Rejected records", counts=True)
        self.canvas.ci.addItem(self.latency.plot, row=0, col=0)
        self.canvas.ci.addItem(self.round_trips.plot, row=0, col=1)
        self.canvas.ci.addItem(self.reasons.plot, row=0, col=2)
        self.apply_theme()

    def load_job(self, chart_filter: ChartFilter) -> Callable[[Database], Any]:
        return lambda database: review_figures.review_latency(database, chart_filter)

    def has_data(self) -> bool:
        return self.data.records > 0

    def show_data(self, data: ReviewLatencyData, chart_filter: ChartFilter) -> None:
        self.data = data
        self.chart_filter = chart_filter
        self._draw()

    def apply_theme(self) -> None:
        self._draw()

    def _request(self, description: str, review: tuple[str, str | None], pool: Any = None) -> Any:
        base = request_for(self.chart_filter)
        pools = frozenset({pool}) if pool is not None else base.pools
        return replace(base, pools=pools, review=review, description=description)

    def _draw(self) -> None:
        who = self.data.partner_name
        pools = self.data.pools
        labels = [POOLS[p.pool].label for p in pools]
        self.latency.draw(
            self,
            labels,
            [p.summary.median_latency_days or 0.0 for p in pools],
            [
                (
                    f"{POOLS[p.pool].label}: median "
                    + (
                        f"{p.summary.median_latency_days:.1f} days"
                        if p.summary.median_latency_days is not None
                        else "not known"
                    )
                    + f"\nn={p.summary.approved_with_latency} approved with both times known",
                    self._request(
                        f"{who} · {POOLS[p.pool].label} · approved in Partner Central",
                        (APPROVED, None),
                        p.pool,
                    ),
                )
                for p in pools
            ],
        )
        self.round_trips.draw(
            self,
            labels,
            [float(p.summary.round_trips) for p in pools],
            [
                (
                    f"{POOLS[p.pool].label}: {p.summary.round_trips} round trips on "
                    f"{p.summary.records_with_round_trips} of {p.summary.records} records",
                    self._request(
                        f"{who} · {POOLS[p.pool].label} · sent back (Action Required)",
                        (ACTION_REQUIRED, None),
                        p.pool,
                    ),
                )
                for p in pools
            ],
        )
        reasons = self.data.rejection_reasons
        self.reasons.draw(
            self,
            [reason for reason, _n in reasons],
            [float(n) for _reason, n in reasons],
            [
                (
                    f"Rejected for {reason}: {n} records",
                    self._request(
                        f"{who} · rejected in Partner Central: {reason}",
                        (REJECTED, "" if reason == NO_REASON else reason),
                    ),
                )
                for reason, n in reasons
            ],
        )
        decided = sum(p.summary.decided for p in pools)
        rejected = sum(p.summary.rejected for p in pools)
        self.summary.setText(
            f"{who}: {self.data.records:,} records reviewed in Partner Central · "
            f"rejection rate {percent(rejected / decided if decided else None, decimals=1)} "
            f"of {decided:,} decided"
        )
        self.settle_for_paint()

    def csv_table(self) -> CsvTable:
        header = [
            "partner",
            "pool",
            "records_reviewed",
            "median_submitted_to_approved_days",
            "approved_with_latency",
            "decided",
            "rejected",
            "action_required_round_trips",
        ]
        rows: list[list[object]] = [
            [
                self.data.partner_name,
                p.pool.value,
                p.summary.records,
                ""
                if p.summary.median_latency_days is None
                else round(p.summary.median_latency_days, 2),
                p.summary.approved_with_latency,
                p.summary.decided,
                p.summary.rejected,
                p.summary.round_trips,
            ]
            for p in self.data.pools
        ]
        rows.extend(
            [self.data.partner_name, f"rejected: {reason}", n, "", "", "", n, ""]
            for reason, n in self.data.rejection_reasons
        )
        return header, rows
