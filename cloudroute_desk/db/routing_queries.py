"""Routing index queries: refresh it from ACE records, read it, and the gates' facts.

The index covers decided records with ``decided_at`` in ``[window_end - 365 d, window_end)``,
``window_end`` being the midnight after the "as of" date (so it moves once a day). Triggers
mark partners dirty on every record change (migration 0003); ``bring_index_up_to_date`` then
recomputes only those partners, or everything when the day has moved on.

PostgreSQL locking, always in the same order so writers and refreshers cannot deadlock:

1. ``bring_index_up_to_date`` (the ranking's refresh, its own transaction) first takes an
   EXCLUSIVE lock on ``routing_index_dirty``: record writers, whose triggers insert there,
   wait for it, so no change can commit between reading the records and clearing the marks.
2. Every refresh then takes a transaction advisory lock, so two refreshes of the same
   partner's rows never interleave (a writer calling ``refresh_partner_index`` already holds
   the dirty table's ROW EXCLUSIVE lock from its trigger, so it comes to the advisory lock
   second, like the ranking's refresh).

``refresh_partner_index`` (inside a record writer's transaction) leaves the dirty marks in
place: it cannot tell its own mark from one another writer just committed, and clearing the
latter would lose that change. The next ranking recomputes the partner once more, cheaply.
SQLite serialises all writers, so neither lock is needed there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import Select, and_, delete, func, insert, or_, select, text
from sqlalchemy.orm import Session

from cloudroute_desk.db.customer_queries import customer_records_for, standing_records
from cloudroute_desk.db.routing_tables import (
    RoutingIndexDirtyRow,
    RoutingIndexRow,
    RoutingIndexStateRow,
)
from cloudroute_desk.db.schema import metadata
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.db.tables import AceRecordRow, AssignmentRow, InquiryRow, PartnerRow
from cloudroute_desk.domain.catalog import (
    DECIDED_STATES,
    END_UNDONE,
    ROUTING_WINDOW_DAYS,
    InquiryStatus,
    Pool,
    RecordState,
    Tier,
)
from cloudroute_desk.domain.routing.stats import IndexEntry, Outcome, record_outcome, tally
from cloudroute_desk.domain.routing.values import AXES, AssignmentEntry

OPEN_STATUSES = (InquiryStatus.ASSIGNED, InquiryStatus.CONNECTED, InquiryStatus.FILED)
"""An active assignment on an inquiry in these statuses is an open engagement (load)."""

COMPETING_STATES = tuple(
    s.value for s in RecordState if s not in (RecordState.REJECTED, RecordState.CLOSED)
)
"""Records that still stand for the customer: drafts, in review, or awarded and running."""


STATE_ID = 1
_INDEX_TABLE = metadata.tables[RoutingIndexRow.__tablename__]
"""Core inserts of index rows: one ``executemany``, not the ORM's bulk path."""


def window_end_for(as_of: datetime) -> datetime:
    return datetime.combine(as_of.date() + timedelta(days=1), time())


PARTNERS_PER_PASS = 100
"""Partners whose records one pass of a full rebuild reads: a partner's rows depend on its
own records only, so a rebuild streams the records in partner slices and its memory is that
of one slice (a 184 MB process peak over 1.4 M records) instead of the whole year's."""


def decided_entries(
    session: Session, window_end: datetime, partner_ids: Collection[int] | None = None
) -> list[IndexEntry]:
    """The index rows computed from the ACE records (all partners, or only ``partner_ids``)."""
    ids = sorted(session.scalars(select(PartnerRow.id))) if partner_ids is None else partner_ids
    ids = list(ids)
    entries: list[IndexEntry] = []
    for first in range(0, len(ids), PARTNERS_PER_PASS):
        entries.extend(_entries_of(session, window_end, ids[first : first + PARTNERS_PER_PASS]))
    return entries


def _entries_of(session: Session, window_end: datetime, partner_ids: list[int]) -> list[IndexEntry]:
    start = window_end - timedelta(days=ROUTING_WINDOW_DAYS)
    statement = (
        select(
            AceRecordRow.partner_id,
            AceRecordRow.state,
            AceRecordRow.pool,
            AceRecordRow.awarded_pool,
            AceRecordRow.amount_awarded_usd,
            AceRecordRow.days_to_credit,
            InquiryRow.funding_stage,
            InquiryRow.region,
            InquiryRow.vertical,
            InquiryRow.service_profile,
            InquiryRow.engagement_type,
        )
        .join(InquiryRow, InquiryRow.id == AceRecordRow.inquiry_id)
        .where(
            AceRecordRow.state.in_([s.value for s in DECIDED_STATES]),
            AceRecordRow.decided_at >= start,
            AceRecordRow.decided_at < window_end,
        )
    )
    statement = statement.where(AceRecordRow.partner_id.in_(partner_ids))
    # Core rows (plain tuples), not ORM rows: a full rebuild reads a year of records.
    rows = session.connection().execute(statement).all()
    kept: list[tuple[object, ...]] = []
    outcomes: list[Outcome] = []
    for row in rows:
        outcome = _outcome(row[1], row[2], row[3])
        if outcome is not None:
            outcomes.append(outcome)
            kept.append(tuple(row))
    columns = list(zip(*kept, strict=True)) if kept else [()] * 11
    axis_values = {axis: columns[6 + i] for i, axis in enumerate(AXES[:5])}
    axis_values["pool"] = columns[2]
    return tally(
        partner_ids=columns[0],
        outcomes=outcomes,
        axis_values=axis_values,
        awarded_usd=columns[4],
        days_to_credit=columns[5],
    )


@lru_cache(maxsize=512)
def _outcome(state: str, pool: str, awarded_pool: str | None) -> Outcome | None:
    """``record_outcome`` on stored strings (a few dozen distinct triples, so cached)."""
    return record_outcome(
        RecordState(state), Pool(pool), Pool(awarded_pool) if awarded_pool else None
    )


ADVISORY_LOCK_KEY = 0x43524452
"""pg_advisory_xact_lock key serialising routing index refreshes ("CRDR")."""


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _lock_dirty_marks(session: Session) -> None:
    if _is_postgresql(session):
        session.execute(text("LOCK TABLE routing_index_dirty IN EXCLUSIVE MODE"))


def _lock_refresh(session: Session) -> None:
    if _is_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})


def _replace_rows(
    session: Session, partner_ids: Collection[int] | None, entries: Iterable[IndexEntry]
) -> list[IndexEntry]:
    """Replace the rows of ``partner_ids`` (all when None); returns the rows written."""
    if partner_ids is None:
        session.execute(delete(RoutingIndexRow))
    else:
        ids = list(partner_ids)
        session.execute(delete(RoutingIndexRow).where(RoutingIndexRow.partner_id.in_(ids)))
    existing = set(session.scalars(select(PartnerRow.id)).all())
    kept = [e for e in entries if e.partner_id in existing]
    rows = [
        {
            "partner_id": e.partner_id,
            "axis": e.axis,
            "value": e.value,
            "decided": e.decided,
            "approved": e.approved,
            "approvals": e.approvals,
            "downgraded": e.downgraded,
            "rejected": e.rejected,
            "award_sum": e.award_sum,
            "award_n": e.award_n,
            "median_days": e.median_days,
            "days_n": e.days_n,
        }
        for e in kept
    ]
    for chunk in range(0, len(rows), 5_000):
        session.execute(insert(_INDEX_TABLE), rows[chunk : chunk + 5_000])
    return kept


def refresh_partner_index(session: Session, partner_id: int) -> None:
    """Recompute one partner's index rows now (inside the caller's write transaction).

    Optional: the triggers already mark the partner dirty, and the next ranking refreshes it.
    Before the index was first built there is nothing to refresh.
    """
    refresh_partners(session, [partner_id])


def refresh_partners(session: Session, partner_ids: Collection[int]) -> None:
    _lock_refresh(session)
    state = session.get(RoutingIndexStateRow, STATE_ID)
    if state is None or not partner_ids:
        return
    _replace_rows(session, partner_ids, decided_entries(session, state.window_end, partner_ids))
    state.refreshed_at = server_now(session)


def index_version(session: Session) -> tuple[datetime, datetime] | None:
    """(window end, last refresh) of the stored index: changes whenever its rows change."""
    state = session.get(RoutingIndexStateRow, STATE_ID)
    return None if state is None else (state.window_end, state.refreshed_at)


def index_is_current(session: Session, window_end: datetime) -> bool:
    return index_check(session, window_end)[1]


def index_check(session: Session, window_end: datetime) -> tuple[RoutingIndexStateRow | None, bool]:
    """The index state row, and whether the index serves ``window_end`` with nothing dirty:
    one query."""
    any_dirty = select(RoutingIndexDirtyRow.partner_id).exists()
    found = session.execute(
        select(RoutingIndexStateRow, any_dirty).where(RoutingIndexStateRow.id == STATE_ID)
    ).first()
    if found is None:
        return None, False
    state, dirty = found
    return state, state.window_end == window_end and not dirty


@dataclass(frozen=True)
class IndexRefresh:
    """What ``bring_index_up_to_date`` changed, so an in-memory copy can follow it."""

    previous: tuple[datetime, datetime] | None
    """``index_version`` before the refresh."""
    current: tuple[datetime, datetime]
    rebuilt: bool
    """True when every row was recomputed (new window or first build)."""
    partner_ids: tuple[int, ...]
    """Partners recomputed (when not rebuilt)."""
    entries: tuple[IndexEntry, ...]
    """Their new rows (every row when rebuilt)."""


def bring_index_up_to_date(session: Session, window_end: datetime, now: datetime) -> IndexRefresh:
    """Refresh the dirty partners, or rebuild for a new window. Run in a write transaction."""
    _lock_dirty_marks(session)
    _lock_refresh(session)
    state = session.get(RoutingIndexStateRow, STATE_ID)
    previous = None if state is None else (state.window_end, state.refreshed_at)
    if state is None or state.window_end != window_end:
        entries = _replace_rows(session, None, decided_entries(session, window_end))
        session.execute(delete(RoutingIndexDirtyRow))
        if state is None:
            session.add(RoutingIndexStateRow(id=STATE_ID, window_end=window_end, refreshed_at=now))
        else:
            state.window_end = window_end
            state.refreshed_at = now
        session.flush()
        return IndexRefresh(previous, (window_end, now), True, (), tuple(entries))
    dirty = list(session.scalars(select(RoutingIndexDirtyRow.partner_id)).all())
    if not dirty:
        return IndexRefresh(previous, (state.window_end, state.refreshed_at), False, (), ())
    entries = _replace_rows(session, dirty, decided_entries(session, window_end, dirty))
    session.execute(delete(RoutingIndexDirtyRow).where(RoutingIndexDirtyRow.partner_id.in_(dirty)))
    state.refreshed_at = now
    return IndexRefresh(previous, (window_end, now), False, tuple(dirty), tuple(entries))


def index_entries(
    session: Session, columns: Sequence[tuple[str, str]] | None = None
) -> list[IndexEntry]:
    """Stored index rows, all of them or only those on the given (axis, value) columns."""
    t = RoutingIndexRow
    statement = select(
        t.partner_id,
        t.axis,
        t.value,
        t.decided,
        t.approved,
        t.approvals,
        t.downgraded,
        t.rejected,
        t.award_sum,
        t.award_n,
        t.median_days,
        t.days_n,
    )
    if columns is not None:
        # OR of (axis, value) pairs, not a row-value IN: SQLite only uses the index for this.
        statement = statement.where(or_(*(and_(t.axis == a, t.value == v) for a, v in columns)))
    return [
        IndexEntry(pid, axis, value, dec, app, apps, down, rej, asum, an, med, dn)
        for pid, axis, value, dec, app, apps, down, rej, asum, an, med, dn in session.execute(
            statement
        )
    ]


def partner_rows(session: Session) -> list[tuple[int, str, Tier, bool, int, list[str]]]:
    """(id, name, tier, active, capacity, regions) for every partner, by id."""
    rows = session.execute(
        select(
            PartnerRow.id,
            PartnerRow.name,
            PartnerRow.tier,
            PartnerRow.active,
            PartnerRow.capacity,
            PartnerRow.regions,
        ).order_by(PartnerRow.id)
    ).all()
    return [(r[0], r[1], Tier(r[2]), bool(r[3]), r[4], list(r[5] or ())) for r in rows]


def partner_rows_and_loads(
    session: Session,
) -> tuple[list[tuple[int, str, Tier, bool, int, list[str]]], dict[int, int]]:
    """``partner_rows`` and ``open_loads`` in one query (the loads joined onto the partners)."""
    loads = _open_loads_query().subquery()
    rows = session.execute(
        select(
            PartnerRow.id,
            PartnerRow.name,
            PartnerRow.tier,
            PartnerRow.active,
            PartnerRow.capacity,
            PartnerRow.regions,
            loads.c.engaged,
        )
        .outerjoin(loads, loads.c.partner_id == PartnerRow.id)
        .order_by(PartnerRow.id)
    ).all()
    partners = [(r[0], r[1], Tier(r[2]), bool(r[3]), r[4], list(r[5] or ())) for r in rows]
    return partners, {int(r[0]): int(r[6]) for r in rows if r[6]}


def _open_loads_query() -> Select[int, int]:
    open_inquiries = select(InquiryRow.id).where(
        InquiryRow.status.in_([s.value for s in OPEN_STATUSES])
    )
    return (
        select(AssignmentRow.partner_id, func.count().label("engaged"))
        .where(AssignmentRow.active.is_(True), AssignmentRow.inquiry_id.in_(open_inquiries))
        .group_by(AssignmentRow.partner_id)
    )


def open_loads(session: Session) -> dict[int, int]:
    """Open engagements (active assignments on open inquiries) per partner.

    Driven from the few open inquiries (the status index) into their assignments: as a plain
    join SQLite walked every active assignment in partner order to save the GROUP BY sort,
    one random inquiry lookup each (24 s at 1,000,000 inquiries against 0.15 s this way).
    """
    rows = session.execute(_open_loads_query()).all()
    return {int(pid): int(n) for pid, n in rows}


def open_loads_for(session: Session, partner_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(AssignmentRow)
            .join(InquiryRow, InquiryRow.id == AssignmentRow.inquiry_id)
            .where(
                AssignmentRow.partner_id == partner_id,
                AssignmentRow.active.is_(True),
                InquiryRow.status.in_([s.value for s in OPEN_STATUSES]),
            )
        )
        or 0
    )


CHUNK = 500
"""Ids per IN list in the bulk gate queries."""


def tried_partners(session: Session, inquiry_id: int) -> dict[int, str]:
    """Partners that had this inquiry before (ended, not undone), with when and why it ended."""
    return tried_partners_for(session, [inquiry_id]).get(inquiry_id, {})


def tried_partners_for(session: Session, inquiry_ids: Sequence[int]) -> dict[int, dict[int, str]]:
    """``tried_partners`` for many inquiries at once (inquiry id -> partner id -> why)."""
    tried: dict[int, dict[int, str]] = {}
    for start in range(0, len(inquiry_ids), CHUNK):
        rows = session.execute(
            select(
                AssignmentRow.inquiry_id,
                AssignmentRow.partner_id,
                AssignmentRow.ended_at,
                AssignmentRow.end_reason,
            )
            .where(
                AssignmentRow.inquiry_id.in_(list(inquiry_ids[start : start + CHUNK])),
                AssignmentRow.active.is_(False),
                or_(AssignmentRow.end_reason.is_(None), AssignmentRow.end_reason != END_UNDONE),
            )
            .order_by(AssignmentRow.id)
        ).all()
        for iid, pid, ended_at, reason in rows:
            tried.setdefault(int(iid), {})[int(pid)] = _tried_why(ended_at, reason)
    return tried


def tried_in_history(history: Iterable[AssignmentEntry]) -> dict[int, str]:
    """``tried_partners`` from the inquiry's routing history already read (the same rows the
    query above selects: ended, not undone, in id order)."""
    return {
        e.partner_id: _tried_why(e.ended_at, e.end_reason)
        for e in sorted(history, key=lambda e: e.id)
        if not e.active and e.end_reason != END_UNDONE
    }


def _tried_why(ended_at: datetime | None, reason: str | None) -> str:
    when = f" on {ended_at:%Y-%m-%d}" if ended_at else ""
    return f"{(reason or 'ended').replace('_', ' ')}{when}"


def record_holders(
    session: Session, inquiry: InquiryRow, names: Mapping[int, str] | None = None
) -> dict[int, str]:
    """Partners holding an open or awarded ACE record for this inquiry's customer, on any of
    the customer's inquiries (id -> name): when there are any, only they may be routed.
    ``names``: every partner's name when the caller has them (no query for them then)."""
    return record_holders_for(session, [inquiry], names).get(inquiry.id, {})


def record_holders_for(
    session: Session, inquiries: Sequence[InquiryRow], names: Mapping[int, str] | None = None
) -> dict[int, dict[int, str]]:
    """``record_holders`` for many inquiries at once (inquiry id -> partner id -> name)."""
    customers = customer_records_for(session, inquiries)
    standing = standing_records(
        session,
        {rid for c in customers.values() for rid in c.record_ids},
        COMPETING_STATES,
    )
    partner_of = {r.id: r.partner_id for r in standing}
    if not partner_of:
        return {}  # nobody holds a record: no names to look up (a round trip saved)
    names = (
        names
        if names is not None
        else {
            pid: name
            for pid, name in session.execute(
                select(PartnerRow.id, PartnerRow.name).where(
                    PartnerRow.id.in_(sorted(set(partner_of.values())))
                )
            )
        }
    )
    holders: dict[int, dict[int, str]] = {}
    for inquiry_id, customer in customers.items():
        for record_id in customer.record_ids:
            pid = partner_of.get(record_id)
            if pid is not None:
                holders.setdefault(inquiry_id, {})[int(pid)] = str(names.get(pid, pid))
    return holders
