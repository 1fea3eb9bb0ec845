"""The draft store on a bad disk: full, locked by another process, shared with a second app.
The editor starts, never waits on the file, keeps every keystroke in memory and says why."""

from __future__ import annotations

import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from cloudroute_desk.db.draft_store import DISK_FULL, DraftStore, DraftStoreError
from cloudroute_desk.services import drafts, records
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.editor.pane import SHARED_DRAFTS
from tests.editor_helpers import open_pane, seed_record
from tests.sqlite_lock_holder import write_lock_held
from tests.test_editor_drafts import type_at_end
from tests.tiny_disk import fill, tiny_tmpfs


def test_full_disk_keeps_edits_in_memory_and_says_so(
    qtbot: QtBot, executor: DbExecutor, tmp_path: Path
) -> None:
    inquiry_id, record_id = seed_record(executor.database)
    with tiny_tmpfs(tmp_path / "tiny") as disk:
        fill(disk)
        store_path = disk / "drafts.sqlite"
        pane = open_pane(qtbot, executor, store_path, inquiry_id)
        role = pane.form.editor("partner_role").widget
        with qtbot.waitSignal(pane.autosave.synced, timeout=8000):
            type_at_end(qtbot, role, " plus SOC 2")
        # The server took the edit from memory although the draft file could not.
        saved = records.open_record(executor.database, record_id)
        assert saved.form.partner_role.endswith(" plus SOC 2")
        pane.autosave.edited(pane.form.form)
        pane.autosave.flush()
        assert DISK_FULL in pane.save_status.text()
        assert pane.autosave.has_unsynced()
        (disk / "filler").unlink()
        qtbot.waitUntil(lambda: "Saved" in pane.save_status.text(), timeout=8000)
        pane.autosave.stop()


def test_locked_drafts_file_never_holds_the_gui_thread(
    qtbot: QtBot, executor: DbExecutor, tmp_path: Path
) -> None:
    inquiry_id, record_id = seed_record(executor.database)
    store_path = tmp_path / "drafts.sqlite"
    pane = open_pane(qtbot, executor, store_path, inquiry_id)
    pane.draft_store.open()
    role = pane.form.editor("partner_role").widget
    with write_lock_held(store_path):
        pane.autosave.edited(pane.form.form)
        type_at_end(qtbot, role, " offline")
        started = time.monotonic()
        pane.autosave.flush()
        assert time.monotonic() - started < 0.1
        assert "busy in another program" in pane.save_status.text()
        assert pane.autosave.has_unsynced()
    identity = drafts.database_identity(executor.database)
    qtbot.waitUntil(
        lambda: (
            (d := pane.draft_store.get(identity, record_id)) is None
            or d.form_json == drafts.form_json(pane.form.form)
        ),
        timeout=5000,
    )
    pane.autosave.stop()


def test_store_on_a_full_disk_can_be_built_and_reports_one_sentence(tmp_path: Path) -> None:
    with tiny_tmpfs(tmp_path / "tiny") as disk:
        fill(disk)
        store = DraftStore(disk / "drafts.sqlite")
        try:
            store.put("db", 1, "{}", 1, _now())
        except DraftStoreError as error:
            assert str(error) == DISK_FULL
        else:
            raise AssertionError("a full disk took a draft")
        finally:
            store.close()


def test_second_app_on_the_same_drafts_file_is_noticed(
    qtbot: QtBot, executor: DbExecutor, tmp_path: Path
) -> None:
    inquiry_id, _ = seed_record(executor.database)
    store_path = tmp_path / "drafts.sqlite"
    first = DraftStore(store_path)
    first.open()
    try:
        pane = open_pane(qtbot, executor, store_path, inquiry_id)
        qtbot.waitUntil(lambda: pane.banner.isVisible(), timeout=5000)
        assert pane.draft_store.shared
        assert pane.banner.label.text() == SHARED_DRAFTS
        pane.autosave.stop()
    finally:
        first.close()
    alone = DraftStore(tmp_path / "other.sqlite")
    alone.open()
    assert not alone.shared
    alone.close()


def _now():  # type: ignore[no-untyped-def]
    from cloudroute_desk.domain.clock import utcnow

    return utcnow()
