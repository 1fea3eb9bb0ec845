"""The app when a write's acknowledgement is lost (PostgreSQL through the fault proxy, which
resets the connection right after forwarding COMMIT): it says "Checking whether … went
through…", looks the request up once the server answers, then "Done: …" with the same
refresh an answered write makes; never a raw error, never "someone else saved this". A write
cut before COMMIT reports "Not done: nothing was changed"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor, QUndoStack
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.services import assignment, drafts, records
from cloudroute_desk.services.changes import Changes
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.routing import rank_inquiry
from cloudroute_desk.views.editor.conflict_dialog import ConflictDialog
from cloudroute_desk.views.partners.assignment_controller import AssignmentController
from tests.editor_helpers import open_pane, seed_record
from tests.factories import add_inquiry, add_partner
from tests.net_proxy import NetProxy


@pytest.fixture
def backend() -> str:
    return "postgresql"


@pytest.fixture
def proxy(db_target: str) -> Iterator[NetProxy]:
    with NetProxy.in_front_of(make_url(db_target)) as running:
        yield running


@pytest.fixture
def remote(db_target: str, proxy: NetProxy) -> Iterator[DbExecutor]:
    """The app's DB worker on the test database, reached through the proxy."""
    url = proxy.proxied(make_url(db_target)).render_as_string(hide_password=False)
    worker = DbExecutor(open_database(url).signed_as("alice"))
    yield worker
    worker.shutdown()
    worker.database.dispose()


def _controller(qtbot: QtBot, remote: DbExecutor, told: list[str]) -> AssignmentController:
    controller = AssignmentController(
        remote,
        QUndoStack(),
        "alice",
        confirm=lambda _title, _text: True,
        notify=lambda title, text: told.append(f"{title}: {text}"),
    )
    return controller


def _assign_through(
    qtbot: QtBot, database: Database, remote: DbExecutor, proxy: NetProxy, pattern: bytes
) -> tuple[list[str], list[Changes], list[str], int, int]:
    partner_id = add_partner(database, name="Strong")
    inquiry_id = add_inquiry(database)
    rank_inquiry(remote.database, inquiry_id)  # the routing index is built: planning only reads
    told: list[str] = []
    controller = _controller(qtbot, remote, told)
    statuses: list[str] = []
    changes: list[Changes] = []
    controller.status_reported.connect(statuses.append)
    controller.changes_made.connect(changes.append)
    proxy.reset_after(pattern)
    controller.assign(inquiry_id, partner_id)
    qtbot.waitUntil(
        lambda: any(s.startswith(("Done:", "Not done:")) for s in statuses), timeout=30_000
    )
    assert proxy.resets_sent == 1
    return statuses, changes, told, inquiry_id, partner_id


def test_an_assignment_whose_answer_is_lost_reports_done_and_refreshes(
    qtbot: QtBot, database: Database, remote: DbExecutor, proxy: NetProxy
) -> None:
    statuses, changes, told, inquiry_id, partner_id = _assign_through(
        qtbot, database, remote, proxy, b"COMMIT"
    )
    assert statuses == [
        f"Checking whether assigning Strong to inquiry {inquiry_id} went through…",
        f"Done: assigned Strong to inquiry {inquiry_id}.",
    ]
    assert changes == [assignment.handed_over([inquiry_id], [partner_id], "alice")]
    assert told == [], "no dialog: the assignment went through"
    (entry,) = assignment.assignment_history(database, inquiry_id)
    assert entry.active and entry.partner_id == partner_id


def test_an_assignment_cut_before_commit_reports_not_done(
    qtbot: QtBot, database: Database, remote: DbExecutor, proxy: NetProxy
) -> None:
    statuses, _, told, inquiry_id, _ = _assign_through(
        qtbot, database, remote, proxy, b"INSERT INTO audit_events"
    )
    assert statuses == [
        f"Checking whether assigning Strong to inquiry {inquiry_id} went through…",
        f"Not done: nothing was changed (assigning Strong to inquiry {inquiry_id} did not "
        "reach the server).",
    ]
    assert told == []
    assert assignment.assignment_history(database, inquiry_id) == ()


def test_a_record_save_whose_answer_is_lost_is_no_conflict(
    qtbot: QtBot, database: Database, remote: DbExecutor, proxy: NetProxy, tmp_path: Path
) -> None:
    inquiry_id, record_id = seed_record(database)
    pane = open_pane(qtbot, remote, tmp_path / "drafts.sqlite", inquiry_id)
    seen: list[str] = []
    pane.save_status.setText("")
    pane.autosave.status_changed.connect(seen.append)
    role = pane.form.editor("partner_role").widget
    proxy.reset_after(b"COMMIT")
    with qtbot.waitSignal(pane.autosave.synced, timeout=30_000):
        role.setFocus()
        role.moveCursor(QTextCursor.MoveOperation.End)
        qtbot.keyClicks(role, " plus SOC 2")
    assert proxy.resets_sent == 1
    assert "Checking whether saving the record went through…" in seen
    assert pane.save_status.text().startswith("Done: saved at ")
    saved = records.open_record(database, record_id)
    assert saved.version == 2 and saved.form.partner_role.endswith(" plus SOC 2")
    assert pane.draft_store.get(drafts.database_identity(remote.database), record_id) is None
    # Typing on saves over our own version: no "someone else saved this".
    with qtbot.waitSignal(pane.autosave.synced, timeout=30_000):
        qtbot.keyClicks(role, " and ISO 27001")
    assert records.open_record(database, record_id).version == 3
    assert not pane.findChildren(ConflictDialog)
    assert pane.conflict_dialog is None
