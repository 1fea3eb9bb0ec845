"""The monthly chart aggregates (``chart_tables.py``): built in one pass from the projections
after a bulk load, and compacted.

Triggers (migration 0013) append a +1 row for a projection row's new values and a -1 row for
its old ones, so the aggregates grow by a row or two per change. ``compact`` folds every key's
rows into one, dropping keys that sum to nothing; readers see the same sums before and after.
"""

from __future__ import annotations

from sqlalchemy import Connection

RECORD_KEYS = "arrive_month, region, vertical, pool, state, awarded_pool"
DAYS_KEYS = "arrive_month, pool, submit_month, days_bin"
ROUTING_KEYS = "arrive_month, hours_bin"

_AGGREGATES: tuple[tuple[str, str, str, str, str], ...] = (
    # (table, keys, summed columns, their sources in the projection, projection + condition)
    (
        "chart_record_months",
        RECORD_KEYS,
        "records, requested_usd, awarded_usd",
        "count(*), sum(requested_usd), sum(awarded_usd)",
        "chart_record_facts",
    ),
    (
        "chart_days_months",
        DAYS_KEYS,
        "records",
        "count(*)",
        "chart_record_facts WHERE days_bin IS NOT NULL",
    ),
    ("chart_routing_months", ROUTING_KEYS, "inquiries", "count(*)", "chart_inquiry_facts"),
)

AGGREGATE_TABLES: tuple[str, ...] = tuple(table for table, *_ in _AGGREGATES)


def build(connection: Connection) -> None:
    """Fill the (empty) aggregates from the projections, one GROUP BY each."""
    for table, keys, sums, sources, projection in _AGGREGATES:
        connection.exec_driver_sql(
            f"INSERT INTO {table} ({keys}, {sums})"
            f" SELECT {keys}, {sources} FROM {projection} GROUP BY {keys}"
        )


def compact(connection: Connection) -> None:
    """Fold each aggregate's rows into one per key (in the caller's transaction).

    PostgreSQL: the rows deleted are exactly the rows summed (one statement), so rows that
    concurrent writers append meanwhile are left as they are. SQLite has one writer at a time.
    """
    postgres = connection.dialect.name == "postgresql"
    for table, keys, sums, _sources, _projection in _AGGREGATES:
        totals = ", ".join(f"sum({column.strip()})" for column in sums.split(","))
        first = sums.split(",")[0].strip()
        if postgres:
            connection.exec_driver_sql(
                f"WITH gone AS (DELETE FROM {table} RETURNING {keys}, {sums})"
                f" INSERT INTO {table} ({keys}, {sums}) SELECT {keys}, {totals} FROM gone"
                f" GROUP BY {keys} HAVING sum({first}) <> 0"
            )
            continue
        highest = connection.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar()
        if highest is None:
            continue
        connection.exec_driver_sql(
            f"INSERT INTO {table} ({keys}, {sums}) SELECT {keys}, {totals} FROM {table}"
            f" WHERE id <= ? GROUP BY {keys} HAVING sum({first}) <> 0",
            (highest,),
        )
        connection.exec_driver_sql(f"DELETE FROM {table} WHERE id <= ?", (highest,))
