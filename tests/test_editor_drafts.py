"""Drafts that are never lost, through the real editor: autosave, restore after a crash (a
dropped widget, and a GUI process killed with SIGKILL), revert, and two admins' conflict."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit
from sqlalchemy.exc import OperationalError

from cloudroute_desk.db.draft_store import DraftStore
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.domain.catalog import Pool
from cloudroute_desk.services import drafts, records
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.editor import autosave as autosave_module
from cloudroute_desk.views.editor.conflict_dialog import ConflictDialog
from tests.editor_helpers import open_pane, seed_record

REPO = Path(__file__).resolve().parents[1]


def type_at_end(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    if isinstance(widget, QPlainTextEdit):
        widget.moveCursor(QTextCursor.MoveOperation.End)
    else:
        widget.end(False)
    qtbot.keyClicks(widget, text)


def _offline(*_args: object, **_kwargs: object) -> object:
    raise OperationalError("SELECT 1", {}, Exception("server unreachable"))


def test_autosave_writes_locally_then_syncs(qtbot, executor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inquiry_id, record_id = seed_record(executor.database)
    pane = open_pane(qtbot, executor, tmp_path / "drafts.sqlite", inquiry_id)
    role = pane.form.editor("partner_role").widget
    role.setFocus()
    with qtbot.waitSignal(pane.autosave.synced, timeout=5000):
        started = time.monotonic()
        type_at_end(qtbot, role, " plus SOC 2")
    assert time.monotonic() - started < 1.5
    saved = records.open_record(executor.database, record_id)
    assert saved.form.partner_role.endswith(" plus SOC 2") and saved.version == 2
    assert saved.updated_by == "alice"
    identity = drafts.database_identity(executor.database)
    assert pane.draft_store.get(identity, record_id) is None, "synced drafts are forgotten"
    assert "Saved at" in pane.save_status.text()


def test_offline_edits_survive_a_dropped_widget(
    qtbot, executor, tmp_path: Path, monkeypatch
) -> None:
    inquiry_id, record_id = seed_record(executor.database)
    store_path = tmp_path / "drafts.sqlite"
    monkeypatch.setattr(autosave_module.drafts, "sync_draft", _offline)
    pane = open_pane(qtbot, executor, store_path, inquiry_id)
    use_case = pane.form.editor("use_case").widget
    use_case.setFocus()
    type_at_end(qtbot, use_case, "Typed on a plane, no server")
    qtbot.waitUntil(lambda: "unreachable" in pane.save_status.text(), timeout=5000)
    # Crash: the widget goes away without closeEvent, flush or any goodbye.
    pane.autosave._timer.stop()  # nothing may run after the "crash"
    pane.autosave._retry.stop()
    pane.hide()
    monkeypatch.undo()
    assert records.open_record(executor.database, record_id).version == 1

    again = open_pane(qtbot, executor, store_path, inquiry_id)
    assert again.form.form.use_case.endswith("Typed on a plane, no server")
    assert again.banner.isVisible()
    assert "Restored unsaved changes from" in again.banner.label.text()
    assert again.banner.revert_button.isVisible()
    # The restored draft syncs with the next edit.
    with qtbot.waitSignal(again.autosave.synced, timeout=5000):
        type_at_end(qtbot, again.form.editor("use_case").widget, ".")
    assert records.open_record(executor.database, record_id).form.use_case.endswith("no server.")


def test_revert_discards_the_draft(qtbot, executor, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    inquiry_id, record_id = seed_record(executor.database)
    store_path = tmp_path / "drafts.sqlite"
    original = records.open_record(executor.database, record_id).form.title
    monkeypatch.setattr(autosave_module.drafts, "sync_draft", _offline)
    pane = open_pane(qtbot, executor, store_path, inquiry_id)
    type_at_end(qtbot, pane.form.editor("title").widget, " EDITED")
    qtbot.waitUntil(lambda: "unreachable" in pane.save_status.text(), timeout=5000)
    monkeypatch.undo()
    with qtbot.waitSignal(pane.record_opened, timeout=5000):
        pane.revert_button.click()
    assert pane.form.form.title == original
    identity = drafts.database_identity(executor.database)
    assert pane.draft_store.get(identity, record_id) is None


_CHILD = textwrap.dedent(
    """
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, sys.argv[4])
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    import asyncio, qasync
    from sqlalchemy.exc import OperationalError
    from cloudroute_desk.db.draft_store import DraftStore
    from cloudroute_desk.db.opening import open_database
    from cloudroute_desk.services.executor import DbExecutor
    from cloudroute_desk.views.editor import RecordEditorPane
    from cloudroute_desk.views.editor import autosave

    def offline(*args, **kwargs):  # the server is unreachable: only the local draft exists
        raise OperationalError("SELECT 1", {}, Exception("unreachable"))

    autosave.drafts.sync_draft = offline
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    executor = DbExecutor(open_database(sys.argv[1]))
    pane = RecordEditorPane(executor, DraftStore(sys.argv[2]), admin="child")
    pane.show()

    async def main():
        pane.set_inquiry(int(sys.argv[3]))
        while pane.opened is None:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)
        widget = pane.form.editor("use_case").widget
        widget.setFocus()
        widget.moveCursor(QTextCursor.MoveOperation.End)
        QTest.keyClicks(widget, " Typed just before the crash")
        print("typed", flush=True)
        await asyncio.sleep(1.0)
        print("waited", flush=True)
        await asyncio.sleep(120)

    with loop:
        loop.run_until_complete(main())
    """
)


def test_sigkilled_editor_loses_at_most_the_last_second(
    qtbot, executor, db_target: str, tmp_path: Path
) -> None:
    inquiry_id, record_id = seed_record(executor.database)
    store_path = tmp_path / "drafts.sqlite"
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, db_target, str(store_path), str(inquiry_id), str(REPO)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    try:
        assert child.stdout.readline().strip() == "typed"
        assert child.stdout.readline().strip() == "waited"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert records.open_record(executor.database, record_id).version == 1, "never synced"
    pane = open_pane(qtbot, executor, store_path, inquiry_id)
    assert pane.form.form.use_case.endswith(" Typed just before the crash")
    assert "Restored unsaved changes" in pane.banner.label.text()


@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_two_admins_conflict_is_shown_and_resolved(
    qtbot, executor, db_target: str, tmp_path: Path, choice: str
) -> None:
    inquiry_id, record_id = seed_record(executor.database)
    bob_executor = DbExecutor(open_database(db_target))  # a second connection, a second admin
    try:
        alice = open_pane(qtbot, executor, tmp_path / "alice.sqlite", inquiry_id, "alice")
        bob = open_pane(qtbot, bob_executor, tmp_path / "bob.sqlite", inquiry_id, "bob")
        with qtbot.waitSignal(alice.autosave.synced, timeout=5000):
            type_at_end(qtbot, alice.form.editor("partner_role").widget, " [alice]")
        with qtbot.waitSignal(bob.autosave.conflicted, timeout=5000):
            type_at_end(qtbot, bob.form.editor("next_steps").widget, "bob's next step")
        # Nothing overwritten yet: the database holds Alice's, Bob's draft holds his.
        stored = records.open_record(executor.database, record_id)
        assert stored.form.partner_role.endswith("[alice]") and stored.form.next_steps == ""
        identity = drafts.database_identity(bob_executor.database)
        assert DraftStore(tmp_path / "bob.sqlite").get(identity, record_id) is not None
        assert bob.banner.isVisible() and "alice" in bob.banner.label.text()
        dialog = bob.conflict_dialog
        assert isinstance(dialog, ConflictDialog)
        cells = {
            dialog.table.item(row, 0).text(): (
                dialog.table.item(row, 1).text(),
                dialog.table.item(row, 2).text(),
            )
            for row in range(dialog.table.rowCount())
        }
        assert cells["Next steps"] == ("bob's next step", "")
        assert cells["Partner role"][1].endswith("[alice]")
        if choice == "keep_mine":
            with qtbot.waitSignal(bob.autosave.synced, timeout=5000):
                dialog.keep_button.click()
            final = records.open_record(executor.database, record_id)
            assert final.form.next_steps == "bob's next step" and final.updated_by == "bob"
        else:
            dialog.theirs_button.click()
            assert bob.form.form.partner_role.endswith("[alice]")
            assert bob.form.form.next_steps == ""
            assert DraftStore(tmp_path / "bob.sqlite").get(identity, record_id) is None
            final = records.open_record(executor.database, record_id)
            assert final.updated_by == "alice"
            # Bob keeps editing on top of Alice's version without another conflict.
            with qtbot.waitSignal(bob.autosave.synced, timeout=5000):
                type_at_end(qtbot, bob.form.editor("next_steps").widget, "agreed")
            assert records.open_record(executor.database, record_id).form.next_steps == "agreed"
        assert not bob.banner.isVisible()
    finally:
        bob_executor.shutdown()


def test_switching_records_pushes_the_last_edits(qtbot, executor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inquiry_id, first = seed_record(executor.database)
    second, _ = records.create_record(executor.database, inquiry_id, Pool.FOUNDERS, "alice")
    pane = open_pane(qtbot, executor, tmp_path / "drafts.sqlite", inquiry_id)
    assert pane.opened is not None and pane.opened.record_id == first
    type_at_end(qtbot, pane.form.editor("next_steps").widget, "call the CTO")
    # Switch before the 400 ms autosave fires: the edit is flushed and synced on the way out.
    with qtbot.waitSignal(pane.record_opened, timeout=5000):
        pane.records_view.selectRow(pane.records_model.row_of(second.record_id))
    qtbot.waitUntil(
        lambda: records.open_record(executor.database, first).form.next_steps == "call the CTO",
        timeout=5000,
    )
    identity = drafts.database_identity(executor.database)
    qtbot.waitUntil(lambda: pane.draft_store.get(identity, first) is None, timeout=5000)
