"""``cloudroute-desk validate FILE [--json]``: check ACE records without a database.

FILE holds one record, a JSON array of records, or JSON Lines (one record per line), so a
thousand records validate in one process. One record: exit 0 when it has no errors (warnings
allowed), 1 when it has errors, 2 when the file cannot be read or is not a record. Many
records: one result each (a record that is not a record gets an ``error`` result rather than
stopping the rest); exit 1 when any has errors, 2 only when the file itself is unusable.
See ``domain/ace/document.py`` for the schema and docs/ace-records.md for the output.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cloudroute_desk.cli.ace_output import findings_json, print_findings, safe_text, summary
from cloudroute_desk.cli.command_error import CommandError
from cloudroute_desk.domain.ace.document import parse_document
from cloudroute_desk.domain.ace.rules import validate
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.findings import Finding, has_errors

NAME = "validate"
HELP = "Validate an ACE record given as JSON (exit 0 clean, 1 errors, 2 unreadable)."

MAX_FILE_BYTES = 20_000_000
"""A record is a few kB; refuse to parse anything this large."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        help="record JSON ({form, context} or a bare form), a JSON array of them, or JSON "
        "Lines; '-' = stdin",
    )
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


def _records(name: str, text: str) -> tuple[str, list[Any]]:
    """``("one" | "array" | "lines", decoded values)``: one object, a JSON array of them, or
    JSON Lines (one object per line; blank lines skipped)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise CommandError(f"{name} is not JSON: {error}") from None
        values = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    values.append(json.loads(line))
                except json.JSONDecodeError as line_error:
                    raise CommandError(f"{name} line {number} is not JSON: {line_error}") from None
        return "lines", values
    except RecursionError:
        raise CommandError(f"{name} is nested too deeply to be a record.") from None
    if isinstance(data, list):
        return "array", data
    return "one", [data]


def _check(value: Any) -> list[Finding] | str:
    """One record's findings, or why it is not a record at all."""
    try:
        document = parse_document(value)
    except RecursionError:
        return "nested too deeply to be a record"
    except (ValidationError, TypeError, ValueError) as error:
        return f"not an ACE record: {safe_text(str(error))}"
    return validate(document.form, document.context.to_context(utcnow().date()))


def _result(index: int, checked: list[Finding] | str) -> dict[str, Any]:
    if isinstance(checked, str):
        return {"index": index, "error": checked}
    return {
        "index": index,
        "errors": sum(1 for f in checked if f.is_error),
        **findings_json(checked),
    }


def run(args: argparse.Namespace) -> int:
    kind, values = _records(args.file, _read(args.file))
    if kind == "one":
        findings = _check(values[0])
        if isinstance(findings, str):
            raise CommandError(f"{args.file} is {findings}")
        print_findings(findings, as_json=args.json)
        if not args.json:
            print(summary(findings), file=sys.stderr)
        return 1 if has_errors(findings) else 0
    results = [_result(index, _check(value)) for index, value in enumerate(values)]
    if args.json and kind == "array":
        print(json.dumps({"results": results}, indent=2, ensure_ascii=True))
    elif args.json:
        for result in results:
            print(json.dumps(result, ensure_ascii=True))
    else:
        for result in results:
            if "error" in result:
                print(safe_text(f"#{result['index']}\t-\terror\t{result['error']}"))
            for f in result.get("findings", ()):
                line = f"#{result['index']}\t{f['field']}\t{f['severity']}\t{f['message']}"
                print(safe_text(line))
    bad = sum(1 for r in results if "error" in r or r["errors"])
    print(f"{len(results)} record(s), {bad} with errors", file=sys.stderr)
    return 1 if bad else 0
