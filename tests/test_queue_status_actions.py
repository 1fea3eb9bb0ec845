"""The "Discovery call held" and "Decline…" actions in the queue's context menu and the
inquiry detail panel: enabled by status, run off the GUI thread, refusals shown, changes sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QToolButton

from cloudroute_desk.db import assignment_queries as aq
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import InquiryStatus
from cloudroute_desk.services import inquiry_status, queue
from cloudroute_desk.services.changes import ChangeKind, Changes, Rows
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.queue import InquiryDetailPanel, QueuePane
from tests.db_worker import settle
from tests.factories import T0, add_inquiry, add_partner


@pytest.fixture
def executor(database: Database) -> Iterator[DbExecutor]:
    executor = DbExecutor(database)
    yield executor
    executor.shutdown()


def _assigned(database: Database, name: str = "Lumen Analytics Inc.") -> int:
    partner_id = add_partner(database, name=f"Partner of {name}")
    inquiry_id = add_inquiry(
        database, company_name=name, partner_id=partner_id, status="assigned", assigned_at=T0
    )
    with database.writing() as session:
        aq.insert_assignment(session, inquiry_id, partner_id, "alice", T0, 0.8, 1)
    return inquiry_id


def _status(database: Database, inquiry_id: int) -> InquiryStatus:
    detail = queue.inquiry_detail(database, inquiry_id)
    assert detail is not None
    return detail.inquiry.status


def _panel(qtbot: Any, executor: DbExecutor, inquiry_id: int) -> InquiryDetailPanel:
    panel = InquiryDetailPanel(executor)
    panel.status_actions.admin = "carol"
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.detail_loaded, timeout=10_000):
        panel.show_inquiry(inquiry_id)
    return panel


def _button(panel: InquiryDetailPanel, text: str) -> QToolButton:
    [button] = [
        b
        for b in panel.findChildren(QToolButton)
        if b.defaultAction() is not None and b.defaultAction().text() == text
    ]
    return button


def _answers(monkeypatch: pytest.MonkeyPatch, reason: str, ok: bool, confirm: bool) -> list[str]:
    asked: list[str] = []

    def get_text(_parent: object, _title: str, label: str, *_args: object) -> tuple[str, bool]:
        asked.append(label)
        return reason, ok

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        yes = QMessageBox.StandardButton.Yes
        return yes if confirm else QMessageBox.StandardButton.No

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_detail_buttons_follow_the_status(
    qtbot: Any, executor: DbExecutor, database: Database
) -> None:
    inquiry_id = _assigned(database)
    panel = _panel(qtbot, executor, inquiry_id)
    assert _button(panel, "Discovery call held").isEnabled()
    assert _button(panel, "Decline…").isEnabled()
    credited = add_inquiry(database, status="credited")
    with qtbot.waitSignal(panel.detail_loaded, timeout=10_000):
        panel.show_inquiry(credited)
    assert not _button(panel, "Discovery call held").isEnabled()
    assert not _button(panel, "Decline…").isEnabled()
    panel.show_inquiry(None)
    assert not _button(panel, "Decline…").isEnabled()


def test_call_held_button_moves_the_inquiry(
    qtbot: Any, executor: DbExecutor, database: Database
) -> None:
    inquiry_id = _assigned(database)
    panel = _panel(qtbot, executor, inquiry_id)
    with qtbot.waitSignal(panel.changes_made, timeout=10_000) as emitted:
        qtbot.mouseClick(_button(panel, "Discovery call held"), Qt.MouseButton.LeftButton)
    assert emitted.args[0] == Changes.of(
        ChangeKind.INQUIRY_STATUS, inquiries=Rows.of(inquiry_id), admin="carol"
    )
    assert _status(database, inquiry_id) is InquiryStatus.CONNECTED
    with qtbot.waitSignal(panel.detail_loaded, timeout=10_000):
        panel.apply_changes(emitted.args[0])
    assert not _button(panel, "Discovery call held").isEnabled()
    assert _button(panel, "Decline…").isEnabled()


def test_decline_asks_reason_and_confirmation(
    qtbot: Any, executor: DbExecutor, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    inquiry_id = _assigned(database)
    panel = _panel(qtbot, executor, inquiry_id)
    asked = _answers(monkeypatch, "duplicate inquiry", ok=True, confirm=False)
    _button(panel, "Decline…").click()
    assert len(asked) == 2 and "Lumen Analytics Inc." in asked[1]
    settle(qtbot, executor)
    assert _status(database, inquiry_id) is InquiryStatus.ASSIGNED  # said No: nothing written
    _answers(monkeypatch, "", ok=False, confirm=True)
    _button(panel, "Decline…").click()
    settle(qtbot, executor)
    assert _status(database, inquiry_id) is InquiryStatus.ASSIGNED  # cancelled the reason
    _answers(monkeypatch, "duplicate inquiry", ok=True, confirm=True)
    with qtbot.waitSignal(panel.changes_made, timeout=10_000) as emitted:
        _button(panel, "Decline…").click()
    holder = emitted.args[0].partners
    assert emitted.args[0] == Changes.of(
        ChangeKind.INQUIRY_STATUS,
        ChangeKind.ASSIGNMENTS,
        inquiries=Rows.of(inquiry_id),
        partners=holder,
        admin="carol",
    )
    assert len(holder.ids) == 1, "the released partner is named"
    assert _status(database, inquiry_id) is InquiryStatus.DECLINED
    detail = queue.inquiry_detail(database, inquiry_id)
    assert detail is not None
    assert [(e.kind, e.actor) for e in detail.audit][-1] == ("declined", "carol")


def test_refusal_is_shown_and_the_view_refreshed(
    qtbot: Any, executor: DbExecutor, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    inquiry_id = _assigned(database)
    panel = _panel(qtbot, executor, inquiry_id)
    inquiry_status.mark_discovery_call_held(database, inquiry_id, "bob")  # someone else, meanwhile
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, _title, text, *_a: warnings.append(text)
    )
    with qtbot.waitSignal(panel.changes_made, timeout=10_000) as emitted:
        _button(panel, "Discovery call held").click()
    assert emitted.args[0] == Changes.of(ChangeKind.INQUIRY_STATUS, inquiries=Rows.of(inquiry_id))
    assert warnings == ['The inquiry changed meanwhile: it is now "discovery call held".']


def test_queue_context_menu_offers_the_moves(
    qtbot: Any, executor: DbExecutor, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    inquiry_id = _assigned(database)
    pane = QueuePane(executor)
    pane.status_actions.admin = "carol"
    qtbot.addWidget(pane)
    pane.resize(1200, 400)
    pane.show()
    qtbot.waitUntil(lambda: pane.model.row_object(0) is not None, timeout=10_000)
    shown: list[dict[str, bool]] = []

    def open_menu(position: QPoint) -> None:
        menu = pane.context_menu(position)
        shown.append({a.text(): a.isEnabled() for a in menu.actions() if a.text()})
        menu.deleteLater()

    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, _title, text, *_a: warnings.append(text)
    )
    center = pane.table.visualRect(pane.model.index(0, 0)).center()
    open_menu(center)
    assert shown[-1]["Discovery call held"] and shown[-1]["Decline…"]
    assert "Export view as CSV…" in shown[-1]
    with qtbot.waitSignal(pane.changes_made, timeout=10_000) as emitted:
        pane.status_actions.call_held_action.trigger()
    assert emitted.args[0].has(ChangeKind.INQUIRY_STATUS) and warnings == []
    assert _status(database, inquiry_id) is InquiryStatus.CONNECTED
    with qtbot.waitSignal(pane.model.window_loaded, timeout=10_000):
        pane.apply_changes(emitted.args[0])
    qtbot.waitUntil(lambda: pane.model.row_object(0) is not None, timeout=10_000)
    open_menu(center)
    assert not shown[-1]["Discovery call held"] and shown[-1]["Decline…"]
    below = pane.table.viewport().rect().bottomLeft()
    open_menu(below)  # no row under the mouse
    assert not shown[-1]["Discovery call held"] and not shown[-1]["Decline…"]
