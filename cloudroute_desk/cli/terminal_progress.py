"""A progress bar for long commands, drawn on stderr only when it is a terminal."""

from __future__ import annotations

import sys


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
