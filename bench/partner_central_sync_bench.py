"""Partner Central sync throughput against the local emulator: paced at the published rate and
unpaced, with the paced ceiling as the yardstick.

Run: ``python bench/partner_central_sync_bench.py [--records 300] [--repeat 3]
[--page-size 100] [--rate 1.0]``

Set-up (once, not timed): a SQLite database with ``--records`` ACE records exported from the
app and submitted, the same records created and submitted in the emulator, and AWS's review
played on them (half Approved, a quarter Rejected, a quarter Action Required). Each run then
starts from a copy of that database and of the emulator's state, and times:

- the paced sync (``--rate`` requests per second, the sync's default of 1/s): its ceiling is
  ``page-size × rate`` opportunities per second, since each ListOpportunities page is one
  request;
- the unpaced sync (what the database side costs: parsing and applying each page);
- a second, unpaced sync of the same database (nothing new: the cost of "nothing changed").

Medians over ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.partner_central_emulator.server import EmulatorServer
from cloudroute_desk.partner_central_emulator.service import Emulator
from cloudroute_desk.partner_central_emulator.store import PartnerCentralState
from cloudroute_desk.partner_central_emulator.throttle import Rates
from cloudroute_desk.services.partner_central_calls import Connection, Pace
from cloudroute_desk.services.partner_central_sync import (
    PartnerCentralSync,
    SyncResult,
)
from tests.partner_central import emulator_client
from tests.partner_central_samples import exportable_record, submit

REVIEWS = ("Approved", "Approved", "Rejected", "Action Required")


def build(folder: Path, count: int) -> tuple[Path, dict[str, Any]]:
    path = folder / "template.sqlite"
    database = open_database(str(path))
    state = PartnerCentralState()
    with EmulatorServer(Emulator(state, Rates.unlimited())) as server:
        client = emulator_client(server.endpoint_url)
        for number in range(count):
            record_id, payload = exportable_record(database, company=f"Customer {number} Inc.")
            submit(database, record_id)
            created = client.create_opportunity(**payload)
            client.submit_opportunity(
                Catalog="AWS", Identifier=created["Id"], InvolvementType="Co-Sell"
            )
            review = REVIEWS[number % len(REVIEWS)]
            state.review("AWS", created["Id"], review, reason="Other", comments=f"bench {number}")
            if (number + 1) % 100 == 0:
                print(f"  set up {number + 1:,} of {count:,} records", file=sys.stderr)
    database.dispose()
    return path, state.to_json()


def sync(database: Database, endpoint: str, pace: Pace, page_size: int) -> tuple[float, SyncResult]:
    run = PartnerCentralSync(
        Connection("AWS", endpoint_url=endpoint),
        lambda job: job(database),
        admin="bench",
        pace=pace,
        page_size=page_size,
    )
    started = time.perf_counter()
    result = run.run()
    seconds = time.perf_counter() - started
    assert result.state == "complete", result.message
    return seconds, result


def one_run(
    template: Path, saved: dict[str, Any], folder: Path, paced: Pace, page_size: int, run: int
) -> dict[str, float]:
    figures: dict[str, float] = {}
    # Paced, against the published quotas (it must never be throttled); unpaced, against no
    # quota, so the figure is the database side alone.
    for label, pace, rates in (
        ("paced", paced, Rates()),
        ("unpaced", Pace(requests_per_second=None), Rates.unlimited()),
    ):
        copy = folder / f"run{run}-{label}.sqlite"
        shutil.copyfile(template, copy)
        database = open_database(str(copy))
        state = PartnerCentralState.from_json(saved)
        with EmulatorServer(Emulator(state, rates)) as server:
            seconds, result = sync(database, server.endpoint_url, pace, page_size)
            figures[f"{label}_seconds"] = seconds
            figures[f"{label}_per_second"] = result.opportunities / seconds
            figures[f"{label}_requests"] = result.requests
            figures[f"{label}_retries"] = result.retries
            if label == "unpaced":
                again, repeat = sync(database, server.endpoint_url, pace, page_size)
                figures["again_seconds"] = again
                figures["again_opportunities"] = repeat.opportunities
        database.dispose()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--rate", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pc-sync-bench-") as name:
        folder = Path(name)
        started = time.perf_counter()
        template, saved = build(folder, args.records)
        print(f"set-up: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        paced = Pace(requests_per_second=args.rate)
        runs = [
            one_run(template, saved, folder, paced, args.page_size, run)
            for run in range(args.repeat)
        ]

    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    ceiling = args.page_size * args.rate
    print(
        json.dumps(
            {
                "records": args.records,
                "page_size": args.page_size,
                "repeat": args.repeat,
                "paced_rate_requests_per_second": args.rate,
                "paced_ceiling_opportunities_per_second": ceiling,
                "paced_median_seconds": round(median("paced_seconds"), 3),
                "paced_median_opportunities_per_second": round(median("paced_per_second"), 1),
                "paced_requests": median("paced_requests"),
                "paced_retries": median("paced_retries"),
                "unpaced_median_seconds": round(median("unpaced_seconds"), 3),
                "unpaced_median_opportunities_per_second": round(median("unpaced_per_second"), 1),
                "unpaced_retries": median("unpaced_retries"),
                "second_sync_median_seconds": round(median("again_seconds"), 3),
                "second_sync_opportunities": median("again_opportunities"),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
