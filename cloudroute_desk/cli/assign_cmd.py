"""``cloudroute-desk assign --db URL --inquiry ID --partner ID``: give an inquiry to a partner
through the same gates, race guard and audit row as a drag in the partner pane."""

from __future__ import annotations

import argparse
import json

from cloudroute_desk.cli.command_error import CommandError, open_or_fail
from cloudroute_desk.cli.workflow_args import add_db_and_admin, admin_of
from cloudroute_desk.services import assignment

NAME = "assign"
HELP = "Assign an inquiry to a partner (exit 1 when a gate or another admin refuses it)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_and_admin(parser)
    parser.add_argument("--inquiry", required=True, type=int, help="inquiry id")
    parser.add_argument("--partner", required=True, type=int, help="partner id")
    parser.add_argument("--reason", default="", help="why this partner (kept in the audit row)")


def run(args: argparse.Namespace) -> int:
    database = open_or_fail(args.db)
    try:
        assignment.assign(database, args.inquiry, args.partner, admin_of(args), reason=args.reason)
    except assignment.AssignmentError as error:
        raise CommandError(str(error), exit_code=1) from None
    finally:
        database.dispose()
    result = {"inquiry_id": args.inquiry, "partner_id": args.partner, "assigned": True}
    print(
        json.dumps(result)
        if args.json
        else f"Inquiry #{args.inquiry} assigned to partner #{args.partner}."
    )
    return 0
