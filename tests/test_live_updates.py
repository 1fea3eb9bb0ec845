"""Two app windows (two executors, two connections) on one database: what one admin does
shows in the other's window by itself, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt

from cloudroute_desk.db.opening import open_database
from cloudroute_desk.domain.catalog import InquiryStatus
from cloudroute_desk.models.inquiry_queue_model import COL_COMPANY
from cloudroute_desk.services import assignment, inquiry_status
from cloudroute_desk.views.main_window import MainWindow
from tests.factories import add_inquiry, add_partner
from tests.two_admins import two_admin_windows

WAIT = 10_000
SIZE = QSize(1280, 720)


@pytest.fixture
def world(db_target: str) -> tuple[int, int, int]:
    """A partner and two new inquiries, written before any window opens."""
    seed = open_database(db_target)
    try:
        partner = add_partner(seed, name="Lighthouse Cloud")
        first = add_inquiry(seed, company_name="First Co")
        second = add_inquiry(seed, company_name="Second Co")
    finally:
        seed.dispose()
    return partner, first, second


@pytest.fixture
def windows(qtbot, world, db_target: str, tmp_path: Path) -> Iterator[dict[str, MainWindow]]:  # type: ignore[no-untyped-def]
    with two_admin_windows(qtbot, db_target, tmp_path, SIZE) as opened:
        yield opened


def _select(qtbot, window: MainWindow, inquiry: int) -> None:  # type: ignore[no-untyped-def]
    queue = window.queue
    qtbot.waitUntil(lambda: queue.model.row_of_loaded(inquiry) is not None, timeout=WAIT)
    queue.select_row(queue.model.row_of_loaded(inquiry) or 0)
    qtbot.waitUntil(lambda: window.inquiry_detail.detail is not None, timeout=WAIT)


def _status_in_queue(window: MainWindow, inquiry: int) -> InquiryStatus | None:
    row = window.queue.model.row_of_loaded(inquiry)
    found = None if row is None else window.queue.model.row_object(row)
    return None if found is None else found.status


def test_a_change_in_one_window_appears_in_the_other(qtbot, windows, world) -> None:  # type: ignore[no-untyped-def]
    alice, bob = windows["alice"], windows["bob"]
    partner, first, second = world
    _select(qtbot, bob, first)
    qtbot.waitUntil(lambda: alice.live.following and bob.live.following, timeout=WAIT)
    selected_before = bob.queue.table.currentIndex().row()

    alice.context.executor.call(lambda db: assignment.assign(db, first, partner, "alice"))

    qtbot.waitUntil(lambda: _status_in_queue(bob, first) is InquiryStatus.ASSIGNED, timeout=WAIT)
    detail = bob.inquiry_detail
    qtbot.waitUntil(
        lambda: (
            detail.detail is not None
            and detail.detail.inquiry.status is InquiryStatus.ASSIGNED
            and detail.detail.partner_name == "Lighthouse Cloud"
        ),
        timeout=WAIT,
    )
    assert bob.queue.table.currentIndex().row() == selected_before  # the selection stayed
    model = bob.queue.model
    row = model.row_of_loaded(first)
    assert row is not None
    cell = model.index(row, COL_COMPANY)
    assert model.data(cell, Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(cell, Qt.ItemDataRole.ToolTipRole).startswith("alice changed this at ")
    untouched = model.index(model.row_of_loaded(second) or 0, COL_COMPANY)
    assert model.data(untouched, Qt.ItemDataRole.BackgroundRole) is None
    qtbot.waitUntil(
        lambda: model.data(cell, Qt.ItemDataRole.BackgroundRole) is None, timeout=WAIT
    )  # the mark is brief
    assert alice.queue.model.remote_marks.get(first) is None  # no mark for her own change

    # And the other way round: bob declines the second inquiry, alice's queue follows.
    bob.context.executor.call(
        lambda db: inquiry_status.decline(db, second, "bob", expected=InquiryStatus.NEW)
    )
    qtbot.waitUntil(
        lambda: _status_in_queue(alice, second) is InquiryStatus.DECLINED,
        timeout=WAIT,
    )


def test_a_claim_shows_in_the_others_queue_row_and_detail_panel(qtbot, windows, world) -> None:  # type: ignore[no-untyped-def]
    alice, bob = windows["alice"], windows["bob"]
    _partner, first, second = world
    _select(qtbot, alice, second)
    qtbot.waitUntil(lambda: alice.live.following and bob.live.following, timeout=WAIT)
    _select(qtbot, bob, first)  # bob starts triaging the first inquiry

    model = alice.queue.model
    company = model.index(model.row_of_loaded(first) or 0, COL_COMPANY)
    qtbot.waitUntil(
        lambda: model.data(company) == "First Co · bob is on this (0 min)", timeout=WAIT
    )
    assert model.data(model.index(model.row_of_loaded(second) or 0, COL_COMPANY)) == "Second Co"
    assert alice.inquiry_detail.claim_label.isHidden()  # nobody else is on her inquiry
    _select(qtbot, alice, first)
    qtbot.waitUntil(lambda: not alice.inquiry_detail.claim_label.isHidden(), timeout=WAIT)
    assert alice.inquiry_detail.claim_label.text() == "⚑ bob is on this (0 min)"
    assert alice.partners.controller.claim_of(first) is not None

    _select(qtbot, bob, second)  # bob moves on: his claim on the first inquiry ends
    qtbot.waitUntil(lambda: model.data(company) == "First Co", timeout=WAIT)
