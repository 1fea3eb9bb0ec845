"""``cloudroute-desk record transition --db URL --record ID --to STATE [--at TIME]``: move an
ACE record along its lifecycle through the editor's own rules, checks and audit row.

``--at`` records a step that happened earlier (loading a year of history): it must not be in
the future nor before the record's last step. Approved and Downgraded need ``--amount``,
``--credited-on`` and, for a downgrade to another pool, ``--awarded-pool``.
"""

from __future__ import annotations

import argparse
import json
from datetime import date

from cloudroute_desk.cli.command_error import CommandError, open_or_fail
from cloudroute_desk.cli.workflow_args import add_db_and_admin, admin_of, utc_time
from cloudroute_desk.domain.ace.award import Award
from cloudroute_desk.domain.catalog import Pool, RecordState
from cloudroute_desk.services import records

NAME = "record"
HELP = "Work with ACE records: 'record transition' moves one to another state."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    move = sub.add_parser("transition", help="move a record to another state")
    add_db_and_admin(move)
    move.add_argument("--record", required=True, type=int, help="ACE record id")
    move.add_argument(
        "--to", required=True, type=RecordState, choices=list(RecordState), help="new state"
    )
    move.add_argument("--at", type=utc_time, default=None, help="when it happened (ISO 8601, UTC)")
    move.add_argument("--amount", type=int, default=None, help="awarded USD (approved/downgraded)")
    move.add_argument("--awarded-pool", type=Pool, choices=list(Pool), default=None)
    move.add_argument(
        "--credited-on", type=date.fromisoformat, default=None, help="day credits landed"
    )


def _award(args: argparse.Namespace, requested_pool: Pool) -> Award | None:
    if args.amount is None and args.credited_on is None and args.awarded_pool is None:
        return None
    if args.amount is None or args.credited_on is None:
        raise CommandError("an award needs both --amount and --credited-on", exit_code=2)
    return Award(args.amount, args.awarded_pool or requested_pool, args.credited_on)


def run(args: argparse.Namespace) -> int:
    database = open_or_fail(args.db)
    try:
        try:
            current = records.open_record(database, args.record)
            result = records.transition(
                database,
                args.record,
                args.to,
                current.version,
                admin_of(args),
                award=_award(args, current.summary.pool),
                at=args.at,
            )
        except records.RecordNotFoundError as error:
            raise CommandError(str(error)) from None
        except records.SubmissionBlockedError as error:
            lines = [str(error)] + [
                f"  {f.field}: {f.message} [{f.rule}]" for f in error.findings if f.is_error
            ]
            raise CommandError("\n".join(lines), exit_code=1) from None
        except records.RecordError as error:
            raise CommandError(str(error), exit_code=1) from None
    finally:
        database.dispose()
    summary = result.summary
    if args.json:
        print(json.dumps({"record_id": args.record, "state": summary.state.value,
                          "version": summary.version}))  # fmt: skip
    else:
        print(f"Record #{args.record} is now {summary.state.value}.")
    return 0
