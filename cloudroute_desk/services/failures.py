"""The one sentence a user is shown when database work fails.

Domain and use-case errors already say what went wrong in words (their ``str``); a failure
of the database itself (unreachable server, dropped connection, locked file) becomes one
plain sentence instead of a driver's multi-line report. The full error is logged.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from cloudroute_desk.db.engine import DatabaseBusyError
from cloudroute_desk.db.server_link import ServerNotAnsweringError


def connection_lost(error: BaseException) -> bool:
    """The link to the server failed (not an answer from it): the outcome of work in flight
    is the server's to tell, so "stopped", never "cancelled" or "refused"."""
    if isinstance(error, ServerNotAnsweringError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


STOPPED_CONNECTION_LOST = "stopped: the server connection was lost"


def worth_retrying(error: BaseException) -> bool:
    """The database could not be used just now (unreachable, not answering, locked by
    another program): the same work may well succeed in a moment."""
    return isinstance(error, DBAPIError | ServerNotAnsweringError | DatabaseBusyError | OSError)


def shown_elsewhere(error: BaseException) -> bool:
    """Failures the window already reports in one place, so no dialog per failed job: the
    server not answering (its banner and status note say so until it answers again)."""
    return isinstance(error, ServerNotAnsweringError)


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
