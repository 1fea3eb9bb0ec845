"""Queue use-cases: counts, windows of rows, deep seeks, locating a row, inquiry details.

Each function is a job for the DbExecutor (``job(database)``): one short read session, plain
values back. The queue's own reads (pages, counts, landmarks, the header's counts) take no
snapshot (``reading(snapshot=False)``): on PostgreSQL that saves the BEGIN and ROLLBACK round
trips, and a page read by key, or a count, is right for the moment it was read. The model
never holds more than a few pages, so these are called often and each reads at most one page
through an index.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from cloudroute_desk.db import assignment_queries, customer_queries
from cloudroute_desk.db import queue_queries as q
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.mapping import inquiry_from_row, record_summary_from_row
from cloudroute_desk.domain.catalog import (
    EngagementType,
    FundingStage,
    InquiryStatus,
    Pool,
    Region,
    ServiceProfile,
    Vertical,
)
from cloudroute_desk.domain.entities import AceRecordSummary, Inquiry
from cloudroute_desk.domain.queue_filter import QueueFilter, SlaState
from cloudroute_desk.domain.routing.values import AssignmentEntry

Key = q.Key
Landmark = tuple[int, Key]
"""A row number and the key of that row in the order and filter it was read in."""


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One queue line: what the table shows, without the form-sized fields."""

    id: int
    arrived_at: datetime
    company_name: str
    website: str
    funding_stage: FundingStage
    region: Region
    vertical: Vertical
    service_profile: ServiceProfile
    engagement_type: EngagementType
    pools_wanted: tuple[Pool, ...]
    monthly_spend_usd: int
    status: InquiryStatus
    partner_id: int | None
    partner_name: str
    assigned_at: datetime | None
    key: Key
    """Its position in the order it was fetched in: (sort value, id)."""


@dataclass(frozen=True, slots=True)
class QueueSummary:
    total: int
    new: int
    past_sla: int
    matching: int | None = None
    """Rows passing the current filter, when one is set; ``new`` and ``past_sla`` then
    count among those rows, so every number in the header describes what is shown."""

    @property
    def text(self) -> str:
        if self.matching is None:
            shown = f"{self.total:,} inquiries"
        else:
            shown = f"{self.matching:,} of {self.total:,} inquiries shown"
        return " · ".join([shown, f"{self.new:,} new", f"{self.past_sla:,} past SLA"])


def _by_value(vocabulary: Any) -> dict[str, Any]:
    return {member.value: member for member in vocabulary}


# A dict lookup per cell instead of an Enum call (a page of 100 rows makes 700 of them).
_STAGES = _by_value(FundingStage)
_REGIONS = _by_value(Region)
_VERTICALS = _by_value(Vertical)
_PROFILES = _by_value(ServiceProfile)
_ENGAGEMENTS = _by_value(EngagementType)
_POOLS = _by_value(Pool)
_STATUSES = _by_value(InquiryStatus)


def queue_rows(queue_filter: QueueFilter, raw: list[Any]) -> tuple[QueueRow, ...]:
    """Queue lines from ``queue_queries.page`` rows (the partner's name came with them),
    unpacked by position in ``QUEUE_COLUMNS``' order (a Row's lookup by name is slow)."""
    sort = queue_filter.sort
    lines = []
    for r in raw:
        (
            inquiry_id,
            arrived_at,
            company_name,
            website,
            funding_stage,
            region,
            vertical,
            service_profile,
            engagement_type,
            pools_wanted,
            monthly_spend_usd,
            status,
            partner_id,
            assigned_at,
            partner_name,
        ) = r
        lines.append(
            QueueRow(
                id=int(inquiry_id),
                arrived_at=arrived_at,
                company_name=company_name,
                website=website,
                funding_stage=_STAGES[funding_stage],
                region=_REGIONS[region],
                vertical=_VERTICALS[vertical],
                service_profile=_PROFILES[service_profile],
                engagement_type=_ENGAGEMENTS[engagement_type],
                pools_wanted=tuple(_POOLS[p] for p in pools_wanted or ()),
                monthly_spend_usd=int(monthly_spend_usd),
                status=_STATUSES[status],
                partner_id=partner_id,
                partner_name=partner_name or "",
                assigned_at=assigned_at,
                key=(q.sort_value(sort, r), int(inquiry_id)),
            )
        )
    return tuple(lines)


def count(database: Database, queue_filter: QueueFilter, now: datetime) -> int:
    with database.reading(snapshot=False) as session:
        return q.count(session, queue_filter, now)


def summary(database: Database, queue_filter: QueueFilter, now: datetime) -> QueueSummary:
    """Whole-queue counts for the header line, plus the filtered count when filtered."""
    with database.reading(snapshot=False) as session:
        counts = q.summary(session, now)
        if queue_filter.is_unfiltered:
            return QueueSummary(counts.total, counts.new, counts.past_sla)
        new_only = _only(queue_filter, statuses=frozenset({InquiryStatus.NEW}))
        past_only = _only(queue_filter, sla_states=frozenset({SlaState.BREACHED}))
        return QueueSummary(
            counts.total,
            q.count(session, new_only, now) if new_only is not None else 0,
            q.count(session, past_only, now) if past_only is not None else 0,
            q.count(session, queue_filter, now),
        )


def _only(
    queue_filter: QueueFilter,
    *,
    statuses: frozenset[InquiryStatus] | None = None,
    sla_states: frozenset[SlaState] | None = None,
) -> QueueFilter | None:
    """``queue_filter`` further limited to these statuses or SLA states (an empty set in a
    filter means "any"), or None when the filter already rules all of them out."""
    if statuses is not None:
        kept = queue_filter.statuses & statuses if queue_filter.statuses else statuses
        return replace(queue_filter, statuses=kept) if kept else None
    if sla_states is not None:
        kept_states = (
            queue_filter.sla_states & sla_states if queue_filter.sla_states else sla_states
        )
        return replace(queue_filter, sla_states=kept_states) if kept_states else None
    return queue_filter


def rows_at(
    database: Database,
    queue_filter: QueueFilter,
    now: datetime,
    start: int,
    limit: int,
    *,
    expected_rows: int | None = None,
    landmark: Landmark | None = None,
) -> tuple[QueueRow, ...]:
    """Rows ``start``..``start+limit`` by the two-step seek: key through the index, then page.

    ``landmark``: a row at or before ``start`` whose key is known: the index is walked from
    it instead of from the first row. ``expected_rows``: the filter's count when known (it
    only helps pick the faster plan).
    """
    from_row, from_key = landmark if landmark is not None else (0, None)
    with database.reading(snapshot=False) as session:
        hint = expected_rows
        if start == from_row:
            raw = q.page(
                session,
                queue_filter,
                now,
                limit=limit,
                key=from_key,
                inclusive=True,
                expected_rows=hint,
            )
            return queue_rows(queue_filter, raw)
        key = q.key_at(
            session, queue_filter, now, start - from_row, start=from_key, expected_rows=hint
        )
        if key is None:
            return ()
        raw = q.page(
            session, queue_filter, now, limit=limit, key=key, inclusive=True, expected_rows=hint
        )
        return queue_rows(queue_filter, raw)


def landmarks(
    database: Database,
    queue_filter: QueueFilter,
    now: datetime,
    after: Landmark | None,
    step: int,
    budget_s: float,
    *,
    expected_rows: int | None = None,
) -> tuple[Landmark, ...]:
    """The keys of rows ``step``, ``2 * step`` … after ``after`` (after the first row when
    None), read for at most about ``budget_s`` seconds (at least one), stopping at the end."""
    found: list[Landmark] = []
    row, key = after if after is not None else (0, None)
    started = time.monotonic()
    with database.reading(snapshot=False) as session:
        while not found or time.monotonic() - started < budget_s:
            next_key = q.key_at(
                session, queue_filter, now, step, start=key, expected_rows=expected_rows
            )
            if next_key is None:
                break
            row, key = row + step, next_key
            found.append((row, key))
    return tuple(found)


def rows_next_to(
    database: Database,
    queue_filter: QueueFilter,
    now: datetime,
    key: Key,
    limit: int,
    *,
    forward: bool,
    expected_rows: int | None = None,
) -> tuple[QueueRow, ...]:
    """Rows right after (or right before) a loaded row's key: a pure keyset page."""
    with database.reading(snapshot=False) as session:
        raw = q.page(
            session,
            queue_filter,
            now,
            limit=limit,
            key=key,
            forward=forward,
            expected_rows=expected_rows,
        )
        return queue_rows(queue_filter, raw)


def locate(
    database: Database, queue_filter: QueueFilter, now: datetime, inquiry_id: int
) -> int | None:
    with database.reading() as session:
        return q.position_of(session, queue_filter, now, inquiry_id)


@dataclass(frozen=True, slots=True)
class Located:
    row: int
    inquiry_id: int
    key: Key


def next_breached(
    database: Database, queue_filter: QueueFilter, now: datetime, after: Key | None
) -> Located | None:
    """The next inquiry past its SLA after ``after`` in view order, wrapping to the top."""
    breached = QueueFilter(sla_states=frozenset({SlaState.BREACHED}))
    with database.reading() as session:
        key = q.next_matching(session, queue_filter, now, breached, after)
        if key is None and after is not None:
            key = q.next_matching(session, queue_filter, now, breached, None)
        if key is None:
            return None
        row = q.position_of(session, queue_filter, now, key[1])
        return None if row is None else Located(row, key[1], key)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    kind: str
    partner_name: str
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class InquiryDetail:
    inquiry: Inquiry
    partner_name: str
    assignments: tuple[AssignmentEntry, ...]
    audit: tuple[AuditEntry, ...]
    records: tuple[AceRecordSummary, ...]
    record_partner_names: dict[int, str]
    same_customer: tuple[tuple[int, str], ...] = ()
    """Other inquiries of the same customer (id, why), oldest first (``domain.customer``)."""


def inquiry_detail(database: Database, inquiry_id: int) -> InquiryDetail | None:
    # No snapshot: a display, reloaded when the change feed says it moved.
    with database.reading(snapshot=False) as session:
        found = q.inquiry_row_with_spend(session, inquiry_id)
        if found is None:
            return None
        row, spend = found
        # The panel lists the biggest spend first; the query gives entry order, kept for ties.
        spend.sort(key=lambda line: -line.monthly_usd)
        inquiry = inquiry_from_row(row, spend)
        assignments = assignment_queries.history(session, inquiry_id)
        audit_rows = q.audit_events(session, inquiry_id)
        record_rows = q.ace_records(session, inquiry_id)
        # Names come with the rows that name a partner; a query only for one found nowhere.
        names = {e.partner_id: e.partner_name for e in assignments}
        names |= {int(e.partner_id): n for e, n in audit_rows if e.partner_id and n is not None}
        names |= {r.partner_id: n for r, n in record_rows}
        if inquiry.partner_id is not None and inquiry.partner_id not in names:
            names |= q.partner_names(session, {inquiry.partner_id})
        return InquiryDetail(
            inquiry=inquiry,
            partner_name=names.get(inquiry.partner_id or -1, ""),
            assignments=assignments,
            audit=tuple(
                AuditEntry(
                    at=e.at,
                    actor=e.actor,
                    kind=e.kind,
                    partner_name=(name or "") if e.partner_id else "",
                    detail=dict(e.detail or {}),
                )
                for e, name in audit_rows
            ),
            records=tuple(record_summary_from_row(r) for r, _name in record_rows),
            record_partner_names={r.partner_id: name for r, name in record_rows},
            same_customer=tuple(
                sorted(customer_queries.customer_records(session, row).same_customer.items())
            ),
        )
