"""Every GUI write whose answer is lost after it committed reports "Done: …" and sends the
same refresh, on both backends: the write runs for real, then the connection "drops" before
its answer (``ServerNotAnsweringError``, an error of unknown outcome). A write that never
ran reports "Not done: nothing was changed"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.server_link import ServerNotAnsweringError
from cloudroute_desk.domain.catalog import InquiryStatus
from cloudroute_desk.services import assignment, inquiry_status, partners, queue
from cloudroute_desk.services.changes import ChangeKind, Changes, Rows
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.partners.batch_dialog import BatchSuggestDialog
from cloudroute_desk.views.partners.partner_dialog import PartnerDialog
from cloudroute_desk.views.queue import InquiryDetailPanel
from tests.factories import add_inquiry, add_partner
from tests.partner_rankings import make_world

WAIT = 20_000


@pytest.fixture
def executor(database: Database) -> Iterator[DbExecutor]:
    executor = DbExecutor(database)
    yield executor
    executor.shutdown()


def _answer_lost(write: Callable[..., Any]) -> Callable[..., Any]:
    """``write`` that commits, then loses its answer the way a dropped link does."""

    def committed_then_lost(*args: Any, **kwargs: Any) -> Any:
        write(*args, **kwargs)
        raise ServerNotAnsweringError("The server at test is not answering; retrying.")

    return committed_then_lost


def _never_sent(*_args: Any, **_kwargs: Any) -> Any:
    raise ServerNotAnsweringError("The server at test is not answering; retrying.")


@pytest.mark.parametrize("lost", ["after commit", "before sending"])
def test_call_held_whose_answer_is_lost(
    qtbot: Any,
    executor: DbExecutor,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    lost: str,
) -> None:
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned")
    real = inquiry_status.mark_discovery_call_held
    fault = _answer_lost(real) if lost == "after commit" else _never_sent
    monkeypatch.setattr(inquiry_status, "mark_discovery_call_held", fault)
    panel = InquiryDetailPanel(executor)
    panel.status_actions.admin = "carol"
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.detail_loaded, timeout=WAIT):
        panel.show_inquiry(inquiry_id)
    reported: list[str] = []
    panel.status_actions.reported.connect(reported.append)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warned.append(str(args)))
    with qtbot.waitSignal(panel.changes_made, timeout=WAIT) as emitted:
        panel.status_actions.call_held_action.trigger()
    checking = f"Checking whether marking the discovery call held (inquiry {inquiry_id}) went"
    assert reported[0] == checking + " through…"
    assert warned == [], "never a raw error"
    detail = queue.inquiry_detail(database, inquiry_id)
    assert detail is not None
    if lost == "after commit":
        assert reported[1] == f"Done: discovery call held for inquiry {inquiry_id}."
        assert emitted.args[0] == Changes.of(
            ChangeKind.INQUIRY_STATUS, inquiries=Rows.of(inquiry_id), admin="carol"
        )
        assert detail.inquiry.status is InquiryStatus.CONNECTED
    else:
        assert reported[1].startswith("Not done: nothing was changed")
        assert detail.inquiry.status is InquiryStatus.ASSIGNED


def test_a_partner_edit_whose_answer_is_lost_is_saved_without_a_conflict(
    qtbot: Any, executor: DbExecutor, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner_id = add_partner(database, name="Cirrus", capacity=10)
    monkeypatch.setattr(partners, "update_partner", _answer_lost(partners.update_partner))
    dialog = PartnerDialog(executor, "ann", partners.get_partner(database, partner_id))
    qtbot.addWidget(dialog)
    dialog.capacity_spin.setValue(20)
    with qtbot.waitSignal(dialog.partner_saved, timeout=WAIT) as saved:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert saved.args[0].partner.capacity == 20 and saved.args[0].partner.version == 2
    assert saved.args[0].changes == partners.partner_changed(partner_id, "ann")


def test_a_batch_whose_answer_is_lost_reports_what_went_through(
    qtbot: Any, executor: DbExecutor, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_world(database)
    add_inquiry(database, company_name="Second Co", website="https://second.example")
    dialog = BatchSuggestDialog(executor, "ann")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.suggestion_shown, timeout=WAIT):
        dialog.suggest_button.click()
    sent = dialog.model.rowCount()
    real = assignment.accept_batch

    def first_only(database: Database, items: Any, admin: str, **kwargs: Any) -> Any:
        real(database, list(items)[:1], admin, **kwargs)
        raise ServerNotAnsweringError("The server at test is not answering; retrying.")

    monkeypatch.setattr(assignment, "accept_batch", first_only)
    with qtbot.waitSignal(dialog.changes_made, timeout=WAIT) as emitted:
        dialog.accept_all_button.click()
    assert dialog.summary_label.text().startswith(
        f"Done: 1 of {sent} inquiries assigned before the connection dropped"
    )
    assert emitted.args[0].has(ChangeKind.ASSIGNMENTS)
    assert dialog.model.rowCount() == sent - 1
    assert dialog.accept_all_button.isEnabled()
