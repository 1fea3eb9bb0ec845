"""Inserting imported inquiries and partners, idempotently, many rows per statement.

``external_id`` is UNIQUE on both tables; every insert here is ``ON CONFLICT (external_id) DO
NOTHING ... RETURNING id, external_id``, so a row already imported (by this admin earlier or by
a colleague a moment ago) is skipped by the database itself, and the returned ids say which
rows are new. An inquiry's spend lines are inserted in the same transaction as the inquiry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cloudroute_desk.db.mapping import inquiry_columns, partner_columns
from cloudroute_desk.db.tables import AuditEventRow, InquiryRow, InquirySpendRow, PartnerRow
from cloudroute_desk.domain.entities import Inquiry, Partner

_INQUIRIES = cast(Table, InquiryRow.__table__)
_SPEND = cast(Table, InquirySpendRow.__table__)
_PARTNERS = cast(Table, PartnerRow.__table__)
_AUDIT = cast(Table, AuditEventRow.__table__)


def _insert_new(session: Session, table: Table, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert ``rows`` skipping external ids already present; {external_id: new id}."""
    if not rows:
        return {}
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    statement = (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=[table.c.external_id])
        .returning(table.c.id, table.c.external_id)
    )
    result = session.execute(statement, rows)
    return {str(external_id): int(row_id) for row_id, external_id in result.all()}


def insert_inquiries(session: Session, inquiries: Sequence[Inquiry]) -> dict[str, int]:
    """Insert the inquiries not yet present, with their spend lines; {external_id: id}."""
    inserted = _insert_new(session, _INQUIRIES, [inquiry_columns(inquiry) for inquiry in inquiries])
    spend = [
        {
            "inquiry_id": inserted[inquiry.external_id],
            "service": line.service,
            "monthly_usd": line.monthly_usd,
        }
        for inquiry in inquiries
        if inquiry.external_id in inserted
        for line in inquiry.spend
    ]
    if spend:
        session.execute(insert(_SPEND), spend)
    return inserted


def insert_partners(
    session: Session, partners: Sequence[Partner], created_at: datetime
) -> dict[str, int]:
    """Insert the partners not yet present; {external_id: id}."""
    return _insert_new(
        session,
        _PARTNERS,
        [{**partner_columns(partner), "created_at": created_at} for partner in partners],
    )


def add_import_audit(
    session: Session, *, at: datetime, actor: str, kind: str, detail: dict[str, Any]
) -> None:
    session.execute(insert(_AUDIT).values(at=at, actor=actor, kind=kind, detail=detail))
