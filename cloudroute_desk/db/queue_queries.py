"""Queue queries: filter, count, page by key, seek deep, and full-text search.

Every query here sorts by (sort column, id) in one direction, so a page is "the next N rows
after this key" on an index: ``(col, id) > (:v, :id) ORDER BY col, id LIMIT N``. A deep jump
finds the key at row N first by walking only the (col, id) index (``LIMIT 1 OFFSET N`` over
those two columns), then reads the page by key. Search goes through the FTS5 table on SQLite
and the tsvector column on PostgreSQL (migration 0002), never through ``LIKE '%x%'``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    bindparam,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
    true,
    tuple_,
)
from sqlalchemy.orm import Session

from cloudroute_desk.db.review_tables import RecordReviewRow
from cloudroute_desk.db.tables import (
    AceRecordRow,
    AuditEventRow,
    InquiryRow,
    InquirySpendRow,
    PartnerRow,
)
from cloudroute_desk.domain.catalog import WAITING_STATUSES
from cloudroute_desk.domain.entities import SpendLine
from cloudroute_desk.domain.queue_filter import (
    QueueFilter,
    SlaState,
    SortKey,
    sla_arrival_bounds,
)

SortValue = Any
"""The raw sort-column value of a row: datetime, str or int."""

Key = tuple[SortValue, int]
"""A row's position in the order: (sort value, id)."""

QUEUE_COLUMNS = (
    InquiryRow.id,
    InquiryRow.arrived_at,
    InquiryRow.company_name,
    InquiryRow.website,
    InquiryRow.funding_stage,
    InquiryRow.region,
    InquiryRow.vertical,
    InquiryRow.service_profile,
    InquiryRow.engagement_type,
    InquiryRow.pools_wanted,
    InquiryRow.monthly_spend_usd,
    InquiryRow.status,
    InquiryRow.partner_id,
    InquiryRow.assigned_at,
    # The partner's name in the same statement (one round trip): looked up per row returned,
    # by primary key, so it changes neither the plan nor the order.
    select(PartnerRow.name)
    .where(PartnerRow.id == InquiryRow.partner_id)
    .scalar_subquery()
    .label("partner_name"),
)

# A literal 0, not a bound parameter, so the expression matches ix_inquiries_partner_key.
PARTNER_KEY = func.coalesce(InquiryRow.partner_id, literal_column("0", Integer))

_SORT_EXPRESSIONS: dict[SortKey, Any] = {
    SortKey.ARRIVED: InquiryRow.arrived_at,
    SortKey.COMPANY: InquiryRow.company_name,
    SortKey.STAGE: InquiryRow.funding_stage,
    SortKey.REGION: InquiryRow.region,
    SortKey.VERTICAL: InquiryRow.vertical,
    SortKey.PROFILE: InquiryRow.service_profile,
    SortKey.ENGAGEMENT: InquiryRow.engagement_type,
    SortKey.SPEND: InquiryRow.monthly_spend_usd,
    SortKey.STATUS: InquiryRow.status,
    SortKey.PARTNER: PARTNER_KEY,
}


def sort_expression(key: SortKey) -> Any:
    return _SORT_EXPRESSIONS[key]


_SORT_POSITIONS = {
    key: next(i for i, column in enumerate(QUEUE_COLUMNS) if column is expression)
    for key, expression in _SORT_EXPRESSIONS.items()
    if key is not SortKey.PARTNER
}
"""Where each sort column sits in a ``page`` row (by position: a Row's attribute lookup by
name costs ~10 µs, and every row read needs its key)."""
_PARTNER_POSITION = QUEUE_COLUMNS.index(InquiryRow.partner_id)


def sort_value(key: SortKey, row: Any) -> SortValue:
    """The sort value of a row returned by ``page``."""
    if key is SortKey.PARTNER:
        return row[_PARTNER_POSITION] or 0
    return row[_SORT_POSITIONS[key]]


FTS_SCAN_THRESHOLDS = {"sqlite": 2_000, "postgresql": 20_000}
"""Above this many hits, walk the sort index and test membership instead of sorting hits.
SQLite at 1,000,000 rows (first page, 2026-12-02): 598 hits 18 ms sorted against 44 ms
walked, 8,424 hits 80 ms sorted against 15 ms walked; the walk reads about 100 / (hits /
rows) index entries, the sort one table row per hit."""

_fts_hit_estimates: OrderedDict[str, int] = OrderedDict()


def _fts_match(terms: Sequence[str]) -> str:
    # Each term is letters/digits only, so quoting it as an FTS5 string is exact.
    return " ".join(f'"{term}"*' for term in terms)


_HIT_PROBES = {
    "sqlite": "SELECT count(*) FROM "
    "(SELECT 1 FROM inquiry_fts WHERE inquiry_fts MATCH :m LIMIT :cap)",
    "postgresql": "SELECT count(*) FROM (SELECT 1 FROM inquiries "
    "WHERE search_vector @@ to_tsquery('simple', :m) LIMIT :cap) AS hits",
}


def _fts_hits(session: Session, match: str) -> int:
    """Roughly how many rows a search finds, capped; cached because it only picks a plan."""
    dialect = session.get_bind().dialect.name
    cached = _fts_hit_estimates.get(f"{dialect}:{match}")
    if cached is not None:
        return cached
    probe = text(_HIT_PROBES[dialect])
    cap = FTS_SCAN_THRESHOLDS[dialect] + 1
    hits = int(session.execute(probe, {"m": match, "cap": cap}).scalar_one())
    _fts_hit_estimates[f"{dialect}:{match}"] = hits
    while len(_fts_hit_estimates) > 256:
        _fts_hit_estimates.popitem(last=False)
    return hits


def _search_clause(session: Session, terms: Sequence[str]) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "sqlite":
        match = _fts_match(terms)
        hits = text("SELECT rowid FROM inquiry_fts WHERE inquiry_fts MATCH :fts_query")
        subquery = hits.bindparams(fts_query=match).columns(literal_column("rowid", Integer))
        # Many hits: "+id" stops SQLite from driving the query by the hit list (then sorting
        # them all); it walks the sort index instead and stops after one page.
        many = _fts_hits(session, match) > FTS_SCAN_THRESHOLDS["sqlite"]
        target = literal_column("+inquiries.id", Integer) if many else InquiryRow.id
        return target.in_(subquery)
    query = " & ".join(f"{term}:*" for term in terms)
    if _fts_hits(session, query) > FTS_SCAN_THRESHOLDS["postgresql"]:
        clause = "inquiries.search_vector @@ to_tsquery('simple', :ts_query)"
    else:
        # PostgreSQL guesses a fixed share of rows for a prefix query, and for rare words
        # then walks the whole sort index (400 ms on a million rows). Reading the few hits
        # through the GIN index first (an InitPlan) and sorting them is a few ms.
        clause = (
            "inquiries.id = ANY(ARRAY(SELECT hit.id FROM inquiries AS hit "
            "WHERE hit.search_vector @@ to_tsquery('simple', :ts_query)))"
        )
    return text(clause).bindparams(ts_query=query)  # type: ignore[return-value]


def _record_clause(queue_filter: QueueFilter) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [AceRecordRow.inquiry_id == InquiryRow.id]
    if queue_filter.partner_id is not None:
        conditions.append(AceRecordRow.partner_id == queue_filter.partner_id)
    if queue_filter.record_states:
        conditions.append(AceRecordRow.state.in_(sorted(queue_filter.record_states)))
    if queue_filter.record_pools:
        conditions.append(AceRecordRow.pool.in_(sorted(queue_filter.record_pools)))
    if queue_filter.record_days is not None:
        low, high = queue_filter.record_days
        conditions.append(AceRecordRow.days_to_credit >= low)
        conditions.append(AceRecordRow.days_to_credit < high)
    if queue_filter.record_review is not None:
        conditions.append(_review_clause(*queue_filter.record_review))
    return exists().where(*conditions)


def _review_clause(status: str, reason: str | None) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [
        RecordReviewRow.record_id == AceRecordRow.id,
        RecordReviewRow.review_status == status,
    ]
    if reason == "":
        conditions.append(RecordReviewRow.review_status_reason.is_(None))
    elif reason is not None:
        conditions.append(RecordReviewRow.review_status_reason == reason)
    return exists().where(*conditions)


def _sla_clause(states: frozenset[SlaState], now: datetime) -> ColumnElement[bool]:
    arms: list[ColumnElement[bool]] = []
    for state in sorted(states):
        low, high = sla_arrival_bounds(state, now)
        bounds: list[ColumnElement[bool]] = []
        if low is not None:
            bounds.append(InquiryRow.arrived_at >= low)
        if high is not None:
            bounds.append(InquiryRow.arrived_at < high)
        arms.append(and_(true(), *bounds))
    return and_(InquiryRow.status.in_(sorted(WAITING_STATUSES)), or_(false(), *arms))


WIDE_FILTER_ROWS = 20_000
"""A status filter matching more rows than this reads a page faster off the sort index."""


def _unindexed(column: Any) -> Any:
    """``column`` as an expression SQLite will not pick an index for (unary plus)."""
    return literal_column(f"+inquiries.{column.key}", column.type)


def where_clauses(
    session: Session,
    queue_filter: QueueFilter,
    now: datetime,
    *,
    paging: bool = False,
    expected_rows: int | None = None,
) -> list[ColumnElement[bool]]:
    """The filter's conditions.

    ``paging``: the query reads one page in sort order. A vocabulary filter (an eighth of
    the rows or so) then finds a page sooner by walking the sort index and testing each row
    than by reading every match through its own index and sorting them all, which is what
    SQLite's planner picks (400-700 ms for "region = EU" on a million rows instead of a few
    ms). Status is left indexable unless ``expected_rows`` (the count, when known) says
    it matches many rows, because "new" or "re-route" usually match few. PostgreSQL's
    planner weighs this itself.
    """
    f = queue_filter
    sqlite = session.get_bind().dialect.name == "sqlite"
    sort_column = sort_expression(f.sort)
    clauses: list[ColumnElement[bool]] = []
    for column, values in (
        (InquiryRow.status, f.statuses),
        (InquiryRow.funding_stage, f.stages),
        (InquiryRow.region, f.regions),
        (InquiryRow.vertical, f.verticals),
        (InquiryRow.service_profile, f.profiles),
        (InquiryRow.engagement_type, f.engagement_types),
    ):
        if not values:
            continue
        wide = column is not InquiryRow.status or (expected_rows or 0) > WIDE_FILTER_ROWS
        if sqlite and paging and wide and column is not sort_column:
            clauses.append(_unindexed(column).in_(sorted(values)))
        else:
            clauses.append(column.in_(sorted(values)))
    if f.sla_states:
        clauses.append(_sla_clause(f.sla_states, now))
    if f.arrived_from is not None:
        clauses.append(InquiryRow.arrived_at >= f.arrived_from)
    if f.arrived_to is not None:
        clauses.append(InquiryRow.arrived_at < f.arrived_to)
    if f.partner_id is not None and not f.filters_records:
        clauses.append(InquiryRow.partner_id == f.partner_id)
    if f.search_terms:
        clauses.append(_search_clause(session, f.search_terms))
    if f.filters_records:
        clauses.append(_record_clause(f))
    return clauses


def _ordered(statement: Any, queue_filter: QueueFilter, forward: bool) -> Any:
    expression = sort_expression(queue_filter.sort)
    descending = queue_filter.descending != (not forward)
    if descending:
        return statement.order_by(expression.desc(), InquiryRow.id.desc())
    return statement.order_by(expression.asc(), InquiryRow.id.asc())


def _after(queue_filter: QueueFilter, key: Key, forward: bool, inclusive: bool) -> Any:
    expression = sort_expression(queue_filter.sort)
    value = bindparam(None, key[0], type_=expression.type)
    row_id = bindparam(None, key[1], type_=InquiryRow.id.type)
    left = tuple_(expression, InquiryRow.id)
    right = tuple_(value, row_id)
    descending = queue_filter.descending != (not forward)
    if descending:
        return left <= right if inclusive else left < right
    return left >= right if inclusive else left > right


def count(session: Session, queue_filter: QueueFilter, now: datetime) -> int:
    if (
        session.get_bind().dialect.name == "sqlite"
        and queue_filter.search_terms
        and replace(queue_filter, search="").is_unfiltered
    ):
        # Search alone: the FTS index counts its hits without touching the table.
        fts_count = text("SELECT count(*) FROM inquiry_fts WHERE inquiry_fts MATCH :m")
        match = _fts_match(queue_filter.search_terms)
        return int(session.execute(fts_count, {"m": match}).scalar_one())
    statement = select(func.count()).select_from(InquiryRow)
    statement = statement.where(*where_clauses(session, queue_filter, now))
    return int(session.execute(statement).scalar_one())


def page(
    session: Session,
    queue_filter: QueueFilter,
    now: datetime,
    *,
    limit: int,
    key: Key | None = None,
    forward: bool = True,
    inclusive: bool = False,
    expected_rows: int | None = None,
) -> list[Any]:
    """Up to ``limit`` rows after (or, backwards, before) ``key`` in the filter's order.

    Backward pages come back in view order too (nearest row last). ``expected_rows`` is the
    filter's count when the caller knows it; it only helps pick the faster plan.
    """
    clauses = where_clauses(session, queue_filter, now, paging=True, expected_rows=expected_rows)
    statement = select(*QUEUE_COLUMNS).where(*clauses)
    if key is not None:
        statement = statement.where(_after(queue_filter, key, forward, inclusive))
    rows = list(session.execute(_ordered(statement, queue_filter, forward).limit(limit)))
    return rows if forward else rows[::-1]


def key_at(
    session: Session,
    queue_filter: QueueFilter,
    now: datetime,
    offset: int,
    *,
    start: Key | None = None,
    expected_rows: int | None = None,
) -> Key | None:
    """The key of row ``offset`` in the filter's order, read from the (column, id) index;
    counted from the row whose key is ``start`` (that row is 0) or from the first row."""
    expression = sort_expression(queue_filter.sort)
    clauses = where_clauses(session, queue_filter, now, paging=True, expected_rows=expected_rows)
    statement = select(expression, InquiryRow.id).where(*clauses)
    if start is not None:
        statement = statement.where(_after(queue_filter, start, True, True))
    statement = _ordered(statement, queue_filter, True).offset(offset).limit(1)
    row = session.execute(statement).first()
    return None if row is None else (row[0], int(row[1]))


def key_of(session: Session, queue_filter: QueueFilter, inquiry_id: int) -> Key | None:
    expression = sort_expression(queue_filter.sort)
    row = session.execute(
        select(expression, InquiryRow.id).where(InquiryRow.id == inquiry_id)
    ).first()
    return None if row is None else (row[0], int(row[1]))


def position_of(
    session: Session, queue_filter: QueueFilter, now: datetime, inquiry_id: int
) -> int | None:
    """The row number of ``inquiry_id`` in the filtered order, or None when it is not shown."""
    key = key_of(session, queue_filter, inquiry_id)
    if key is None:
        return None
    clauses = where_clauses(session, queue_filter, now)
    shown = session.execute(
        select(InquiryRow.id).where(InquiryRow.id == inquiry_id, *clauses)
    ).first()
    if shown is None:
        return None
    before = select(func.count()).select_from(InquiryRow)
    before = before.where(*clauses, _after(queue_filter, key, False, False))
    return int(session.execute(before).scalar_one())


def next_matching(
    session: Session,
    queue_filter: QueueFilter,
    now: datetime,
    extra: QueueFilter,
    after: Key | None,
) -> Key | None:
    """The key of the first row after ``after`` that also passes ``extra``'s conditions."""
    expression = sort_expression(queue_filter.sort)
    clauses = where_clauses(session, queue_filter, now) + where_clauses(session, extra, now)
    statement = select(expression, InquiryRow.id).where(*clauses)
    if after is not None:
        statement = statement.where(_after(queue_filter, after, True, False))
    row = session.execute(_ordered(statement, queue_filter, True).limit(1)).first()
    return None if row is None else (row[0], int(row[1]))


@dataclass(frozen=True, slots=True)
class QueueSummaryCounts:
    total: int
    new: int
    past_sla: int


def summary(session: Session, now: datetime) -> QueueSummaryCounts:
    total = session.execute(select(func.count()).select_from(InquiryRow)).scalar_one()
    new = session.execute(
        select(func.count()).select_from(InquiryRow).where(InquiryRow.status == "new")
    ).scalar_one()
    past = session.execute(
        select(func.count())
        .select_from(InquiryRow)
        .where(_sla_clause(frozenset({SlaState.BREACHED}), now))
    ).scalar_one()
    return QueueSummaryCounts(int(total), int(new), int(past))


def partner_names(session: Session, partner_ids: set[int]) -> dict[int, str]:
    if not partner_ids:
        return {}
    rows = session.execute(
        select(PartnerRow.id, PartnerRow.name).where(PartnerRow.id.in_(sorted(partner_ids)))
    )
    return {int(row.id): str(row.name) for row in rows}


def audit_events(
    session: Session, inquiry_id: int, limit: int = 200
) -> list[tuple[AuditEventRow, str | None]]:
    """The inquiry's audit rows with the name of the partner each names (None: no partner),
    so the detail panel needs no second query for the names."""
    rows = session.execute(
        select(AuditEventRow, PartnerRow.name)
        .outerjoin(PartnerRow, PartnerRow.id == AuditEventRow.partner_id)
        .where(AuditEventRow.inquiry_id == inquiry_id)
        .order_by(AuditEventRow.at, AuditEventRow.id)
        .limit(limit)
    )
    return [(event, name) for event, name in rows]


def ace_records(session: Session, inquiry_id: int) -> list[tuple[AceRecordRow, str]]:
    """The inquiry's records with their partner's name."""
    rows = session.execute(
        select(AceRecordRow, PartnerRow.name)
        .join(PartnerRow, PartnerRow.id == AceRecordRow.partner_id)
        .where(AceRecordRow.inquiry_id == inquiry_id)
        .order_by(AceRecordRow.created_at, AceRecordRow.id)
    )
    return [(record, str(name)) for record, name in rows]


def inquiry_row_with_spend(
    session: Session, inquiry_id: int
) -> tuple[InquiryRow, list[SpendLine]] | None:
    """The inquiry's row and its spend lines, in one query (one round trip, not two)."""
    found = session.execute(
        select(InquiryRow, InquirySpendRow.service, InquirySpendRow.monthly_usd)
        .outerjoin(InquirySpendRow, InquirySpendRow.inquiry_id == InquiryRow.id)
        .where(InquiryRow.id == inquiry_id)
        .order_by(InquirySpendRow.id)
    ).all()
    if not found:
        return None
    spend = [
        SpendLine(service=service, monthly_usd=monthly)
        for _, service, monthly in found
        if service is not None
    ]
    return found[0][0], spend
