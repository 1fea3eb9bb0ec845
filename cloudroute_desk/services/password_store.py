"""Passwords of saved servers, kept in the operating system's keyring (``keyring``) and
nowhere else: with no keyring on this computer nothing is stored and the password is asked
for each time."""

from __future__ import annotations

import contextlib

import keyring
import keyring.errors
from keyring.backends import fail

SERVICE = "CloudRoute Desk"
NO_STORE_SENTENCE = (
    "No password store is available on this computer: the password will be asked for each time"
)


def password_store_available() -> bool:
    """Whether the keyring has a real backend (not keyring's fail backend)."""
    return not isinstance(keyring.get_keyring(), fail.Keyring)


def stored_password(key: str) -> str | None:
    """The password saved for ``key``, or None (none saved, or no keyring)."""
    if not password_store_available():
        return None
    try:
        return keyring.get_password(SERVICE, key)
    except keyring.errors.KeyringError:
        return None


def store_password(key: str, password: str) -> bool:
    """Save ``password`` for ``key`` (an empty one removes it); False when no keyring can
    hold it, and then nothing was written."""
    if not password_store_available():
        return False
    try:
        if password:
            keyring.set_password(SERVICE, key, password)
        else:
            forget_password(key)
    except keyring.errors.KeyringError:
        return False
    return True


def forget_password(key: str) -> None:
    # Nothing saved, or no keyring: nothing to forget.
    with contextlib.suppress(keyring.errors.KeyringError):
        keyring.delete_password(SERVICE, key)
