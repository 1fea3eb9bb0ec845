"""``cloudroute-desk sync-partner-central --db URL --profile NAME --catalog AWS|Sandbox
[--since DATE] [--endpoint-url URL]``: pull outcomes from Partner Central into the database.

Lists the opportunities modified since the catalog's last sync, applies them as
``import --partner-central`` would, and moves the stored cursor after each page, so Ctrl+C (or
a lost network) stops cleanly and the next run resumes. Exit codes: 0 every listed opportunity
applied or already current, 1 some were unmatched, unreadable or refused (listed on stdout),
2 the sync could not run or stopped early, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
import threading

from cloudroute_desk.cli.command_error import CommandError, open_or_fail
from cloudroute_desk.cli.workflow_args import utc_time
from cloudroute_desk.domain.acting_admin import acting_admin
from cloudroute_desk.services.partner_central_calls import Connection, Pace, PartnerCentralError
from cloudroute_desk.services.partner_central_import import OutcomeKind
from cloudroute_desk.services.partner_central_sync import (
    CANCELLED,
    FAILED,
    PAGE_SIZE,
    PartnerCentralSync,
    SyncProgress,
    SyncResult,
    outcome_text,
)

NAME = "sync-partner-central"
HELP = "Pull review outcomes from AWS Partner Central (ListOpportunities since the last sync)."


def _page_size(text: str) -> int:
    value = int(text)
    if not 1 <= value <= PAGE_SIZE:
        raise argparse.ArgumentTypeError(f"must be 1..{PAGE_SIZE}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    parser.add_argument(
        "--profile",
        help="AWS profile of a role the partner granted (read-only: ListOpportunities); "
        "optional with a local --endpoint-url",
    )
    parser.add_argument("--catalog", required=True, choices=("AWS", "Sandbox"))
    parser.add_argument(
        "--since",
        type=utc_time,
        help="list opportunities modified after this ISO date or time (UTC unless it says) "
        "instead of after the last sync",
    )
    parser.add_argument(
        "--endpoint-url", help="another endpoint, e.g. a local partner-central-emulator"
    )
    parser.add_argument(
        "--requests-per-second",
        type=float,
        default=1.0,
        help="pace (default 1, Partner Central's published rate; 0: unpaced)",
    )
    parser.add_argument("--page-size", type=_page_size, default=PAGE_SIZE, help="1..100")
    parser.add_argument(
        "--retries",
        type=int,
        default=Pace().max_attempts - 1,
        help="retries of a throttled or failed call, with back-off "
        f"(default {Pace().max_attempts - 1})",
    )
    parser.add_argument(
        "--admin", default=None, help="name written to the audit log (default: your login)"
    )


def _connection(args: argparse.Namespace) -> Connection:
    connection = Connection(args.catalog, args.profile, args.endpoint_url)
    if connection.profile is None and not connection.is_local:
        raise CommandError(
            "--profile is required: name the AWS profile of the role the partner granted."
        )
    return connection


def _print_progress(progress: SyncProgress) -> None:
    print(f"  {progress.note}", file=sys.stderr, flush=True)


def _print_result(result: SyncResult) -> None:
    if result.requests == 0:
        return  # it never reached Partner Central: the failure says why
    for outcome in result.outcomes:
        if outcome.kind in (OutcomeKind.UNMATCHED, OutcomeKind.REFUSED):
            print(f"{outcome.where}: {outcome.kind.value}: {outcome_text(outcome)}")
    for problem in result.problems:
        print(f"{problem.where}: unreadable: {problem.message}")
    print(result.summary(), file=sys.stderr)
    if result.modified_through is not None:
        print(
            f"Catalog {result.catalog} is synced through "
            f"{result.modified_through:%Y-%m-%d %H:%M:%S} UTC (Partner Central's "
            "LastModifiedDate).",
            file=sys.stderr,
        )


def run(args: argparse.Namespace) -> int:
    connection = _connection(args)
    rate = args.requests_per_second
    database = open_or_fail(args.db)
    cancel = threading.Event()
    sync = PartnerCentralSync(
        connection,
        lambda job: job(database),
        admin=acting_admin(args.admin),
        since=args.since,
        pace=Pace(requests_per_second=rate if rate > 0 else None, max_attempts=args.retries + 1),
        page_size=args.page_size,
        cancel=cancel,
        on_progress=_print_progress,
    )
    outcome: list[SyncResult] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            outcome.append(sync.run())
        except BaseException as error:
            failure.append(error)

    # The sync runs on a worker so Ctrl+C on the main thread can ask it to stop at its next
    # wait, after the page it is applying.
    worker = threading.Thread(target=work, name="partner-central-sync")
    worker.start()
    interrupted = False
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        interrupted = True
        cancel.set()
        print("  stopping after the current page…", file=sys.stderr, flush=True)
        worker.join()
    finally:
        database.dispose()
    if failure:
        if isinstance(failure[0], PartnerCentralError):
            raise CommandError(str(failure[0])) from None
        raise failure[0]
    result = outcome[0]
    _print_result(result)
    if result.state == FAILED:
        raise CommandError(result.message)
    if result.state == CANCELLED or interrupted:
        return 130
    return 0 if result.clean else 1
