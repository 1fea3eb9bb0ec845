"""Reading and moving a Partner Central sync cursor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.db.sync_tables import SyncCursorRow


def read_cursor(session: Session, catalog: str, endpoint: str) -> SyncCursorRow | None:
    return session.get(SyncCursorRow, (catalog, endpoint))


def save_cursor(
    session: Session,
    *,
    catalog: str,
    endpoint: str,
    modified_through: datetime | None,
    run_state: str,
    pages: int,
    opportunities: int,
    admin: str,
) -> None:
    """Insert or move the cursor. ``modified_through`` never moves back: a run started with
    an earlier ``--since`` re-applies old pages without forgetting newer ones."""
    row = session.get(SyncCursorRow, (catalog, endpoint), with_for_update=True)
    now = server_now(session)
    if row is None:
        session.add(
            SyncCursorRow(
                catalog=catalog,
                endpoint=endpoint,
                modified_through=modified_through,
                run_state=run_state,
                pages=pages,
                opportunities=opportunities,
                updated_at=now,
                updated_by=admin,
            )
        )
        return
    if modified_through is not None and (
        row.modified_through is None or modified_through > row.modified_through
    ):
        row.modified_through = modified_through
    row.run_state = run_state
    row.pages = pages
    row.opportunities = opportunities
    row.updated_at = now
    row.updated_by = admin
