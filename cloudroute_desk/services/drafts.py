"""Drafts that are never lost: written to the local draft store first, synced to the shared
database with the version check second.

The editor calls ``write_draft`` on the GUI thread (a local SQLite write, no network), then
runs ``sync_draft`` on the DB executor. A sync that succeeds forgets the draft only if no newer
keystrokes reached the store meanwhile; otherwise the newer draft is re-based on the version
just written, so the next sync does not mistake our own save for someone else's.

Each sync carries a request id, kept in the draft while the sync is on its way. An app killed
after the server committed a sync but before the draft was cleaned up settles the draft when
the record is opened again (``open_settled``): the id was applied, so the draft's remaining
edits stand on the version it wrote, and an unchanged draft is simply dropped; no conflict
with the admin's own save.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from cloudroute_desk.db.draft_store import DISK_FULL, DraftStore, DraftStoreError

__all__ = ["DISK_FULL", "DraftStore", "DraftStoreError"]
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.services import records, write_requests
from cloudroute_desk.services.changes import Changes


def database_identity(database: Database) -> str:
    """Which database a draft belongs to: the URL without its password (for SQLite, the
    resolved file path), so one record id in two databases is two drafts."""
    return database.url.render_as_string(hide_password=True)


def form_json(form: AceForm) -> str:
    # json.dumps escapes NUL and unpaired surrogates, so even text the database would refuse
    # is kept exactly in the draft until the admin fixes it.
    return json.dumps(form.model_dump(mode="json"), sort_keys=True)


@dataclass(frozen=True, slots=True)
class RestoredDraft:
    form: AceForm
    base_version: int
    saved_at: datetime
    text: str


def write_draft(
    store: DraftStore,
    identity: str,
    record_id: int,
    form: AceForm,
    base_version: int,
    *,
    now: datetime | None = None,
) -> str:
    text = form_json(form)
    store.put(identity, record_id, text, base_version, now or utcnow())
    return text


def read_draft(store: DraftStore, identity: str, record_id: int) -> RestoredDraft | None:
    draft = store.get(identity, record_id)
    if draft is None:
        return None
    try:
        form = AceForm.model_validate(json.loads(draft.form_json))
    except (ValueError, ValidationError):
        # A draft written by a future version of the form, or damaged on disk: keeping it
        # would block the record forever, and the database still holds the last sync.
        store.discard(identity, record_id)
        return None
    return RestoredDraft(form, draft.base_version, draft.saved_at, draft.form_json)


def discard_draft(store: DraftStore, identity: str, record_id: int) -> None:
    store.discard(identity, record_id)


@dataclass(frozen=True, slots=True)
class DraftRestore:
    """What the editor shows when it opens a record that may have a local draft."""

    form: AceForm | None
    """The draft's form to put on screen; None shows the saved record."""
    base_version: int
    """The version the editor's next save is checked against."""
    pending_text: str | None
    """The draft still to be synced (the draft's form JSON), or None."""
    message: str | None
    """A sentence for the banner (it offers Revert), or None."""
    unreadable: str | None = None
    """Why the draft store could not be read just now (the saved record is shown), or None."""


def restore_draft(store: DraftStore, identity: str, opened: records.OpenedRecord) -> DraftRestore:
    """The policy for a record's local draft on opening it: a draft equal to the saved form
    is dropped; on an editable record it is restored and synced over its own base version
    (so someone else's save in between is a conflict, not overwritten); on a record that
    can no longer be edited it is kept but not shown, and the admin is told why."""
    record_id = opened.record_id
    try:
        draft = read_draft(store, identity, record_id)
    except DraftStoreError as error:
        return DraftRestore(None, opened.version, None, None, unreadable=str(error))
    if draft is not None and draft.form == opened.form:
        discard_draft(store, identity, record_id)
        draft = None
    if draft is None:
        return DraftRestore(None, opened.version, None, None)
    if opened.editable:
        return DraftRestore(
            draft.form,
            draft.base_version,
            draft.text,
            f"Restored unsaved changes from {draft.saved_at:%Y-%m-%d %H:%M:%S} UTC.",
        )
    return DraftRestore(
        None,
        opened.version,
        None,
        f"Your local changes from {draft.saved_at:%Y-%m-%d %H:%M} UTC were not saved: "
        f"the record is now {opened.summary.state.value}.",
    )


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    version: int
    updated_at: datetime
    changes: Changes
    draft_cleared: bool
    """False when newer edits reached the draft store while the sync ran."""
    form: AceForm
    """The form the database now holds."""


def sync_draft(
    database: Database,
    store: DraftStore,
    identity: str,
    record_id: int,
    text: str,
    base_version: int,
    admin: str,
    *,
    request_id: str | None = None,
    after_request: str | None = None,
) -> SyncOutcome:
    """Save ``text`` (a draft's form JSON) over ``base_version``; raises what ``save_form``
    raises (``EditConflict``, ``RecordLockedError``, ``UnstorableTextError``, DB errors) and
    leaves the draft in the store in every such case. ``request_id`` and ``after_request``
    are ``save_form``'s; the draft remembers ``request_id`` until the answer is in."""
    form = AceForm.model_validate(json.loads(text))
    if request_id is not None:
        # Unreachable drafts file: the save still goes; only a kill right now would need it.
        with contextlib.suppress(DraftStoreError):
            store.mark_sent(identity, record_id, request_id)
    result = records.save_form(
        database,
        record_id,
        form,
        base_version,
        admin,
        request_id=request_id,
        after_request=after_request,
    )
    return _synced(store, identity, record_id, text, base_version, result, form)


def applied_sync(
    store: DraftStore,
    identity: str,
    record_id: int,
    text: str,
    base_version: int,
    outcome: write_requests.Outcome,
) -> SyncOutcome:
    """A sync whose answer was lost but whose request was found applied: the draft is
    cleaned up exactly as after an answered sync."""
    version = write_requests.applied_version(outcome, record_id)
    assert version is not None and outcome.at is not None
    result = records.SaveResult(version, outcome.at, outcome.changes)
    form = AceForm.model_validate(json.loads(text))
    return _synced(store, identity, record_id, text, base_version, result, form)


def _synced(
    store: DraftStore,
    identity: str,
    record_id: int,
    text: str,
    base_version: int,
    result: records.SaveResult,
    form: AceForm,
) -> SyncOutcome:
    store.discard(identity, record_id, text)
    try:
        still_there = store.get(identity, record_id)
        if still_there is not None:
            store.rebase(identity, record_id, base_version, result.version)
    except DraftStoreError:
        # The server has the save; the editor still holds any newer edits in memory and
        # writes them (on the new version) when the draft file can be reached again.
        still_there = None
    return SyncOutcome(result.version, result.updated_at, result.changes, still_there is None, form)


def settle_sent(database: Database, store: DraftStore, identity: str, record_id: int) -> None:
    """Resolve the draft's sync whose answer never came (the app was killed, the link
    dropped): applied, its remaining edits stand on the version it wrote; not, they stay on
    their base. Raises ``DraftStoreError`` and database errors."""
    draft = store.get(identity, record_id)
    if draft is None or draft.sent_request_id is None:
        return
    outcome = write_requests.outcome_of(database, draft.sent_request_id)
    version = write_requests.applied_version(outcome, record_id)
    store.settle(identity, record_id, draft.sent_request_id, version)


def awaits_settling(store: DraftStore, identity: str, opened: records.OpenedRecord) -> bool:
    """Whether the record's draft has a sync to settle before it is shown (``open_settled``);
    True when the draft store cannot say."""
    try:
        draft = store.get(identity, opened.record_id)
    except DraftStoreError:
        return True
    return draft is not None and draft.sent_request_id is not None


def open_settled(database: Database, store: DraftStore, record_id: int) -> records.OpenedRecord:
    """``records.open_record`` after settling the record's draft (``settle_sent``), so
    ``restore_draft`` judges it against the right base version."""
    with contextlib.suppress(DraftStoreError):
        settle_sent(database, store, database_identity(database), record_id)
    return records.open_record(database, record_id)


@dataclass(frozen=True, slots=True)
class PendingSync:
    record_id: int
    outcome: SyncOutcome | None
    error: str | None


def sync_pending(database: Database, store: DraftStore, admin: str) -> list[PendingSync]:
    """Push every unsynced draft for ``database`` (after working offline); conflicts and other
    refusals are reported per record and their drafts kept for the editor to resolve."""
    identity = database_identity(database)
    results: list[PendingSync] = []
    for unsettled in store.pending(identity):
        try:
            settle_sent(database, store, identity, unsettled.record_id)
            draft = store.get(identity, unsettled.record_id)
            if draft is None:
                continue
            outcome = sync_draft(
                database,
                store,
                identity,
                draft.record_id,
                draft.form_json,
                draft.base_version,
                admin,
                request_id=write_requests.new_request_id(),
            )
        except (records.RecordError, ValueError, ValidationError) as error:
            results.append(PendingSync(unsettled.record_id, None, str(error)))
            continue
        results.append(PendingSync(unsettled.record_id, outcome, None))
    return results
