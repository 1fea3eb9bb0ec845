"""An open ACE record that another admin saved: two app windows (two executors, two
connections) on one database, both backends. With nothing unsaved the editor reloads quietly;
with unsaved edits it asks (Reload / Compare) and never overwrites them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize

from cloudroute_desk.db.opening import open_database
from cloudroute_desk.services import records
from cloudroute_desk.views.editor import RecordEditorPane
from cloudroute_desk.views.editor.conflict_dialog import differences
from cloudroute_desk.views.main_window import MainWindow
from cloudroute_desk.views.workspaces import Workspace
from tests.editor_helpers import seed_record
from tests.two_admins import two_admin_windows

WAIT = 10_000
SIZE = QSize(1280, 720)
CITY = "customer.city"
NEVER_MS = 3_600_000


@pytest.fixture
def seeded(db_target: str) -> tuple[int, int]:
    seed = open_database(db_target)
    try:
        return seed_record(seed)
    finally:
        seed.dispose()


@pytest.fixture
def windows(qtbot, seeded, db_target: str, tmp_path: Path) -> Iterator[dict[str, MainWindow]]:  # type: ignore[no-untyped-def]
    with two_admin_windows(qtbot, db_target, tmp_path, SIZE) as opened:
        yield opened


def _open_in_editor(qtbot, window: MainWindow, inquiry: int, record: int) -> RecordEditorPane:  # type: ignore[no-untyped-def]
    queue = window.queue
    qtbot.waitUntil(lambda: queue.model.row_of_loaded(inquiry) is not None, timeout=WAIT)
    queue.select_row(queue.model.row_of_loaded(inquiry) or 0)
    pane = window.record_editor
    qtbot.waitUntil(
        lambda: pane.opened is not None and pane.opened.record_id == record, timeout=WAIT
    )
    return pane


def _alice_saves_city(window: MainWindow, record: int, city: str) -> int:
    """Alice saves the record from her window's connection; the new version."""

    def save(db):  # type: ignore[no-untyped-def]
        opened = records.open_record(db, record)
        form = opened.form.model_copy(
            update={"customer": opened.form.customer.model_copy(update={"city": city})}
        )
        return records.save_form(db, record, form, opened.version, "alice").version

    return int(window.context.executor.call(save))


def _type_city(pane: RecordEditorPane, city: str) -> None:
    editor = pane.form.editor(CITY)
    editor.set_value(city)
    editor.edited.emit()


def test_no_unsaved_edits_reload_quietly_keeping_the_field(qtbot, windows, seeded) -> None:  # type: ignore[no-untyped-def]
    alice, bob = windows["alice"], windows["bob"]
    inquiry, record = seeded
    pane = _open_in_editor(qtbot, bob, inquiry, record)
    qtbot.waitUntil(lambda: alice.live.following and bob.live.following, timeout=WAIT)
    bob.activateWindow()
    qtbot.waitUntil(bob.isActiveWindow, timeout=WAIT)
    assert pane.form.focus_field("customer.website")
    assert pane.form.focused_field() == "customer.website"

    version = _alice_saves_city(alice, record, "Lisbon")

    qtbot.waitUntil(lambda: pane.form.form.customer.city == "Lisbon", timeout=WAIT)
    assert pane.autosave.version == version
    assert pane.opened is not None and pane.opened.updated_by == "alice"
    assert pane.banner.isHidden()
    assert pane.form.focused_field() == "customer.website"  # the cursor stayed in its field


def test_unsaved_edits_are_kept_and_the_banner_offers_reload_and_compare(  # type: ignore[no-untyped-def]
    qtbot, windows, seeded, tmp_path: Path
) -> None:
    alice, bob = windows["alice"], windows["bob"]
    inquiry, record = seeded
    pane = _open_in_editor(qtbot, bob, inquiry, record)
    qtbot.waitUntil(lambda: alice.live.following and bob.live.following, timeout=WAIT)
    # Bob's edit stays unsaved (as while offline, or in the moment before autosave fires).
    pane.autosave._timer.setInterval(NEVER_MS)
    _type_city(pane, "Porto")
    assert pane.autosave.has_unsynced()

    their_version = _alice_saves_city(alice, record, "Lisbon")

    banner = pane.banner
    qtbot.waitUntil(lambda: not banner.isHidden(), timeout=WAIT)
    assert banner.label.text() == (
        "alice saved a newer version of this record; your unsaved changes are kept until you "
        "choose."
    )
    assert banner.reload_button.isVisibleTo(banner)
    assert banner.compare_button.isVisibleTo(banner)
    assert not banner.resolve_button.isVisibleTo(banner)
    assert pane.form.form.customer.city == "Porto"  # never overwritten silently
    bob.show_workspace(Workspace.REVIEW)
    qtbot.waitUntil(banner.isVisible, timeout=WAIT)
    bob.grab().save(str(tmp_path / "newer-banner.png"))

    banner.compare_button.click()
    dialog = pane.conflict_dialog
    assert dialog is not None
    assert (CITY, "Porto", "Lisbon") in differences(pane.form.form, dialog.conflict.theirs)
    assert dialog.conflict.their_version == their_version
    dialog.reject()  # undecided: the banner still offers both ways
    assert banner.reload_button.isVisibleTo(banner)

    banner.reload_button.click()  # take theirs, discard mine
    qtbot.waitUntil(lambda: pane.form.form.customer.city == "Lisbon", timeout=WAIT)
    assert not pane.autosave.has_unsynced()
    assert pane.autosave.version == their_version
    assert banner.isHidden()


def test_compare_keep_mine_saves_over_theirs_knowingly(qtbot, windows, seeded) -> None:  # type: ignore[no-untyped-def]
    alice, bob = windows["alice"], windows["bob"]
    inquiry, record = seeded
    pane = _open_in_editor(qtbot, bob, inquiry, record)
    qtbot.waitUntil(lambda: alice.live.following and bob.live.following, timeout=WAIT)
    pane.autosave._timer.setInterval(NEVER_MS)
    _type_city(pane, "Porto")
    their_version = _alice_saves_city(alice, record, "Lisbon")
    qtbot.waitUntil(lambda: not pane.banner.isHidden(), timeout=WAIT)
    assert pane.banner.compare_button.isVisibleTo(pane.banner)

    pane.banner.compare_button.click()
    assert pane.conflict_dialog is not None
    pane.conflict_dialog.keep_button.click()

    database = alice.context.executor.database
    qtbot.waitUntil(
        lambda: records.open_record(database, record).version == their_version + 1, timeout=WAIT
    )
    assert records.open_record(database, record).form.customer.city == "Porto"
    assert pane.banner.isHidden()
