"""Routing index on a big file: is it current, and what a full rebuild's read costs.

    python bench/routing_rebuild_bench.py m1.sqlite

Read-only (the file is opened with ``mode=ro``): reports whether the stored index serves
today (the demo generator leaves it built), then computes every partner's index rows from
the ACE records the way a rebuild does (``decided_entries``, streamed in partner slices) and
prints its time and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import time

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from cloudroute_desk.db import routing_queries as q
from cloudroute_desk.domain.clock import utcnow


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="SQLite file")
    args = parser.parse_args()
    engine = create_engine(f"sqlite:///file:{args.path}?mode=ro&uri=true")
    with Session(engine) as session:
        window_end = q.window_end_for(utcnow())
        print(f"stored index serves today: {q.index_is_current(session, window_end)}")
        before = peak_mb()
        started, started_cpu = time.perf_counter(), time.process_time()
        entries = q.decided_entries(session, window_end)
        print(
            f"full rebuild read: {len(entries):,} index rows in "
            f"{time.perf_counter() - started:.1f} s ({time.process_time() - started_cpu:.1f} s "
            f"CPU), {q.PARTNERS_PER_PASS} partners per pass; peak resident memory "
            f"{before:.0f} -> {peak_mb():.0f} MB (target <= 300 MB)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
