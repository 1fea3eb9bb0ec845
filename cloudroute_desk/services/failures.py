"""The one sentence a user is shown when database work fails.

Domain and use-case errors already say what went wrong in words (their ``str``); a failure
of the database itself (unreachable server, dropped connection, locked file) becomes one
plain sentence instead of a driver's multi-line report. The full error is logged.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, SQLAlchemyError


def failure_sentence(error: BaseException) -> str:
    if isinstance(error, DBAPIError):
        reason = _first_line(str(error.orig)) if error.orig is not None else ""
        detail = f" ({reason})" if reason else ""
        if error.connection_invalidated or _looks_unreachable(reason):
            return f"The database could not be reached{detail}; nothing was changed."
        return f"The database refused the request{detail}."
    if isinstance(error, SQLAlchemyError):
        return f"The database reported an error: {_first_line(str(error))}."
    text = _first_line(str(error))
    return text or f"Unexpected {type(error).__name__}."


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""


def _looks_unreachable(reason: str) -> bool:
    lowered = reason.lower()
    return any(
        hint in lowered
        for hint in ("connection refused", "could not connect", "timeout", "server closed")
    )
