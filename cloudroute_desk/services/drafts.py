"""Drafts that are never lost: written to the local draft store first, synced to the shared
database with the version check second.

The editor calls ``write_draft`` on the GUI thread (a local SQLite write, no network), then
runs ``sync_draft`` on the DB executor. A sync that succeeds forgets the draft only if no newer
keystrokes reached the store meanwhile; otherwise the newer draft is re-based on the version
just written, so the next sync does not mistake our own save for someone else's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from cloudroute_desk.db.draft_store import DISK_FULL, DraftStore, DraftStoreError

__all__ = ["DISK_FULL", "DraftStore", "DraftStoreError"]
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.services import records
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
) -> SyncOutcome:
    """Save ``text`` (a draft's form JSON) over ``base_version``; raises what ``save_form``
    raises (``EditConflict``, ``RecordLockedError``, ``UnstorableTextError``, DB errors) and
    leaves the draft in the store in every such case."""
    form = AceForm.model_validate(json.loads(text))
    result = records.save_form(database, record_id, form, base_version, admin)
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
    for draft in store.pending(identity):
        try:
            outcome = sync_draft(
                database,
                store,
                identity,
                draft.record_id,
                draft.form_json,
                draft.base_version,
                admin,
            )
        except (records.RecordError, ValueError, ValidationError) as error:
            results.append(PendingSync(draft.record_id, None, str(error)))
            continue
        results.append(PendingSync(draft.record_id, outcome, None))
    return results
