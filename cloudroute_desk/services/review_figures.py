"""What Partner Central's reviews say, per pool and per partner: the review-latency chart's
data and the figures in a partner's *Why* view, both from ``record_reviews`` through the one
reading of a record's review in ``domain/review_latency``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from cloudroute_desk.db import chart_queries, review_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.review_queries import ReviewStepRow
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.domain.catalog import Pool
from cloudroute_desk.domain.chart_data import CHART_POOLS, ChartFilter
from cloudroute_desk.domain.formatting import ago, percent, plural
from cloudroute_desk.domain.review_latency import (
    RecordReview,
    ReviewStep,
    ReviewSummary,
    record_review,
    summarise,
)
from cloudroute_desk.services.partner_central_import import SOURCE_PREFIX

ALL_PARTNERS = "All partners"


@dataclass(frozen=True, slots=True)
class PoolReview:
    pool: Pool
    summary: ReviewSummary


@dataclass(frozen=True, slots=True)
class ReviewLatencyData:
    partner_name: str
    pools: tuple[PoolReview, ...] = ()
    rejection_reasons: tuple[tuple[str, int], ...] = ()
    """(ReviewStatusReason, rejected records), most frequent first."""

    @property
    def records(self) -> int:
        return sum(p.summary.records for p in self.pools)


@dataclass(frozen=True, slots=True)
class PartnerReviewFigures:
    summary: ReviewSummary
    outcomes_updated_at: datetime | None
    """When Partner Central outcomes last reached the partner's records; None if never."""
    now: datetime
    """The database server's time when read (what "2 h ago" is measured against)."""
    source: str = SOURCE_PREFIX

    def line(self) -> str:
        return review_line(self, self.now)


def _reviews(rows: Iterable[ReviewStepRow]) -> Iterator[tuple[ReviewStepRow, RecordReview]]:
    for _record_id, group in groupby(rows, key=lambda row: row.record_id):
        steps = list(group)
        review = record_review(
            [ReviewStep(s.review_status, s.review_status_reason, s.modified_at) for s in steps],
            steps[0].submitted_at,
        )
        yield steps[0], review


def review_latency(database: Database, chart_filter: ChartFilter) -> ReviewLatencyData:
    with database.reading() as session:
        rows = review_queries.review_steps(session, chart_filter)
        name = ALL_PARTNERS
        if chart_filter.partner_id is not None:
            found = chart_queries.partner_name(session, chart_filter.partner_id)
            name = found if found is not None else f"Partner #{chart_filter.partner_id}"
    by_pool: dict[str, list[RecordReview]] = {}
    reasons: Counter[str] = Counter()
    for first, review in _reviews(rows):
        by_pool.setdefault(first.pool, []).append(review)
        if review.rejection_reason is not None:
            reasons[review.rejection_reason] += 1
    pools = tuple(
        PoolReview(pool, summarise(by_pool[pool.value]))
        for pool in CHART_POOLS
        if pool.value in by_pool
    )
    ordered = tuple(sorted(reasons.items(), key=lambda item: (-item[1], item[0])))
    return ReviewLatencyData(name, pools, ordered)


def partner_review(database: Database, partner_id: int) -> PartnerReviewFigures:
    with database.reading() as session:
        rows = review_queries.partner_review_steps(session, partner_id)
        updated = review_queries.outcomes_updated(session, [partner_id]).get(partner_id)
        now = server_now(session)
    return PartnerReviewFigures(summarise(r for _f, r in _reviews(rows)), updated, now)


def review_line(figures: PartnerReviewFigures, now: datetime) -> str:
    """The Why view's line on a partner's Partner Central review and how fresh it is."""
    summary = figures.summary
    if figures.outcomes_updated_at is None:
        return (
            "Partner Central review: no outcomes from Partner Central yet (only outcomes "
            "entered in CloudRoute count)."
        )
    parts = []
    if summary.median_latency_days is not None:
        parts.append(
            f"median {summary.median_latency_days:.1f} days submitted → approved "
            f"(n={summary.approved_with_latency})"
        )
    if summary.decided:
        parts.append(
            f"rejection rate {percent(summary.rejection_rate)} "
            f"({summary.rejected} of {summary.decided} decided)"
        )
    if summary.round_trips:
        parts.append(
            f"{plural(summary.round_trips, 'Action Required round trip')} on "
            f"{plural(summary.records_with_round_trips, 'record')}"
        )
    figures_text = " · ".join(parts) or f"{plural(summary.records, 'record')} reviewed"
    return (
        f"Partner Central review: {figures_text}\n"
        f"outcomes updated {ago(figures.outcomes_updated_at, now)} · from {figures.source}"
    )
