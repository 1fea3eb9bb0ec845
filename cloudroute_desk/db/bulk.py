"""Bulk loading: many rows per statement, for the demo data generator and large imports.

Rows are plain dicts keyed by column name with explicit ids, so a caller can link children to
parents without reading ids back. SQLite gets one driver-level ``executemany`` per table and
chunk (values converted by the same SQLAlchemy type processors an ORM insert uses, so stored
text is identical); PostgreSQL gets ``COPY ... FROM STDIN``, several times faster than even
pipelined ``executemany``. ``BulkLoader.finish`` moves PostgreSQL's id sequences past the
explicit ids and refreshes the query planner's statistics on both backends.

The conversion to driver values (``prepare``) needs no connection, so a producer in another
process (the demo's chunk workers) can do it and hand over plain tuples: the loading process
then only runs the driver.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Connection, DateTime, Dialect, Table, func, insert, select, text
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from cloudroute_desk.db import bulk_rebuild, chart_months
from cloudroute_desk.db.deadlines import statement_deadline_lifted
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.json_text import json_text
from cloudroute_desk.db.schema import metadata
from cloudroute_desk.db.tables import (
    AceRecordRow,
    AssignmentRow,
    AuditEventRow,
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

_SQLITE_BULK_PRAGMAS: tuple[tuple[str, str], ...] = (
    # One fsync per WAL checkpoint instead of per commit; a power cut may lose the last
    # chunks but never corrupts the file.
    ("synchronous", "NORMAL"),
    # 512 MiB of page cache keeps the B-trees of a dozen indexes in memory.
    ("cache_size", str(-512 * 1024)),
    # The loader writes parents before children with ids it assigned itself; PostgreSQL
    # (COPY) still checks every key, and the tests run on both.
    ("foreign_keys", "OFF"),
)

_DATA_TABLES = (PartnerRow, InquiryRow, AceRecordRow)


def _table(name: str) -> Table:
    return metadata.tables[name]


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
    """Insert ``rows`` (dicts with every column, ids included) in the session's transaction."""
    _insert(session.connection(), table_name, rows)


@dataclass(frozen=True, slots=True)
class Prepared:
    """One table's rows as the driver takes them: column names and a tuple of values per row
    (picklable: plain strings, numbers and, for PostgreSQL's ``COPY``, datetimes)."""

    table: str
    names: tuple[str, ...]
    values: list[tuple[Any, ...]]


SQLITE_DIALECT: Dialect = SQLiteDialect_pysqlite(json_serializer=json_text)
"""The dialect ``engine.make_engine`` configures for SQLite, for converting values without a
connection (the type processors read only the dialect)."""


def _sqlite_datetime_text(value: datetime) -> str:
    """SQLAlchemy's SQLite text for a naive datetime (``YYYY-MM-DD HH:MM:SS.ffffff``), by
    the C ``isoformat`` instead of a Python ``%`` format: a fifth of a demo chunk's values
    are datetimes. An aware one goes through SQLAlchemy, which drops the offset."""
    if value.tzinfo is None:
        return value.isoformat(" ", "microseconds")
    process = DateTime().dialect_impl(SQLITE_DIALECT).bind_processor(SQLITE_DIALECT)
    assert process is not None
    return str(process(value))


def _sqlite_processor(column_type: TypeEngine[Any]) -> Callable[[Any], Any] | None:
    # The dialect's own type: the generic DateTime has no processor, so the driver would
    # store its own spelling of the value (no microseconds) instead of SQLAlchemy's.
    if isinstance(column_type, DateTime):
        return _sqlite_datetime_text
    return column_type.dialect_impl(SQLITE_DIALECT).bind_processor(SQLITE_DIALECT)


def prepare(backend: str, table_name: str, rows: Sequence[Row]) -> Prepared:
    """``rows`` (dicts with the same keys, every column) as driver values for ``backend``:
    SQLite's text for dates and JSON exactly as an ORM insert stores it, PostgreSQL's
    ``COPY`` values with JSON as ``json_text``."""
    table = _table(table_name)
    names = tuple(rows[0].keys()) if rows else ()
    processors: list[Callable[[Any], Any] | None]
    if backend == "sqlite":
        processors = [_sqlite_processor(table.c[name].type) for name in names]
    else:
        json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
        processors = [json_text if name in json_columns else None for name in names]
    # Column by column: most columns need no conversion, and zip builds the row tuples in C.
    columns = [[row[name] for row in rows] for name in names]
    for index, process in enumerate(processors):
        if process is not None:
            columns[index] = [None if v is None else process(v) for v in columns[index]]
    return Prepared(table_name, names, list(zip(*columns, strict=True)))


def _insert(connection: Connection, table_name: str, rows: Sequence[Row]) -> None:
    if not rows:
        return
    backend = connection.dialect.name
    if backend in ("postgresql", "sqlite"):
        _insert_prepared(connection, prepare(backend, table_name, rows))
    else:
        connection.execute(insert(_table(table_name)), list(rows))


def _insert_prepared(connection: Connection, prepared: Prepared) -> None:
    if not prepared.values:
        return
    quoted = ", ".join(f'"{name}"' for name in prepared.names)
    if connection.dialect.name == "postgresql":
        # psycopg 3's own connection: SQLAlchemy's DBAPI typing knows no COPY.
        dbapi: Any = connection.connection.dbapi_connection
        with (
            dbapi.cursor() as cursor,
            cursor.copy(f'COPY "{prepared.table}" ({quoted}) FROM STDIN') as copy,
        ):
            for row in prepared.values:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in prepared.names)
    connection.exec_driver_sql(
        f'INSERT INTO "{prepared.table}" ({quoted}) VALUES ({marks})', prepared.values
    )


COMMIT_EVERY_ROWS = 400_000
"""Rows per transaction: big enough that hot index pages are written once per commit rather
than once per chunk, small enough that SQLite's WAL stays a few hundred MB."""


class BulkLoader:
    """One connection; a transaction spans ``write`` calls until ``COMMIT_EVERY_ROWS`` rows,
    so memory stays flat however much is loaded and readers see whole chunks (never half an
    inquiry).

    With ``suspended`` (SQLite, empty tables: see ``bulk_rebuild``) the secondary indexes,
    the search index and the chart projections are built by ``finish`` instead of per row.
    """

    def __init__(
        self, connection: Connection, suspended: bulk_rebuild.Suspended | None = None
    ) -> None:
        self._connection = connection
        self._pending = 0
        self._suspended = suspended

    def write(self, rows: Mapping[str, Sequence[Row]]) -> None:
        backend = self._connection.dialect.name
        self.write_prepared([prepare(backend, name, rows.get(name, ())) for name in BULK_TABLES])

    def write_prepared(self, tables: Sequence[Prepared]) -> None:
        """Insert prepared rows (``prepare`` for this backend), parents before children."""
        connection = self._connection
        if not connection.in_transaction():
            connection.begin()
        for prepared in tables:
            _insert_prepared(connection, prepared)
            self._pending += len(prepared.values)
        if self._pending >= COMMIT_EVERY_ROWS:
            self.commit()

    def commit(self) -> None:
        if self._connection.in_transaction():
            self._connection.commit()
        self._pending = 0

    def finish(self) -> None:
        """Commits, then sequences past the explicit ids (PostgreSQL) and fresh planner
        statistics."""
        self.commit()
        connection = self._connection
        rebuilt = self._suspended is not None
        self.rebuild_suspended()
        with connection.begin():
            if not rebuilt:
                # The per-row triggers appended a row per loaded record to the aggregates.
                chart_months.compact(connection)
            if connection.dialect.name == "postgresql":
                for name in BULK_TABLES:
                    connection.execute(
                        text(
                            "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                            f'COALESCE((SELECT max(id) FROM "{name}"), 0) + 1, false)'
                        ),
                        {"t": name},
                    )
        # Outside the transaction: PostgreSQL's ANALYZE need not hold the load's locks.
        # SQLite reads every index row: a sampled ANALYZE (analysis_limit) takes the first
        # rows of an index sorted by state for the whole table, and the planner then picks
        # non-covering indexes and temporary sorts for the chart queries.
        with connection.begin():
            connection.exec_driver_sql("ANALYZE")

    def rebuild_suspended(self) -> None:
        """Build what the load skipped (idempotent; also run after a failed load, so the
        rows that did land have their indexes, projections and triggers)."""
        suspended, self._suspended = self._suspended, None
        if suspended is None:
            return
        with self._connection.begin():
            bulk_rebuild.restore(self._connection, suspended)


def _unjournaled(raw: Any) -> list[str]:
    """Switch a SQLite connection to writing without a journal; returns what puts it back.

    No rollback journal or WAL: every page is written once, straight into the file, and
    nothing is synced (about a third less of the loading process's time). A load that
    fails then leaves the file in no defined state, which is why only a scratch file the
    caller deletes unless the load completes gets it. Refused (left as it was) if another
    connection is in the file.
    """
    old_mode = raw.execute("PRAGMA journal_mode").fetchone()[0]
    if raw.execute("PRAGMA journal_mode = OFF").fetchone()[0] != "off":
        return []
    raw.execute("PRAGMA synchronous = OFF")
    return [f"PRAGMA journal_mode = {old_mode}"]


@contextmanager
def bulk_loader(
    database: Database, *, into_empty: bool = False, scratch: bool = False
) -> Iterator[BulkLoader]:
    """A loader on a connection tuned for bulk writes while it lasts.

    On SQLite the connection gets ``_SQLITE_BULK_PRAGMAS``, all put back before the
    connection returns to the pool. ``into_empty`` (the caller checked that the bulk tables
    are empty) builds indexes and derived data once after the load on SQLite. ``scratch``
    (the caller deletes the file unless the load completes) writes SQLite without a journal.
    """
    with database.engine.connect() as connection:
        raw: Any = connection.connection.dbapi_connection
        restore: list[str] = []
        if connection.dialect.name == "sqlite":
            # Straight on the driver: these pragmas are refused inside a transaction.
            for pragma, value in _SQLITE_BULK_PRAGMAS:
                old = raw.execute(f"PRAGMA {pragma}").fetchone()[0]
                restore.append(f"PRAGMA {pragma} = {old}")
                raw.execute(f"PRAGMA {pragma} = {value}")
            if scratch:
                restore.extend(_unjournaled(raw))
        suspended = None
        if into_empty and connection.dialect.name == "sqlite":
            with connection.begin():
                suspended = bulk_rebuild.suspend(connection)
        loader = BulkLoader(connection, suspended)
        try:
            # A chunk of COPY or an ANALYZE over millions of rows may take longer than the
            # statement limit the app's interactive work lives under.
            with statement_deadline_lifted(connection):
                yield loader
        finally:
            if connection.in_transaction():
                connection.rollback()
            loader.rebuild_suspended()
            for statement in restore:
                raw.execute(statement)
