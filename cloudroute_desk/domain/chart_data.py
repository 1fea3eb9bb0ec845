"""What the charts show: the shared filter, the series values, and the queue request a click
on a bar sends. Pure values; the SQL that fills them lives in ``db/chart_queries.py``.

Percentiles use the nearest-rank definition: the p-th percentile of n sorted values is the
value at rank ceil(p * n) (1-based), so a median is always one of the observed values. The
per-pool median and p90 are exact (the database returns the value at that rank); monthly
trends are read from 0.1-day or 0.1-hour histograms, interpolating inside the bin that holds
the rank, so they are within one bin width (2.4 hours, 6 minutes) of the exact value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from cloudroute_desk.domain.catalog import (
    AWARDED_STATES,
    DECIDED_STATES,
    POOLS,
    ROUTING_SLA_HOURS,
    InquiryStatus,
    Pool,
    RecordState,
    Region,
    Vertical,
)
from cloudroute_desk.domain.queue_filter import FilterRequest, QueueFilter

PIPELINE_STATES: tuple[RecordState, ...] = (
    RecordState.IDENTIFIED,
    RecordState.SUBMITTED,
    RecordState.VALIDATED,
    RecordState.APPROVED,
    RecordState.LAUNCHED,
    RecordState.CLOSED,
    RecordState.REJECTED,
    RecordState.DOWNGRADED,
)
"""Left-to-right order of the pipeline chart: the main path, then the two other outcomes."""

CHART_POOLS: tuple[Pool, ...] = tuple(Pool)
"""Stacking order of pools in every chart (the catalog's order)."""


# --- the shared filter ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChartFilter:
    """Filters every chart shares. The dates bound the inquiry's arrival, both inclusive.

    ``pool`` applies to ACE records; the routing chart ignores it (routing happens before
    any record is filed). ``partner_id`` is the record's partner for record charts and the
    assigned partner for routing.
    """

    date_from: date | None = None
    date_to: date | None = None
    region: Region | None = None
    vertical: Vertical | None = None
    pool: Pool | None = None
    partner_id: int | None = None

    @property
    def arrived_from(self) -> datetime | None:
        """Inclusive lower bound on ``arrived_at``."""
        return datetime.combine(self.date_from, time()) if self.date_from else None

    @property
    def arrived_to(self) -> datetime | None:
        """Exclusive upper bound on ``arrived_at`` (the day after ``date_to``)."""
        if self.date_to is None:
            return None
        return datetime.combine(self.date_to + timedelta(days=1), time())


# --- the request a chart click sends to the queue ------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueFilterRequest:
    """The inquiries behind one bar or bin. Empty sets and None mean "any".

    Record-level fields (``pools``, ``record_states``, ``days_min``/``days_max``) describe one
    ACE record that the inquiry must have: all of them hold for the same record. Ranges are
    half-open: ``[arrived_from, arrived_to)``, ``[days_min, days_max)``. ``partner_id`` is the
    record's partner for record charts and the assigned partner for the routing chart.
    """

    statuses: frozenset[InquiryStatus] = frozenset()
    pools: frozenset[Pool] = frozenset()
    record_states: frozenset[RecordState] = frozenset()
    arrived_from: datetime | None = None
    arrived_to: datetime | None = None
    days_min: float | None = None
    days_max: float | None = None
    review: tuple[str, str | None] | None = None
    """(ReviewStatus, ReviewStatusReason) Partner Central reported for the record; see
    ``QueueFilter.record_review``."""
    partner_id: int | None = None
    regions: frozenset[Region] = frozenset()
    verticals: frozenset[Vertical] = frozenset()
    description: str = ""
    """One line for the queue's filter banner, e.g. "Portfolio · Submitted"."""


def to_filter_request(request: QueueFilterRequest) -> FilterRequest:
    """The queue's own request for the same inquiries (``QueueFilter`` names differ)."""
    days = (
        (request.days_min, request.days_max)
        if request.days_min is not None and request.days_max is not None
        else None
    )
    return FilterRequest(
        filter=QueueFilter(
            statuses=request.statuses,
            regions=request.regions,
            verticals=request.verticals,
            arrived_from=request.arrived_from,
            arrived_to=request.arrived_to,
            partner_id=request.partner_id,
            record_states=request.record_states,
            record_pools=request.pools,
            record_days=days,
            record_review=request.review,
        ),
        description=request.description,
    )


def request_for(chart_filter: ChartFilter, *, records: bool = True) -> QueueFilterRequest:
    """The part of a click's request that comes from the shared filter."""
    pools = frozenset({chart_filter.pool}) if records and chart_filter.pool else frozenset()
    return QueueFilterRequest(
        pools=pools,
        arrived_from=chart_filter.arrived_from,
        arrived_to=chart_filter.arrived_to,
        partner_id=chart_filter.partner_id,
        regions=frozenset({chart_filter.region}) if chart_filter.region else frozenset(),
        verticals=frozenset({chart_filter.vertical}) if chart_filter.vertical else frozenset(),
    )


def clamp_range(
    low: datetime, high: datetime, outer_low: datetime | None, outer_high: datetime | None
) -> tuple[datetime, datetime]:
    """``[low, high)`` intersected with an optional outer range."""
    if outer_low is not None and outer_low > low:
        low = outer_low
    if outer_high is not None and outer_high < high:
        high = outer_high
    return low, high


# --- months ---------------------------------------------------------------------------------


def month_start(month: str) -> datetime:
    """``"2026-03"`` -> 2026-03-01 00:00."""
    year, number = month.split("-")
    return datetime(int(year), int(number), 1)


def next_month_start(month: str) -> datetime:
    start = month_start(month)
    return datetime(start.year + start.month // 12, start.month % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class MonthSpan:
    """Whole months of arrival, ``"YYYY-MM"``, both inclusive; None = no bound that side."""

    first: str | None = None
    last: str | None = None


def split_by_month(chart_filter: ChartFilter) -> tuple[MonthSpan | None, tuple[ChartFilter, ...]]:
    """The filter's arrival dates as the whole months inside them (read from the monthly
    aggregates) and the filters of the partial months left at either end (read record by
    record), each inside one month, which its ``date_from`` names. Every arrival the filter
    admits falls in exactly one part."""
    start, end = chart_filter.date_from, chart_filter.date_to
    if start is None and end is None:
        return MonthSpan(), ()
    end_after = end + timedelta(days=1) if end is not None else None
    if start is not None and end_after is not None and start >= end_after:
        return None, (chart_filter,)  # nothing arrives in an empty range
    first = start if start is None or start.day == 1 else _next_month(start)
    stop = end_after if end_after is None or end_after.day == 1 else end_after.replace(day=1)
    if first is not None and stop is not None and first > stop:
        return None, (chart_filter,)  # both ends inside one month
    edges = []
    if start is not None and first is not None and start < first:
        edges.append(replace(chart_filter, date_to=first - timedelta(days=1)))
    if end_after is not None and stop is not None and stop < end_after:
        edges.append(replace(chart_filter, date_from=stop))
    if first is not None and first == stop:
        return None, tuple(edges)
    last = (stop - timedelta(days=1)).strftime("%Y-%m") if stop is not None else None
    return MonthSpan(first.strftime("%Y-%m") if first else None, last), tuple(edges)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_label(month: str) -> str:
    """``"2026-03"`` -> ``"Mar 26"``: short enough for 36 ticks at 1280 px."""
    return month_start(month).strftime("%b %y")


# --- percentiles ------------------------------------------------------------------------------


def nearest_rank(p: float, n: int) -> int:
    """The 1-based rank of the p-th percentile of n values (nearest-rank definition)."""
    if n <= 0:
        raise ValueError("no values")
    return min(n, max(1, math.ceil(p * n - 1e-9)))


def locate_rank(bins: Sequence[tuple[int, int]], rank: int) -> tuple[int, int]:
    """The bin holding the ``rank``-th value, and the value's 1-based rank inside it.

    ``bins`` are (bin, count) sorted by bin.
    """
    seen = 0
    for number, count in bins:
        if seen + count >= rank:
            return number, rank - seen
        seen += count
    raise ValueError(f"rank {rank} beyond {seen} values")


@dataclass(frozen=True, slots=True)
class RankBin:
    """Where one group's percentile lies in its histogram, as the database found it."""

    group: str
    bin: int
    count: int
    """Values in the bin."""
    rank_in_bin: int
    """The percentile value's 1-based rank inside the bin."""
    total: int
    """Values in the group."""

    def value(self, per_unit: int) -> float:
        """The value, placed inside its bin as if the bin's values were evenly spread: within
        one bin width (1 / per_unit) of the exact value."""
        return (self.bin + (self.rank_in_bin - 0.5) / self.count) / per_unit


# --- 1. pipeline ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PipelineCell:
    state: RecordState
    pool: Pool
    records: int
    requested_usd: int
    awarded_usd: int


@dataclass(frozen=True, slots=True)
class FunnelStep:
    label: str
    states: frozenset[RecordState]
    """A record counts at this step if its current state is one of these."""
    records: int
    conversion: float | None
    """Share of the previous step's records that reached this one (None for the first)."""


FUNNEL_STAGES: tuple[tuple[str, frozenset[RecordState]], ...] = (
    ("Filed", frozenset(RecordState)),
    ("Submitted", frozenset(RecordState) - {RecordState.IDENTIFIED}),
    ("Decided", DECIDED_STATES),
    ("Credited", AWARDED_STATES),
    ("Launched", frozenset({RecordState.LAUNCHED, RecordState.CLOSED})),
    ("Closed", frozenset({RecordState.CLOSED})),
)
"""Funnel steps, each reached by records whose current state is at or past it. A draft that a
reviewer handed back ("Action Required") counts as not yet submitted; rejected records stop
at "Decided" and downgraded ones count as credited."""


@dataclass(frozen=True, slots=True)
class PipelineData:
    cells: tuple[PipelineCell, ...] = ()

    def cell(self, state: RecordState, pool: Pool) -> PipelineCell:
        for cell in self.cells:
            if cell.state == state and cell.pool == pool:
                return cell
        return PipelineCell(state, pool, 0, 0, 0)

    @property
    def pools(self) -> tuple[Pool, ...]:
        present = {cell.pool for cell in self.cells if cell.records}
        return tuple(pool for pool in CHART_POOLS if pool in present)

    def records_in(self, states: Iterable[RecordState]) -> int:
        wanted = set(states)
        return sum(cell.records for cell in self.cells if cell.state in wanted)

    @property
    def total_records(self) -> int:
        return sum(cell.records for cell in self.cells)

    def funnel(self) -> tuple[FunnelStep, ...]:
        steps: list[FunnelStep] = []
        previous: int | None = None
        for label, states in FUNNEL_STAGES:
            records = self.records_in(states)
            conversion = None if previous is None else (records / previous if previous else 0.0)
            steps.append(FunnelStep(label, states, records, conversion))
            previous = records
        return tuple(steps)


# --- 2. submission-to-credit days -------------------------------------------------------------

DAYS_PER_UNIT = 10
"""Days histograms come from the database in 0.1-day bins."""


@dataclass(frozen=True, slots=True)
class PoolDays:
    pool: Pool
    bins: tuple[tuple[int, int], ...]
    """(floor(days * 10), records) sorted by bin."""
    median: float | None
    p90: float | None

    @property
    def records(self) -> int:
        return sum(count for _bin, count in self.bins)

    @property
    def band(self) -> tuple[int, int] | None:
        return POOLS[self.pool].band_days

    def day_histogram(self) -> tuple[tuple[int, int], ...]:
        """(whole day d, records credited in [d, d + 1) days)."""
        days: dict[int, int] = {}
        for number, count in self.bins:
            day = number // DAYS_PER_UNIT
            days[day] = days.get(day, 0) + count
        return tuple(sorted(days.items()))

    @property
    def share_in_band(self) -> float | None:
        """Share credited within the expected band [low, high] days, to the 0.1-day bin."""
        band = self.band
        if band is None or not self.records:
            return None
        low, high = band[0] * DAYS_PER_UNIT, band[1] * DAYS_PER_UNIT + 1
        inside = sum(count for number, count in self.bins if low <= number < high)
        return inside / self.records


@dataclass(frozen=True, slots=True)
class DaysTrendPoint:
    pool: Pool
    month: str
    """Month of submission, ``YYYY-MM``."""
    records: int
    median: float


@dataclass(frozen=True, slots=True)
class DaysData:
    pools: tuple[PoolDays, ...] = ()
    trend: tuple[DaysTrendPoint, ...] = ()

    def for_pool(self, pool: Pool) -> PoolDays | None:
        return next((p for p in self.pools if p.pool == pool), None)

    def trend_for(self, pool: Pool) -> tuple[DaysTrendPoint, ...]:
        return tuple(point for point in self.trend if point.pool == pool)

    @property
    def months(self) -> tuple[str, ...]:
        return tuple(sorted({point.month for point in self.trend}))


# --- 3. routing turnaround --------------------------------------------------------------------

HOURS_PER_UNIT = 10
"""Routing histograms come from the database in 0.1-hour bins."""


@dataclass(frozen=True, slots=True)
class RoutingMonth:
    month: str
    """Month of arrival, ``YYYY-MM``."""
    assigned: int
    on_time: int
    """Assigned within ``ROUTING_SLA_HOURS`` of arrival."""
    overdue_open: int
    """Still without a partner and already past the SLA: late, with no turnaround yet."""
    p50_hours: float | None
    p90_hours: float | None

    @property
    def late(self) -> int:
        return self.assigned - self.on_time + self.overdue_open

    @property
    def measured(self) -> int:
        """Inquiries whose SLA outcome is known (assigned, or open past the deadline)."""
        return self.assigned + self.overdue_open

    @property
    def share_on_time(self) -> float | None:
        return self.on_time / self.measured if self.measured else None


@dataclass(frozen=True, slots=True)
class RoutingData:
    months: tuple[RoutingMonth, ...] = ()
    sla_hours: int = ROUTING_SLA_HOURS

    @property
    def on_time(self) -> int:
        return sum(m.on_time for m in self.months)

    @property
    def measured(self) -> int:
        return sum(m.measured for m in self.months)

    @property
    def share_on_time(self) -> float | None:
        return self.on_time / self.measured if self.measured else None


# --- 4. close rate ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CloseRateMonth:
    month: str
    """Month the inquiries arrived, ``YYYY-MM``: a cohort, so a click can show exactly its
    inquiries in the queue. Recent cohorts are still being decided; ``decided`` says how many
    records the rate rests on."""
    approved: int
    downgraded: int
    rejected: int
    weighted_approvals: float
    """Approvals plus downgrades at the routing index's downgrade weight."""

    @property
    def decided(self) -> int:
        return self.approved + self.downgraded + self.rejected

    @property
    def rate(self) -> float | None:
        return self.weighted_approvals / self.decided if self.decided else None


@dataclass(frozen=True, slots=True)
class CloseRateData:
    partner_id: int | None
    partner_name: str
    """"All partners" when no partner is selected."""
    months: tuple[CloseRateMonth, ...] = field(default=())

    @property
    def decided(self) -> int:
        return sum(m.decided for m in self.months)

    @property
    def rate(self) -> float | None:
        weighted = sum(m.weighted_approvals for m in self.months)
        return weighted / self.decided if self.decided else None


@dataclass(frozen=True, slots=True)
class PartnerChoice:
    partner_id: int
    name: str
