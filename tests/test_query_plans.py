"""The chart and queue queries are served by indexes: no full scan, no sort of a whole table.

The statements are captured from the real services (every SELECT they send, with its
parameters) over the demo data set, so a query added or changed later is checked too. Then:

- SQLite (``EXPLAIN QUERY PLAN``, on the statistics the demo's full ``ANALYZE`` wrote): no
  table is scanned without an index; the per-record chart projections are only read by seeks
  (never walked whole: the monthly aggregates serve the unnarrowed charts); an aggregate is
  only walked through a covering index; no temporary B-tree sorts the output of a walk over a
  whole table (sorting a few hundred grouped rows, or the rows one seek found, is fine).
- PostgreSQL (``EXPLAIN (FORMAT JSON)`` with sequential scans and sorts priced out, so the
  planner uses an index whenever one can serve): no sequential scan of a table, no index
  walk of a per-record projection without an index condition, and no sort fed directly by
  an unconditioned scan of a table.

A sampled ``ANALYZE`` made the close-rate chart flip to a non-covering index plus a sort at a
million records; this test fails on such a plan.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import event

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.schema import metadata
from cloudroute_desk.demo.generator import generate_demo
from cloudroute_desk.domain.catalog import InquiryStatus, Pool, Region, Vertical
from cloudroute_desk.domain.chart_data import ChartFilter
from cloudroute_desk.domain.queue_filter import QueueFilter, SlaState, SortKey
from cloudroute_desk.services import charts, queue, review_figures

NOW = datetime(2026, 11, 20, 15, 30, 0)
TABLES = frozenset(metadata.tables)
PER_RECORD = frozenset({"chart_record_facts", "chart_inquiry_facts"})
"""A row per record or inquiry: read by seeks only, never walked whole (the monthly
aggregates serve what no filter narrows)."""
PROJECTIONS = PER_RECORD | {"chart_record_months", "chart_days_months", "chart_routing_months"}

CHART_FILTERS = (
    ChartFilter(),
    ChartFilter(region=Region.EU),
    ChartFilter(vertical=Vertical.FINTECH),
    ChartFilter(pool=Pool.FOUNDERS, date_from=date(2026, 3, 1)),
    ChartFilter(partner_id=3),
    # Partial months at both ends, inside one month, across one month boundary.
    ChartFilter(date_from=date(2026, 2, 11), date_to=date(2026, 6, 20)),
    ChartFilter(date_from=date(2026, 4, 3), date_to=date(2026, 4, 9)),
    ChartFilter(date_from=date(2026, 4, 20), date_to=date(2026, 5, 9), pool=Pool.PORTFOLIO),
    ChartFilter(date_from=date(2026, 2, 11), region=Region.UK, vertical=Vertical.FINTECH),
    ChartFilter(date_to=date(2026, 7, 14), partner_id=3),
)
QUEUE_FILTERS = (
    QueueFilter(),
    QueueFilter(sort=SortKey.COMPANY, descending=False),
    QueueFilter(sort=SortKey.SPEND),
    QueueFilter(statuses=frozenset({InquiryStatus.NEW})),
    QueueFilter(regions=frozenset({Region.EU})),
    QueueFilter(sla_states=frozenset({SlaState.BREACHED})),
    QueueFilter(record_review=("Rejected", "Clarify Solution")),
)


@pytest.fixture
def statements(database: Database) -> Iterator[list[tuple[str, Any]]]:
    generate_demo(database, inquiries=2_500, partners=40, seed=4, now=NOW)
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", capture)
    try:
        for chart_filter in CHART_FILTERS:
            charts.pipeline(database, chart_filter)
            charts.days_to_credit(database, chart_filter)
            charts.routing(database, chart_filter, NOW)
            charts.close_rate(database, chart_filter)
            review_figures.review_latency(database, chart_filter)
        review_figures.partner_review(database, 3)
        for queue_filter in QUEUE_FILTERS:
            queue.count(database, queue_filter, NOW)
            queue.rows_at(database, queue_filter, NOW, 0, 100)
            queue.rows_at(database, queue_filter, NOW, 700, 100)
    finally:
        event.remove(database.engine, "before_cursor_execute", capture)
    assert len(seen) > 40
    yield seen


def _sqlite_problems(plan: list[tuple[Any, ...]]) -> list[str]:
    """Rows are (id, parent, _, detail); a temporary B-tree sorts what its siblings read."""
    problems = []
    whole_table_walks: set[int] = set()
    for _id, parent, _unused, detail in plan:
        words = str(detail).split()
        if words[0] != "SCAN" or words[1] not in TABLES:
            continue
        whole_table_walks.add(parent)
        if "USING" not in words:
            problems.append(f"full scan: {detail}")
        elif words[1] in PER_RECORD:
            problems.append(f"walk of a whole per-record projection: {detail}")
        elif words[1] in PROJECTIONS and "COVERING" not in words:
            problems.append(f"non-covering walk of a chart projection: {detail}")
    problems += [
        f"sort of a whole-table walk: {detail}"
        for _id, parent, _unused, detail in plan
        if "TEMP B-TREE" in str(detail) and parent in whole_table_walks
    ]
    return problems


def _postgres_problems(node: dict[str, Any]) -> list[str]:
    problems = []
    kind = node["Node Type"]
    relation = node.get("Relation Name")
    if kind == "Seq Scan" and relation in TABLES:
        problems.append(f"sequential scan of {relation}")
    if (
        kind in ("Index Scan", "Index Only Scan")
        and relation in PER_RECORD
        and "Index Cond" not in node
    ):
        problems.append(f"walk of the whole per-record projection {relation}")
    # An incremental sort only orders rows inside runs an index already ordered: cheap.
    if kind == "Sort":
        child = node["Plans"][0]
        if child.get("Relation Name") in TABLES and not any(
            key in child for key in ("Index Cond", "Recheck Cond")
        ):
            problems.append(f"sort of a whole-table scan of {child['Relation Name']}")
    for child in node.get("Plans", ()):
        problems += _postgres_problems(child)
    return problems


def _scale_sqlite_statistics(connection: Any, factor: int) -> None:
    """Make the planner see ``factor`` times the rows with the same distribution (what
    ANALYZE writes on a big file): row counts and rows-per-value grow, unique keys stay."""
    rows = connection.exec_driver_sql("SELECT tbl, idx, stat FROM sqlite_stat1").all()
    for table, index, stat in rows:
        numbers = stat.split()
        scaled = [str(int(n) * factor) if int(n) > 1 else n for n in numbers if n.isdigit()]
        connection.exec_driver_sql(
            "UPDATE sqlite_stat1 SET stat = ? WHERE tbl = ? AND idx IS ?",
            (" ".join(scaled), table, index),
        )
    connection.commit()
    connection.exec_driver_sql("ANALYZE sqlite_schema")  # reloads the statistics


@pytest.mark.parametrize("scale", [1, 500], ids=["demo size", "statistics of 1.25 M inquiries"])
def test_chart_and_queue_queries_use_their_indexes(
    database: Database, statements: list[tuple[str, Any]], scale: int
) -> None:
    failures: list[str] = []
    with database.engine.connect() as connection:
        if scale != 1:
            if database.backend != "sqlite":
                pytest.skip("PostgreSQL prices plans from the live table sizes")
            _scale_sqlite_statistics(connection, scale)
        if database.backend == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")
            connection.exec_driver_sql("SET enable_sort = off")
        for statement, parameters in statements:
            if database.backend == "sqlite":
                plan = connection.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {statement}", parameters
                ).all()
                problems = _sqlite_problems(list(plan))
            else:
                raw = connection.exec_driver_sql(
                    f"EXPLAIN (FORMAT JSON) {statement}", parameters
                ).scalar_one()
                tree = raw if isinstance(raw, list) else json.loads(raw)
                problems = _postgres_problems(tree[0]["Plan"])
            failures += [f"{' '.join(statement.split())[:160]}\n    {p}" for p in problems]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "bad",
    [
        "SELECT requested_usd FROM chart_record_facts ORDER BY requested_usd",
        # The close-rate query before the monthly aggregates: a covering walk of 1.4 M rows.
        "SELECT arrive_month, state, awarded_pool, pool, count(*) FROM chart_record_facts"
        " GROUP BY arrive_month, state, awarded_pool, pool",
    ],
    ids=["sort of a projection", "whole covering walk"],
)
def test_the_check_sees_a_bad_plan(
    database: Database, statements: list[tuple[str, Any]], bad: str
) -> None:
    """The checks above are not vacuous: a sorted or whole walk of a projection is reported."""
    with database.engine.connect() as connection:
        if database.backend == "sqlite":
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {bad}").all()
            assert _sqlite_problems(list(plan))
        else:
            connection.exec_driver_sql("SET enable_seqscan = off")
            raw = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {bad}").scalar_one()
            tree = raw if isinstance(raw, list) else json.loads(raw)
            assert _postgres_problems(tree[0]["Plan"])
