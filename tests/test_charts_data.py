"""Chart aggregates against values computed by hand, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from cloudroute_desk.db.chart_tables import ChartInquiryFactRow, ChartRecordFactRow
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.tables import AceRecordRow, InquiryRow
from cloudroute_desk.domain.catalog import InquiryStatus, Pool, RecordState, Region, Vertical
from cloudroute_desk.domain.chart_data import (
    ChartFilter,
    PoolDays,
    QueueFilterRequest,
    RankBin,
    locate_rank,
    nearest_rank,
    to_filter_request,
)
from cloudroute_desk.services import charts
from tests.factories import add_inquiry, add_partner, add_record

NOW = datetime(2026, 8, 1, 0, 0)


@dataclass(frozen=True)
class Sample:
    p1: int
    p2: int
    i1: int
    i2: int
    i3: int
    i4: int
    records: dict[str, int]


def _record(
    database: Database,
    inquiry: int,
    partner: int,
    pool: Pool,
    state: RecordState,
    requested: int,
    awarded: int | None,
    submitted: datetime | None,
    days: float | None = None,
    decided: datetime | None = None,
    awarded_pool: Pool | None = None,
) -> int:
    credited = submitted + timedelta(days=days) if submitted and days is not None else None
    return add_record(
        database,
        inquiry,
        partner,
        pool=pool,
        state=state,
        amount_requested_usd=requested,
        amount_awarded_usd=awarded,
        awarded_pool=awarded_pool,
        created_at=datetime(2026, 6, 1),
        submitted_at=submitted,
        credited_at=credited,
        decided_at=decided if decided is not None else credited,
    )


def build_sample(database: Database) -> Sample:
    p1 = add_partner(database, name="Alpha Cloud")
    p2 = add_partner(database, name="Beta Builders")
    i1 = add_inquiry(
        database,
        region=Region.US_EAST,
        vertical=Vertical.B2B_SAAS,
        arrived_at=datetime(2026, 6, 1, 9),
        status=InquiryStatus.ASSIGNED,
        partner_id=p1,
        assigned_at=datetime(2026, 6, 1, 19),
    )
    i2 = add_inquiry(
        database,
        region=Region.UK,
        vertical=Vertical.FINTECH,
        arrived_at=datetime(2026, 6, 10, 9),
        status=InquiryStatus.ASSIGNED,
        partner_id=p2,
        assigned_at=datetime(2026, 6, 11, 15),
    )
    i3 = add_inquiry(
        database,
        region=Region.US_EAST,
        vertical=Vertical.FINTECH,
        arrived_at=datetime(2026, 7, 5, 9),
    )
    i4 = add_inquiry(
        database,
        region=Region.US_EAST,
        vertical=Vertical.B2B_SAAS,
        arrived_at=datetime(2026, 7, 31, 12),
    )
    jun3, jun12, jul1 = datetime(2026, 6, 3), datetime(2026, 6, 12), datetime(2026, 7, 1)
    records = {
        "r1": _record(
            database, i1, p1, Pool.PORTFOLIO, RecordState.APPROVED, 100_000, 100_000, jun3, 14.0
        ),
        "r2": _record(
            database, i1, p1, Pool.BEDROCK_POC, RecordState.CLOSED, 50_000, 40_000, jun3, 20.5
        ),
        "r3": _record(
            database,
            i2,
            p2,
            Pool.PORTFOLIO,
            RecordState.DOWNGRADED,
            100_000,
            25_000,
            jun12,
            16.0,
            awarded_pool=Pool.FOUNDERS,
        ),
        "r4": _record(
            database,
            i2,
            p2,
            Pool.FOUNDERS,
            RecordState.REJECTED,
            25_000,
            None,
            jun12,
            decided=datetime(2026, 6, 20),
        ),
        "r5": _record(
            database,
            i3,
            p1,
            Pool.PORTFOLIO,
            RecordState.SUBMITTED,
            80_000,
            None,
            datetime(2026, 7, 6),
        ),
        "r6": _record(database, i3, p1, Pool.FOUNDERS, RecordState.IDENTIFIED, 20_000, None, None),
        "r7": _record(
            database, i1, p1, Pool.PORTFOLIO, RecordState.LAUNCHED, 60_000, 60_000, jul1, 12.0
        ),
    }
    return Sample(p1, p2, i1, i2, i3, i4, records)


def test_pipeline_counts_and_dollars(database: Database) -> None:
    build_sample(database)
    data = charts.pipeline(database, ChartFilter())
    expected = {
        (RecordState.APPROVED, Pool.PORTFOLIO): (1, 100_000, 100_000),
        (RecordState.CLOSED, Pool.BEDROCK_POC): (1, 50_000, 40_000),
        (RecordState.DOWNGRADED, Pool.PORTFOLIO): (1, 100_000, 25_000),
        (RecordState.REJECTED, Pool.FOUNDERS): (1, 25_000, 0),
        (RecordState.SUBMITTED, Pool.PORTFOLIO): (1, 80_000, 0),
        (RecordState.IDENTIFIED, Pool.FOUNDERS): (1, 20_000, 0),
        (RecordState.LAUNCHED, Pool.PORTFOLIO): (1, 60_000, 60_000),
    }
    got = {(c.state, c.pool): (c.records, c.requested_usd, c.awarded_usd) for c in data.cells}
    assert got == expected
    assert data.pools == (Pool.FOUNDERS, Pool.PORTFOLIO, Pool.BEDROCK_POC)
    funnel = [(step.label, step.records) for step in data.funnel()]
    assert funnel == [
        ("Filed", 7),
        ("Submitted", 6),
        ("Decided", 5),
        ("Credited", 4),
        ("Launched", 2),
        ("Closed", 1),
    ]
    assert data.funnel()[2].conversion == pytest.approx(5 / 6)


def test_pipeline_filters(database: Database) -> None:
    sample = build_sample(database)
    uk = charts.pipeline(database, ChartFilter(region=Region.UK))
    assert {(c.state, c.pool) for c in uk.cells} == {
        (RecordState.DOWNGRADED, Pool.PORTFOLIO),
        (RecordState.REJECTED, Pool.FOUNDERS),
    }
    july = charts.pipeline(database, ChartFilter(date_from=date(2026, 7, 1)))
    assert july.total_records == 2  # r5 and r6, on the inquiry that arrived 5 July
    june_only = charts.pipeline(
        database, ChartFilter(date_from=date(2026, 6, 1), date_to=date(2026, 6, 1))
    )
    assert june_only.total_records == 3  # i1's records: the end date is inclusive
    portfolio_p1 = charts.pipeline(database, ChartFilter(pool=Pool.PORTFOLIO, partner_id=sample.p1))
    assert portfolio_p1.total_records == 3
    fintech = charts.pipeline(database, ChartFilter(vertical=Vertical.FINTECH))
    assert fintech.total_records == 4


def test_days_to_credit_percentiles_and_trend(database: Database) -> None:
    build_sample(database)
    data = charts.days_to_credit(database, ChartFilter())
    assert [p.pool for p in data.pools] == [Pool.PORTFOLIO, Pool.BEDROCK_POC]
    portfolio = data.for_pool(Pool.PORTFOLIO)
    assert portfolio is not None
    assert portfolio.records == 3
    assert portfolio.median == pytest.approx(14.0)  # 12, 14, 16: rank ceil(1.5) = 2
    assert portfolio.p90 == pytest.approx(16.0)  # rank ceil(2.7) = 3
    assert portfolio.day_histogram() == ((12, 1), (14, 1), (16, 1))
    assert portfolio.band == (11, 18)
    assert portfolio.share_in_band == pytest.approx(1.0)
    bedrock = data.for_pool(Pool.BEDROCK_POC)
    assert bedrock is not None and bedrock.median == pytest.approx(20.5)
    trend = {(p.pool, p.month): (p.records, p.median) for p in data.trend}
    # June: 14.0 and 16.0, rank 1 sits in the [14.0, 14.1) bin, read at its middle.
    assert trend[(Pool.PORTFOLIO, "2026-06")] == (2, pytest.approx(14.05))
    assert trend[(Pool.PORTFOLIO, "2026-07")] == (1, pytest.approx(12.05))
    assert trend[(Pool.BEDROCK_POC, "2026-06")] == (1, pytest.approx(20.55))
    uk = charts.days_to_credit(database, ChartFilter(region=Region.UK))
    assert [(p.pool, p.median) for p in uk.pools] == [(Pool.PORTFOLIO, pytest.approx(16.0))]


def test_routing_turnaround(database: Database) -> None:
    build_sample(database)
    data = charts.routing(database, ChartFilter(), now=NOW)
    june, july = data.months
    assert (june.month, june.assigned, june.on_time, june.overdue_open) == ("2026-06", 2, 1, 0)
    # 10 h and 30 h: hour bins are closed on the right, (9.9, 10.0] and (29.9, 30.0].
    assert june.p50_hours == pytest.approx(9.95)
    assert june.p90_hours == pytest.approx(29.95)
    assert june.share_on_time == pytest.approx(0.5)
    # i3 is open past its deadline (late); i4 arrived 12 h before "now" (not yet measured).
    assert (july.month, july.assigned, july.overdue_open, july.late) == ("2026-07", 0, 1, 1)
    assert july.p50_hours is None
    assert data.share_on_time == pytest.approx(1 / 3)
    uk = charts.routing(database, ChartFilter(region=Region.UK), now=NOW)
    assert [(m.month, m.assigned, m.on_time) for m in uk.months] == [("2026-06", 1, 0)]


def test_close_rate_per_arrival_month(database: Database) -> None:
    sample = build_sample(database)
    everyone = charts.close_rate(database, ChartFilter())
    assert everyone.partner_name == charts.ALL_PARTNERS
    got = {m.month: (m.approved, m.downgraded, m.rejected, m.rate) for m in everyone.months}
    # June's inquiries (i1, i2) hold every decided record: r1, r2, r7 approved (launched and
    # closed count as approved), r3 downgraded (half), r4 rejected. July's are undecided.
    assert got == {"2026-06": (3, 1, 1, pytest.approx(3.5 / 5))}
    beta = charts.close_rate(database, ChartFilter(partner_id=sample.p2))
    assert beta.partner_name == "Beta Builders"
    assert [(m.month, m.decided, m.rate) for m in beta.months] == [
        ("2026-06", 2, pytest.approx(0.25))
    ]
    alpha = charts.close_rate(database, ChartFilter(partner_id=sample.p1, pool=Pool.PORTFOLIO))
    assert [(m.month, m.decided, m.rate) for m in alpha.months] == [
        ("2026-06", 2, pytest.approx(1.0))
    ]


def test_projections_follow_updates_and_deletes(database: Database) -> None:
    sample = build_sample(database)
    r5 = sample.records["r5"]
    with database.writing() as session:
        session.execute(update(AceRecordRow).where(AceRecordRow.id == r5).values(state="validated"))
    with database.writing() as session:
        session.execute(
            update(AceRecordRow)
            .where(AceRecordRow.id == r5)
            .values(
                state="approved",
                amount_awarded_usd=80_000,
                credited_at=datetime(2026, 7, 20),
                decided_at=datetime(2026, 7, 20),
                days_to_credit=14.0,
            )
        )
        session.execute(
            update(InquiryRow).where(InquiryRow.id == sample.i3).values(region=Region.UK.value)
        )
        session.execute(
            update(InquiryRow)
            .where(InquiryRow.id == sample.i4)
            .values(status="assigned", partner_id=sample.p1, assigned_at=datetime(2026, 7, 31, 18))
        )
    uk = charts.pipeline(database, ChartFilter(region=Region.UK))
    assert uk.cell(RecordState.APPROVED, Pool.PORTFOLIO).awarded_usd == 80_000
    with database.reading() as session:
        fact = session.get(ChartRecordFactRow, r5)
        assert fact is not None
        assert (fact.days_bin, fact.arrive_month, fact.region) == (140, "2026-07", "UK")
        inquiry_fact = session.get(ChartInquiryFactRow, sample.i4)
        assert inquiry_fact is not None
        assert inquiry_fact.hours_to_assign == pytest.approx(6.0)
        assert inquiry_fact.hours_bin == 59
    with database.writing() as session:
        session.execute(delete(InquiryRow).where(InquiryRow.id == sample.i3))
    with database.reading() as session:
        left = session.execute(select(ChartRecordFactRow.record_id)).scalars().all()
        assert sorted(left) == sorted(v for k, v in sample.records.items() if k not in ("r5", "r6"))
        assert session.get(ChartInquiryFactRow, sample.i3) is None


def test_partner_choices(database: Database) -> None:
    sample = build_sample(database)
    choices = charts.partner_choices(database)
    assert [(c.partner_id, c.name) for c in choices] == [
        (sample.p1, "Alpha Cloud"),
        (sample.p2, "Beta Builders"),
    ]


def test_click_request_maps_onto_the_queue_filter() -> None:
    request = QueueFilterRequest(
        pools=frozenset({Pool.PORTFOLIO}),
        record_states=frozenset({RecordState.APPROVED}),
        arrived_from=datetime(2026, 6, 1),
        arrived_to=datetime(2026, 7, 1),
        days_min=14.0,
        days_max=15.0,
        partner_id=3,
        regions=frozenset({Region.UK}),
        description="Activate Portfolio · credited in 14–15 days",
    )
    queue_request = to_filter_request(request)
    wanted = queue_request.filter
    assert wanted.record_pools == {Pool.PORTFOLIO}
    assert wanted.record_states == {RecordState.APPROVED}
    assert wanted.record_days == (14.0, 15.0)
    assert (wanted.arrived_from, wanted.arrived_to) == (datetime(2026, 6, 1), datetime(2026, 7, 1))
    assert (wanted.partner_id, wanted.regions) == (3, {Region.UK})
    assert queue_request.description == request.description
    assert to_filter_request(QueueFilterRequest()).filter.is_unfiltered


def test_percentile_helpers_and_band_share() -> None:
    assert [nearest_rank(0.5, n) for n in (1, 2, 3, 4, 10)] == [1, 1, 2, 2, 5]
    assert [nearest_rank(0.9, n) for n in (1, 3, 10, 11)] == [1, 3, 9, 10]
    bins = ((100, 2), (101, 1), (130, 1))  # 10.0-10.1 twice, 10.1-10.2 once, 13.0-13.1 once
    assert locate_rank(bins, 3) == (101, 1)
    assert RankBin("g", 100, 2, 2, 4).value(10) == pytest.approx(10.075)  # 2nd of 2 in 10.0-10.1
    assert RankBin("g", 130, 1, 1, 4).value(10) == pytest.approx(13.05)
    founders = PoolDays(Pool.FOUNDERS, ((49, 1), (50, 1), (80, 1), (81, 1)), None, None)
    assert founders.band == (5, 8)
    assert founders.share_in_band == pytest.approx(0.5)  # 5.0 and 8.0 in; 4.9 and 8.1 out
    assert founders.day_histogram() == ((4, 1), (5, 1), (8, 2))


def test_routing_sla_includes_its_last_second(database: Database) -> None:
    partner = add_partner(database)
    arrived = datetime(2026, 5, 4, 8, 0, 0)
    for delay in (timedelta(hours=24), timedelta(hours=24, seconds=1), timedelta(seconds=0)):
        add_inquiry(
            database,
            arrived_at=arrived,
            status=InquiryStatus.ASSIGNED,
            partner_id=partner,
            assigned_at=arrived + delay,
        )
    [may] = charts.routing(database, ChartFilter(), now=NOW).months
    assert (may.assigned, may.on_time, may.late) == (3, 2, 1)
