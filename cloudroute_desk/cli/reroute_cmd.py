"""``cloudroute-desk reroute --db URL --inquiry ID``: the founder and the partner did not
connect; the inquiry waits for a different partner, with the history kept."""

from __future__ import annotations

import argparse
import json

from cloudroute_desk.cli.command_error import CommandError, open_or_fail
from cloudroute_desk.cli.workflow_args import add_db_and_admin, admin_of
from cloudroute_desk.services import assignment

NAME = "reroute"
HELP = "Mark an inquiry's partner as 'did not connect' so it can be routed to another partner."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_and_admin(parser)
    parser.add_argument("--inquiry", required=True, type=int, help="inquiry id")


def run(args: argparse.Namespace) -> int:
    database = open_or_fail(args.db)
    try:
        assignment.mark_did_not_connect(database, args.inquiry, admin_of(args))
    except assignment.AssignmentError as error:
        raise CommandError(str(error), exit_code=1) from None
    finally:
        database.dispose()
    result = {"inquiry_id": args.inquiry, "rerouted": True}
    print(json.dumps(result) if args.json else f"Inquiry #{args.inquiry} waits for a new partner.")
    return 0
