"""Charts in a short dock put their stacked plots side by side, and back when tall again."""

from __future__ import annotations

from cloudroute_desk.views.charts.pipeline_chart import PipelineChart


def _cells(chart: PipelineChart) -> list[tuple[int, int]]:
    layout = chart.canvas.ci
    return [layout.items[plot][0] for plot in chart.stacked_plots()]


def test_stacked_plots_follow_the_shape_of_the_chart(qtbot) -> None:
    chart = PipelineChart()
    qtbot.addWidget(chart)
    chart.resize(900, 700)
    chart.show()
    qtbot.waitUntil(lambda: _cells(chart) == [(0, 0), (1, 0)])
    chart.resize(1400, 360)
    qtbot.waitUntil(lambda: _cells(chart) == [(0, 0), (0, 1)])
    chart.resize(900, 700)
    qtbot.waitUntil(lambda: _cells(chart) == [(0, 0), (1, 0)])
