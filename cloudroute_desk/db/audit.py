"""The one writer of audit rows: every use-case that records who did what calls
``add_audit_event`` inside its own transaction, so the row commits or rolls back with the
change it describes. The table itself is append-only (triggers refuse UPDATE and DELETE)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from cloudroute_desk.db.tables import AuditEventRow


def add_audit_event(
    session: Session,
    *,
    kind: str,
    actor: str,
    at: datetime,
    inquiry_id: int | None = None,
    partner_id: int | None = None,
    record_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.execute(
        insert(AuditEventRow).values(
            at=at,
            actor=actor,
            kind=kind,
            inquiry_id=inquiry_id,
            partner_id=partner_id,
            record_id=record_id,
            detail=detail or {},
        )
    )
