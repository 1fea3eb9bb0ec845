"""Shared set-up for the editor tests: an assigned inquiry with one draft record, and a pane."""

from __future__ import annotations

from pathlib import Path

from cloudroute_desk.db.draft_store import DraftStore
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import Pool
from cloudroute_desk.services import records
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.editor import RecordEditorPane
from tests.factories import add_inquiry, add_partner


def seed_record(database: Database, pool: Pool = Pool.PORTFOLIO) -> tuple[int, int]:
    """(inquiry id, record id) of a fresh draft prefilled from the intake."""
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned")
    opened, _ = records.create_record(database, inquiry_id, pool, "alice")
    return inquiry_id, opened.record_id


def open_pane(
    qtbot,
    executor: DbExecutor,
    store_path: Path,
    inquiry_id: int,
    admin: str = "alice",
) -> RecordEditorPane:
    pane = RecordEditorPane(executor, DraftStore(store_path), admin=admin)
    qtbot.addWidget(pane)
    pane.resize(1280, 800)
    pane.show()
    with qtbot.waitSignal(pane.record_opened, timeout=10_000):
        pane.set_inquiry(inquiry_id)
    return pane
