"""Import speed on SQLite and PostgreSQL: median wall time over repeated runs.

Run: ``python bench/import_bench.py [--rows 20000] [--repeat 3]
[--backend sqlite|postgresql|both] [--pg-url postgresql://...]``

Writes a CSV of ``--rows`` valid inquiries (two spend lines each, every tenth row with an
error), then per run: a fresh migrated database, a first import (timed), and the same file
again (timed: every row is a duplicate). Also times reading + validation alone, without a
database, so the database's share is visible. Without ``--pg-url`` a throwaway PostgreSQL
server is started with ``pgserver`` (as the tests do).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cloudroute_desk.db.opening import open_database
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.intake.schema import INQUIRY_COLUMNS, RowKind, parse_inquiry
from cloudroute_desk.services.importing import import_file, read_import_file

REGIONS = ("US-East", "US-West", "UK", "EU", "MENA", "India", "APAC", "Brazil")
STAGES = ("pre-seed", "seed", "Series-A", "Series-B", "later")


def write_file(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(INQUIRY_COLUMNS))
        writer.writeheader()
        for i in range(rows):
            writer.writerow(
                {
                    "external_id": f"bench-{i}",
                    "company_name": f"Startup {i} Inc.",
                    "website": f"https://startup{i}.example.com",
                    "funding_stage": STAGES[i % len(STAGES)],
                    "last_round": "Seed, $3M",
                    "lead_investor": "Northwind Ventures",
                    "region": REGIONS[i % len(REGIONS)],
                    "vertical": "B2B SaaS",
                    "service_profile": "AI-heavy",
                    "engagement_type": "Build",
                    "pools_wanted": "portfolio;bedrock_poc",
                    "spend": "EC2=-1" if i % 10 == 9 else f"EC2={1000 + i % 9000};Bedrock=4000",
                    "team_size": 5 + i % 40,
                    "current_cloud": "none",
                    "technical_contact_name": "Ada Tech",
                    "technical_contact_email": f"ada@startup{i}.example.com",
                    "business_contact_name": "Bo Founder",
                    "business_contact_email": f"bo@startup{i}.example.com",
                    "arrived_at": f"2026-11-{1 + i % 25:02d}T{i % 24:02d}:15:00Z",
                }
            )


@contextmanager
def pg_admin_url(given: str | None) -> Iterator[str]:
    if given:
        yield given
        return
    import pgserver

    with tempfile.TemporaryDirectory(prefix="crd-bench-pg-") as folder:
        server = pgserver.get_server(folder, cleanup_mode="stop")
        try:
            yield server.get_uri()
        finally:
            server.cleanup()


def fresh_pg(admin: str, run: int) -> str:
    url = make_url(admin).set(drivername="postgresql+psycopg")
    name = f"crd_import_bench_{run}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def time_validation(path: Path, repeat: int) -> None:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        intake = read_import_file(path, RowKind.INQUIRY)
        now = utcnow()
        for raw in intake.rows():
            parse_inquiry(raw, now)
        timings.append(time.perf_counter() - started)
    rows = intake.total
    median = statistics.median(timings)
    print(f"read + validate only: median {median:.2f} s ({rows / median:,.0f} rows/s)")


def time_backend(name: str, targets: Iterator[str], path: Path, repeat: int) -> None:
    first, again = [], []
    for run in range(repeat):
        database = open_database(next(targets))
        try:
            started = time.perf_counter()
            report = import_file(database, path, RowKind.INQUIRY, actor="bench")
            first.append(time.perf_counter() - started)
            started = time.perf_counter()
            repeat_report = import_file(database, path, RowKind.INQUIRY, actor="bench")
            again.append(time.perf_counter() - started)
        finally:
            database.dispose()
        assert report.accounted_for and repeat_report.accepted == 0
        print(
            f"{name} run {run + 1}: first import {first[-1]:.2f} s "
            f"({report.accepted:,} accepted, {report.rejected:,} rejected), "
            f"again {again[-1]:.2f} s ({len(repeat_report.duplicates):,} duplicates)"
        )
    rows = report.rows_read
    median_first = statistics.median(first)
    print(
        f"{name} median: first import {median_first:.2f} s ({rows / median_first:,.0f} rows/s), "
        f"re-import {statistics.median(again):.2f} s"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-url", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="crd-import-bench-") as folder:
        path = Path(folder) / "inquiries.csv"
        write_file(path, args.rows)
        print(f"{args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, {args.repeat} runs")
        time_validation(path, args.repeat)
        if args.backend in ("sqlite", "both"):
            sqlite_targets = (str(Path(folder) / f"run{i}.sqlite") for i in range(args.repeat))
            time_backend("SQLite", sqlite_targets, path, args.repeat)
        if args.backend in ("postgresql", "both"):
            with pg_admin_url(args.pg_url) as admin:
                pg_targets = (fresh_pg(admin, i) for i in range(args.repeat))
                time_backend("PostgreSQL", pg_targets, path, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
