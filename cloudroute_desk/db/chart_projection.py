"""The chart projections as one ``SELECT`` over the source tables (SQLite), for building
``chart_inquiry_facts`` and ``chart_record_facts`` in one pass after a bulk load.

Row for row the same values the per-row triggers of migration 0005 write (a migration is
history and keeps its own copy; ``tests/test_demo_data.py`` proves the two agree).
"""

from __future__ import annotations

RECORD_FACT_COLUMNS = (
    "record_id, inquiry_id, partner_id, pool, awarded_pool, state, region, vertical, arrived_at,"
    " requested_usd, awarded_usd, submit_month, arrive_month, days_to_credit, days_bin"
)
INQUIRY_FACT_COLUMNS = (
    "inquiry_id, partner_id, region, vertical, arrived_at, arrive_month, hours_to_assign, hours_bin"
)


def _month(column: str) -> str:
    return f"strftime('%Y-%m', {column})"


def _seconds_between(later: str, earlier: str) -> str:
    # Whole seconds as integers: julianday() differences carry float noise, enough to drop
    # an exact 10 h into the wrong bin.
    return (
        f"(CAST(strftime('%s', {later}) AS INTEGER) - CAST(strftime('%s', {earlier}) AS INTEGER))"
    )


def sqlite_record_fact_select() -> str:
    # Bins: floor(x * 10); the epsilon keeps exact tenths (14.3 days) out of the bin below.
    return (
        "SELECT r.id, r.inquiry_id, r.partner_id, r.pool, r.awarded_pool, r.state,"
        " i.region, i.vertical, i.arrived_at, r.amount_requested_usd,"
        f" COALESCE(r.amount_awarded_usd, 0), {_month('r.submitted_at')},"
        f" {_month('i.arrived_at')}, r.days_to_credit,"
        " CAST(r.days_to_credit * 10 + 1e-9 AS INTEGER)"
        " FROM ace_records r JOIN inquiries i ON i.id = r.inquiry_id"
    )


def sqlite_inquiry_fact_select() -> str:
    elapsed = _seconds_between("q.assigned_at", "q.arrived_at")
    # Hour bins are 6-minute steps closed on the right, (k/10, (k+1)/10] hours, so that bins
    # below 240 are exactly "assigned within 24 h" (the SLA includes its last second).
    return (
        "SELECT q.id, q.partner_id, q.region, q.vertical, q.arrived_at,"
        f" {_month('q.arrived_at')}, {elapsed} / 3600.0,"
        f" CASE WHEN {elapsed} IS NULL THEN NULL WHEN {elapsed} > 0"
        f" THEN ({elapsed} - 1) / 360 ELSE 0 END"
        " FROM inquiries q"
    )
