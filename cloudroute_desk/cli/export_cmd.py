"""``cloudroute-desk export --db URL --record ID [--out FILE]``: a record's CreateOpportunity
request JSON, or its findings and exit 1 when it has errors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from cloudroute_desk.cli.ace_output import print_findings, summary
from cloudroute_desk.cli.command_error import CommandError, open_or_fail
from cloudroute_desk.services.ace_export_service import export_record, request_text, write_request
from cloudroute_desk.services.records import RecordNotFoundError

NAME = "export"
HELP = "Write an ACE record as the Partner Central CreateOpportunity request JSON."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    parser.add_argument("--record", required=True, type=int, help="ACE record id")
    parser.add_argument("--out", help="write the JSON here instead of stdout")
    parser.add_argument("--catalog", default="AWS", choices=("AWS", "Sandbox"), help="default: AWS")
    parser.add_argument("--json", action="store_true", help="print findings as JSON on failure")


def run(args: argparse.Namespace) -> int:
    database = open_or_fail(args.db)
    try:
        try:
            result = export_record(database, args.record, catalog=args.catalog)
        except RecordNotFoundError as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(
                f"record {args.record}'s stored form is not a readable ACE form: "
                f"{error.error_count()} problem(s)"
            ) from None
    finally:
        database.dispose()
    if result.payload is None:
        print_findings(result.findings, as_json=args.json)
        print(f"record {args.record} not exported: {summary(result.findings)}", file=sys.stderr)
        return 1
    if args.out:
        try:
            write_request(result.payload, Path(args.out))
        except OSError as error:
            raise CommandError(f"cannot write {args.out}: {error}") from None
        print(f"record {args.record} written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(request_text(result.payload))
    warnings = [f for f in result.findings if not f.is_error]
    if warnings:
        print(f"record {args.record}: {summary(warnings)}", file=sys.stderr)
    return 0
