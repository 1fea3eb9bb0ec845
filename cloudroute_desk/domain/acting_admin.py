"""Who an action is recorded as: the admin named on the command line or at start-up, else
the login name of the person at this computer."""

from __future__ import annotations

import getpass
from typing import Final

UNKNOWN_ADMIN: Final = "admin"
"""When the operating system cannot name the user (no login entry, e.g. in a container)."""


def acting_admin(given: str | None = None) -> str:
    if given:
        return given
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return UNKNOWN_ADMIN
