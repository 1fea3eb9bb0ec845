"""Chart use-cases: each reads one chart's aggregates for a ``ChartFilter``.

They run on the DB executor (``await executor.run(lambda db: charts.pipeline(db, f))``) and
return plain chart values. The grouping happens in SQL; here the few hundred groups are
arranged into series and percentiles are picked from the histograms.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from cloudroute_desk.db import chart_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import ROUTING_SLA_HOURS, Pool, RecordState
from cloudroute_desk.domain.chart_data import (
    CHART_POOLS,
    DAYS_PER_UNIT,
    HOURS_PER_UNIT,
    ChartFilter,
    CloseRateData,
    CloseRateMonth,
    DaysData,
    DaysTrendPoint,
    PartnerChoice,
    PipelineCell,
    PipelineData,
    PoolDays,
    RoutingData,
    RoutingMonth,
    binned_percentile,
    locate_rank,
    merge_bins,
    nearest_rank,
)
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.routing_stats import Outcome, approval_weight, record_outcome

ALL_PARTNERS = "All partners"


def pipeline(database: Database, chart_filter: ChartFilter) -> PipelineData:
    with database.reading() as session:
        rows = chart_queries.pipeline_rows(session, chart_filter)
    cells = tuple(
        PipelineCell(RecordState(state), Pool(pool), records, requested, awarded)
        for state, pool, records, requested, awarded in rows
    )
    return PipelineData(cells)


def days_to_credit(database: Database, chart_filter: ChartFilter) -> DaysData:
    with database.reading() as session:
        rows = chart_queries.days_histogram_rows(session, chart_filter)
        by_pool_month: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for pool, month, days_bin, count in rows:
            by_pool_month[(pool, month)].append((days_bin, count))
        pools: list[PoolDays] = []
        for pool in CHART_POOLS:
            groups = [bins for (p, _m), bins in by_pool_month.items() if p == pool.value]
            bins = merge_bins(groups)
            if not bins:
                continue
            total = sum(count for _b, count in bins)
            median, p90 = (
                _exact_percentile(session, chart_filter, pool, bins, nearest_rank(p, total))
                for p in (0.5, 0.9)
            )
            pools.append(PoolDays(pool, bins, median, p90))
    trend: list[DaysTrendPoint] = []
    for (pool, month), month_bins in sorted(by_pool_month.items()):
        ordered = tuple(sorted(month_bins))
        month_median = binned_percentile(ordered, 0.5, DAYS_PER_UNIT)
        if month and month_median is not None:
            records = sum(count for _b, count in ordered)
            trend.append(DaysTrendPoint(Pool(pool), month, records, month_median))
    return DaysData(tuple(pools), tuple(trend))


def _exact_percentile(
    session: Session,
    chart_filter: ChartFilter,
    pool: Pool,
    bins: tuple[tuple[int, int], ...],
    rank: int,
) -> float:
    days_bin, inside = locate_rank(bins, rank)
    return chart_queries.days_value_in_bin(session, chart_filter, pool.value, days_bin, inside)


def routing(
    database: Database, chart_filter: ChartFilter, now: datetime | None = None
) -> RoutingData:
    overdue_before = (now or utcnow()) - timedelta(hours=ROUTING_SLA_HOURS)
    with database.reading() as session:
        rows = chart_queries.routing_rows(session, chart_filter, overdue_before)
    bins: dict[str, list[tuple[int, int]]] = defaultdict(list)
    on_time: dict[str, int] = defaultdict(int)
    overdue: dict[str, int] = defaultdict(int)
    for month, hours_bin, count, in_time, open_late in rows:
        on_time[month] += in_time
        overdue[month] += open_late
        if hours_bin is not None:
            bins[month].append((hours_bin, count))
        else:
            bins.setdefault(month, [])
    months = []
    for month in sorted(bins):
        ordered = tuple(sorted(bins[month]))
        months.append(
            RoutingMonth(
                month=month,
                assigned=sum(count for _b, count in ordered),
                on_time=on_time[month],
                overdue_open=overdue[month],
                p50_hours=binned_percentile(ordered, 0.5, HOURS_PER_UNIT),
                p90_hours=binned_percentile(ordered, 0.9, HOURS_PER_UNIT),
            )
        )
    return RoutingData(tuple(m for m in months if m.assigned or m.overdue_open))


def close_rate(database: Database, chart_filter: ChartFilter) -> CloseRateData:
    with database.reading() as session:
        rows = chart_queries.close_rate_rows(session, chart_filter)
        name = ALL_PARTNERS
        if chart_filter.partner_id is not None:
            found = chart_queries.partner_name(session, chart_filter.partner_id)
            name = found if found is not None else f"Partner #{chart_filter.partner_id}"
    counts: dict[str, dict[Outcome, int]] = defaultdict(lambda: defaultdict(int))
    for month, state, pool, awarded_pool, records in rows:
        outcome = record_outcome(
            RecordState(state), Pool(pool), Pool(awarded_pool) if awarded_pool else None
        )
        if outcome is not None:
            counts[month][outcome] += records
    months = tuple(
        CloseRateMonth(
            month=month,
            approved=by[Outcome.APPROVED],
            downgraded=by[Outcome.DOWNGRADED],
            rejected=by[Outcome.REJECTED],
            weighted_approvals=sum(approval_weight(o) * n for o, n in by.items()),
        )
        for month, by in sorted(counts.items())
    )
    return CloseRateData(chart_filter.partner_id, name, months)


def partner_choices(database: Database) -> list[PartnerChoice]:
    with database.reading() as session:
        return chart_queries.partner_choices(session)
