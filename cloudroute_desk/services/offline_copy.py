"""Keeping the local working copy of a server up to date, and what it holds.

While connected, ``refresh`` runs as a DB job every few seconds: the first runs take the copy
a batch of records at a time (so the single DB worker keeps serving the panes between
batches); later runs read the server's change feed from where the copy stopped and copy only
what changed (``offline_mirror``). The feed is read the way ``change_follow`` reads it:
transactions commit out of sequence order, so the floor moves only past rows older than
``SETTLE`` and the rows above it already applied are remembered. A copy left longer than the
feed's retention is taken again from scratch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from cloudroute_desk.db import change_feed, offline_copy, offline_mirror
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.db.tables import AceRecordRow
from cloudroute_desk.domain.catalog import EDITABLE_STATES
from cloudroute_desk.services.change_follow import SETTLE
from cloudroute_desk.services.drafts import database_identity

TAKE_BATCH = 25
"""Records copied per job while taking the copy. Small on purpose: copying holds the GIL in
stretches that grow with the batch (bench/offline_stall_bench.py: the longest GUI-thread gap
was 214 ms at 100 records a job, 58 ms at 25, with 30 ms for no copy at all, load ~9)."""


@dataclass(frozen=True, slots=True)
class CopyStatus:
    taken_at: datetime | None
    """Server time (naive UTC) the copy was last brought up to date; None: not yet."""
    pending_edits: int
    complete: bool
    records: int


@dataclass(frozen=True, slots=True)
class RefreshReport:
    status: CopyStatus
    applied: int
    """Feed rows applied by this run (0 while taking the copy)."""
    more: bool
    """The copy is still being taken: run again soon."""


def identity_of(server: Database) -> str:
    return database_identity(server)


def open_copy(data_dir: Path, identity: str) -> Database:
    """The copy of the server ``identity``, created (empty, mode 0600) when there is none."""
    path = offline_copy.copy_path(data_dir, identity)
    offline_copy.reserve_file(path)
    copy = open_database(str(path), check_integrity=False)
    with copy.engine.begin() as connection:
        offline_copy.prepare(connection, identity)
    return copy


def forget_copy(data_dir: Path, identity: str, copy: Database | None = None) -> bool:
    """File → Forget offline copy: close it and delete the file (True when there was one)."""
    if copy is not None:
        copy.dispose()
    return offline_copy.forget(offline_copy.copy_path(data_dir, identity))


@contextmanager
def _copy_writing(copy: Database) -> Iterator[Session]:
    """A transaction on the copy that is not signed: mirror writes make no outbox entries."""
    with copy.session_factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def status(copy: Database) -> CopyStatus:
    with copy.reading() as session:
        return _status(session)


def _status(session: Session) -> CopyStatus:
    count = int(session.execute(text("SELECT count(*) FROM ace_records")).scalar() or 0)
    return CopyStatus(
        offline_copy.taken_at(session),
        offline_copy.pending_count(session),
        offline_copy.meta(session, "complete") == "1",
        count,
    )


def refresh(server: Database, copy: Database, *, batch: int = TAKE_BATCH) -> RefreshReport:
    """One step of keeping the copy current (see the module docstring)."""
    with server.reading() as source, _copy_writing(copy) as target:
        now = server_now(source)
        taken = offline_copy.taken_at(target)
        if taken is not None and now - taken > change_feed.RETENTION - SETTLE:
            offline_copy.set_meta(target, complete=0)
            target.execute(text("DELETE FROM offline_meta WHERE key = 'take_after'"))
        if offline_copy.meta(target, "complete") != "1":
            more = _take_step(source, target, now, batch)
            applied = 0
        else:
            applied = _follow_feed(source, target, now)
            more = False
        # The copy's own feed holds only the mirror's writes: nothing anyone follows.
        target.execute(text("DELETE FROM change_feed"))
        report_status = _status(target)
    return RefreshReport(report_status, applied, more)


def _take_step(source: Session, target: Session, now: datetime, batch: int) -> bool:
    after = offline_copy.meta(target, "take_after")
    if after is None:
        # The feed position first: whatever changes while the copy is taken is read after.
        offline_copy.set_meta(
            target, feed_floor=change_feed.newest_seq(source), feed_seen="[]", take_after=0
        )
        offline_mirror.mirror(
            source,
            target,
            record_ids=offline_copy.marked(target, offline_copy.KEEP_RECORD)
            | offline_copy.marked(target, offline_copy.RECENT_RECORD),
            inquiry_ids=offline_copy.marked(target, offline_copy.KEEP_INQUIRY),
        )
        after = "0"
    ids = offline_mirror.editable_record_ids(source, int(after), batch)
    offline_mirror.mirror(source, target, record_ids=ids)
    if len(ids) < batch:
        offline_copy.set_meta(target, complete=1, taken_at=now.isoformat())
        return False
    offline_copy.set_meta(target, take_after=ids[-1])
    return True


def _follow_feed(source: Session, target: Session, now: datetime) -> int:
    floor = int(offline_copy.meta(target, "feed_floor") or 0)
    seen = set(json.loads(offline_copy.meta(target, "feed_seen") or "[]"))
    entries = [e for e in change_feed.entries_after(source, floor) if e.seq not in seen]
    records = {e.entity_id for e in entries if e.entity == "record"}
    inquiries = {e.entity_id for e in entries if e.entity == "inquiry"}
    inquiries |= {e.inquiry_id for e in entries if e.inquiry_id is not None}
    partners = {e.entity_id for e in entries if e.entity == "partner"}
    if entries:
        wanted_records = offline_mirror.copied_ids(
            target, offline_mirror.RECORDS_TABLE, records
        ) | _editable_on_server(source, records)
        wanted_records |= records & offline_copy.marked(target, offline_copy.KEEP_RECORD)
        wanted_inquiries = offline_mirror.copied_ids(
            target, offline_mirror.INQUIRIES_TABLE, inquiries
        ) | (inquiries & offline_copy.marked(target, offline_copy.KEEP_INQUIRY))
        wanted_partners = offline_mirror.copied_ids(target, offline_mirror.PARTNERS_TABLE, partners)
        offline_mirror.mirror(
            source,
            target,
            record_ids=wanted_records,
            inquiry_ids=wanted_inquiries,
            partner_ids=wanted_partners,
        )
    # Move the floor past rows old enough that nothing before them can still commit.
    settled = [e.seq for e in entries if e.at < now - SETTLE]
    seen |= {e.seq for e in entries}
    new_floor = max([floor, *settled]) if settled else floor
    seen = {seq for seq in seen if seq > new_floor}
    offline_copy.set_meta(
        target, feed_floor=new_floor, feed_seen=json.dumps(sorted(seen)), taken_at=now.isoformat()
    )
    return len(entries)


def _editable_on_server(source: Session, record_ids: set[int]) -> set[int]:
    if not record_ids:
        return set()
    states = [state.value for state in EDITABLE_STATES]
    found: set[int] = set()
    for chunk in offline_mirror.chunks(record_ids):
        found.update(
            source.scalars(
                select(AceRecordRow.id).where(
                    AceRecordRow.id.in_(chunk), AceRecordRow.state.in_(states)
                )
            )
        )
    return found


def keep_offline(
    server: Database, copy: Database, kind: str, entity_id: int, on: bool = True
) -> CopyStatus:
    """Mark (or unmark) a record or inquiry "Keep offline", or note a record as recently
    opened; a marked one is copied now with its closure."""
    with server.reading() as source, _copy_writing(copy) as target:
        offline_copy.mark(target, kind, entity_id, on)
        if on:
            if kind == offline_copy.KEEP_INQUIRY:
                offline_mirror.mirror(source, target, inquiry_ids={entity_id})
            else:
                offline_mirror.mirror(source, target, record_ids={entity_id})
        target.execute(text("DELETE FROM change_feed"))
        return _status(target)


def kept_marks(copy: Database) -> tuple[frozenset[int], frozenset[int]]:
    """(records, inquiries) marked "Keep offline"."""
    with copy.reading() as session:
        return (
            frozenset(offline_copy.marked(session, offline_copy.KEEP_RECORD)),
            frozenset(offline_copy.marked(session, offline_copy.KEEP_INQUIRY)),
        )
