"""Review latency: one record's review read from its statuses, the chart per pool and per
partner with its click-through to the queue, and the figures the Why view shows."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.ace.partner_central_snapshot import parse_partner_central_file
from cloudroute_desk.domain.catalog import Pool
from cloudroute_desk.domain.chart_data import ChartFilter, to_filter_request
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.formatting import ago
from cloudroute_desk.domain.review_latency import NO_REASON, ReviewStep, record_review
from cloudroute_desk.services import queue, review_figures
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.partner_central_import import apply_snapshots
from cloudroute_desk.views.charts.panel import ChartsPanel
from cloudroute_desk.views.partners.partner_pane import PartnerPane
from tests.factories import add_inquiry, add_partner
from tests.partner_central_samples import exportable_record, opportunity
from tests.review_samples import add_reviews
from tests.test_charts_data import Sample, build_sample

D = datetime(2026, 6, 1)
WAIT_MS = 10_000


def _steps(*pairs: tuple[str, int]) -> list[ReviewStep]:
    return [ReviewStep(status, None, D + timedelta(days=day)) for status, day in pairs]


def test_latency_runs_from_the_first_submission_to_approval() -> None:
    review = record_review(
        _steps(("Submitted", 0), ("Action Required", 2), ("Submitted", 3), ("Approved", 7)), None
    )
    assert review.latency_days == pytest.approx(7.0)
    assert review.round_trips == 1
    assert review.decided and review.rejection_reason is None


def test_without_a_reported_submission_the_records_own_is_used_if_earlier() -> None:
    assert record_review(_steps(("Approved", 5)), D).latency_days == pytest.approx(5.0)
    # Walked to Approved by one snapshot: both times are the same moment, nothing to tell.
    assert record_review(_steps(("Approved", 5)), D + timedelta(days=5)).latency_days is None
    assert record_review(_steps(("Approved", 5)), None).latency_days is None


def test_a_rejection_keeps_its_reason() -> None:
    steps = [ReviewStep("Submitted", None, D), ReviewStep("Rejected", "Forecast Conflict", D)]
    assert record_review(steps, None).rejection_reason == "Forecast Conflict"
    bare = [ReviewStep("Rejected", None, D)]
    assert record_review(bare, None).rejection_reason == NO_REASON
    assert record_review(_steps(("In review", 1)), None).decided is False


@pytest.fixture
def sample(database: Database) -> Sample:
    built = build_sample(database)
    add_reviews(database, built)
    return built


def test_chart_data_per_pool_and_per_partner(database: Database, sample: Sample) -> None:
    everyone = review_figures.review_latency(database, ChartFilter())
    by_pool = {p.pool: p.summary for p in everyone.pools}
    assert by_pool[Pool.PORTFOLIO].median_latency_days == pytest.approx(5.5)  # 7 and 4 days
    assert by_pool[Pool.PORTFOLIO].round_trips == 1
    assert by_pool[Pool.FOUNDERS].rejected == 1
    assert everyone.rejection_reasons == (("Clarify Solution", 1),)
    beta = review_figures.review_latency(database, ChartFilter(partner_id=sample.p2))
    assert beta.partner_name == "Beta Builders"
    assert {p.pool: p.summary.median_latency_days for p in beta.pools} == {
        Pool.PORTFOLIO: pytest.approx(4.0),
        Pool.FOUNDERS: None,
    }


def test_partner_figures_for_the_why_view(database: Database, sample: Sample) -> None:
    beta = review_figures.partner_review(database, sample.p2)
    assert beta.summary.rejection_rate == pytest.approx(0.5)
    assert beta.summary.median_latency_days == pytest.approx(4.0)
    assert beta.outcomes_updated_at == datetime(2026, 7, 1)
    nobody = review_figures.partner_review(database, 9_999)
    assert nobody.summary.records == 0 and nobody.outcomes_updated_at is None


def test_chart_bars_click_through_to_exactly_those_inquiries(
    qtbot: QtBot, executor: DbExecutor, database: Database, sample: Sample, tmp_path: Path
) -> None:
    panel = ChartsPanel(executor)
    qtbot.addWidget(panel)
    panel.resize(1280, 720)
    with qtbot.waitSignal(panel.chart_refreshed, timeout=WAIT_MS):
        panel.show()
    chart = panel.review_latency
    with qtbot.waitSignal(
        panel.chart_refreshed, timeout=WAIT_MS, check_params_cb=lambda s: s == chart.slug
    ):
        panel.tabs.setCurrentWidget(chart)
    assert chart.latency.axis.labels == ["Founders (partner-filed)", "Activate Portfolio"]
    assert [float(h) for h in chart.latency.bars.opts["height"]] == [0.0, pytest.approx(5.5)]
    assert [float(h) for h in chart.round_trips.bars.opts["height"]] == [0.0, 1.0]
    assert chart.reasons.axis.labels == ["Clarify Solution"]
    assert "rejection rate 33.3 % of 3 decided" in chart.summary.text()
    if os.environ.get("CLOUDROUTE_SCREENSHOTS"):
        QApplication.processEvents()
        panel.grab().save(os.environ["CLOUDROUTE_SCREENSHOTS"] + "/chart-review-latency.png")

    hit = chart.reasons.hits.hits[0]
    scene_point = chart.reasons.plot.vb.mapViewToScene(hit.center)
    with qtbot.waitSignal(panel.queue_filter_requested, timeout=WAIT_MS) as signal:
        qtbot.mouseClick(
            chart.canvas.viewport(),
            Qt.MouseButton.LeftButton,
            pos=chart.canvas.mapFromScene(scene_point),
        )
    request = signal.args[0]
    assert request.review == ("Rejected", "Clarify Solution")
    shown = queue.rows_at(database, to_filter_request(request).filter, datetime(2026, 8, 1), 0, 100)
    assert [row.id for row in shown] == [sample.i2]

    approved = to_filter_request(chart.latency.hits.hits[1].request).filter  # Portfolio
    rows = queue.rows_at(database, approved, datetime(2026, 8, 1), 0, 100)
    assert sorted(row.id for row in rows) == sorted([sample.i1, sample.i2])


def test_the_why_view_says_review_figures_and_freshness(
    qtbot: QtBot, executor: DbExecutor, database: Database
) -> None:
    partner = add_partner(database, name="Reviewed Partner", capacity=50)
    answers = []
    for n, status in enumerate(("Approved", "Rejected", "Approved")):
        now = utcnow()
        _record, payload = exportable_record(database, partner, company=f"Reviewed {n}")
        answers.append(opportunity(payload, f"O{300 + n}", status, now, reason="Forecast Conflict"))
    parsed = parse_partner_central_file(json.dumps(answers).encode())
    report = apply_snapshots(database, parsed.snapshots, source="pc.json", admin="carol")
    assert report.summary() == "3 snapshots: 3 applied", report.lines()
    waiting = add_inquiry(database, company_name="Next Startup", website="https://next.example")

    pane = PartnerPane(executor)
    qtbot.addWidget(pane)
    pane.resize(1100, 600)
    with qtbot.waitSignal(pane.ranking_shown, timeout=WAIT_MS):
        pane.set_inquiry(waiting)
    pane.why_action.setChecked(True)
    assert pane.select_partner(partner)
    label = pane.why_view.review_label
    qtbot.waitUntil(lambda: "outcomes updated" in label.text(), timeout=WAIT_MS)
    assert label.text() == (
        "Partner Central review: rejection rate 33 % (1 of 3 decided)\n"
        "outcomes updated just now · from Partner Central"
    )
    if os.environ.get("CLOUDROUTE_SCREENSHOTS"):
        QApplication.processEvents()
        pane.grab().save(os.environ["CLOUDROUTE_SCREENSHOTS"] + "/why-review.png")
    # A partner with no Partner Central outcomes says so rather than showing zeros.
    other = add_partner(database, name="Quiet Partner", capacity=50)
    with qtbot.waitSignal(pane.ranking_shown, timeout=WAIT_MS):
        pane.set_inquiry(waiting)
    assert pane.select_partner(other)
    qtbot.waitUntil(lambda: "no outcomes from Partner Central yet" in label.text(), timeout=WAIT_MS)


def test_ago_reads_roughly() -> None:
    now = datetime(2026, 12, 2, 12, 0)
    assert [
        ago(now - delta, now)
        for delta in (
            timedelta(seconds=5),
            timedelta(minutes=5),
            timedelta(hours=2, minutes=50),
            timedelta(days=1),
            timedelta(days=3),
        )
    ] == ["just now", "5 min ago", "2 h ago", "1 day ago", "3 days ago"]
    assert ago(now + timedelta(seconds=30), now) == "just now"
