"""Every aggregate the charts read, as SQL over the chart projections and their monthly
aggregates (``chart_tables.py``).

A chart reads the monthly aggregates (tens of thousands of rows) for the whole months its
filter covers and the per-record projections for the partial months at the ends of a date
filter (``split_by_month``); filters the aggregates do not carry (a partner; a region or
vertical for the days and routing charts) read the projections through an index that leads
with that filter. Each part groups in the order of one covering index; the parts are summed
per key. Results are small (a few hundred to a few thousand groups); the services turn them
into chart values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    String,
    Subquery,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from cloudroute_desk.db.chart_tables import (
    HOURS_BIN_PER_HOUR,
    ChartDaysMonthRow,
    ChartInquiryFactRow,
    ChartRecordFactRow,
    ChartRecordMonthRow,
    ChartRoutingMonthRow,
)
from cloudroute_desk.db.tables import PartnerRow
from cloudroute_desk.domain.catalog import DECIDED_STATES, ROUTING_SLA_HOURS
from cloudroute_desk.domain.chart_data import (
    ChartFilter,
    MonthSpan,
    PartnerChoice,
    RankBin,
    split_by_month,
)

SLA_BIN = ROUTING_SLA_HOURS * HOURS_BIN_PER_HOUR
"""Hour bins are closed on the right, so bins below this one are exactly "within the SLA"."""

R = ChartRecordFactRow
Q = ChartInquiryFactRow
RM = ChartRecordMonthRow
DM = ChartDaysMonthRow
QM = ChartRoutingMonthRow

Part = Select[*tuple[Any, ...]]
"""One part of a chart's grouped rows (any columns)."""


def _common(table: Any, chart_filter: ChartFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if chart_filter.arrived_from is not None:
        conditions.append(table.arrived_at >= chart_filter.arrived_from)
    if chart_filter.arrived_to is not None:
        conditions.append(table.arrived_at < chart_filter.arrived_to)
    if chart_filter.region is not None:
        conditions.append(table.region == chart_filter.region.value)
    if chart_filter.vertical is not None:
        conditions.append(table.vertical == chart_filter.vertical.value)
    if chart_filter.partner_id is not None:
        conditions.append(table.partner_id == chart_filter.partner_id)
    return conditions


def record_conditions(chart_filter: ChartFilter) -> list[ColumnElement[bool]]:
    conditions = _common(R, chart_filter)
    if chart_filter.pool is not None:
        conditions.append(R.pool == chart_filter.pool.value)
    return conditions


def inquiry_conditions(chart_filter: ChartFilter) -> list[ColumnElement[bool]]:
    return _common(Q, chart_filter)


def _month_conditions(
    table: Any, span: MonthSpan, chart_filter: ChartFilter, *fields: str
) -> list[ColumnElement[bool]]:
    """The span's months, plus the filter's ``fields`` that ``table`` carries."""
    conditions: list[ColumnElement[bool]] = []
    if span.first is not None:
        conditions.append(table.arrive_month >= span.first)
    if span.last is not None:
        conditions.append(table.arrive_month <= span.last)
    for name in fields:
        value = getattr(chart_filter, name)
        if value is not None:
            conditions.append(getattr(table, name) == value.value)
    return conditions


def _summed(
    chart_filter: ChartFilter,
    monthly: Callable[[MonthSpan], Part],
    per_record: Callable[[ChartFilter, ColumnElement[bool] | None], Part],
    month: Any,
    *,
    months_serve: bool,
    keys: Sequence[str],
    sums: Sequence[str],
) -> Select[Any]:
    """The parts of a chart's grouped rows, summed per key: the monthly aggregates for whole
    months and the projection (``per_record``) for each partial month, or the projection alone
    when ``months_serve`` is false. A partial month is named by equality on ``month`` (the
    projection's month column) so that its part walks one month of an index that leads with
    the month, in GROUP BY order. Keys whose count sums to zero (every record that was there
    left again) are dropped."""
    if months_serve:
        span, edges = split_by_month(chart_filter)
        parts = [per_record(edge, _in_month(month, edge)) for edge in edges]
        if span is not None:
            parts.insert(0, monthly(span))
    else:
        parts = [per_record(chart_filter, None)]
    if len(parts) == 1:
        # One part is grouped already: only the empty keys go.
        alone = parts[0].subquery()
        return select(*alone.c).where(alone.c[sums[0]] != 0)
    both = union_all(*parts).subquery()
    totals = [cast(func.sum(both.c[name]), BigInteger).label(name) for name in sums]
    return (
        select(*(both.c[key] for key in keys), *totals)
        .group_by(*(both.c[key] for key in keys))
        .having(func.sum(both.c[sums[0]]) != 0)
    )


def _in_month(month: Any, edge: ChartFilter) -> ColumnElement[bool]:
    # An edge lies inside one month, the month of its first day (split_by_month).
    assert edge.date_from is not None
    condition: ColumnElement[bool] = month == edge.date_from.strftime("%Y-%m")
    return condition


def _and(condition: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    return [] if condition is None else [condition]


def _months_serve_inquiry_filters(chart_filter: ChartFilter) -> bool:
    """The days and routing aggregates carry month and pool only: a partner, region or
    vertical filter reads the projection through the index that leads with it."""
    return (
        chart_filter.partner_id is None
        and chart_filter.region is None
        and chart_filter.vertical is None
    )


def pipeline_rows(
    session: Session, chart_filter: ChartFilter
) -> list[tuple[str, str, int, int, int]]:
    """(state, pool, records, dollars requested, dollars awarded) per state and pool."""

    def monthly(span: MonthSpan) -> Part:
        return (
            select(
                RM.state.label("state"),
                RM.pool.label("pool"),
                func.sum(RM.records).label("n"),
                func.sum(RM.requested_usd).label("requested"),
                func.sum(RM.awarded_usd).label("awarded"),
            )
            .where(*_month_conditions(RM, span, chart_filter, "region", "vertical", "pool"))
            .group_by(RM.state, RM.pool)
        )

    def per_record(part: ChartFilter, in_month: ColumnElement[bool] | None) -> Part:
        return (
            select(
                R.state.label("state"),
                R.pool.label("pool"),
                func.count().label("n"),
                func.sum(R.requested_usd).label("requested"),
                func.sum(R.awarded_usd).label("awarded"),
            )
            .where(*record_conditions(part), *_and(in_month))
            .group_by(R.state, R.pool)
        )

    statement = _summed(
        chart_filter,
        monthly,
        per_record,
        R.arrive_month,
        months_serve=chart_filter.partner_id is None,
        keys=("state", "pool"),
        sums=("n", "requested", "awarded"),
    )
    return [
        (s, p, int(n), int(req or 0), int(awd or 0))
        for s, p, n, req, awd in session.execute(statement)
    ]


def _rank_bins(
    source: Subquery,
    groups: Sequence[str],
    percentiles: Sequence[tuple[str, int, int]],
    name: str,
) -> list[Select[Any]]:
    """Per group of ``source`` (columns ``b`` = bin, ``n`` = count), the bin holding each
    nearest-rank percentile (kind, numerator, denominator): the ceil(p * total)-th value.

    Rows: (kind, *groups, bin, count in bin, rank inside the bin, group total). The running
    sums are computed once (a CTE named ``name``) over the small grouped histogram and read
    once per percentile, so only one row per group and percentile leaves the database.
    """
    keys = [source.c[group] for group in groups]
    windowed = select(
        *keys,
        source.c.b,
        source.c.n,
        cast(
            func.sum(source.c.n).over(partition_by=keys, order_by=source.c.b, rows=(None, 0)),
            BigInteger,
        ).label("cum"),
        # Same partition and order as the running sum, so one sort serves both windows.
        cast(
            func.sum(source.c.n).over(partition_by=keys, order_by=source.c.b, rows=(None, None)),
            BigInteger,
        ).label("total"),
    ).cte(name)
    before = windowed.c.cum - windowed.c.n
    selects = []
    for kind, numerator, denominator in percentiles:
        rank = (windowed.c.total * numerator + (denominator - 1)) // denominator
        selects.append(
            select(
                literal(kind).label("kind"),
                *(windowed.c[group] for group in groups),
                windowed.c.b,
                windowed.c.n,
                (rank - before).label("rank_in_bin"),
                windowed.c.total,
            ).where(before < rank, windowed.c.cum >= rank)
        )
    return selects


def days_rows(
    session: Session, chart_filter: ChartFilter
) -> tuple[list[tuple[str, int, int]], list[RankBin]]:
    """For credited records: (pool, floor(days * 10), records) per pool and 0.1-day bin, and
    the bin of each (pool, month submitted)'s median, grouped as ``"pool|YYYY-MM"``.

    One statement: the (pool, month, bin) histogram is computed once and read twice.
    """

    def monthly(span: MonthSpan) -> Part:
        return (
            select(
                DM.pool.label("pool"),
                DM.submit_month.label("m"),
                DM.days_bin.label("b"),
                func.sum(DM.records).label("n"),
            )
            .where(*_month_conditions(DM, span, chart_filter, "pool"))
            .group_by(DM.pool, DM.submit_month, DM.days_bin)
        )

    def per_record(part: ChartFilter, in_month: ColumnElement[bool] | None) -> Part:
        return (
            select(
                R.pool.label("pool"),
                R.submit_month.label("m"),
                R.days_bin.label("b"),
                func.count().label("n"),
            )
            .where(R.days_bin.isnot(None), *record_conditions(part), *_and(in_month))
            .group_by(R.pool, R.submit_month, R.days_bin)
        )

    histogram = _summed(
        chart_filter,
        monthly,
        per_record,
        R.arrive_month,
        months_serve=_months_serve_inquiry_filters(chart_filter),
        keys=("pool", "m", "b"),
        sums=("n",),
    ).cte("h")
    per_pool = select(
        literal("bin").label("kind"),
        histogram.c.pool,
        cast(literal(""), String).label("m"),
        histogram.c.b,
        cast(func.sum(histogram.c.n), BigInteger).label("n"),
        cast(literal(0), BigInteger).label("rank_in_bin"),
        cast(literal(0), BigInteger).label("total"),
    ).group_by(histogram.c.pool, histogram.c.b)
    by_month = select(histogram).where(histogram.c.m.isnot(None)).subquery()
    medians = _rank_bins(by_month, ("pool", "m"), [("median", 1, 2)], "w")
    bins: list[tuple[str, int, int]] = []
    ranks: list[RankBin] = []
    for kind, pool, month, number, count, inside, total in session.execute(
        union_all(per_pool, *medians)
    ):
        if kind == "bin":
            bins.append((pool, int(number), int(count)))
        else:
            ranks.append(
                RankBin(f"{pool}|{month}", int(number), int(count), int(inside), int(total))
            )
    return sorted(bins), ranks


def days_value_in_bin(
    session: Session, chart_filter: ChartFilter, pool: str, days_bin: int, rank_in_bin: int
) -> float:
    """The exact ``rank_in_bin``-th smallest days_to_credit of ``pool`` inside one bin."""
    statement = (
        select(R.days_to_credit)
        .where(R.pool == pool, R.days_bin == days_bin, *record_conditions(chart_filter))
        .order_by(R.days_to_credit)
        .offset(rank_in_bin - 1)
        .limit(1)
    )
    value = session.execute(statement).scalar_one()
    if value is None:
        raise LookupError(f"no credited {pool} record in bin {days_bin}")
    return float(value)


def routing_rows(
    session: Session, chart_filter: ChartFilter, overdue_before: datetime
) -> tuple[list[tuple[str, int, int, int]], list[RankBin]]:
    """Per month of arrival: (month, inquiries assigned, assigned on time, open past the SLA),
    and the bins of each month's p50 and p90 hours to assignment, grouped as ``"p50|YYYY-MM"``.

    "Open past the SLA" counts unassigned inquiries that arrived before ``overdue_before``.
    The scan only counts (month, bin) pairs; on-time and open counts come from those groups
    (bins below ``SLA_BIN`` are on time), plus a seek for the still-open inquiries of the
    month ``overdue_before`` falls in that arrived after it.
    """
    conditions = inquiry_conditions(chart_filter)
    due_month = overdue_before.strftime("%Y-%m")

    def monthly(span: MonthSpan) -> Part:
        return (
            select(
                QM.arrive_month.label("m"),
                QM.hours_bin.label("b"),
                func.sum(QM.inquiries).label("n"),
            )
            .where(*_month_conditions(QM, span, chart_filter))
            .group_by(QM.arrive_month, QM.hours_bin)
        )

    def per_record(part: ChartFilter, in_month: ColumnElement[bool] | None) -> Part:
        return (
            select(Q.arrive_month.label("m"), Q.hours_bin.label("b"), func.count().label("n"))
            .where(*inquiry_conditions(part), *_and(in_month))
            .group_by(Q.arrive_month, Q.hours_bin)
        )

    histogram = _summed(
        chart_filter,
        monthly,
        per_record,
        Q.arrive_month,
        months_serve=_months_serve_inquiry_filters(chart_filter),
        keys=("m", "b"),
        sums=("n",),
    ).cte("h")
    assigned_n = case((histogram.c.b.isnot(None), histogram.c.n), else_=0)
    on_time_n = case((histogram.c.b < SLA_BIN, histogram.c.n), else_=0)
    open_n = case((histogram.c.b.is_(None), histogram.c.n), else_=0)
    totals = select(
        literal("totals").label("kind"),
        histogram.c.m,
        cast(literal(None), Integer).label("b"),
        cast(func.sum(assigned_n), BigInteger).label("n"),
        cast(func.sum(on_time_n), BigInteger).label("rank_in_bin"),
        cast(func.sum(open_n), BigInteger).label("total"),
    ).group_by(histogram.c.m)
    not_yet_due = (
        select(
            literal("recent").label("kind"),
            Q.arrive_month,
            cast(literal(None), Integer).label("b"),
            cast(func.count(), BigInteger).label("n"),
            cast(literal(0), BigInteger).label("rank_in_bin"),
            cast(literal(0), BigInteger).label("total"),
        )
        .where(
            # The one month that is partly due: equality on ix_cif_routing's first two
            # columns (a range on arrived_at alone would tempt SQLite into a whole walk).
            Q.arrive_month == due_month,
            Q.hours_bin.is_(None),
            Q.arrived_at >= overdue_before,
            *conditions,
        )
        .group_by(Q.arrive_month)
    )
    assigned = (
        select(histogram.c.m, histogram.c.b, histogram.c.n)
        .where(histogram.c.b.isnot(None))
        .subquery()
    )
    statement: CompoundSelect[Any] = union_all(
        totals,
        not_yet_due,
        *_rank_bins(assigned, ("m",), [("p50", 1, 2), ("p90", 9, 10)], "w"),
    )
    counts: dict[str, list[int]] = {}
    recent: dict[str, int] = {}
    ranks: list[RankBin] = []
    for kind, month, number, count, inside, total in session.execute(statement):
        if kind == "totals":
            counts[month] = [int(count or 0), int(inside or 0), int(total or 0)]
        elif kind == "recent":
            recent[month] = int(count)
        else:
            ranks.append(
                RankBin(f"{kind}|{month}", int(number), int(count), int(inside), int(total))
            )
    months = [
        (month, assigned_count, on_time, _overdue(month, due_month, still_open, recent))
        for month, (assigned_count, on_time, still_open) in sorted(counts.items())
    ]
    return months, ranks


def _overdue(month: str, due_month: str, still_open: int, recent: dict[str, int]) -> int:
    """Open inquiries of ``month`` past the SLA: all of them before the month the SLA
    boundary falls in, none after it, and in it those that arrived before the boundary."""
    if month < due_month:
        return still_open
    if month > due_month:
        return 0
    return still_open - recent.get(month, 0)


def close_rate_rows(
    session: Session, chart_filter: ChartFilter
) -> list[tuple[str, str, str, str | None, int]]:
    """(month the inquiry arrived, state, pool, awarded pool, records) for decided records."""
    decided = sorted(s.value for s in DECIDED_STATES)

    def monthly(span: MonthSpan) -> Part:
        return (
            select(
                RM.arrive_month.label("m"),
                RM.state.label("state"),
                RM.pool.label("pool"),
                RM.awarded_pool.label("awarded_pool"),
                func.sum(RM.records).label("n"),
            )
            .where(
                RM.state.in_(decided),
                *_month_conditions(RM, span, chart_filter, "region", "vertical", "pool"),
            )
            .group_by(RM.arrive_month, RM.state, RM.awarded_pool, RM.pool)
        )

    def per_record(part: ChartFilter, in_month: ColumnElement[bool] | None) -> Part:
        return (
            select(
                R.arrive_month.label("m"),
                R.state.label("state"),
                R.pool.label("pool"),
                R.awarded_pool.label("awarded_pool"),
                func.count().label("n"),
            )
            .where(R.state.in_(decided), *record_conditions(part), *_and(in_month))
            .group_by(R.arrive_month, R.state, R.awarded_pool, R.pool)
        )

    statement = _summed(
        chart_filter,
        monthly,
        per_record,
        R.arrive_month,
        months_serve=chart_filter.partner_id is None,
        keys=("m", "state", "pool", "awarded_pool"),
        sums=("n",),
    )
    return [(m, s, p, a, int(n)) for m, s, p, a, n in session.execute(statement) if m is not None]


def partner_choices(session: Session) -> list[PartnerChoice]:
    rows = session.execute(select(PartnerRow.id, PartnerRow.name).order_by(PartnerRow.name))
    return [PartnerChoice(int(i), str(n)) for i, n in rows]


def partner_name(session: Session, partner_id: int) -> str | None:
    return session.execute(
        select(PartnerRow.name).where(PartnerRow.id == partner_id)
    ).scalar_one_or_none()
