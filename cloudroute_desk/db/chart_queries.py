"""Every aggregate the charts read, as SQL over the chart projections (``chart_tables.py``).

Each query groups in the order of one covering index, so both SQLite and PostgreSQL aggregate
by walking that index instead of sorting a million rows. Results are small (a few hundred to a
few thousand groups); the services turn them into chart values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from cloudroute_desk.db.chart_tables import ChartInquiryFactRow, ChartRecordFactRow
from cloudroute_desk.db.tables import PartnerRow
from cloudroute_desk.domain.catalog import DECIDED_STATES, ROUTING_SLA_HOURS
from cloudroute_desk.domain.chart_data import ChartFilter, PartnerChoice

R = ChartRecordFactRow
Q = ChartInquiryFactRow


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


def pipeline_rows(
    session: Session, chart_filter: ChartFilter
) -> list[tuple[str, str, int, int, int]]:
    """(state, pool, records, dollars requested, dollars awarded) per state and pool."""
    statement = (
        select(
            R.state,
            R.pool,
            func.count(),
            func.coalesce(func.sum(R.requested_usd), 0),
            func.coalesce(func.sum(R.awarded_usd), 0),
        )
        .where(*record_conditions(chart_filter))
        .group_by(R.state, R.pool)
    )
    return [(s, p, int(n), int(req), int(awd)) for s, p, n, req, awd in session.execute(statement)]


def days_histogram_rows(
    session: Session, chart_filter: ChartFilter
) -> list[tuple[str, str, int, int]]:
    """(pool, month submitted, floor(days_to_credit * 10), records) for credited records."""
    statement = (
        select(R.pool, R.submit_month, R.days_bin, func.count())
        .where(R.days_bin.isnot(None), *record_conditions(chart_filter))
        .group_by(R.pool, R.submit_month, R.days_bin)
    )
    return [
        (p, m or "", int(b), int(n)) for p, m, b, n in session.execute(statement) if b is not None
    ]


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
) -> list[tuple[str, int | None, int, int, int]]:
    """(month arrived, floor(hours to assign * 10) or None, inquiries, on time, overdue open).

    ``overdue open`` counts unassigned inquiries that arrived before ``overdue_before``.
    """
    on_time = func.sum(case((Q.hours_to_assign <= ROUTING_SLA_HOURS, 1), else_=0))
    overdue = func.sum(
        case((and_(Q.hours_bin.is_(None), Q.arrived_at < overdue_before), 1), else_=0)
    )
    statement = (
        select(Q.arrive_month, Q.hours_bin, func.count(), on_time, overdue)
        .where(*inquiry_conditions(chart_filter))
        .group_by(Q.arrive_month, Q.hours_bin)
    )
    return [
        (m, None if b is None else int(b), int(n), int(t or 0), int(o or 0))
        for m, b, n, t, o in session.execute(statement)
    ]


def close_rate_rows(
    session: Session, chart_filter: ChartFilter
) -> list[tuple[str, str, str, str | None, int]]:
    """(month the inquiry arrived, state, pool, awarded pool, records) for decided records."""
    statement = (
        select(R.arrive_month, R.state, R.pool, R.awarded_pool, func.count())
        .where(
            R.state.in_(sorted(s.value for s in DECIDED_STATES)),
            *record_conditions(chart_filter),
        )
        .group_by(R.arrive_month, R.state, R.awarded_pool, R.pool)
    )
    return [(m, s, p, a, int(n)) for m, s, p, a, n in session.execute(statement) if m is not None]


def partner_choices(session: Session) -> list[PartnerChoice]:
    rows = session.execute(select(PartnerRow.id, PartnerRow.name).order_by(PartnerRow.name))
    return [PartnerChoice(int(i), str(n)) for i, n in rows]


def partner_name(session: Session, partner_id: int) -> str | None:
    return session.execute(
        select(PartnerRow.name).where(PartnerRow.id == partner_id)
    ).scalar_one_or_none()
