"""Headless commands on the same services as the GUI: ``cloudroute-desk COMMAND ...``.

Each command lives in its own module with ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``. A command reports failure as ``CommandError``; the dispatcher prints its
one-line message on stderr and exits with its code, never with a traceback.

The command modules load only when a command runs: telling a command line from a GUI start
must not import the services behind every command (the GUI's first paint waits for it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Protocol, cast


class Command(Protocol):
    NAME: str
    HELP: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMAND_NAMES: tuple[str, ...] = (
    "demo",
    "import",
    "validate",
    "export",
    "route",
    "assign",
    "reroute",
    "record",
    "db",
    "sync-partner-central",
    "partner-central-emulator",
)
"""Each module's ``NAME``, in help order (tests/test_cli_dispatch.py keeps them equal)."""


def commands() -> dict[str, Command]:
    from cloudroute_desk.cli import (
        assign_cmd,
        db_cmd,
        demo_cmd,
        export_cmd,
        import_cmd,
        partner_central_emulator_cmd,
        record_cmd,
        reroute_cmd,
        route_cmd,
        sync_partner_central_cmd,
        validate_cmd,
    )

    modules = (
        demo_cmd,
        import_cmd,
        validate_cmd,
        export_cmd,
        route_cmd,
        assign_cmd,
        reroute_cmd,
        record_cmd,
        db_cmd,
        sync_partner_central_cmd,
        partner_central_emulator_cmd,
    )
    return {cast(Command, m).NAME: cast(Command, m) for m in modules}


def is_command(argv: Sequence[str]) -> bool:
    return bool(argv) and argv[0] in COMMAND_NAMES


def main(argv: Sequence[str]) -> int:
    # Here, not at the top: a GUI start imports this package to tell the two apart, and
    # must reach its server probe before the database layer loads (see app.py).
    from cloudroute_desk.cli.command_error import UNUSABLE_NOW, CommandError

    parser = argparse.ArgumentParser(prog="cloudroute-desk")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, command in commands().items():
        command.add_arguments(sub.add_parser(name, help=command.HELP, description=command.HELP))
    args = parser.parse_args(list(argv))
    try:
        return commands()[args.command].run(args)
    except CommandError as error:
        print(f"cloudroute-desk {args.command}: {error}", file=sys.stderr)
        return error.exit_code
    except UNUSABLE_NOW as error:
        print(f"cloudroute-desk {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"cloudroute-desk {args.command}: interrupted", file=sys.stderr)
        return 130
