"""The charts pane: what the plots hold after a load and a filter change, click-to-queue with
real mouse clicks, hover text, PNG/CSV export, palettes, and reacting to Changes."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QFontMetrics, QImage, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import DECIDED_STATES, Pool, RecordState, Region
from cloudroute_desk.domain.chart_data import ChartFilter, QueueFilterRequest
from cloudroute_desk.services.changes import ChangeKind, Changes, Rows
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.charts.bar_hits import BarHit
from cloudroute_desk.views.charts.category_axis import CategoryAxis
from cloudroute_desk.views.charts.chart_view import ChartView
from cloudroute_desk.views.charts.close_rate_chart import CloseRateChart
from cloudroute_desk.views.charts.count_axis import CountAxis
from cloudroute_desk.views.charts.days_chart import DaysChart
from cloudroute_desk.views.charts.panel import ChartsPanel
from cloudroute_desk.views.charts.pipeline_chart import PipelineChart
from cloudroute_desk.views.charts.review_latency_chart import ReviewLatencyChart
from cloudroute_desk.views.charts.routing_chart import RoutingChart
from cloudroute_desk.views.theme import dark_palette
from tests.db_worker import settle
from tests.factories import add_record
from tests.paint_counter import PaintCounter
from tests.review_samples import add_reviews
from tests.test_charts_data import Sample, build_sample

WAIT_MS = 10_000


@pytest.fixture
def sample(database: Database) -> Sample:
    built = build_sample(database)
    add_reviews(database, built)
    return built


@pytest.fixture
def panel(qtbot: QtBot, executor: DbExecutor, sample: Sample) -> Iterator[ChartsPanel]:
    widget = ChartsPanel(executor)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    with qtbot.waitSignal(widget.chart_refreshed, timeout=WAIT_MS):
        widget.show()
    yield widget


def show_tab(qtbot: QtBot, panel: ChartsPanel, chart: ChartView) -> None:
    with qtbot.waitSignal(
        panel.chart_refreshed, timeout=WAIT_MS, check_params_cb=lambda slug: slug == chart.slug
    ):
        panel.tabs.setCurrentWidget(chart)


def set_filter(qtbot: QtBot, panel: ChartsPanel, chart_filter: ChartFilter) -> None:
    with qtbot.waitSignal(panel.chart_refreshed, timeout=WAIT_MS):
        panel.set_chart_filter(chart_filter)


def click_hit(qtbot: QtBot, chart: ChartView, plot: object, hit: BarHit) -> None:
    """A real left click on the middle of a bar, through the canvas's viewport."""
    scene_point = plot.vb.mapViewToScene(hit.center)  # type: ignore[attr-defined]
    point = chart.canvas.mapFromScene(scene_point)
    qtbot.mouseClick(chart.canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)


def heights(item: object) -> list[float]:
    return [float(h) for h in item.opts["height"]]  # type: ignore[attr-defined]


def test_pipeline_bars_follow_the_filter(qtbot: QtBot, panel: ChartsPanel) -> None:
    chart = panel.pipeline
    assert set(chart.bar_items) == {Pool.FOUNDERS, Pool.PORTFOLIO, Pool.BEDROCK_POC}
    # States in order: identified, submitted, validated, approved, launched, closed, rejected,
    # downgraded.
    assert heights(chart.bar_items[Pool.PORTFOLIO]) == [0, 1, 0, 1, 1, 0, 0, 1]
    assert heights(chart.funnel_item) == [7, 6, 5, 4, 2, 1]

    set_filter(qtbot, panel, ChartFilter(region=Region.UK))
    assert set(chart.bar_items) == {Pool.FOUNDERS, Pool.PORTFOLIO}
    assert heights(chart.bar_items[Pool.PORTFOLIO]) == [0, 0, 0, 0, 0, 0, 0, 1]
    assert heights(chart.bar_items[Pool.FOUNDERS]) == [0, 0, 0, 0, 0, 0, 1, 0]
    assert "2 records" in chart.summary.text()

    chart.measure_group.button(2).setChecked(True)  # dollars approved
    assert heights(chart.bar_items[Pool.PORTFOLIO])[-1] == pytest.approx(25.0)  # $K
    assert "$K" in chart.plot.getAxis("left").labelText


def test_clicking_a_stacked_bar_requests_that_state_and_pool(
    qtbot: QtBot, panel: ChartsPanel
) -> None:
    chart = panel.pipeline
    hit = next(
        h
        for h in chart.hits.hits
        if h.request is not None and h.request.record_states == {RecordState.APPROVED}
    )
    with qtbot.waitSignal(panel.queue_filter_requested, timeout=WAIT_MS) as signal:
        click_hit(qtbot, chart, chart.plot, hit)
    request = signal.args[0]
    assert isinstance(request, QueueFilterRequest)
    assert request.record_states == {RecordState.APPROVED}
    assert request.pools == {Pool.PORTFOLIO}
    assert request.arrived_from is None and request.partner_id is None


def test_clicking_a_funnel_bar_requests_the_states_at_or_past_it(
    qtbot: QtBot, panel: ChartsPanel
) -> None:
    chart = panel.pipeline
    decided = chart.funnel_hits.hits[2]
    with qtbot.waitSignal(panel.queue_filter_requested, timeout=WAIT_MS) as signal:
        click_hit(qtbot, chart, chart.funnel_plot, decided)
    assert signal.args[0].record_states == DECIDED_STATES


def test_days_histogram_click_carries_the_days_range_and_the_filter(
    qtbot: QtBot, panel: ChartsPanel, sample: Sample
) -> None:
    show_tab(qtbot, panel, panel.days)
    chart = panel.days
    assert heights(chart.histograms[Pool.PORTFOLIO]) == [1, 1, 1]  # 12, 14 and 16 days
    median, p90 = (line.value() for line in _lines(chart, Pool.PORTFOLIO))
    assert (median, p90) == (pytest.approx(14.0), pytest.approx(16.0))

    set_filter(qtbot, panel, ChartFilter(partner_id=sample.p1))
    assert heights(chart.histograms[Pool.PORTFOLIO]) == [1, 1]  # 12 and 14: r3 is Beta's
    panel_hits = chart.panels[Pool.PORTFOLIO].hits
    fourteen = next(h for h in panel_hits.hits if h.x0 == 14)
    with qtbot.waitSignal(panel.queue_filter_requested, timeout=WAIT_MS) as signal:
        click_hit(qtbot, chart, chart.panels[Pool.PORTFOLIO].plot, fourteen)
    request = signal.args[0]
    assert (request.days_min, request.days_max) == (14.0, 15.0)
    assert request.pools == {Pool.PORTFOLIO}
    assert request.partner_id == sample.p1


def _lines(chart: object, pool: Pool) -> tuple[object, object]:
    panel = chart.panels[pool]  # type: ignore[attr-defined]
    return panel.median, panel.p90


def test_routing_month_click_requests_that_arrival_month(qtbot: QtBot, panel: ChartsPanel) -> None:
    show_tab(qtbot, panel, panel.routing)
    chart = panel.routing
    june = chart.data.months[0]
    assert (june.month, june.assigned, june.on_time) == ("2026-06", 2, 1)
    assert heights(chart.share_item)[0] == pytest.approx(50.0)
    with qtbot.waitSignal(panel.queue_filter_requested, timeout=WAIT_MS) as signal:
        click_hit(qtbot, chart, chart.share_plot, chart.share_hits.hits[0])
    request = signal.args[0]
    assert (request.arrived_from, request.arrived_to) == (
        datetime(2026, 6, 1),
        datetime(2026, 7, 1),
    )
    assert request.record_states == frozenset() and request.pools == frozenset()


def test_close_rate_for_a_partner_and_its_click(
    qtbot: QtBot, panel: ChartsPanel, sample: Sample
) -> None:
    show_tab(qtbot, panel, panel.close_rate)
    chart = panel.close_rate
    assert heights(chart.bars) == [pytest.approx(70.0)]
    set_filter(qtbot, panel, ChartFilter(partner_id=sample.p2))
    assert heights(chart.bars) == [pytest.approx(25.0)]
    assert "Beta Builders" in chart.summary.text()
    assert [t.toPlainText() for t in chart.count_texts] == ["n=2"]
    with qtbot.waitSignal(panel.queue_filter_requested, timeout=WAIT_MS) as signal:
        click_hit(qtbot, chart, chart.plot, chart.hits.hits[0])
    request = signal.args[0]
    assert request.partner_id == sample.p2
    assert request.record_states == DECIDED_STATES
    assert (request.arrived_from, request.arrived_to) == (
        datetime(2026, 6, 1),
        datetime(2026, 7, 1),
    )


def test_hover_shows_exact_values(qtbot: QtBot, panel: ChartsPanel, tmp_path: Path) -> None:
    chart = panel.pipeline
    hit = next(h for h in chart.hits.hits if "Closed" in h.text)
    scene_point = chart.plot.vb.mapViewToScene(hit.center)
    target = chart.canvas.mapFromScene(scene_point)
    # QTest sends no move event when the cursor is already there (from an earlier test).
    qtbot.mouseMove(chart.canvas.viewport(), target + QPoint(40, 40))
    qtbot.mouseMove(chart.canvas.viewport(), target)
    qtbot.waitUntil(lambda: chart.hits.label.isVisible(), timeout=WAIT_MS)
    text = chart.hits.label.textItem.toPlainText()
    assert "Bedrock POC · Closed" in text
    assert "1 record\n" in text
    assert "$50,000 requested · $40,000 approved" in text
    # The label never reaches an exported PNG, and goes once the mouse leaves the chart.
    png = tmp_path / "hovered.png"
    chart.export_png(png)
    assert not chart.hits.label.isVisible()
    qtbot.mouseMove(chart.canvas.viewport(), target + QPoint(40, 40))
    qtbot.mouseMove(chart.canvas.viewport(), target)
    qtbot.waitUntil(lambda: chart.hits.label.isVisible(), timeout=WAIT_MS)
    QApplication.sendEvent(chart.canvas, QEvent(QEvent.Type.Leave))
    assert not chart.hits.label.isVisible()


def test_png_export_offers_twice_the_size_for_slides(
    qtbot: QtBot, panel: ChartsPanel, tmp_path: Path
) -> None:
    chart = panel.pipeline
    chart.export_png(tmp_path / "one.png")
    chart.export_png(tmp_path / "two.png", scale=2)
    one, two = QImage(str(tmp_path / "one.png")), QImage(str(tmp_path / "two.png"))
    assert (two.width(), two.height()) == (one.width() * 2, one.height() * 2)
    assert [a.text() for a in chart.png_button.menu().actions()] == [
        "At screen size…",
        "At 2× size, for slides…",
    ]
    assert "ms" not in panel.status.text()


def test_an_empty_database_says_no_data_yet(qtbot: QtBot, executor: DbExecutor) -> None:
    widget = ChartsPanel(executor)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    for chart in widget.charts:
        with qtbot.waitSignal(
            widget.chart_refreshed,
            timeout=WAIT_MS,
            check_params_cb=lambda slug, c=chart: slug == c.slug,
        ):
            if chart is widget.pipeline:
                widget.show()
            else:
                widget.tabs.setCurrentWidget(chart)
        assert chart.is_empty and chart.empty_label.isVisible(), chart.slug
        assert chart.empty_label.text() == "No data yet"
        assert not chart.png_button.isEnabled()


def test_each_chart_exports_png_and_csv(qtbot: QtBot, panel: ChartsPanel, tmp_path: Path) -> None:
    expected_headers = {
        "pipeline": ["state", "pool", "records", "requested_usd", "approved_usd"],
        "days-to-credit": ["series", "pool", "month_submitted", "days_from", "days_to"],
        "routing-turnaround": ["month_arrived", "assigned", "on_time", "open_past_sla"],
        "close-rate": ["partner", "month_arrived", "approved", "downgraded", "rejected"],
        "review-latency": ["partner", "pool", "records_reviewed"],
    }
    for chart in panel.charts:
        if chart is not panel.current_chart():
            show_tab(qtbot, panel, chart)
        png, table = tmp_path / f"{chart.slug}.png", tmp_path / f"{chart.slug}.csv"
        chart.export_png(png)
        chart.export_csv(table)
        image = QImage(str(png))
        assert not image.isNull() and image.width() > 600
        with table.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows[0][: len(expected_headers[chart.slug])] == expected_headers[chart.slug]
        assert len(rows) > 1
    with (tmp_path / "pipeline.csv").open(newline="", encoding="utf-8") as handle:
        pipeline_rows = list(csv.DictReader(handle))
    downgraded = next(r for r in pipeline_rows if r["state"] == "downgraded")
    assert (downgraded["pool"], downgraded["requested_usd"], downgraded["approved_usd"]) == (
        "portfolio",
        "100000",
        "25000",
    )


def test_dark_palette_restyles_the_charts(qtbot: QtBot, panel: ChartsPanel) -> None:
    palette = dark_palette()
    panel.setPalette(palette)
    chart = panel.pipeline
    qtbot.waitUntil(lambda: chart.theme.dark, timeout=WAIT_MS)
    assert chart.canvas.backgroundBrush().color() == palette.color(QPalette.ColorRole.Base)
    axis = chart.plot.getAxis("left")
    assert axis.textPen().color() == palette.color(QPalette.ColorRole.WindowText)


def test_apply_changes_reloads_the_visible_chart(
    qtbot: QtBot, panel: ChartsPanel, database: Database, sample: Sample, executor: DbExecutor
) -> None:
    add_record(
        database,
        sample.i4,
        sample.p1,
        pool=Pool.BUILD_FOR_STARTUPS,
        state=RecordState.IDENTIFIED,
        amount_requested_usd=25_000,
        amount_awarded_usd=None,
        submitted_at=None,
        decided_at=None,
        credited_at=None,
    )
    with qtbot.waitSignal(panel.chart_refreshed, timeout=WAIT_MS):
        panel.apply_changes(Changes.of(ChangeKind.RECORDS_ADDED, inquiries=Rows.of(sample.i4)))
    assert heights(panel.pipeline.bar_items[Pool.BUILD_FOR_STARTUPS])[0] == 1
    with qtbot.assertNotEmitted(panel.chart_refreshed):
        # A draft's text is in no chart.
        panel.apply_changes(Changes.of(ChangeKind.RECORD_FIELDS, inquiries=Rows.of(sample.i4)))
        settle(qtbot, executor)


def test_filter_bar_round_trips_and_lists_partners(
    qtbot: QtBot, panel: ChartsPanel, sample: Sample
) -> None:
    qtbot.waitUntil(lambda: panel.filter_bar.partner.count() == 3, timeout=WAIT_MS)
    wanted = ChartFilter(region=Region.UK, pool=Pool.PORTFOLIO, partner_id=sample.p2)
    set_filter(qtbot, panel, wanted)
    assert panel.filter_bar.chart_filter() == wanted
    assert panel.chart_filter == wanted
    assert panel.filter_bar.partner.currentText() == "Beta Builders"


def test_category_axis_wraps_labels_and_never_overlaps_them(qtbot: QtBot) -> None:
    axis = CategoryAxis("bottom")
    labels = [f"{month} {year}" for year in (24, 25, 26) for month in ("Jan", "Feb", "Mar")] * 4
    axis.set_labels(labels)
    metrics = QFontMetrics(axis.font())
    for pixels in (300, 600, 1200, 5000):
        [(_spacing, shown)] = axis.tickValues(0, len(labels) - 1, pixels)
        strings = axis.tickStrings(shown, 1, 1)
        widest = max(metrics.horizontalAdvance(line) for s in strings for line in s.split("\n"))
        slot = pixels / len(labels)  # pixels per category
        gaps = [(b - a) * slot for a, b in pairwise(shown)]
        assert all(gap >= widest for gap in gaps), (pixels, gaps, widest)
        assert shown[0] == 0
    assert len(axis.tickValues(0, len(labels) - 1, 5000)[0][1]) == len(labels)
    # Twelve months in 600 px: every one labelled, on two lines.
    axis.set_labels(labels[:12])
    [(_spacing, shown)] = axis.tickValues(0, 11, 600)
    assert len(shown) == 12
    assert axis.tickStrings([0.0, 3.0], 1, 1) == ["Jan\n24", "Jan\n25"]
    axis.tickValues(0, 11, 5000)
    assert axis.tickStrings([0.0, 3.0], 1, 1) == ["Jan 24", "Jan 25"]
    # The funnel's six steps at a laptop's chart width: all labelled, wrapped where needed.
    steps = ["Filed", "Submitted (99.7%)", "Decided (95.6%)", "Credited (80.6%)"]
    axis.set_labels([*steps, "Launched (62.0%)", "Closed (45.0%)"])
    [(_spacing, shown)] = axis.tickValues(0, 5, 600)
    assert len(shown) == 6
    assert axis.tickStrings([1.0], 1, 1) == ["Submitted\n(99.7%)"]


def test_a_cached_axis_redraws_for_new_labels_and_only_then(qtbot: QtBot) -> None:
    """Axes paint from a pixmap cache: new labels must show, the same labels must not throw
    the cached drawing away (repainting an axis's text cost ~2 ms per axis per redraw)."""
    import pyqtgraph as pg

    from cloudroute_desk.views.charts.chart_theme import ChartTheme

    axis = CategoryAxis("bottom")
    widget = pg.PlotWidget(axisItems={"bottom": axis})
    qtbot.addWidget(widget)
    theme = ChartTheme.from_palette(widget.palette())
    widget.setBackground(theme.background)
    theme.style_plot(widget.getPlotItem())
    widget.resize(600, 300)
    widget.setXRange(-0.5, 2.5, padding=0)
    widget.show()
    qtbot.waitExposed(widget)

    def shown(labels: list[str]) -> QImage:
        axis.set_labels(labels)
        widget.viewport().repaint()
        return widget.grab().toImage()

    first = shown(["Jan 26", "Feb 26", "Mar 26"])
    assert axis.picture is not None
    second = shown(["Apr 26", "May 26", "Jun 26"])
    assert second != first
    drawn = axis.picture
    assert shown(["Apr 26", "May 26", "Jun 26"]) == second
    assert axis.picture is drawn


def _fresh_chart(qtbot: QtBot, kind: type[ChartView]) -> ChartView:
    """A new chart of ``kind`` on screen, warmed up as while its first data loads."""
    chart = kind()
    qtbot.addWidget(chart)
    chart.resize(1280, 800)
    chart.show()
    qtbot.waitExposed(chart)
    qtbot.wait(300)
    return chart


@pytest.mark.parametrize(
    "kind", [PipelineChart, RoutingChart, CloseRateChart, ReviewLatencyChart, DaysChart]
)
def test_the_first_paint_of_a_fresh_chart_is_its_finished_picture(
    qtbot: QtBot, database: Database, sample: Sample, kind: type[ChartView]
) -> None:
    """Its axes are sized for their tick labels before the paint, so the chart is not laid
    out and painted a second time once pyqtgraph has learnt their size while painting."""
    chart = _fresh_chart(qtbot, kind)
    chart.show_data(chart.load_job(ChartFilter())(database), ChartFilter())
    chart.show_empty_state()
    first = chart.grab().toImage()  # what the first paint shows
    for _turn in range(10):
        QApplication.processEvents()
        qtbot.wait(20)
    assert first == chart.grab().toImage()


@pytest.mark.parametrize(
    "kind", [PipelineChart, RoutingChart, CloseRateChart, ReviewLatencyChart, DaysChart]
)
def test_a_fresh_chart_paints_its_data_once(
    qtbot: QtBot, database: Database, sample: Sample, kind: type[ChartView]
) -> None:
    """What pyqtgraph works out while painting (view transforms, item bounds) is settled
    before the paint, so it marks nothing dirty: no second paint of every item."""
    chart = _fresh_chart(qtbot, kind)
    paints = PaintCounter(chart.canvas.viewport())
    chart.show_data(chart.load_job(ChartFilter())(database), ChartFilter())
    qtbot.waitUntil(lambda: paints.count > 0)
    qtbot.wait(200)
    assert paints.count == 1


def test_count_ticks_of_ten_thousand_and_more_are_grouped_digits(qapp: QApplication) -> None:
    axis = CountAxis("left")
    assert axis.tickStrings([0.0, 500_000.0, 1_000_000.0, 1_500_000.0], 1.0, 500_000.0) == [
        "0",
        "500,000",
        "1,000,000",
        "1,500,000",
    ]
    assert axis.tickStrings([2_000.0, 4_000.0], 1.0, 2_000.0) == ["2000", "4000"]
    assert axis.tickStrings([0.5, 1.0], 1.0, 0.5) == ["0.5", "1.0"]
