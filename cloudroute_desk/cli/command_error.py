"""How a command fails: one line on stderr and an exit code, including when the database
cannot be opened."""

from __future__ import annotations

import sys

from cloudroute_desk.db.engine import Database, DatabaseBusyError
from cloudroute_desk.db.opening import DatabaseOpenError, open_database
from cloudroute_desk.db.server_link import ServerNotAnsweringError

UNUSABLE_NOW: tuple[type[Exception], ...] = (DatabaseBusyError, ServerNotAnsweringError)
"""The database is there but cannot be used right now: one line and exit 2, like a database
that cannot be opened."""


class CommandError(Exception):
    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def open_or_fail(target: str) -> Database:
    def announce(current: str | None, head: str) -> None:
        if current is not None:
            print(f"Upgrading database schema {current} -> {head}", file=sys.stderr)

    try:
        return open_database(target, on_upgrade=announce)
    except DatabaseOpenError as error:
        raise CommandError(str(error)) from None
