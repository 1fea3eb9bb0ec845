"""Importing Partner Central summaries: median wall time and peak memory over repeated runs.

Run: ``python bench/partner_central_import_bench.py [--summaries 100000] [--inquiries 20000]
[--repeat 3]``

Builds a demo SQLite database once (``--inquiries``, about 1.4 ACE records each) and a
``ListOpportunities``-shaped JSON file of ``--summaries`` summaries about its records, as
Partner Central would page them: for each record, in time order, the review status one step
on from the record's state (Submitted for a draft, In review for a submitted record, Approved
or Rejected for one in review, Launched for an approved one), then later snapshots repeating
it; one summary in twenty is for an opportunity CloudRoute never exported (unmatched). Then,
per run, on a fresh copy of the database: parse (timed, and its peak Python memory), the first
import (timed; records move, reviews are kept), and the same file again (timed: every
snapshot is already applied, nothing is written). The yardstick beside them is reading the
file with ``json.loads`` alone, the floor any import pays.

Peak memory is ``tracemalloc``'s peak over parse + apply (Python allocations) and the
process's maximum resident set size at the end.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.tables import AceRecordRow
from cloudroute_desk.demo.generator import generate_demo
from cloudroute_desk.domain.ace.partner_central_ids import cloudroute_opportunity_id
from cloudroute_desk.domain.ace.partner_central_snapshot import parse_partner_central_file
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.services.partner_central_import import OutcomeKind, apply_snapshots

NEXT_STATUS = {
    "identified": ("Submitted", "Qualified"),
    "submitted": ("In review", "Technical Validation"),
    "validated": ("Approved", "Committed"),
    "approved": ("Approved", "Launched"),
    "downgraded": ("Approved", "Committed"),
    "launched": ("Approved", "Launched"),
    "closed": ("Approved", "Launched"),
    "rejected": ("Rejected", "Closed Lost"),
}


def build_file(database_path: Path, out: Path, summaries: int) -> int:
    database = open_database(str(database_path))
    with database.reading() as session:
        rows = session.execute(
            select(AceRecordRow.id, AceRecordRow.inquiry_id, AceRecordRow.state).order_by(
                AceRecordRow.id
            )
        ).all()
    database.dispose()
    now = utcnow()
    items: list[dict[str, Any]] = []
    per_record = max(1, -(-summaries // max(len(rows), 1)))  # ceiling: reach the count
    for record_id, inquiry_id, state in rows:
        status, stage = NEXT_STATUS[state]
        if state == "validated" and record_id % 3 == 0:
            status, stage = "Rejected", "Closed Lost"
        for repeat in range(per_record):
            if len(items) >= summaries:
                break
            unmatched = len(items) % 20 == 19
            modified = now - timedelta(seconds=per_record - repeat)
            life: dict[str, Any] = {"ReviewStatus": status, "Stage": stage}
            if status == "Rejected":
                life["ReviewStatusReason"] = "Other"
                life["ClosedLostReason"] = "Customer Deficiency"
            items.append(
                {
                    "Catalog": "AWS",
                    "Id": f"O{(9 if unmatched else 1)}{record_id:012d}",
                    "PartnerOpportunityIdentifier": (
                        f"ACME-{record_id}"
                        if unmatched
                        else cloudroute_opportunity_id(inquiry_id, record_id)
                    ),
                    "LastModifiedDate": modified.isoformat(timespec="milliseconds") + "Z",
                    "LifeCycle": life,
                    "Customer": {"Account": {"CompanyName": f"Customer of record {record_id}"}},
                }
            )
    pages = [
        {"OpportunitySummaries": items[start : start + 100]} for start in range(0, len(items), 100)
    ]
    out.write_text(json.dumps(pages), encoding="utf-8")
    return len(items)


def run_once(
    template: Path, data_file: Path, work: Path, *, trace: bool = False
) -> dict[str, float]:
    """One import of the file into a fresh copy; with ``trace``, under ``tracemalloc`` for
    the peak memory only (it slows Python down, so those runs are not timed)."""
    copy = work / "run.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(copy) + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, copy)
    data = data_file.read_bytes()
    figures: dict[str, float] = {}
    started = time.perf_counter()
    json.loads(data)
    figures["json_loads_s"] = time.perf_counter() - started

    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    parsed = parse_partner_central_file(data)
    figures["parse_s"] = time.perf_counter() - started
    database = open_database(str(copy))
    try:
        started = time.perf_counter()
        report = apply_snapshots(database, parsed.snapshots, source=data_file.name, admin="bench")
        figures["first_import_s"] = time.perf_counter() - started
        if trace:
            figures = {"peak_python_mb": tracemalloc.get_traced_memory()[1] / 1e6}
            tracemalloc.stop()
            return figures
        figures["applied"] = report.count(OutcomeKind.APPLIED)
        figures["refused"] = report.count(OutcomeKind.REFUSED)
        figures["unmatched"] = report.count(OutcomeKind.UNMATCHED)
        started = time.perf_counter()
        again = apply_snapshots(database, parsed.snapshots, source=data_file.name, admin="bench")
        figures["same_file_again_s"] = time.perf_counter() - started
        changed = again.count(OutcomeKind.APPLIED) + again.count(OutcomeKind.NOTED)
        assert changed == 0, "the second import changed something"
    finally:
        database.dispose()
    figures["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summaries", type=int, default=100_000)
    parser.add_argument("--inquiries", type=int, default=20_000)
    parser.add_argument("--partners", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crd-pc-bench-") as folder:
        work = Path(folder)
        template = work / "template.sqlite"
        database = open_database(str(template))
        started = time.perf_counter()
        generate_demo(
            database,
            inquiries=args.inquiries,
            partners=args.partners,
            seed=15,
            now=datetime(2026, 11, 20, 12),
        )
        database.dispose()
        print(
            f"demo: {args.inquiries:,} inquiries in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        data_file = work / "list-opportunities.json"
        count = build_file(template, data_file, args.summaries)
        print(f"file: {count:,} summaries, {data_file.stat().st_size / 1e6:.1f} MB", flush=True)
        runs = []
        for number in range(args.repeat):
            runs.append(run_once(template, data_file, work))
            # Each run as it ends (flushed), so a time-boxed session keeps what it measured.
            print(f"run {number + 1}: {runs[-1]}", flush=True)
        memory = run_once(template, data_file, work, trace=True)
    print(f"\nmedians over {args.repeat} runs (SQLite):")
    for key in runs[0]:
        values = [run[key] for run in runs]
        print(
            f"  {key:>20}: {statistics.median(values):,.2f}   (runs: "
            + ", ".join(f"{v:,.2f}" for v in values)
            + ")"
        )
    print(
        f"  {'peak_python_mb':>20}: {memory['peak_python_mb']:,.1f}   "
        "(parse + first import under tracemalloc, one separate run)"
    )


if __name__ == "__main__":
    main()
