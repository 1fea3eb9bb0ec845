"""``Changes`` name what changed and who changed it; panes reload only what they show.

The value a use-case returns is built from facts about rows, so the same change read back
from the database (another admin's) merges to an equal value; one autosave pause costs the
database one write and nothing else.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QSpinBox
from pytest import MonkeyPatch
from pytestqt.qtbot import QtBot

from cloudroute_desk.db.engine import Database
from cloudroute_desk.services import assignment, records
from cloudroute_desk.services.changes import (
    ALL_ROWS,
    EVERYTHING,
    NO_ROWS,
    ChangeKind,
    Changes,
    Initiator,
    Rows,
)
from cloudroute_desk.services.executor import DbExecutor, Job
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.main_window import MainWindow
from tests.db_worker import settle
from tests.editor_helpers import seed_record
from tests.factories import add_inquiry, add_partner

WAIT_MS = 10_000


def test_rows_name_ids_or_everything() -> None:
    some = Rows.of(3, None, 5)
    assert some.ids == {3, 5} and some and not NO_ROWS
    assert some.touches(3) and not some.touches(4) and not some.touches(None)
    assert some.touches_any([9, 5]) and not some.touches_any([9])
    assert ALL_ROWS.touches(123) and (some | ALL_ROWS) == ALL_ROWS
    assert (some | Rows.of(7)) == Rows.of(3, 5, 7)


def test_merging_keeps_the_initiator_only_when_shared() -> None:
    ann = Changes.of(ChangeKind.PARTNERS, partners=Rows.of(1), admin="ann")
    bob = Changes.of(ChangeKind.PARTNERS, partners=Rows.of(2), admin="bob")
    assert (ann | ann.made_in("dialog")).initiator is None
    assert (ann | bob) == Changes.of(ChangeKind.PARTNERS, partners=Rows.of(1, 2))
    assert (ann | Changes()) == ann and not Changes().any
    assert ann.made_in("dialog").initiator == Initiator("ann", "dialog")
    assert ann.made_in("dialog").echoes("dialog") and not ann.echoes("dialog")
    assert EVERYTHING.has(ChangeKind.RECORD_FIELDS), "a database switch is every kind"


def test_a_change_read_back_row_by_row_equals_the_use_cases(database: Database) -> None:
    """What the change feed will deliver per row (the inquiry's status, its assignment),
    merged, is the value the local use-case returned."""
    partner_id = add_partner(database, name="Acme Cloud")
    inquiry_id = add_inquiry(database)
    local = assignment.assign(database, inquiry_id, partner_id, "bob")
    status_row = Changes.of(ChangeKind.INQUIRY_STATUS, inquiries=Rows.of(inquiry_id), admin="bob")
    assignment_row = Changes.of(
        ChangeKind.ASSIGNMENTS,
        inquiries=Rows.of(inquiry_id),
        partners=Rows.of(partner_id),
        admin="bob",
    )
    assert status_row | assignment_row == local


def _recording(monkeypatch: MonkeyPatch, executor: DbExecutor) -> list[str]:
    """The DB jobs submitted from now on, by the function that made them (the waits of
    ``settle`` left out, and the change feed's own reads: a notification of the seeding's
    commits can arrive at any moment, and reading the feed reloads no pane)."""
    submitted: list[str] = []
    real = executor.submit
    real_read = executor.submit_read
    reading: list[Job[object]] = []

    def record(job: Job[object]) -> None:
        name = getattr(job, "__qualname__", repr(job))
        if not name.startswith(("settle.", "FeedCursor.")):
            submitted.append(name)

    def submit(job: Job[object]) -> object:
        if not any(job is read for read in reading):  # on SQLite a read comes here too
            record(job)
        return real(job)

    def submit_read(job: Job[object]) -> object:
        record(job)
        reading.append(job)
        try:
            return real_read(job)
        finally:
            reading.remove(job)

    monkeypatch.setattr(executor, "submit", submit)
    monkeypatch.setattr(executor, "submit_read", submit_read)
    return submitted


def test_one_autosave_pause_is_one_write(
    qtbot: QtBot, app_context: AppContext, monkeypatch: MonkeyPatch, tmp_path: Path
) -> None:
    executor = app_context.executor
    inquiry_id, record_id = seed_record(executor.database)
    add_inquiry(executor.database, company_name="Other Co", website="https://other.example")
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 2, timeout=WAIT_MS)
    row = window.queue.model.row_of_loaded(inquiry_id)
    assert row is not None
    editor = window.record_editor
    with qtbot.waitSignal(editor.record_opened, timeout=WAIT_MS):
        window.queue.select_row(row)
    settle(qtbot, executor)
    fanned_out: list[Changes] = []
    editor.changes_made.connect(fanned_out.append)
    jobs = _recording(monkeypatch, executor)

    widget = editor.form.editor("use_case").widget
    assert isinstance(widget, QPlainTextEdit)
    widget.setFocus()
    widget.moveCursor(QTextCursor.MoveOperation.End)
    with qtbot.waitSignal(editor.autosave.synced, timeout=WAIT_MS):
        qtbot.keyClicks(widget, " Typed in one burst")
    settle(qtbot, executor)

    assert jobs == ["Autosave._sync.<locals>.<lambda>"], "one write; no pane reloads"
    assert fanned_out == [
        Changes(
            frozenset({ChangeKind.RECORD_FIELDS}),
            inquiries=Rows.of(inquiry_id),
            records=Rows.of(record_id),
            initiator=Initiator("tester", "editor"),
        )
    ]
    stored = records.open_record(executor.database, record_id)
    assert stored.form.use_case.endswith(" Typed in one burst")
    listed = editor.records_model.item(editor.records_model.row_of(record_id) or 0)
    assert (listed.summary.version, listed.updated_at) == (stored.version, stored.updated_at)


def test_a_draft_amount_reloads_only_the_panes_that_show_it(
    qtbot: QtBot, app_context: AppContext, monkeypatch: MonkeyPatch
) -> None:
    """A requested amount shows in the detail panel's record list (and in the charts,
    which reload when they are next shown); the queue and the ranking do not show it."""
    executor = app_context.executor
    inquiry_id, _record_id = seed_record(executor.database)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 1, timeout=WAIT_MS)
    editor = window.record_editor
    with qtbot.waitSignal(editor.record_opened, timeout=WAIT_MS):
        window.queue.select_row(0)
    settle(qtbot, executor)
    assert not window.charts.isVisible(), "the charts tab is behind the editor's"
    jobs = _recording(monkeypatch, executor)

    amount = editor.form.editor("amount_requested_usd").widget
    assert isinstance(amount, QSpinBox)
    with qtbot.waitSignal(editor.autosave.synced, timeout=WAIT_MS):
        amount.setValue(42_000)
    settle(qtbot, executor)

    assert jobs == [
        "Autosave._sync.<locals>.<lambda>",
        "InquiryDetailPanel.show_inquiry.<locals>.job",
    ]
    assert window.inquiry_detail.detail is not None
    assert window.inquiry_detail.detail.inquiry.id == inquiry_id
    assert [r.amount_requested_usd for r in window.inquiry_detail.detail.records] == [42_000]
