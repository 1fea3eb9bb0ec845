"""The local draft store and the draft use-cases: written first, synced second, never lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from cloudroute_desk.db.draft_store import DraftStore
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.catalog import Pool, RecordState
from cloudroute_desk.services import drafts, records
from tests.factories import add_inquiry, add_partner

HOSTILE = "NUL\x00 lone\ud800 RTL \u202eשלום emoji 🚀 '; DROP TABLE ace_records; --"


def test_put_get_discard_round_trip(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts.sqlite")
    at = datetime(2026, 6, 1, 9, 0, 0)
    store.put("db-a", 7, '{"x": 1}', 3, at)
    store.put("db-b", 7, '{"x": 2}', 1, at)
    draft = store.get("db-a", 7)
    assert draft is not None
    assert (draft.form_json, draft.base_version, draft.saved_at) == ('{"x": 1}', 3, at)
    store.put("db-a", 7, '{"x": 3}', 4, at)
    assert store.get("db-a", 7).form_json == '{"x": 3}'  # type: ignore[union-attr]
    store.discard("db-a", 7, form_json='{"x": 1}')
    assert store.get("db-a", 7) is not None, "a conditional discard keeps newer text"
    store.discard("db-a", 7)
    assert store.get("db-a", 7) is None
    assert store.get("db-b", 7) is not None, "drafts are per database"
    assert [d.record_id for d in store.pending("db-b")] == [7]


def test_hostile_text_is_kept_exactly_in_the_draft(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts.sqlite")
    form = AceForm(use_case=HOSTILE * 3000)  # ~200 kB
    drafts.write_draft(store, "db", 1, form, 1)
    store.close()
    restored = drafts.read_draft(DraftStore(tmp_path / "drafts.sqlite"), "db", 1)
    assert restored is not None
    assert restored.form.use_case == HOSTILE * 3000


def test_damaged_draft_is_dropped_not_fatal(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts.sqlite")
    store.put("db", 1, "{not json", 1, datetime(2026, 1, 1))
    assert drafts.read_draft(store, "db", 1) is None
    assert store.get("db", 1) is None


def _new_record(database) -> int:  # type: ignore[no-untyped-def]
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned")
    opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
    return opened.record_id


def test_sync_saves_and_forgets_the_draft(database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = DraftStore(tmp_path / "drafts.sqlite")
    identity = drafts.database_identity(database)
    record_id = _new_record(database)
    opened = records.open_record(database, record_id)
    form = opened.form.model_copy(update={"partner_role": "SOC 2 remediation"})
    text = drafts.write_draft(store, identity, record_id, form, opened.version)
    outcome = drafts.sync_draft(database, store, identity, record_id, text, opened.version, "alice")
    assert outcome.draft_cleared and outcome.version == opened.version + 1
    assert store.get(identity, record_id) is None
    assert records.open_record(database, record_id).form.partner_role == "SOC 2 remediation"


def test_sync_keeps_newer_keystrokes_and_rebases_them(database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = DraftStore(tmp_path / "drafts.sqlite")
    identity = drafts.database_identity(database)
    record_id = _new_record(database)
    opened = records.open_record(database, record_id)
    first = drafts.write_draft(
        store, identity, record_id, opened.form.model_copy(update={"title": "one"}), 1
    )
    # More typing lands in the store while the first sync is on its way.
    drafts.write_draft(
        store, identity, record_id, opened.form.model_copy(update={"title": "two"}), 1
    )
    outcome = drafts.sync_draft(database, store, identity, record_id, first, 1, "alice")
    assert not outcome.draft_cleared
    left = store.get(identity, record_id)
    assert left is not None and left.base_version == outcome.version == 2
    again = drafts.sync_pending(database, store, "alice")
    assert [(p.record_id, p.error) for p in again] == [(record_id, None)]
    assert records.open_record(database, record_id).form.title == "two"


def test_sync_conflict_keeps_the_draft(database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = DraftStore(tmp_path / "drafts.sqlite")
    identity = drafts.database_identity(database)
    record_id = _new_record(database)
    opened = records.open_record(database, record_id)
    records.save_form(
        database, record_id, opened.form.model_copy(update={"title": "bob's"}), 1, "bob"
    )
    text = drafts.write_draft(
        store, identity, record_id, opened.form.model_copy(update={"title": "alice's"}), 1
    )
    with pytest.raises(records.EditConflict) as caught:
        drafts.sync_draft(database, store, identity, record_id, text, 1, "alice")
    assert caught.value.theirs.title == "bob's" and caught.value.updated_by == "bob"
    assert store.get(identity, record_id) is not None
    pending = drafts.sync_pending(database, store, "alice")
    assert pending[0].error is not None and "bob" in pending[0].error


_TYPIST = textwrap.dedent(
    """
    import sys, time
    from cloudroute_desk.db.draft_store import DraftStore
    from cloudroute_desk.domain.ace.form import AceForm
    from cloudroute_desk.services import drafts

    store = DraftStore(sys.argv[1])
    text = ""
    for ch in "Lumen runs Bedrock inference on EC2 for 40 customers":
        text += ch
        drafts.write_draft(store, "db", 5, AceForm(use_case=text), 1)
        print(len(text), flush=True)
        time.sleep(0.005)
    time.sleep(60)
    """
)


def test_killed_process_loses_no_written_draft(tmp_path: Path) -> None:
    path = tmp_path / "drafts.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-c", _TYPIST, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert process.stdout is not None
    typed = 0
    deadline = time.monotonic() + 30
    while typed < 30 and time.monotonic() < deadline:
        typed = int(process.stdout.readline())
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    restored = drafts.read_draft(DraftStore(path), "db", 5)
    assert restored is not None
    assert len(restored.form.use_case) >= typed
    assert "Lumen runs Bedrock inference on EC2"[:typed].startswith(restored.form.use_case[:typed])


def test_restore_policy_on_opening_a_record(database: Database, tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts.sqlite")
    identity = drafts.database_identity(database)
    record_id = _new_record(database)
    opened = records.open_record(database, record_id)
    assert drafts.restore_draft(store, identity, opened) == drafts.DraftRestore(
        None, opened.version, None, None
    )
    # A draft equal to the saved form is noise: dropped.
    drafts.write_draft(store, identity, record_id, opened.form, opened.version)
    assert drafts.restore_draft(store, identity, opened).form is None
    assert store.get(identity, record_id) is None
    # A real draft on an editable record: shown, and synced over its own base version.
    edited = opened.form.model_copy(update={"title": "Offline edit"})
    text = drafts.write_draft(store, identity, record_id, edited, base_version=opened.version)
    restore = drafts.restore_draft(store, identity, opened)
    assert (restore.form, restore.base_version, restore.pending_text) == (
        edited,
        opened.version,
        text,
    )
    assert restore.message is not None and restore.message.startswith("Restored unsaved changes")
    # The record moved on to a state that cannot be edited: kept, not shown, and said so.
    submitted = replace(
        opened, summary=opened.summary.model_copy(update={"state": RecordState.SUBMITTED})
    )
    restore = drafts.restore_draft(store, identity, submitted)
    assert (restore.form, restore.pending_text) == (None, None)
    assert restore.message is not None
    assert restore.message.endswith("were not saved: the record is now submitted.")
    assert store.get(identity, record_id) is not None
