"""Inserting imported inquiries and partners, idempotently, many rows per statement.

``external_id`` is UNIQUE on both tables; every insert here is ``ON CONFLICT (external_id) DO
NOTHING ... RETURNING id, external_id``, so a row already imported (by this admin earlier or by
a colleague a moment ago) is skipped by the database itself, and the returned ids say which
rows are new. An inquiry's spend lines are inserted in the same transaction as the inquiry.

On PostgreSQL a chunk goes through ``COPY`` into a temporary table and one ``INSERT ... SELECT``:
a multi-row ``VALUES`` statement with tens of thousands of parameters spends most of its time
in the driver's query parsing (20,000 inquiries: ~9 s through VALUES, ~2 s through COPY).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, Table, insert, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cloudroute_desk.db.json_text import json_text
from cloudroute_desk.db.mapping import inquiry_columns, partner_columns
from cloudroute_desk.db.tables import InquiryRow, InquirySpendRow, PartnerRow
from cloudroute_desk.domain.entities import Inquiry, Partner

_INQUIRIES = cast(Table, InquiryRow.__table__)
_SPEND = cast(Table, InquirySpendRow.__table__)
_PARTNERS = cast(Table, PartnerRow.__table__)


COPY_FROM_ROWS = 50
"""From this many rows on, PostgreSQL inserts go through COPY (below, a temp table costs more)."""


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _copy(session: Session, table_name: str, names: list[str], rows: Iterable[list[Any]]) -> None:
    quoted = ", ".join(f'"{name}"' for name in names)
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        with cursor.copy(f'COPY "{table_name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()


def _insert_new_by_copy(
    session: Session, table: Table, rows: list[dict[str, Any]]
) -> dict[str, int]:
    names = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    quoted = ", ".join(f'"{name}"' for name in names)
    staging = f"crd_import_{table.name}"
    session.execute(text(f'DROP TABLE IF EXISTS pg_temp."{staging}"'))
    session.execute(
        text(
            f'CREATE TEMP TABLE "{staging}" ON COMMIT DROP AS '
            f'SELECT 0 AS ord, {quoted} FROM "{table.name}" WITH NO DATA'
        )
    )
    _copy(
        session,
        staging,
        ["ord", *names],
        (
            [
                position,
                *(json_text(row[name]) if name in json_columns else row[name] for name in names),
            ]
            for position, row in enumerate(rows)
        ),
    )
    result = session.execute(
        text(
            f'INSERT INTO "{table.name}" ({quoted}) SELECT {quoted} FROM "{staging}" '
            "ORDER BY ord ON CONFLICT (external_id) DO NOTHING RETURNING id, external_id"
        )
    )
    return {str(external_id): int(row_id) for row_id, external_id in result.all()}


def _insert_new(session: Session, table: Table, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert ``rows`` skipping external ids already present; {external_id: new id}."""
    if not rows:
        return {}
    if _on_postgresql(session) and len(rows) >= COPY_FROM_ROWS:
        return _insert_new_by_copy(session, table, rows)
    dialect = postgresql if _on_postgresql(session) else sqlite
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
    if spend and _on_postgresql(session) and len(spend) >= COPY_FROM_ROWS:
        names = ["inquiry_id", "service", "monthly_usd"]
        _copy(session, _SPEND.name, names, ([line[n] for n in names] for line in spend))
    elif spend:
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
