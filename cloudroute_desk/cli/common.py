"""What every command shares: opening a database and reporting failure in one line."""

from __future__ import annotations

import sys

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import DatabaseOpenError, open_database


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


class TerminalProgress:
    """A one-line progress bar on stderr that redraws at most ~10 times a second."""

    def __init__(self, label: str, enabled: bool | None = None) -> None:
        self._label = label
        self._enabled = sys.stderr.isatty() if enabled is None else enabled
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        if not self._enabled or total <= 0:
            return
        permille = done * 1000 // total
        if permille == self._last and done != total:
            return
        self._last = permille
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r{self._label} [{bar}] {done:,}/{total:,}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()
