"""Assigning from the GUI: undo/redo through the QUndoStack, below-threshold confirmation,
"Already assigned to X by Y" (checked up front and when losing the race), re-route."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import pytest
from PySide6.QtGui import QUndoStack
from sqlalchemy import select

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.tables import InquiryRow
from cloudroute_desk.domain.catalog import InquiryStatus
from cloudroute_desk.services import assignment
from cloudroute_desk.services.changes import ChangeKind, Changes, Rows
from cloudroute_desk.services.claims import Claim
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.partners.assignment_controller import REFRESH, AssignmentController
from tests.db_worker import settle
from tests.partner_rankings import World, make_world

WAIT = 15_000


@dataclass
class Dialogs:
    """Stands in for the message boxes: records what was asked/said, answers as told."""

    answer: bool = True
    asked: list[str] = field(default_factory=list)
    told: list[str] = field(default_factory=list)
    before_answer: list[object] = field(default_factory=list)

    def confirm(self, title: str, text: str) -> bool:
        self.asked.append(f"{title}\n{text}")
        for action in self.before_answer:
            action()  # type: ignore[operator]
        return self.answer

    def notify(self, title: str, text: str) -> None:
        self.told.append(text)


@pytest.fixture
def world(database: Database) -> World:
    return make_world(database)


@pytest.fixture
def executor(database: Database) -> Iterator[DbExecutor]:
    executor = DbExecutor(database)
    yield executor
    executor._pool.shutdown(wait=True)


@pytest.fixture
def dialogs() -> Dialogs:
    return Dialogs()


@pytest.fixture
def controller(qtbot, executor: DbExecutor, dialogs: Dialogs) -> AssignmentController:  # type: ignore[no-untyped-def]
    return AssignmentController(
        executor, QUndoStack(), "ann", confirm=dialogs.confirm, notify=dialogs.notify
    )


def _status(database: Database, inquiry_id: int) -> InquiryStatus:
    with database.reading() as session:
        return InquiryStatus(
            session.scalar(select(InquiryRow.status).where(InquiryRow.id == inquiry_id))
        )


def _holder(database: Database, inquiry_id: int) -> tuple[str, str] | None:
    active = [e for e in assignment.assignment_history(database, inquiry_id) if e.active]
    return (active[0].partner_name, active[0].assigned_by) if active else None


def test_assign_then_undo_and_redo(
    qtbot, world: World, controller: AssignmentController, dialogs: Dialogs
) -> None:
    with qtbot.waitSignal(controller.changes_made, timeout=WAIT) as done:
        controller.assign(world.inquiry, world.strong)
    assert done.args[0] == Changes.of(
        ChangeKind.INQUIRY_STATUS,
        ChangeKind.ASSIGNMENTS,
        inquiries=Rows.of(world.inquiry),
        partners=Rows.of(world.strong),
        admin="ann",
    )
    assert dialogs.asked == []  # above threshold: no question
    assert _holder(world.database, world.inquiry) == ("Strong Cloud", "ann")
    stack = controller.undo_stack
    assert (
        stack.count() == 1 and stack.undoText() == f"Assign Strong Cloud to inquiry {world.inquiry}"
    )

    with qtbot.waitSignal(controller.changes_made, timeout=WAIT):
        stack.undo()
    assert _holder(world.database, world.inquiry) is None
    assert _status(world.database, world.inquiry) is InquiryStatus.NEW

    with qtbot.waitSignal(controller.changes_made, timeout=WAIT):
        stack.redo()
    assert _holder(world.database, world.inquiry) == ("Strong Cloud", "ann")
    assert dialogs.told == []


def test_below_threshold_asks_and_cancel_assigns_nothing(
    qtbot, world: World, controller: AssignmentController, dialogs: Dialogs, executor: DbExecutor
) -> None:
    dialogs.answer = False
    controller.assign(world.inquiry, world.newcomer)
    qtbot.waitUntil(lambda: len(dialogs.asked) == 1, timeout=WAIT)
    assert "Newcomer is below the 70 % close-rate threshold" in dialogs.asked[0]
    assert "Strong Cloud is above it." in dialogs.asked[0]
    settle(qtbot, executor)
    assert _holder(world.database, world.inquiry) is None
    assert controller.undo_stack.count() == 0


def test_below_threshold_confirmed_is_assigned(
    qtbot, world: World, controller: AssignmentController, dialogs: Dialogs
) -> None:
    with qtbot.waitSignal(controller.changes_made, timeout=WAIT):
        controller.assign(world.inquiry, world.newcomer)
    assert len(dialogs.asked) == 1
    assert _holder(world.database, world.inquiry) == ("Newcomer", "ann")
    assert controller.undo_stack.count() == 1


def test_already_assigned_is_said_and_panes_refresh(
    qtbot, world: World, controller: AssignmentController, dialogs: Dialogs
) -> None:
    assignment.assign(world.database, world.inquiry, world.strong, "bea")
    with qtbot.waitSignal(controller.changes_made, timeout=WAIT) as done:
        controller.assign(world.inquiry, world.newcomer)
    assert done.args[0] == REFRESH
    assert dialogs.told == ["Already assigned to Strong Cloud by bea."]
    assert dialogs.asked == []
    assert controller.undo_stack.count() == 0


def test_losing_the_race_after_the_check_says_who_won(
    qtbot, world: World, controller: AssignmentController, dialogs: Dialogs
) -> None:
    # While ann reads the confirmation, bea assigns the inquiry from another machine.
    dialogs.before_answer.append(
        lambda: assignment.assign(world.database, world.inquiry, world.strong, "bea")
    )
    with qtbot.waitSignal(controller.changes_made, timeout=WAIT) as done:
        controller.assign(world.inquiry, world.newcomer)
    assert done.args[0] == REFRESH
    assert dialogs.told == ["Already assigned to Strong Cloud by bea."]
    assert _holder(world.database, world.inquiry) == ("Strong Cloud", "bea")
    assert controller.undo_stack.count() == 0


def test_excluded_partner_is_refused_with_its_reason(
    qtbot, world: World, controller: AssignmentController, dialogs: Dialogs
) -> None:
    controller.assign(world.inquiry, world.select)
    qtbot.waitUntil(lambda: bool(dialogs.told), timeout=WAIT)
    assert dialogs.told[0].startswith("Select Systems cannot take this inquiry: Select tier")
    assert _holder(world.database, world.inquiry) is None


def test_did_not_connect_reroutes_keeps_history_and_undoes(
    qtbot, world: World, controller: AssignmentController, dialogs: Dialogs
) -> None:
    assignment.assign(world.database, world.inquiry, world.strong, "bea")
    with qtbot.waitSignal(controller.changes_made, timeout=WAIT) as done:
        controller.mark_did_not_connect(world.inquiry)
    assert done.args[0] != REFRESH
    assert "did not connect" in dialogs.asked[0]
    assert _status(world.database, world.inquiry) is InquiryStatus.REROUTE
    history = assignment.assignment_history(world.database, world.inquiry)
    assert [(e.partner_name, e.active, e.end_reason) for e in history] == [
        ("Strong Cloud", False, "did_not_connect")
    ]
    with qtbot.waitSignal(controller.changes_made, timeout=WAIT):
        controller.undo_stack.undo()
    assert _holder(world.database, world.inquiry) == ("Strong Cloud", "bea")
    with qtbot.waitSignal(controller.changes_made, timeout=WAIT):
        controller.undo_stack.redo()
    assert _status(world.database, world.inquiry) is InquiryStatus.REROUTE


def test_reroute_without_a_partner_is_refused(
    qtbot, world: World, controller: AssignmentController, dialogs: Dialogs
) -> None:
    with qtbot.waitSignal(controller.changes_made, timeout=WAIT) as done:
        controller.mark_did_not_connect(world.inquiry)
    assert done.args[0] == REFRESH
    assert dialogs.told == ["The inquiry has no active partner to re-route from."]
    assert isinstance(done.args[0], Changes)


def test_assigning_a_claimed_inquiry_asks_first(
    qtbot, world: World, controller: AssignmentController, dialogs: Dialogs
) -> None:  # type: ignore[no-untyped-def]
    bea = Claim(world.inquiry, "bea", datetime(2026, 6, 1, 9, 0))
    controller.claim_of = lambda inquiry_id: bea if inquiry_id == world.inquiry else None
    dialogs.answer = False
    controller.assign(world.inquiry, world.strong)
    qtbot.waitUntil(lambda: len(dialogs.asked) == 1, timeout=WAIT)
    assert dialogs.asked[0] == "Someone is on this inquiry\nbea is working on it — assign anyway?"
    qtbot.wait(100)
    assert _holder(world.database, world.inquiry) is None

    dialogs.answer = True
    with qtbot.waitSignal(controller.changes_made, timeout=WAIT):
        controller.assign(world.inquiry, world.strong)
    assert _holder(world.database, world.inquiry) == ("Strong Cloud", "ann")
