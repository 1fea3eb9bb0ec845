"""The batch suggestion dialog: preview, cancel, accept a checked subset; its preview model."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.routing.batch import BatchItem, BatchSuggestion
from cloudroute_desk.models.batch_preview_model import BatchColumn, BatchPreviewModel
from cloudroute_desk.services import assignment
from cloudroute_desk.services.changes import ChangeKind
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.partners.batch_dialog import BatchSuggestDialog
from tests.factories import add_inquiry
from tests.partner_rankings import make_world

WAIT = 20_000


@pytest.fixture
def executor(database: Database) -> Iterator[DbExecutor]:
    executor = DbExecutor(database)
    yield executor
    executor._pool.shutdown(wait=True)


def _item(inquiry_id: int, partner_id: int) -> BatchItem:
    return BatchItem(
        inquiry_id=inquiry_id,
        company_name=f"Company {inquiry_id}",
        partner_id=partner_id,
        partner_name=f"Partner {partner_id}",
        score=1000.0 * inquiry_id,
        expected_award_usd=1200.0 * inquiry_id,
        rank=1,
        above_threshold=inquiry_id % 2 == 0,
        reasons=("because",),
    )


def test_preview_model_passes_qtmodeltester_and_checks(qtmodeltester, qtbot) -> None:  # type: ignore[no-untyped-def]
    model = BatchPreviewModel()
    suggestion = BatchSuggestion(
        items=(_item(1, 5), _item(2, 6), _item(3, 5)),
        unmatched=(),
        total_score=6000.0,
        total_expected_award_usd=7200.0,
    )
    model.set_suggestion(suggestion)
    qtmodeltester.check(model, force_py=True)
    assert model.checked_count == 3
    index = model.index(1, BatchColumn.ACCEPT)
    with qtbot.waitSignal(model.checked_changed) as changed:
        assert model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert changed.args == [2]
    assert [i.inquiry_id for i in model.checked_items()] == [1, 3]
    assert model.data(model.index(0, BatchColumn.EXPECTED)) == "$1,200"
    model.set_all_checked(False)
    assert model.checked_items() == []
    model.set_suggestion(None)
    assert model.rowCount() == 0


def test_suggest_then_accept_a_checked_subset(
    qtbot, database: Database, executor: DbExecutor
) -> None:
    world = make_world(database)
    second = add_inquiry(database, company_name="Second Co", website="https://second.example")
    third = add_inquiry(database, company_name="Third Co", website="https://third.example")
    dialog = BatchSuggestDialog(executor, "ann")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.suggestion_shown, timeout=WAIT) as shown:
        dialog.suggest_button.click()
    suggestion = shown.args[0]
    assert not suggestion.cancelled
    assert {item.inquiry_id for item in suggestion.items} == {world.inquiry, second, third}
    assert dialog.model.rowCount() == 3
    assert "3 of 3 waiting inquiries matched" in dialog.summary_label.text()
    assert dialog.accept_checked_button.text() == "Accept checked (3)"

    skipped = dialog.model.items[1]
    dialog.model.setData(
        dialog.model.index(1, BatchColumn.ACCEPT),
        Qt.CheckState.Unchecked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    with qtbot.waitSignal(dialog.changes_made, timeout=WAIT) as done:
        dialog.accept_checked_button.click()
    assert done.args[0].kinds == {ChangeKind.INQUIRY_STATUS, ChangeKind.ASSIGNMENTS}
    assert len(done.args[0].inquiries.ids) == 2
    assert "Assigned 2 inquiries." in dialog.summary_label.text()
    # The suggestion left unticked stays in the preview, still to accept or leave.
    assert [item.inquiry_id for item in dialog.model.items] == [skipped.inquiry_id]
    assert "1 suggestion left to review." in dialog.summary_label.text()
    for item in suggestion.items:
        held = [e for e in assignment.assignment_history(database, item.inquiry_id) if e.active]
        if item.inquiry_id == skipped.inquiry_id:
            assert held == []
        else:
            assert [(e.partner_id, e.assigned_by) for e in held] == [(item.partner_id, "ann")]


def test_cancel_stops_the_run_and_suggests_nothing(
    qtbot, database: Database, executor: DbExecutor
) -> None:
    make_world(database)
    dialog = BatchSuggestDialog(executor, "ann")
    qtbot.addWidget(dialog)
    gate = threading.Event()
    executor.submit(lambda _db: gate.wait(10))  # hold the worker so cancel lands first
    dialog.start()
    assert dialog.cancel_button.isEnabled() and not dialog.suggest_button.isEnabled()
    dialog.cancel_button.click()
    with qtbot.waitSignal(dialog.suggestion_shown, timeout=WAIT) as shown:
        gate.set()
    assert shown.args[0].cancelled
    assert dialog.model.rowCount() == 0
    assert dialog.summary_label.text() == "Cancelled: nothing suggested."
    assert dialog.suggest_button.isEnabled()
