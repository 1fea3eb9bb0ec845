"""The app killed between the server's COMMIT of a draft sync and the draft's clean-up, on
both backends: reopened, the record shows no conflict with the admin's own save; the edits
typed meanwhile stand on the version that save wrote."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cloudroute_desk.db.draft_store import DraftStore
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import Pool
from cloudroute_desk.services import drafts, records, write_requests
from tests.factories import add_inquiry, add_partner

_KILLED_AFTER_COMMIT = textwrap.dedent(
    """
    import os, signal, sys
    from cloudroute_desk.db.draft_store import DraftStore
    from cloudroute_desk.db.opening import open_database
    from cloudroute_desk.services import drafts, records

    target, path, record_id, request_id = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    database = open_database(target).signed_as("alice")
    store = DraftStore(path)
    identity = drafts.database_identity(database)
    opened = records.open_record(database, record_id)
    sent = opened.form.model_copy(update={"title": "Sent"})
    text = drafts.write_draft(store, identity, record_id, sent, opened.version)

    def die_before_clean_up(*_args, **_kwargs):
        # The admin typed on while the save was on its way, then the app was killed.
        typed = opened.form.model_copy(update={"title": "Sent, then typed on"})
        drafts.write_draft(store, identity, record_id, typed, opened.version)
        os.kill(os.getpid(), signal.SIGKILL)

    DraftStore.discard = die_before_clean_up
    drafts.sync_draft(
        database, store, identity, record_id, text, opened.version, "alice",
        request_id=request_id,
    )
    print("not killed", flush=True)
    """
)


def _record(database: Database) -> int:
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned")
    opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
    return opened.record_id


@pytest.mark.parametrize("kind", ["typed on", "nothing typed"])
def test_a_kill_between_commit_and_draft_clean_up_is_no_conflict(
    database: Database, db_target: str, tmp_path: Path, kind: str
) -> None:
    record_id = _record(database)
    before = records.open_record(database, record_id).version
    path = tmp_path / "drafts.sqlite"
    request_id = write_requests.new_request_id()
    script = _KILLED_AFTER_COMMIT
    if kind == "nothing typed":
        script = script.replace("drafts.write_draft(store, identity, record_id, typed,", "(")
    child = subprocess.run(
        [sys.executable, "-c", script, db_target, str(path), str(record_id), request_id],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    # The server committed the sync; the draft still holds its request id and old base.
    saved = records.open_record(database, record_id)
    assert (saved.version, saved.form.title) == (before + 1, "Sent")
    store = DraftStore(path)
    identity = drafts.database_identity(database)
    left = store.get(identity, record_id)
    assert left is not None and left.base_version == before
    assert left.sent_request_id == request_id

    opened = drafts.open_settled(database, store, record_id)
    restore = drafts.restore_draft(store, identity, opened)

    if kind == "nothing typed":
        assert restore == drafts.DraftRestore(None, opened.version, None, None)
        assert store.get(identity, record_id) is None
        return
    assert restore.form is not None and restore.form.title == "Sent, then typed on"
    assert restore.base_version == opened.version == before + 1
    assert restore.pending_text is not None
    outcome = drafts.sync_draft(
        database,
        store,
        identity,
        record_id,
        restore.pending_text,
        restore.base_version,
        "alice",
        request_id=write_requests.new_request_id(),
    )
    assert outcome.version == before + 2 and outcome.draft_cleared
    assert store.get(identity, record_id) is None


def test_a_draft_whose_sync_never_arrived_keeps_its_base(
    database: Database, tmp_path: Path
) -> None:
    record_id = _record(database)
    opened = records.open_record(database, record_id)
    store = DraftStore(tmp_path / "drafts.sqlite")
    identity = drafts.database_identity(database)
    edited = opened.form.model_copy(update={"title": "Never arrived"})
    drafts.write_draft(store, identity, record_id, edited, opened.version)
    store.mark_sent(identity, record_id, write_requests.new_request_id())
    reopened = drafts.open_settled(database, store, record_id)
    restore = drafts.restore_draft(store, identity, reopened)
    assert (restore.form, restore.base_version) == (edited, opened.version)
    left = store.get(identity, record_id)
    assert left is not None and left.sent_request_id is None


def test_a_keystroke_written_on_the_old_version_after_a_sync_is_no_conflict(
    database: Database, tmp_path: Path
) -> None:
    """The editor learns a sync's new version a moment after the draft was re-based; a
    keystroke written in between still names the old version, and the app is killed."""
    record_id = _record(database)
    opened = records.open_record(database, record_id)
    store = DraftStore(tmp_path / "drafts.sqlite")
    identity = drafts.database_identity(database)
    sent = opened.form.model_copy(update={"title": "Sent"})
    text = drafts.write_draft(store, identity, record_id, sent, opened.version)
    typed = opened.form.model_copy(update={"title": "Sent, typed on"})

    real_discard = store.discard

    def typed_during_the_sync(*args: object, **kwargs: object) -> None:
        drafts.write_draft(store, identity, record_id, typed, opened.version)
        real_discard(*args, **kwargs)  # type: ignore[arg-type]

    store.discard = typed_during_the_sync  # type: ignore[method-assign]
    drafts.sync_draft(
        database,
        store,
        identity,
        record_id,
        text,
        opened.version,
        "alice",
        request_id=write_requests.new_request_id(),
    )
    store.discard = real_discard  # type: ignore[method-assign]
    # The stale keystroke, then the kill (nothing runs after it).
    drafts.write_draft(store, identity, record_id, typed, opened.version)

    reopened = drafts.open_settled(database, DraftStore(tmp_path / "drafts.sqlite"), record_id)
    restore = drafts.restore_draft(store, identity, reopened)
    assert restore.form == typed and restore.base_version == opened.version + 1
    assert restore.pending_text is not None
    drafts.sync_draft(
        database,
        store,
        identity,
        record_id,
        restore.pending_text,
        restore.base_version,
        "alice",
        request_id=write_requests.new_request_id(),
    )
