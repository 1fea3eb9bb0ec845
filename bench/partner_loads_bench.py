"""The partners' open loads, the query every ranking starts with, on a big SQLite file.

    python bench/partner_loads_bench.py m1.sqlite --runs 5

Read-only (``mode=ro``). Prints the median time of ``routing_queries.open_loads`` and, as the
yardstick in the same run, the plain join it replaced (which walks every active assignment).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from cloudroute_desk.db import routing_queries as q
from cloudroute_desk.db.tables import AssignmentRow, InquiryRow


def plain_join(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(AssignmentRow.partner_id, func.count())
        .join(InquiryRow, InquiryRow.id == AssignmentRow.inquiry_id)
        .where(
            AssignmentRow.active.is_(True),
            InquiryRow.status.in_([s.value for s in q.OPEN_STATUSES]),
        )
        .group_by(AssignmentRow.partner_id)
    ).all()
    return {int(pid): int(n) for pid, n in rows}


def median_ms(session: Session, query: Callable[[Session], dict[int, int]], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        query(session)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="SQLite file (for example a 1,000,000-inquiry demo)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    engine = create_engine(f"sqlite:///file:{args.path}?mode=ro&uri=true")
    with Session(engine) as session:
        assert q.open_loads(session) == plain_join(session), "the two queries disagree"
        ours = median_ms(session, q.open_loads, args.runs)
        plain = median_ms(session, plain_join, max(1, min(args.runs, 3)))
    print(f"open loads: {ours:.1f} ms (median of {args.runs})")
    print(f"plain join yardstick: {plain:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
