"""``cloudroute-desk validate FILE.json [--json]``: check an ACE record without a database.

Exit 0 when the record has no errors (warnings allowed), 1 when it has errors, 2 when the
file cannot be read or is not a record (see ``domain/ace/document.py`` for the schema).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from cloudroute_desk.cli.ace_output import print_findings, safe_text, summary
from cloudroute_desk.cli.command_error import CommandError
from cloudroute_desk.domain.ace.document import parse_document
from cloudroute_desk.domain.ace.rules import validate
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.findings import has_errors

NAME = "validate"
HELP = "Validate an ACE record given as JSON (exit 0 clean, 1 errors, 2 unreadable)."

MAX_FILE_BYTES = 20_000_000
"""A record is a few kB; refuse to parse anything this large."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="record JSON: {form, context} or a bare form; '-' = stdin")
    parser.add_argument(
        "--json", action="store_true", help='print {"findings": [{field, severity, message}]}'
    )


def _read(name: str) -> str:
    try:
        if name == "-":
            return sys.stdin.read(MAX_FILE_BYTES + 1)
        path = Path(name)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{name} is larger than {MAX_FILE_BYTES:,} bytes.")
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {name}: {error}") from None


def run(args: argparse.Namespace) -> int:
    text = _read(args.file)
    try:
        document = parse_document(json.loads(text))
    except json.JSONDecodeError as error:
        raise CommandError(f"{args.file} is not JSON: {error}") from None
    except RecursionError:
        raise CommandError(f"{args.file} is nested too deeply to be a record.") from None
    except (ValidationError, TypeError, ValueError) as error:
        raise CommandError(f"{args.file} is not an ACE record: {safe_text(str(error))}") from None
    findings = validate(document.form, document.context.to_context(utcnow().date()))
    print_findings(findings, as_json=args.json)
    if not args.json:
        print(summary(findings), file=sys.stderr)
    return 1 if has_errors(findings) else 0
