"""Derived data built in one pass after a bulk load into empty tables (SQLite).

Per row, a load into the migrated schema pays for a dozen B-tree inserts per table, an FTS5
insert, two chart-projection upserts and a routing-index mark (triggers of migrations 0002,
0003, 0005 and 0013). At a million inquiries that is most of the load's time. Loading into empty
tables, ``suspend`` drops those triggers and the plain (non-unique) secondary indexes first;
``restore`` then builds each index by one sort, the chart projections and their monthly
aggregates by one ``INSERT ... SELECT`` each, the search index by one FTS5 ``rebuild``, and
puts the triggers back exactly as they were (their SQL is read from ``sqlite_master``).
Unique indexes stay in place during the load: they are invariants, not speed.

The routing index is not built here: ``routing_queries.bring_index_up_to_date`` builds it
(streaming, bounded memory) once the rows are committed, on either backend.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from cloudroute_desk.db import chart_months
from cloudroute_desk.db.chart_projection import (
    INQUIRY_FACT_COLUMNS,
    RECORD_FACT_COLUMNS,
    sqlite_inquiry_fact_select,
    sqlite_record_fact_select,
)

DERIVED_INSERT_TRIGGERS: tuple[str, ...] = (
    "inquiry_fts_after_insert",
    "trg_cif_insert",
    "trg_crf_insert",
    "trg_cif_months_insert",
    "trg_crf_months_insert",
    "trg_routing_record_insert",
)
"""The per-row insert triggers whose work ``restore`` (or the routing index build) redoes in
one pass. Other triggers (transition checks, append-only audit, anything added later) stay."""

REBUILT_TABLES: tuple[str, ...] = (
    "partners",
    "inquiries",
    "inquiry_spend",
    "assignments",
    "ace_records",
    "audit_events",
    "chart_inquiry_facts",
    "chart_record_facts",
    *chart_months.AGGREGATE_TABLES,
)
"""Tables whose plain secondary indexes are dropped during the load and built after it."""


@dataclass(frozen=True)
class Suspended:
    """The schema objects dropped by ``suspend``, as the SQL that creates them again."""

    indexes: tuple[str, ...]
    triggers: tuple[str, ...]


def suspend(connection: Connection) -> Suspended:
    """Drop the derived insert triggers and plain secondary indexes (in the caller's
    transaction); returns what ``restore`` needs to put them back."""
    tables = ", ".join(f"'{name}'" for name in REBUILT_TABLES)
    triggers = ", ".join(f"'{name}'" for name in DERIVED_INSERT_TRIGGERS)
    index_rows = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({tables}) AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY rowid"
    ).all()
    trigger_rows = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        f" AND name IN ({triggers}) ORDER BY rowid"
    ).all()
    for name, _sql in index_rows:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    for name, _sql in trigger_rows:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    return Suspended(
        indexes=tuple(sql for _name, sql in index_rows),
        triggers=tuple(sql for _name, sql in trigger_rows),
    )


def restore(connection: Connection, suspended: Suspended) -> None:
    """Build the derived data from the loaded rows, then the indexes and triggers (in the
    caller's transaction)."""
    connection.exec_driver_sql(
        f"INSERT INTO chart_inquiry_facts ({INQUIRY_FACT_COLUMNS}) {sqlite_inquiry_fact_select()}"
    )
    connection.exec_driver_sql(
        f"INSERT INTO chart_record_facts ({RECORD_FACT_COLUMNS}) {sqlite_record_fact_select()}"
    )
    chart_months.build(connection)
    connection.exec_driver_sql("INSERT INTO inquiry_fts (inquiry_fts) VALUES ('rebuild')")
    put_back(connection, suspended)


def put_back(connection: Connection, suspended: Suspended) -> None:
    """Create the suspended indexes and triggers again (also after a failed load)."""
    for sql in (*suspended.indexes, *suspended.triggers):
        connection.exec_driver_sql(sql)
