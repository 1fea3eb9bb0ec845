"""Syncing the offline outbox back to the server, with nothing lost.

Each record's outbox entries (in the order the edits were made) are one edit: the last
entry's form, started from the server version the copy held (``offline_base``). Against the
server's record now:

- still at that version: saved as it is, with the version check;
- moved on (a colleague saved meanwhile): merged field by field (``domain.ace.merge``); no
  field changed on both sides → the merge is saved; otherwise the record waits for the
  admin's decision (``NeedsDecision``, answered with ``resolve``);
- no longer editable (submitted, approved) or deleted: the edits are kept as a local draft in
  the draft store, which the editor shows with its explanation, and the entries say why.

Ordering and conflicts come from the server's version numbers and the outbox's own sequence,
never from a clock, so a laptop clock hours off changes nothing. A replayed entry (a crash
after the server committed but before the copy noted it) finds its own form on the server and
merges to the same values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from cloudroute_desk.db import offline_copy, offline_mirror
from cloudroute_desk.db import record_queries as queries
from cloudroute_desk.db.draft_store import DraftStore, DraftStoreError
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.offline_copy import OutboxEntry
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.ace.merge import MergeResult, merge3, resolve
from cloudroute_desk.domain.catalog import EDITABLE_STATES, RecordState
from cloudroute_desk.services import drafts, records, write_requests
from cloudroute_desk.services.changes import Changes

Saver = Callable[[Database, int, AceForm, int, str, str], records.SaveResult]
"""``save(server, record_id, form, expected_version, admin, request_id)``."""


def save_with_request(
    server: Database,
    record_id: int,
    form: AceForm,
    expected_version: int,
    admin: str,
    request_id: str,
) -> records.SaveResult:
    """The one server write of a sync: the record service's save with the version check,
    under the outbox entry's id (a replay of an applied id writes nothing)."""
    return records.save_form(
        server, record_id, form, expected_version, admin, request_id=request_id
    )


def _last_applied(
    server: Database, record_id: int, entries: list[OutboxEntry]
) -> tuple[int, int] | None:
    """(index, version written) of the newest entry the server already applied: a sync whose
    acknowledgement was lost before the copy noted it. Newest first, so one look usually."""
    for index in range(len(entries) - 1, -1, -1):
        outcome = write_requests.outcome_of(server, entries[index].id)
        version = write_requests.applied_version(outcome, record_id)
        if version is not None:
            return index, version
    return None


@dataclass(frozen=True, slots=True)
class NeedsDecision:
    """A record both sides changed in the same fields: the admin chooses mine or theirs."""

    record_id: int
    mine: AceForm
    theirs: AceForm
    their_version: int
    updated_by: str
    updated_at: datetime
    state: RecordState
    merge: MergeResult
    entry_ids: tuple[str, ...]
    request_id: str

    def conflict(self) -> records.EditConflict:
        """The value the Mine / Theirs dialog shows."""
        return OfflineConflict(
            self.theirs, self.their_version, self.updated_by, self.updated_at, self.state
        )


class OfflineConflict(records.EditConflict):
    """An ``EditConflict`` found by the sync: the colleague saved while this admin was away."""

    def __str__(self) -> str:
        return (
            f"{self.updated_by or 'Someone'} saved this record at "
            f"{self.updated_at:%Y-%m-%d %H:%M} UTC while you were offline; the fields you "
            "both changed are below (the others were merged)."
        )


@dataclass(frozen=True, slots=True)
class KeptDraft:
    record_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class SyncReport:
    synced: tuple[int, ...] = ()
    decisions: tuple[NeedsDecision, ...] = ()
    kept: tuple[KeptDraft, ...] = ()
    changes: Changes = field(default_factory=Changes)

    def __or__(self, other: SyncReport) -> SyncReport:
        return SyncReport(
            self.synced + other.synced,
            self.decisions + other.decisions,
            self.kept + other.kept,
            self.changes | other.changes,
        )

    @property
    def summary(self) -> str:
        """The status bar's sentence: "Synced 3 edits; 1 needs your decision"."""
        parts = [f"Synced {len(self.synced)} edit{'' if len(self.synced) == 1 else 's'}"]
        if self.decisions:
            parts.append(
                f"{len(self.decisions)} need{'s' if len(self.decisions) == 1 else ''} your decision"
            )
        if self.kept:
            parts.append(f"{len(self.kept)} kept as a local draft")
        return "; ".join(parts)


def _grouped(entries: list[OutboxEntry]) -> dict[int, list[OutboxEntry]]:
    groups: dict[int, list[OutboxEntry]] = {}
    for entry in entries:  # already in outbox order; a dict keeps first-edit order
        groups.setdefault(entry.record_id, []).append(entry)
    return groups


def sync_outbox(
    server: Database,
    copy: Database,
    store: DraftStore,
    admin: str,
    save: Saver = save_with_request,
) -> SyncReport:
    """Push every pending outbox entry (see the module docstring)."""
    with copy.reading() as session:
        groups = _grouped(offline_copy.outbox(session))
        bases = {rid: offline_copy.base_of(session, rid) for rid in groups}
    report = SyncReport()
    for record_id, entries in groups.items():
        base = bases[record_id]
        base_fields = base[1] if base is not None else entries[0].fields
        report = report | _sync_record(
            server, copy, store, admin, save, record_id, entries, base_fields
        )
    return report


def _sync_record(
    server: Database,
    copy: Database,
    store: DraftStore,
    admin: str,
    save: Saver,
    record_id: int,
    entries: list[OutboxEntry],
    base_fields: dict[str, Any],
) -> SyncReport:
    ids = tuple(entry.id for entry in entries)
    base_version = entries[0].base_version
    applied = _last_applied(server, record_id, entries)
    if applied is not None:
        # That entry is the server's now: what is left merges against it, never against
        # ourselves.
        index, base_version = applied
        base_fields = entries[index].fields
        if index == len(entries) - 1:
            _settled(server, copy, record_id, ids, offline_copy.SYNCED)
            return SyncReport(synced=(record_id,))
    request_id = entries[-1].id
    mine_fields = entries[-1].fields
    try:
        mine = AceForm.model_validate(mine_fields)
    except ValidationError:
        return _keep(server, copy, store, record_id, ids, None, "the offline form is unreadable")
    for _attempt in range(3):
        with server.reading() as session:
            current = queries.load_record(session, record_id)
        if current is None:
            return _keep(server, copy, store, record_id, ids, mine, "it was deleted meanwhile")
        if current.summary.state not in EDITABLE_STATES:
            who = current.updated_by or "someone"
            return _keep(
                server,
                copy,
                store,
                record_id,
                ids,
                mine,
                f"{who} moved it to {current.summary.state.value} while you were offline",
                version=current.version,
            )
        theirs = records.form_of(current)
        if current.version == base_version:
            form, expected = mine, current.version
        else:
            merged = merge3(base_fields, mine_fields, records.form_fields(theirs))
            if merged.conflicts:
                return SyncReport(
                    decisions=(
                        NeedsDecision(
                            record_id,
                            mine,
                            theirs,
                            current.version,
                            current.updated_by,
                            current.updated_at,
                            current.summary.state,
                            merged,
                            ids,
                            request_id,
                        ),
                    )
                )
            try:
                form = AceForm.model_validate(merged.merged)
            except ValidationError:
                form = mine
            expected = current.version
        try:
            result = save(server, record_id, form, expected, admin, request_id)
        except records.EditConflict:
            continue  # saved again in between: merge against that
        except (records.RecordLockedError, records.RecordNotFoundError):
            continue  # moved on in between: the next look keeps it as a draft
        except records.UnstorableTextError as error:
            return _keep(server, copy, store, record_id, ids, mine, str(error))
        _settled(server, copy, record_id, ids, offline_copy.SYNCED)
        return SyncReport(synced=(record_id,), changes=result.changes)
    return SyncReport()  # still racing: the entries stay pending for the next sync


def resolve_decision(
    server: Database,
    copy: Database,
    store: DraftStore,
    decision: NeedsDecision,
    keep_mine: bool,
    admin: str,
    save: Saver = save_with_request,
) -> SyncReport:
    """Save the admin's choice over the version the dialog showed; if the record moved again,
    the pending entries go through the sync again (merging against the newer version)."""
    fields = resolve(decision.merge, records.form_fields(decision.theirs), keep_mine)
    try:
        form = AceForm.model_validate(fields)
        result = save(
            server, decision.record_id, form, decision.their_version, admin, decision.request_id
        )
    except (records.EditConflict, records.RecordLockedError, records.RecordNotFoundError):
        with copy.reading() as session:
            entries = [e for e in offline_copy.outbox(session) if e.record_id == decision.record_id]
            base = offline_copy.base_of(session, decision.record_id)
        if not entries:
            return SyncReport()
        base_fields = base[1] if base is not None else entries[0].fields
        return _sync_record(
            server, copy, store, admin, save, decision.record_id, entries, base_fields
        )
    _settled(server, copy, decision.record_id, decision.entry_ids, offline_copy.SYNCED)
    return SyncReport(synced=(decision.record_id,), changes=result.changes)


def _keep(
    server: Database,
    copy: Database,
    store: DraftStore,
    record_id: int,
    ids: tuple[str, ...],
    mine: AceForm | None,
    reason: str,
    *,
    version: int = 0,
) -> SyncReport:
    """Keep the offline edits as a local draft of the server's record, never dropped: the
    editor restores it with its explanation when the record is opened."""
    sentence = f"Your offline edits of record {record_id} were kept as a local draft: {reason}."
    if mine is not None:
        try:
            drafts.write_draft(store, drafts.database_identity(server), record_id, mine, version)
        except DraftStoreError:
            return SyncReport()  # the draft file is not writable now: stay in the outbox
    _settled(server, copy, record_id, ids, offline_copy.KEPT_AS_DRAFT, sentence)
    return SyncReport(kept=(KeptDraft(record_id, sentence),))


def _settled(
    server: Database,
    copy: Database,
    record_id: int,
    ids: tuple[str, ...],
    state: str,
    note: str = "",
) -> None:
    """Note the entries done and bring the copy's row back to the server's."""
    with server.reading() as source, copy.session_factory() as target:
        offline_copy.settle(target, ids, state, note)
        offline_mirror.mirror(source, target, record_ids={record_id})
        target.commit()


def pending_edits(copy: Database) -> int:
    with copy.reading() as session:
        return offline_copy.pending_count(session)
