"""Demo data generation speed on SQLite and PostgreSQL: median wall time over repeated runs.

Run: ``python bench/demo_bench.py [--inquiries 20000] [--partners 400]
[--repeat 3] [--backend sqlite|postgresql|both] [--pg-url postgresql://...]``

Each run writes into a fresh, migrated database (migration time is not counted). Without
``--pg-url`` a throwaway PostgreSQL server is started with ``pgserver`` (as the tests do).
Prints one line per run and a median line per backend, with rows per second and, for
SQLite, the file size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cloudroute_desk.db.opening import open_database
from cloudroute_desk.demo.generator import DemoSummary, generate_demo

NOW = datetime(2026, 11, 20, 15, 30, 0)


@contextmanager
def _pg_admin_url(given: str | None) -> Iterator[str]:
    if given:
        yield given
        return
    import pgserver

    with tempfile.TemporaryDirectory(prefix="crd-bench-pg-") as folder:
        server = pgserver.get_server(folder, cleanup_mode="stop")  # type: ignore[attr-defined]
        try:
            yield server.get_uri()
        finally:
            server.cleanup()


def _fresh_pg(admin: str, run: int) -> str:
    url = make_url(admin).set(drivername="postgresql+psycopg")
    name = f"crd_demo_bench_{run}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _run(target: str, args: argparse.Namespace) -> DemoSummary:
    database = open_database(target)
    try:
        return generate_demo(
            database,
            inquiries=args.inquiries,
            partners=args.partners,
            seed=args.seed,
            now=NOW,
        )
    finally:
        database.dispose()


def _measure(backend: str, targets: Callable[[int], str], args: argparse.Namespace) -> None:
    seconds: list[float] = []
    for run in range(args.repeat):
        target = targets(run)
        summary = _run(target, args)
        seconds.append(summary.seconds)
        rows = (
            summary.inquiries
            + summary.partners
            + summary.records
            + summary.assignments
            + summary.spend_lines
            + summary.audit_events
        )
        size = ""
        if backend == "sqlite":
            size = f", {Path(target).stat().st_size / 1e6:,.1f} MB"
        print(
            f"{backend:10} run {run + 1}: {summary.inquiries:,} inquiries, {rows:,} rows "
            f"in {summary.seconds:.2f} s ({rows / summary.seconds:,.0f} rows/s{size})"
        )
    print(f"{backend:10} median: {statistics.median(seconds):.2f} s over {len(seconds)} runs")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inquiries", type=int, default=20_000)
    parser.add_argument("--partners", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", help="a server URL the bench may create databases on")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="crd-bench-") as folder:
            _measure("sqlite", lambda run: str(Path(folder) / f"demo-{run}.sqlite"), args)
    if args.backend in ("postgresql", "both"):
        with _pg_admin_url(args.pg_url) as admin:
            _measure("postgresql", lambda run: _fresh_pg(admin, run), args)


if __name__ == "__main__":
    main()
