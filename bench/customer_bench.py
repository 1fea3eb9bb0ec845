"""The customer's records across inquiries, and ``validate`` over many records.

    python bench/customer_bench.py [--inquiries 20000] [--runs 200]

Part 1 writes a demo database (SQLite, in a temporary folder) and times, as medians over
``--runs`` random inquiries: ``customer_records`` (the one query behind the router's
competing gate, the record rules' context, export and import), ``record_holders`` (the
router's gate facts) and the whole ``rank_inquiry`` service for comparison.

Part 2 times ``cloudroute-desk validate`` on 1,000 records in one process (JSON Lines)
against the yardstick of one process per record (measured on 10 processes, scaled to 1,000).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cloudroute_desk.db import customer_queries
from cloudroute_desk.db import routing_queries as rq
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.tables import InquiryRow
from cloudroute_desk.demo.generator import generate_demo
from cloudroute_desk.services.routing import rank_inquiry

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "example-record.json"


def _median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.2f} ms"


def database_part(inquiries: int, runs: int, folder: Path) -> None:
    database = open_database(str(folder / "demo.sqlite"))
    generate_demo(database, inquiries=inquiries, partners=400, seed=11)
    rng = random.Random(5)
    ids = rng.sample(range(1, inquiries + 1), runs)
    query, holders, ranking = [], [], []
    rank_inquiry(database, ids[0])  # builds the index once
    for inquiry_id in ids:
        with database.reading() as session:
            row = session.get(InquiryRow, inquiry_id)
            assert row is not None
            started = time.perf_counter()
            customer_queries.customer_records(session, row)
            query.append(time.perf_counter() - started)
            started = time.perf_counter()
            rq.record_holders(session, row)
            holders.append(time.perf_counter() - started)
        started = time.perf_counter()
        rank_inquiry(database, inquiry_id)
        ranking.append(time.perf_counter() - started)
    database.dispose()
    print(f"{inquiries:,} inquiries, {runs} random inquiries (medians)")
    print(f"  customer_records        {_median_ms(query)}")
    print(f"  record_holders          {_median_ms(holders)}")
    print(f"  rank_inquiry (whole)    {_median_ms(ranking)}")


def validate_part(folder: Path) -> None:
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    many = folder / "many.jsonl"
    many.write_text("\n".join(json.dumps(document) for _ in range(1000)), encoding="utf-8")
    one = folder / "one.json"
    one.write_text(json.dumps(document), encoding="utf-8")
    command = [sys.executable, "-m", "cloudroute_desk", "validate"]
    started = time.perf_counter()
    subprocess.run([*command, str(many), "--json"], check=False, capture_output=True)
    batch = time.perf_counter() - started
    singles = []
    for _ in range(10):
        started = time.perf_counter()
        subprocess.run([*command, str(one), "--json"], check=False, capture_output=True)
        singles.append(time.perf_counter() - started)
    print("validate 1,000 records")
    print(f"  one process, JSON Lines          {batch:.2f} s")
    print(
        f"  yardstick: one process per record {statistics.median(singles) * 1000:.2f} s "
        f"(median of 10 x 1,000)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inquiries", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        database_part(args.inquiries, args.runs, folder)
        validate_part(folder)


if __name__ == "__main__":
    main()
