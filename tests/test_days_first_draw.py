"""The days-to-credit chart's first draw in a fresh widget is the finished chart: its axes
are sized for their tick labels before the paint. Before, pyqtgraph's axes learnt the
labels' size while painting, left out the count labels that did not fit (six-digit counts
at a million records), and the chart was laid out and painted a second time (issue 17:
first render ≤ 60 ms; the time is shown by ``bench/charts_bench.py``)."""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cloudroute_desk.domain.catalog import Pool
from cloudroute_desk.domain.chart_data import ChartFilter, DaysData, DaysTrendPoint, PoolDays
from cloudroute_desk.views.charts.days_chart import DaysChart

POOLS = (Pool.FOUNDERS, Pool.PORTFOLIO, Pool.BUILD_FOR_STARTUPS, Pool.BEDROCK_POC)


def _a_million_records() -> DaysData:
    """Counts in the hundreds of thousands, as at 1,000,000 inquiries."""
    pools = []
    trend = []
    for scale, pool in enumerate(POOLS, start=1):
        peak = 60 + 40 * scale
        bins = tuple(
            (peak + 10 * step, 110_000 // (1 + abs(step)) // scale) for step in range(-6, 7)
        )
        pools.append(PoolDays(pool, bins, peak / 10, (peak + 30) / 10))
        trend += [
            DaysTrendPoint(pool, f"2026-{month:02d}", 9_000, peak / 10) for month in range(1, 13)
        ]
    return DaysData(tuple(pools), tuple(trend))


def _picture(chart: DaysChart) -> QImage:
    return chart.grab().toImage()


def test_the_first_paint_of_a_fresh_days_chart_is_its_finished_picture(qtbot: QtBot) -> None:
    chart = DaysChart()
    qtbot.addWidget(chart)
    chart.resize(1280, 800)
    chart.show()
    qtbot.waitExposed(chart)
    qtbot.wait(300)  # its warm-up builds and lays out the panels, as while the data loads
    chart.show_data(_a_million_records(), ChartFilter())
    first = _picture(chart)  # what the first paint shows, before the event loop runs again
    for _turn in range(10):
        QApplication.processEvents()
        qtbot.wait(20)
    assert first == _picture(chart)
    left_axis = chart.panels[Pool.FOUNDERS].plot.getAxis("left")
    assert left_axis.textWidth >= chart.fontMetrics().horizontalAdvance("100000") - 2
