"""Following the change feed: where this app is in it, and what the others' rows mean.

Sequence numbers are handed out when a row is written, but transactions commit in their own
order: a row with a lower number can become visible after a higher one. So the cursor does
not jump to the highest number it saw. It keeps the numbers it has seen and moves its floor
only past rows older than ``SETTLE`` (server time), by when every transaction that wrote
before them has committed or rolled back; each read asks for everything above the floor
and hands out only what it has not seen. After a sleep or a dropped connection the next
read simply starts at the floor, so nothing is missed; an app away longer than the feed's
retention is told to reload everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cloudroute_desk.db import change_feed, chart_months, write_request_queries
from cloudroute_desk.db.change_feed import FeedEntry
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.services.changes import (
    EVERYTHING,
    NO_ROWS,
    NOTHING,
    ChangeKind,
    Changes,
    Rows,
)

SETTLE = timedelta(seconds=30)
"""Longer than any write transaction of the app takes between its first change and COMMIT."""

PRUNE_EVERY = timedelta(hours=1)


def changes_of(entry: FeedEntry) -> Changes:
    """The ``Changes`` a feed row stands for: what the writing use-case returned itself."""
    kinds = [ChangeKind(kind) for kind in entry.kinds if kind in _KINDS]
    if not kinds:
        return NOTHING  # a claim: the window re-reads claims on its own
    return Changes.of(
        *kinds,
        inquiries=Rows.of(entry.inquiry_id),
        records=Rows.of(entry.entity_id) if entry.entity == "record" else NO_ROWS,
        partners=Rows.among(entry.partner_ids),
        admin=entry.admin,
    )


_KINDS = frozenset(kind.value for kind in ChangeKind)


@dataclass(frozen=True, slots=True)
class RemoteChanges:
    """What other writers changed since the last read, as the panes understand it."""

    changes: Changes
    entries: tuple[FeedEntry, ...]
    """The others' feed rows (who, what, when): for highlights and tooltips."""


class FeedCursor:
    def __init__(self, floor: int, read_at: datetime) -> None:
        self.floor = floor
        self._seen: dict[int, datetime] = {}
        self._read_at = read_at
        self._pruned_at: datetime | None = None

    @classmethod
    def at_head(cls, database: Database) -> FeedCursor:
        """A cursor that starts after everything already in the feed (the app just loaded)."""
        with database.reading() as session:
            return cls(change_feed.newest_seq(session), server_now(session))

    def read(self, database: Database) -> RemoteChanges:
        """The feed rows not seen yet, without this app instance's own echo."""
        with database.reading() as session:
            now = server_now(session)
            away = now - self._read_at > change_feed.RETENTION - SETTLE
            entries = change_feed.entries_after(session, self.floor)
        self._read_at = now
        if len(entries) >= change_feed.PAGE:
            # A burst (an import): everything reloads anyway; go on from its end.
            self.floor, self._seen = entries[-1].seq, {}
            return RemoteChanges(EVERYTHING, ())
        fresh = self._take(entries, now)
        if away:
            return RemoteChanges(EVERYTHING, tuple(fresh))
        others = tuple(e for e in fresh if e.origin != database.origin)
        changes = NOTHING
        for entry in others:
            changes = changes | changes_of(entry)
        self._prune_now_and_then(database, now)
        return RemoteChanges(changes, others)

    def _take(self, entries: list[FeedEntry], now: datetime) -> list[FeedEntry]:
        fresh = [e for e in entries if e.seq not in self._seen]
        for entry in fresh:
            self._seen[entry.seq] = entry.at
        settled = [seq for seq, at in self._seen.items() if at < now - SETTLE]
        if settled:
            self.floor = max(self.floor, max(settled))
            self._seen = {s: at for s, at in self._seen.items() if s > self.floor}
        return fresh

    def _prune_now_and_then(self, database: Database, now: datetime) -> None:
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        with database.writing() as session:
            change_feed.prune(session, now)
            write_request_queries.prune(session, now)
            # The chart aggregates gain a row or two per change: fold them together here,
            # with the other housekeeping, so they stay the size of their keys.
            chart_months.compact(session.connection())
