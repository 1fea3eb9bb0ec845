"""The local working copy and the outbox sync, against both backends as the server.

The copy is taken from a real server database, edited as the offline window edits it (the
record service's save on the copy), the server is changed meanwhile by another admin, and the
outbox is synced back: merges, one conflict, a record submitted meanwhile, nothing lost.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from cloudroute_desk.db import offline_copy, record_queries
from cloudroute_desk.db.draft_store import DraftStore
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.domain import clock
from cloudroute_desk.domain.ace.merge import merge3, resolve
from cloudroute_desk.domain.catalog import Pool, RecordState
from cloudroute_desk.services import drafts, offline_sync, records
from cloudroute_desk.services import offline_copy as copies
from tests.factories import add_inquiry, add_partner


def _seed(database: Database, count: int = 3) -> list[int]:
    partner_id = add_partner(database)
    ids = []
    for n in range(count):
        inquiry_id = add_inquiry(
            database,
            partner_id=partner_id,
            status="assigned",
            company_name=f"Startup {n}",
            website=f"https://startup{n}.example",
        )
        opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
        ids.append(opened.record_id)
    return ids


def _take(database: Database, data_dir: Path) -> Database:
    copy = copies.open_copy(data_dir, copies.identity_of(database))
    while copies.refresh(database, copy).more:
        pass
    return copy


def submit_as(database: Database, record_id: int, admin: str) -> None:
    """A colleague submitted the record (straight through the repository: the test's forms
    are not complete enough for the submission rules, which are not what is tested here)."""
    opened = records.open_record(database, record_id)
    with database.writing() as session:
        now = server_now(session)
        assert record_queries.set_state(
            session,
            record_id,
            expected_version=opened.version,
            old_state=RecordState.IDENTIFIED,
            new_state=RecordState.SUBMITTED,
            outcome=record_queries.Outcome(submitted_at=now),
            now=now,
            actor=admin,
        )


def _edit(database: Database, record_id: int, **changes: object) -> None:
    """Save a change to the record as the database's signed admin (the editor's save)."""
    opened = records.open_record(database, record_id)
    form = opened.form.model_copy(update=changes)
    records.save_form(database, record_id, form, opened.version, database.admin or "alice")


def test_the_copy_holds_the_drafts_with_their_closure_and_only_its_owner_reads_it(
    database: Database, tmp_path: Path
) -> None:
    record_ids = _seed(database)
    copy = _take(database, tmp_path)
    path = Path(str(copy.url.database))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    status = copies.status(copy)
    assert status.complete and status.records == 3 and status.pending_edits == 0
    assert status.taken_at is not None
    for record_id in record_ids:
        on_copy = records.open_record(copy, record_id)
        on_server = records.open_record(database, record_id)
        assert on_copy.form == on_server.form
        assert on_copy.inquiry.company_name == on_server.inquiry.company_name
        assert on_copy.partner.name == on_server.partner.name
    copy.dispose()


def test_a_refresh_copies_only_what_the_feed_says_changed(
    database: Database, tmp_path: Path
) -> None:
    record_ids = _seed(database)
    copy = _take(database, tmp_path)
    _edit(database, record_ids[0], use_case="Changed on the server")
    report = copies.refresh(database, copy)
    assert report.applied >= 1
    assert records.open_record(copy, record_ids[0]).form.use_case == "Changed on the server"
    # A new draft elsewhere on the server is copied too (it is editable).
    [new_id] = _seed(database, 1)
    copies.refresh(database, copy)
    assert records.open_record(copy, new_id).record_id == new_id
    copy.dispose()


def test_offline_edits_go_to_an_ordered_outbox_committed_with_the_edit(
    database: Database, tmp_path: Path
) -> None:
    record_ids = _seed(database)
    copy = _take(database, tmp_path).signed_as("alice")
    _edit(copy, record_ids[0], use_case="first")
    _edit(copy, record_ids[1], use_case="second")
    _edit(copy, record_ids[0], use_case="third")
    copy.dispose()
    # A fresh process reads the file: nothing held in memory.
    reopened = copies.open_copy(tmp_path, copies.identity_of(database))
    with reopened.reading() as session:
        entries = offline_copy.outbox(session)
    assert [(e.record_id, e.fields["use_case"]) for e in entries] == [
        (record_ids[0], "first"),
        (record_ids[1], "second"),
        (record_ids[0], "third"),
    ]
    assert len({e.id for e in entries}) == 3
    assert all(e.base_version == 1 for e in entries)
    assert copies.status(reopened).pending_edits == 2
    reopened.dispose()


def test_sync_merges_field_by_field_asks_once_and_keeps_a_submitted_record_as_a_draft(
    database: Database, tmp_path: Path
) -> None:
    a, b, c, d = _seed(database, 4)
    copy = _take(database, tmp_path).signed_as("alice")
    # Offline: four records edited.
    _edit(copy, a, use_case="mine only")
    _edit(copy, b, use_case="mine on b")
    _edit(copy, c, use_case="mine on c")
    _edit(copy, d, use_case="mine on d")
    # Meanwhile on the server: bob edits b (another field), c (the same field), submits d.
    _edit(database, b, amount_requested_usd=42_000)
    _edit(database, c, use_case="theirs on c")
    submit_as(database, d, "bob")
    store = DraftStore(tmp_path / "drafts.sqlite")

    report = offline_sync.sync_outbox(database, copy, store, "alice")

    assert sorted(report.synced) == sorted([a, b])
    assert [decision.record_id for decision in report.decisions] == [c]
    assert [kept.record_id for kept in report.kept] == [d]
    assert report.summary == "Synced 2 edits; 1 needs your decision; 1 kept as a local draft"
    assert records.open_record(database, a).form.use_case == "mine only"
    merged = records.open_record(database, b).form
    assert (merged.use_case, merged.amount_requested_usd) == ("mine on b", 42_000)
    assert records.open_record(database, c).form.use_case == "theirs on c"  # not yet decided
    kept = drafts.read_draft(store, drafts.database_identity(database), d)
    assert kept is not None and kept.form.use_case == "mine on d"
    assert "submitted while you were offline" in report.kept[0].reason

    decided = offline_sync.resolve_decision(
        database, copy, store, report.decisions[0], keep_mine=True, admin="alice"
    )
    assert decided.synced == (c,)
    assert records.open_record(database, c).form.use_case == "mine on c"
    assert copies.status(copy).pending_edits == 0
    # A second sync finds nothing left: each entry was applied once.
    again = offline_sync.sync_outbox(database, copy, store, "alice")
    assert again.synced == () and again.decisions == ()
    copy.dispose()


def test_a_replay_after_a_lost_acknowledgement_changes_nothing(
    database: Database, tmp_path: Path
) -> None:
    [a] = _seed(database, 1)
    copy = _take(database, tmp_path).signed_as("alice")
    _edit(copy, a, use_case="offline")
    store = DraftStore(tmp_path / "drafts.sqlite")

    def save_then_lose_the_answer(*args: Any) -> records.SaveResult:
        offline_sync.save_with_request(*args)
        raise ConnectionError("acknowledgement lost")

    with pytest.raises(ConnectionError):
        offline_sync.sync_outbox(database, copy, store, "alice", save=save_then_lose_the_answer)
    assert copies.status(copy).pending_edits == 1  # the copy never heard it landed
    landed = records.open_record(database, a)
    assert landed.form.use_case == "offline"
    report = offline_sync.sync_outbox(database, copy, store, "alice")
    assert report.synced == (a,) and report.decisions == ()
    assert records.open_record(database, a).version == landed.version  # nothing written again
    assert copies.status(copy).pending_edits == 0
    copy.dispose()


def test_edits_after_an_unacknowledged_sync_merge_against_it_not_against_themselves(
    database: Database, tmp_path: Path
) -> None:
    [a] = _seed(database, 1)
    copy = _take(database, tmp_path).signed_as("alice")
    _edit(copy, a, use_case="first", title="Mine")
    store = DraftStore(tmp_path / "drafts.sqlite")

    def lose(*args: Any) -> records.SaveResult:
        offline_sync.save_with_request(*args)
        raise ConnectionError("acknowledgement lost")

    with pytest.raises(ConnectionError):
        offline_sync.sync_outbox(database, copy, store, "alice", save=lose)
    _edit(copy, a, use_case="second")  # offline again, more edits of the same fields
    report = offline_sync.sync_outbox(database, copy, store, "alice")
    assert report.synced == (a,) and report.decisions == ()
    form = records.open_record(database, a).form
    assert (form.use_case, form.title) == ("second", "Mine")
    copy.dispose()


def test_three_way_merge_of_nested_fields() -> None:
    base = {"use_case": "x", "customer": {"city": "Oslo", "website": "a"}, "n": 1}
    mine = {"use_case": "mine", "customer": {"city": "Bergen", "website": "a"}, "n": 1}
    theirs = {"use_case": "x", "customer": {"city": "Oslo", "website": "b"}, "n": 2}
    result = merge3(base, mine, theirs)
    assert result.conflicts == ()
    assert result.merged == {
        "use_case": "mine",
        "customer": {"city": "Bergen", "website": "b"},
        "n": 2,
    }
    clash = merge3(base, mine, {**theirs, "use_case": "theirs"})
    assert clash.conflicts == ("use_case",)
    assert resolve(clash, {**theirs, "use_case": "theirs"}, keep_mine=False)["use_case"] == "theirs"
    assert resolve(clash, theirs, keep_mine=True)["use_case"] == "mine"


def test_forget_deletes_the_copy(database: Database, tmp_path: Path) -> None:
    _seed(database, 1)
    copy = _take(database, tmp_path)
    identity = copies.identity_of(database)
    assert offline_copy.existing_copy(tmp_path, identity) is not None
    assert copies.forget_copy(tmp_path, identity, copy)
    assert offline_copy.existing_copy(tmp_path, identity) is None
    assert json.dumps(list((tmp_path / offline_copy.COPY_FOLDER).iterdir()), default=str) == "[]"


def test_a_kill_while_offline_leaves_the_outbox_and_the_edits_intact(
    database: Database, tmp_path: Path
) -> None:
    """kill -9 a process in the middle of saving offline edits: every save it reported is in
    the outbox, in order, and each record's row is its last entry (edit and entry are one
    commit)."""
    a, b = _seed(database, 2)
    copy = _take(database, tmp_path)
    path = str(copy.url.database)
    copy.dispose()
    editor = subprocess.Popen(
        [sys.executable, "-m", "tests.offline_editor_process", path, str(a), str(b)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert editor.stdout is not None
    reported = [editor.stdout.readline() for _ in range(7)]
    editor.send_signal(signal.SIGKILL)
    editor.wait(timeout=10)
    assert all(line.startswith("saved") for line in reported)

    reopened = copies.open_copy(tmp_path, copies.identity_of(database))
    with reopened.reading() as session:
        entries = offline_copy.outbox(session)
    numbers = [int(e.fields["use_case"].split()[-1]) for e in entries]
    assert numbers == list(range(1, len(entries) + 1))  # ordered, no gap, none twice
    assert len(entries) >= 7  # every reported save (one more may have committed unreported)
    for record_id in (a, b):
        last = [e for e in entries if e.record_id == record_id][-1]
        assert records.open_record(reopened, record_id).form.use_case == last.fields["use_case"]
    # And it syncs: the newest edit of each record reaches the server.
    report = offline_sync.sync_outbox(
        database, reopened.signed_as("alice"), DraftStore(tmp_path / "d.sqlite"), "alice"
    )
    assert sorted(report.synced) == sorted([a, b])
    reopened.dispose()


@pytest.mark.parametrize("skew", [timedelta(hours=24), timedelta(hours=-24)])
def test_a_laptop_clock_a_day_off_changes_nothing(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, skew: timedelta
) -> None:
    """The laptop's clock (every ``utcnow`` in the app, and the copy's own saved times) a
    day off: the same merges and the same decision, and the server stores its own time."""
    real = clock.utcnow
    for name, module in list(sys.modules.items()):
        if name.startswith("cloudroute_desk") and getattr(module, "utcnow", None) is real:
            monkeypatch.setattr(module, "utcnow", lambda: real() + skew)
    a, b = _seed(database, 2)
    copy = _take(database, tmp_path).signed_as("alice")
    _edit(copy, a, use_case="mine on a")
    _edit(copy, b, use_case="mine on b")
    with copy.writing() as session:  # the copy's clock is the laptop's: shift what it stamped
        session.execute(text("UPDATE ace_records SET updated_at = :at"), {"at": real() + skew})
    bob = database.signed_as("bob")
    _edit(bob, a, amount_requested_usd=7_000)
    _edit(bob, b, use_case="bob on b")
    report = offline_sync.sync_outbox(database, copy, DraftStore(tmp_path / "d.sqlite"), "alice")
    assert report.synced == (a,) and [d.record_id for d in report.decisions] == [b]
    with database.reading() as session:
        now = server_now(session)
    saved = records.open_record(database, a)
    assert (saved.form.use_case, saved.form.amount_requested_usd) == ("mine on a", 7_000)
    assert abs(saved.updated_at - now) < timedelta(minutes=2)
    copy.dispose()


def test_the_copy_refuses_the_writes_the_outbox_cannot_carry(
    database: Database, tmp_path: Path
) -> None:
    [a] = _seed(database, 1)
    copy = _take(database, tmp_path).signed_as("alice")
    inquiry_id = records.open_record(copy, a).inquiry.id
    assert inquiry_id is not None
    with pytest.raises(DBAPIError, match=offline_copy.NEEDS_SERVER):
        records.create_record(copy, inquiry_id, Pool.FOUNDERS, "alice")
    with pytest.raises(DBAPIError, match=offline_copy.NEEDS_SERVER):
        submit_as(copy, a, "alice")
    assert len(records.list_records(copy, inquiry_id)) == 1
    assert copies.status(copy).pending_edits == 0
    copy.dispose()
