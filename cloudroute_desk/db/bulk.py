"""Bulk loading: many rows per statement, for the demo data generator and large imports.

Rows are plain dicts keyed by column name with explicit ids, so a caller can link children to
parents without reading ids back. SQLite gets one ``executemany`` per chunk; PostgreSQL gets
``COPY ... FROM STDIN``, several times faster than even pipelined ``executemany``. After
loading with explicit ids, ``finish_bulk_load`` moves PostgreSQL's id sequences past them and
refreshes the query planner's statistics on both backends.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Table, func, insert, select, text
from sqlalchemy.orm import Session

from cloudroute_desk.db.tables import (
    AceRecordRow,
    AssignmentRow,
    AuditEventRow,
    Base,
    InquiryRow,
    InquirySpendRow,
    PartnerRow,
)

Row = Mapping[str, Any]

BULK_TABLES: tuple[str, ...] = (
    PartnerRow.__tablename__,
    InquiryRow.__tablename__,
    InquirySpendRow.__tablename__,
    AssignmentRow.__tablename__,
    AceRecordRow.__tablename__,
    AuditEventRow.__tablename__,
)
"""Tables the bulk loader writes, parents before children."""

_DATA_TABLES = (PartnerRow, InquiryRow, AceRecordRow)


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def holds_data(session: Session) -> bool:
    """Whether any partner, inquiry or ACE record exists (reference rows do not count)."""
    return any(session.execute(select(row.id).limit(1)).first() is not None for row in _DATA_TABLES)


def next_ids(session: Session) -> dict[str, int]:
    """The first free id of each bulk table."""
    result: dict[str, int] = {}
    for name in BULK_TABLES:
        table = _table(name)
        highest = session.execute(select(func.max(table.c.id))).scalar_one()
        result[name] = int(highest or 0) + 1
    return result


def insert_rows(session: Session, table_name: str, rows: Sequence[Row]) -> None:
    """Insert ``rows`` (dicts with every column, ids included) into ``table_name``."""
    if not rows:
        return
    table = _table(table_name)
    if session.get_bind().dialect.name == "postgresql":
        _copy_rows(session, table, rows)
    else:
        session.execute(insert(table), list(rows))


def _copy_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    names = list(rows[0].keys())
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    quoted = ", ".join(f'"{name}"' for name in names)
    # psycopg 3's own connection: SQLAlchemy's DBAPI typing knows no COPY.
    dbapi: Any = session.connection().connection.dbapi_connection
    with (
        dbapi.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(
                [json.dumps(row[name]) if name in json_columns else row[name] for name in names]
            )


def finish_bulk_load(session: Session) -> None:
    """Sequences past the explicit ids (PostgreSQL) and fresh planner statistics."""
    if session.get_bind().dialect.name == "postgresql":
        for name in BULK_TABLES:
            session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                    f'COALESCE((SELECT max(id) FROM "{name}"), 0) + 1, false)'
                ),
                {"t": name},
            )
        session.execute(text("ANALYZE"))
    else:
        # A bounded sample keeps ANALYZE to a second or two even on millions of rows.
        session.execute(text("PRAGMA analysis_limit = 1000"))
        session.execute(text("ANALYZE"))
