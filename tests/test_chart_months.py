"""The charts read monthly aggregates for whole months and the projections for the rest: their
numbers must equal a plain query over the raw tables, under every kind of filter, after
edits, moves between months and deletions, and after the aggregates are compacted."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import case, delete, func, select, text, update

from cloudroute_desk.db import chart_months
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.tables import AceRecordRow, InquiryRow
from cloudroute_desk.demo.generator import generate_demo
from cloudroute_desk.domain.catalog import (
    DECIDED_STATES,
    ROUTING_SLA_HOURS,
    Pool,
    RecordState,
    Region,
    Vertical,
)
from cloudroute_desk.domain.chart_data import ChartFilter, nearest_rank, split_by_month
from cloudroute_desk.domain.routing.stats import Outcome, record_outcome
from cloudroute_desk.services import charts

NOW = datetime(2026, 11, 20, 15, 30)


@dataclass(frozen=True)
class Raw:
    """One ACE record with its inquiry, straight from the source tables."""

    state: str
    pool: str
    awarded_pool: str | None
    requested: int
    awarded: int
    submitted_at: datetime | None
    days: float | None
    partner_id: int
    region: str
    vertical: str
    arrived_at: datetime


@dataclass(frozen=True)
class RawInquiry:
    region: str
    vertical: str
    arrived_at: datetime
    assigned_at: datetime | None
    partner_id: int | None


def _time(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _raw(database: Database) -> tuple[list[Raw], list[RawInquiry]]:
    with database.reading() as session:
        records = session.execute(
            text(
                "SELECT r.state, r.pool, r.awarded_pool, r.amount_requested_usd,"
                " COALESCE(r.amount_awarded_usd, 0), r.submitted_at, r.days_to_credit,"
                " r.partner_id, i.region, i.vertical, i.arrived_at"
                " FROM ace_records r JOIN inquiries i ON i.id = r.inquiry_id"
            )
        ).all()
        inquiries = session.execute(
            text("SELECT region, vertical, arrived_at, assigned_at, partner_id FROM inquiries")
        ).all()
    return (
        [
            Raw(s, p, a, int(rq), int(aw), _time(sub), d, int(pt), rg, v, _time(at))
            for s, p, a, rq, aw, sub, d, pt, rg, v, at in records
        ],
        [RawInquiry(rg, v, _time(at), _time(asg), pt) for rg, v, at, asg, pt in inquiries],
    )


def _admits(f: ChartFilter, arrived: datetime, region: str, vertical: str) -> bool:
    return (
        (f.arrived_from is None or arrived >= f.arrived_from)
        and (f.arrived_to is None or arrived < f.arrived_to)
        and (f.region is None or region == f.region.value)
        and (f.vertical is None or vertical == f.vertical.value)
    )


def _records(raw: Iterable[Raw], f: ChartFilter) -> list[Raw]:
    return [
        r
        for r in raw
        if _admits(f, r.arrived_at, r.region, r.vertical)
        and (f.pool is None or r.pool == f.pool.value)
        and (f.partner_id is None or r.partner_id == f.partner_id)
    ]


def _exact(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[nearest_rank(p, len(ordered)) - 1]


def _check_pipeline(database: Database, raw: list[Raw], f: ChartFilter) -> None:
    expected: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in _records(raw, f):
        cell = expected[(r.state, r.pool)]
        cell[0] += 1
        cell[1] += r.requested
        cell[2] += r.awarded
    got = {
        (c.state.value, c.pool.value): [c.records, c.requested_usd, c.awarded_usd]
        for c in charts.pipeline(database, f).cells
    }
    assert got == dict(expected), f


def _check_close_rate(database: Database, raw: list[Raw], f: ChartFilter) -> None:
    decided = {s.value for s in DECIDED_STATES}
    expected: dict[str, Counter[Outcome]] = defaultdict(Counter)
    for r in _records(raw, f):
        if r.state not in decided:
            continue
        awarded = Pool(r.awarded_pool) if r.awarded_pool else None
        outcome = record_outcome(RecordState(r.state), Pool(r.pool), awarded)
        if outcome is not None:
            expected[r.arrived_at.strftime("%Y-%m")][outcome] += 1
    got = {
        m.month: (m.approved, m.downgraded, m.rejected)
        for m in charts.close_rate(database, f).months
    }
    want = {
        month: (c[Outcome.APPROVED], c[Outcome.DOWNGRADED], c[Outcome.REJECTED])
        for month, c in expected.items()
    }
    assert got == want, f


def _check_days(database: Database, raw: list[Raw], f: ChartFilter) -> None:
    credited = [r for r in _records(raw, f) if r.days is not None]
    data = charts.days_to_credit(database, f)
    by_pool: dict[str, list[float]] = defaultdict(list)
    by_month: dict[tuple[str, str], list[float]] = defaultdict(list)
    for r in credited:
        assert r.days is not None and r.submitted_at is not None
        by_pool[r.pool].append(r.days)
        by_month[(r.pool, r.submitted_at.strftime("%Y-%m"))].append(r.days)
    assert {p.pool.value for p in data.pools} == set(by_pool), f
    for pool_days in data.pools:
        values = by_pool[pool_days.pool.value]
        bins = Counter(math.floor(v * 10 + 1e-9) for v in values)
        assert dict(pool_days.bins) == dict(bins), f
        assert pool_days.median == pytest.approx(_exact(values, 0.5))
        assert pool_days.p90 == pytest.approx(_exact(values, 0.9))
    trend = {(t.pool.value, t.month): t for t in data.trend}
    assert set(trend) == set(by_month), f
    for key, values in by_month.items():
        assert trend[key].records == len(values)
        assert abs(trend[key].median - _exact(values, 0.5)) <= 0.1 + 1e-9


def _check_routing(database: Database, inquiries: list[RawInquiry], f: ChartFilter) -> None:
    due = NOW - timedelta(hours=ROUTING_SLA_HOURS)
    months: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"assigned": 0, "on_time": 0, "overdue": 0, "hours": []}
    )
    for q in inquiries:
        if not _admits(f, q.arrived_at, q.region, q.vertical):
            continue
        if f.partner_id is not None and q.partner_id != f.partner_id:
            continue
        month = months[q.arrived_at.strftime("%Y-%m")]
        if q.assigned_at is None:
            month["overdue"] += q.arrived_at < due
            continue
        seconds = int((q.assigned_at - q.arrived_at).total_seconds())
        month["assigned"] += 1
        month["on_time"] += seconds <= ROUTING_SLA_HOURS * 3600
        month["hours"].append(seconds / 3600)
    want = {m: v for m, v in months.items() if v["assigned"] or v["overdue"]}
    got = {m.month: m for m in charts.routing(database, f, NOW).months}
    assert set(got) == set(want), f
    for month, v in want.items():
        row = got[month]
        assert (row.assigned, row.on_time, row.overdue_open) == (
            v["assigned"],
            v["on_time"],
            v["overdue"],
        ), (f, month)
        if v["hours"]:
            assert row.p50_hours is not None and row.p90_hours is not None
            assert abs(row.p50_hours - _exact(v["hours"], 0.5)) <= 0.1 + 1e-9
            assert abs(row.p90_hours - _exact(v["hours"], 0.9)) <= 0.1 + 1e-9


def _filters(raw: list[Raw]) -> list[ChartFilter]:
    busiest = Counter(r.partner_id for r in raw).most_common(1)[0][0]
    latest = max(r.arrived_at for r in raw).date()
    mid = latest - timedelta(days=120)
    span = ChartFilter(date_from=mid.replace(day=11), date_to=latest - timedelta(days=17))
    return [
        ChartFilter(),
        ChartFilter(region=Region.EU),
        ChartFilter(vertical=Vertical.B2B_SAAS),
        ChartFilter(pool=Pool.PORTFOLIO),
        ChartFilter(partner_id=busiest),
        ChartFilter(date_from=mid.replace(day=1)),
        ChartFilter(date_to=mid.replace(day=1) - timedelta(days=1)),
        span,
        ChartFilter(date_from=mid.replace(day=3), date_to=mid.replace(day=19)),
        ChartFilter(date_from=date(2001, 1, 1), date_to=date(2001, 1, 5)),
        replace(span, region=Region.EU),
        replace(span, pool=Pool.FOUNDERS, vertical=Vertical.FINTECH),
        replace(span, partner_id=busiest),
        ChartFilter(pool=Pool.BEDROCK_POC, region=Region.US_EAST),
    ]


def _check_all(database: Database) -> None:
    raw, inquiries = _raw(database)
    for chart_filter in _filters(raw):
        _check_pipeline(database, raw, chart_filter)
        _check_close_rate(database, raw, chart_filter)
        _check_days(database, raw, chart_filter)
        _check_routing(database, inquiries, chart_filter)


_FROM_PROJECTIONS = {
    "chart_record_months": (
        chart_months.RECORD_KEYS,
        "SELECT {k}, count(*), sum(requested_usd), sum(awarded_usd) FROM chart_record_facts",
        "SELECT {k}, sum(records), sum(requested_usd), sum(awarded_usd) FROM chart_record_months",
    ),
    "chart_days_months": (
        chart_months.DAYS_KEYS,
        "SELECT {k}, count(*) FROM chart_record_facts WHERE days_bin IS NOT NULL",
        "SELECT {k}, sum(records) FROM chart_days_months",
    ),
    "chart_routing_months": (
        chart_months.ROUTING_KEYS,
        "SELECT {k}, count(*) FROM chart_inquiry_facts",
        "SELECT {k}, sum(inquiries) FROM chart_routing_months",
    ),
}


def _aggregates_match_projections(database: Database) -> None:
    with database.reading() as session:
        for table, (keys, projected, summed) in _FROM_PROJECTIONS.items():
            want = session.execute(text(f"{projected.format(k=keys)} GROUP BY {keys}")).all()
            got = session.execute(
                text(f"{summed.format(k=keys)} GROUP BY {keys} HAVING sum({_first(table)}) <> 0")
            ).all()
            assert sorted(map(_ints, got), key=str) == sorted(map(_ints, want), key=str), table


def _first(table: str) -> str:
    return "inquiries" if table == "chart_routing_months" else "records"


def _ints(row: Any) -> tuple[Any, ...]:
    return tuple(
        int(v) if hasattr(v, "as_integer_ratio") and not isinstance(v, float) else v for v in row
    )


def _edit(database: Database) -> None:
    """Moves between every key the aggregates carry, through the source tables only."""
    with database.writing() as session:
        records = session.execute(
            select(AceRecordRow.id, AceRecordRow.inquiry_id).order_by(AceRecordRow.id)
        ).all()
        inquiries = session.scalars(select(InquiryRow.id).order_by(InquiryRow.id)).all()
        for number, (record_id, _inquiry) in enumerate(records[:60]):
            values: dict[str, Any] = {"amount_requested_usd": 1_000 + number}
            if number % 3 == 0:
                values["pool"] = Pool.FOUNDERS.value
            if number % 4 == 0:
                values["days_to_credit"] = 3.25 + number
            session.execute(update(AceRecordRow).where(AceRecordRow.id == record_id).values(values))
        for number, inquiry_id in enumerate(inquiries[:40]):
            arrived = datetime(2026, 2, 1 + number % 27, 10)
            assigned = arrived + timedelta(hours=number, minutes=7)
            session.execute(
                update(InquiryRow)
                .where(InquiryRow.id == inquiry_id)
                .values(
                    region=Region.UK.value if number % 2 else Region.EU.value,
                    arrived_at=arrived,
                    assigned_at=case((InquiryRow.assigned_at.is_(None), None), else_=assigned),
                )
            )
        session.execute(delete(InquiryRow).where(InquiryRow.id.in_(inquiries[50:60])))
        session.execute(
            delete(AceRecordRow).where(AceRecordRow.id.in_([r for r, _ in records[70:80]]))
        )


@pytest.fixture
def demo(database: Database) -> Database:
    generate_demo(database, inquiries=900, partners=25, seed=5, now=NOW)
    return database


def test_month_split_covers_each_day_once() -> None:
    start = date(2025, 12, 20)
    for first_offset in range(0, 80, 7):
        for length in (-3, 0, 1, 11, 25, 40, 75):
            f = ChartFilter(
                date_from=start + timedelta(days=first_offset),
                date_to=start + timedelta(days=first_offset + length),
            )
            span, edges = split_by_month(f)
            for edge in edges:
                assert edge.date_from is not None and edge.arrived_to is not None
                if edge.date_to is not None and edge.date_to < edge.date_from:
                    continue  # an empty range: nothing to place
                last_day = edge.arrived_to - timedelta(days=1)
                assert (edge.date_from.year, edge.date_from.month) == (
                    last_day.year,
                    last_day.month,
                ), edge
            day = start - timedelta(days=5)
            while day < start + timedelta(days=170):
                moment = datetime.combine(day, datetime.min.time())
                in_months = span is not None and (
                    (span.first is None or day.strftime("%Y-%m") >= span.first)
                    and (span.last is None or day.strftime("%Y-%m") <= span.last)
                )
                in_edges = sum(_admits(e, moment, "x", "y") for e in edges)
                assert in_months + in_edges == _admits(f, moment, "x", "y"), (f, day)
                day += timedelta(days=1)


def test_charts_equal_a_plain_query_over_the_raw_tables(demo: Database) -> None:
    _aggregates_match_projections(demo)
    _check_all(demo)


def test_edits_moves_and_deletes_reach_the_aggregates(demo: Database) -> None:
    _edit(demo)
    _aggregates_match_projections(demo)
    _check_all(demo)


def test_compaction_keeps_the_sums_and_one_row_per_key(demo: Database) -> None:
    _edit(demo)
    with demo.reading() as session:
        before = session.scalar(select(func.count()).select_from(text("chart_record_months")))
    with demo.writing() as session:
        chart_months.compact(session.connection())
    with demo.reading() as session:
        for table, (keys, _projected, _summed) in _FROM_PROJECTIONS.items():
            duplicated = session.execute(
                text(f"SELECT {keys} FROM {table} GROUP BY {keys} HAVING count(*) > 1")
            ).all()
            assert not duplicated, table
        after = session.scalar(select(func.count()).select_from(text("chart_record_months")))
    assert before is not None and after is not None and after < before
    _aggregates_match_projections(demo)
    _check_all(demo)
