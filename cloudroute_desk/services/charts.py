"""Chart use-cases: each reads one chart's aggregates for a ``ChartFilter``.

They run on the DB executor (``jobs.run(lambda db: charts.pipeline(db, f), on_done=...)``) and
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
    locate_rank,
    nearest_rank,
)
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.routing.stats import Outcome, approval_weight, record_outcome

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
        bins, medians = chart_queries.days_rows(session, chart_filter)
        by_pool: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for pool_value, days_bin, count in bins:
            by_pool[pool_value].append((days_bin, count))
        pools: list[PoolDays] = []
        for pool in CHART_POOLS:
            pool_bins = tuple(by_pool.get(pool.value, ()))
            if not pool_bins:
                continue
            total = sum(count for _b, count in pool_bins)
            median, p90 = (
                _exact_percentile(session, chart_filter, pool, pool_bins, nearest_rank(p, total))
                for p in (0.5, 0.9)
            )
            pools.append(PoolDays(pool, pool_bins, median, p90))
    trend = []
    for rank_bin in sorted(medians, key=lambda r: r.group):
        pool_value, month = rank_bin.group.split("|")
        trend.append(
            DaysTrendPoint(Pool(pool_value), month, rank_bin.total, rank_bin.value(DAYS_PER_UNIT))
        )
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
        totals, ranks = chart_queries.routing_rows(session, chart_filter, overdue_before)
    hours = {rank_bin.group: rank_bin.value(HOURS_PER_UNIT) for rank_bin in ranks}
    months = tuple(
        RoutingMonth(
            month=month,
            assigned=assigned,
            on_time=on_time,
            overdue_open=overdue,
            p50_hours=hours.get(f"p50|{month}"),
            p90_hours=hours.get(f"p90|{month}"),
        )
        for month, assigned, on_time, overdue in totals
        if assigned or overdue
    )
    return RoutingData(months)


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
