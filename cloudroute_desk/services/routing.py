"""Ranking use-case: the partners for one inquiry, best first, from the routing index.

The stored index is for "today"; before reading it the service refreshes whatever the
triggers marked dirty (usually nothing, or the one partner whose record just changed). A
ranking "as of" another day is computed from the records directly, without touching the
stored index.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from cloudroute_desk.db import routing_queries as q
from cloudroute_desk.db.engine import Database, DatabaseBusyError
from cloudroute_desk.db.mapping import inquiry_from_row
from cloudroute_desk.db.routing_tables import RoutingIndexStateRow
from cloudroute_desk.db.tables import InquiryRow
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.routing.score import (
    IndexStats,
    PartnerTable,
    ScoredInquiry,
    build_ranking,
    score_inquiry,
)
from cloudroute_desk.domain.routing.stats import IndexEntry
from cloudroute_desk.domain.routing.values import Ranking


class InquiryNotFoundError(LookupError):
    def __init__(self, inquiry_id: int) -> None:
        super().__init__(f"no inquiry with id {inquiry_id}")
        self.inquiry_id = inquiry_id


@dataclass(frozen=True)
class Network:
    """Every partner with its index stats: what scoring needs besides the inquiry."""

    partners: PartnerTable
    stats: IndexStats


INSUFFICIENT_PRIVILEGE = "42501"
"""A reviewer's login: it may read the index, not refresh it."""
INDEX_REFRESH_LOCK_WAIT_MS = 250
"""A refresh is worth doing, not worth waiting for: ranking reads the last one instead."""


class IndexState(Enum):
    NOT_STORED = "not stored"
    """``as_of`` is another day: rank from the records, not the stored index."""
    CURRENT = "current"
    LAST_REFRESH = "last refresh"
    """Stale entries could not be refreshed now (the file is locked by another program, or
    the login may only read): the stored index as of its last refresh."""


def ensure_index(database: Database, as_of: datetime | None = None) -> bool:
    """Bring the stored index up to date for ``as_of``'s day (default today), if it serves
    that day. Returns True when the stored index serves ``as_of``."""
    return index_state(database, as_of) is not IndexState.NOT_STORED


def index_state(database: Database, as_of: datetime | None = None) -> IndexState:
    """Refresh the stored index if it serves ``as_of``'s day and can be written right now."""
    now = utcnow()
    window_end = q.window_end_for(as_of or now)
    if window_end != q.window_end_for(now):
        return IndexState.NOT_STORED
    with database.reading() as session:
        if q.index_is_current(session, window_end):
            return IndexState.CURRENT
    return _refresh(database, window_end, now)


def _refresh(database: Database, window_end: datetime, now: datetime) -> IndexState:
    try:
        with database.writing(lock_wait_ms=INDEX_REFRESH_LOCK_WAIT_MS) as session:
            refresh = q.bring_index_up_to_date(session, window_end, now)
    except DatabaseBusyError:
        return IndexState.LAST_REFRESH
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
            raise
        return IndexState.LAST_REFRESH
    _follow_refresh(_cache_key(database.engine), refresh)
    return IndexState.CURRENT


@dataclass(frozen=True)
class RankingRead:
    """A read session in which the index state for ``as_of`` is known: a ranking and what is
    shown beside it share one session's round trips."""

    session: Session
    state: IndexState
    as_of: datetime
    pinned: RoutingIndexStateRow | None = None
    """The index state row, held so the session's identity map answers later lookups of it
    (``index_version``) without another query."""


@contextmanager
def ranking_read(
    database: Database, as_of: datetime | None = None, *, snapshot: bool = True
) -> Iterator[RankingRead]:
    """One read session for ranking as of ``as_of`` (default now). The index check runs in
    it; only a stale index costs more: the snapshot ends, the refresh commits on its own
    connection, and the session reads on after it. ``snapshot``: as ``Database.reading``."""
    now = utcnow()
    as_of = as_of or now
    window_end = q.window_end_for(as_of)
    with database.reading(snapshot=snapshot) as session:
        pinned: RoutingIndexStateRow | None = None
        if window_end != q.window_end_for(now):
            state = IndexState.NOT_STORED
        else:
            pinned, current = q.index_check(session, window_end)
            if current:
                state = IndexState.CURRENT
            else:
                session.rollback()
                pinned = None
                state = _refresh(database, window_end, now)
        yield RankingRead(session, state, as_of, pinned)


@dataclass(frozen=True)
class _CachedIndex:
    """The whole stored index as read at one index version, and its stats aligned with one
    partner list (re-aligned in memory when partners come or go)."""

    version: tuple[datetime, datetime]
    entries: tuple[IndexEntry, ...]
    partner_ids: tuple[int, ...]
    stats: IndexStats | None
    """None until a ranking aligns the entries with the partner list."""


_index_cache: dict[str, _CachedIndex] = {}
_index_cache_lock = threading.Lock()


def _cache_key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _follow_refresh(key: str, refresh: q.IndexRefresh) -> None:
    """Patch the cached index with a refresh this process just committed, so a record change
    costs a re-read of one partner, not of the whole index. Only when the cache was at the
    version the refresh started from; otherwise the next read reloads it whole."""
    if not refresh.rebuilt and not refresh.partner_ids:
        return
    with _index_cache_lock:
        cached = _index_cache.get(key)
        if refresh.rebuilt:
            entries = refresh.entries
        elif cached is not None and cached.version == refresh.previous:
            changed = set(refresh.partner_ids)
            kept = tuple(e for e in cached.entries if e.partner_id not in changed)
            entries = kept + refresh.entries
        else:
            return
        _index_cache[key] = _CachedIndex(refresh.current, entries, (), None)


def _cached_stats(session: Session, partners: PartnerTable) -> IndexStats:
    """Index stats for ``partners`` from the stored index, read from the database only when
    its version (window, last refresh) moved since the last ranking on this database."""
    version = q.index_version(session)
    key = _cache_key(session.get_bind().engine)
    with _index_cache_lock:
        cached = _index_cache.get(key)
    if version is None:
        return IndexStats.build(partners, ())
    ids = tuple(partners.ids.tolist())
    if (
        cached is not None
        and cached.version == version
        and cached.partner_ids == ids
        and cached.stats is not None
    ):
        return cached.stats
    entries = (
        cached.entries
        if cached is not None and cached.version == version
        else tuple(q.index_entries(session))
    )
    stats = IndexStats.build(partners, entries)
    with _index_cache_lock:
        _index_cache[key] = _CachedIndex(version, entries, ids, stats)
    return stats


def load_network(session: Session, as_of: datetime, stored: bool) -> Network:
    """Every partner (with its open load) and its index stats, from the stored index when it
    serves ``as_of`` (``stored``), otherwise computed from the records for ``as_of``."""
    partners = PartnerTable.build(*q.partner_rows_and_loads(session))
    if stored:
        return Network(partners, _cached_stats(session, partners))
    entries = q.decided_entries(session, q.window_end_for(as_of))
    return Network(partners, IndexStats.build(partners, entries))


def score_row(
    session: Session,
    row: InquiryRow,
    network: Network,
    *,
    tried: dict[int, str] | None = None,
    holders: dict[int, str] | None = None,
) -> ScoredInquiry:
    """Score one inquiry row; ``tried`` / ``holders`` when fetched in bulk beforehand."""
    return score_inquiry(
        inquiry_from_row(row),
        network.partners,
        network.stats,
        tried=q.tried_partners(session, row.id) if tried is None else tried,
        holders=q.record_holders(session, row, _names(network)) if holders is None else holders,
    )


def rank_inquiry(
    database: Database,
    inquiry_id: int,
    *,
    as_of: datetime | None = None,
    limit: int | None = None,
) -> Ranking:
    """Every partner ranked for ``inquiry_id``; ``limit`` cuts ``ranked`` to the best N."""
    with ranking_read(database, as_of) as read:
        return rank_in(read, inquiry_id, limit=limit)


def rank_in(
    read: RankingRead,
    inquiry_id: int,
    *,
    limit: int | None = None,
    tried: dict[int, str] | None = None,
) -> Ranking:
    """``rank_inquiry`` inside a ``ranking_read``; ``tried`` as for ``score_row``."""
    row = read.session.get(InquiryRow, inquiry_id)
    if row is None:
        raise InquiryNotFoundError(inquiry_id)
    network = load_network(read.session, read.as_of, read.state is not IndexState.NOT_STORED)
    scored = score_row(read.session, row, network, tried=tried)
    ranking = build_ranking(scored, read.as_of, limit=limit)
    if read.state is IndexState.LAST_REFRESH:
        return ranking.model_copy(update={"from_last_refresh": True})
    return ranking


def _names(network: Network) -> dict[int, str]:
    """Partner id -> name, from the partners already read (no query for them)."""
    table = network.partners
    return {pid: table.names[i] for pid, i in table.position.items()}
