"""A deadline on everything a PostgreSQL connection does, so no call waits on a dead link.

Three layers, because each one alone leaves a gap:

- the server's own limits (``statement_timeout``, ``lock_timeout``,
  ``idle_in_transaction_session_timeout``), sent in the start-up packet so they cost no
  round-trip: a live server answers a slow statement with an error in bounded time;
- libpq's ``connect_timeout`` and TCP keepalives / ``tcp_user_timeout``, so the kernel gives
  up on a link whose packets vanish;
- a client-side watchdog on every statement, commit, rollback and pre-ping: a live server
  answers within its own statement limit, so a call still waiting ``ANSWER_GRACE_S`` after it
  is a dead link (a black hole answers nothing, and through a proxy or a NAT the kernel may
  keep acknowledging). The watchdog shuts the connection's socket down: the waiting call
  fails at once, the pool discards the connection and the DB worker moves on.

Bulk work (migrations, the bulk loader) lifts the statement limit for its own connection with
``statement_deadline_lifted``; connect, ping, commit and rollback stay bounded.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Connection, Engine

CONNECT_TIMEOUT_S = 3
"""libpq's whole connection set-up, per address (its minimum is 2 s; eight admins' laptops
connecting at once to a busy server took longer than 2 s in the race test)."""
STATEMENT_TIMEOUT_S = 5.0
LOCK_TIMEOUT_S = 3.0
"""Below the statement limit, so a statement stuck on a row lock says so."""
IDLE_IN_TRANSACTION_TIMEOUT_S = 30.0
"""A transaction left open by a client that went away releases its locks."""
ANSWER_GRACE_S = 0.5
PING_DEADLINE_S = 1.0
COMMIT_DEADLINE_S = STATEMENT_TIMEOUT_S + ANSWER_GRACE_S
TCP_USER_TIMEOUT_MS = 5_000


def postgresql_connect_args() -> dict[str, Any]:
    """libpq connection parameters carrying every server-side and TCP-level limit."""
    server_limits = {
        "statement_timeout": int(STATEMENT_TIMEOUT_S * 1000),
        "lock_timeout": int(LOCK_TIMEOUT_S * 1000),
        "idle_in_transaction_session_timeout": int(IDLE_IN_TRANSACTION_TIMEOUT_S * 1000),
    }
    return {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "options": " ".join(f"-c {name}={value}" for name, value in server_limits.items()),
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 2,
        "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
    }


class _Watchdog:
    """One thread for the process: shuts down the socket of any call past its deadline."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._armed: dict[object, tuple[float, Any]] = {}
        self._thread: threading.Thread | None = None
        self.severed = 0
        """How many calls it has cut (tests read it)."""

    @contextlib.contextmanager
    def bounded(self, dbapi_connection: Any, seconds: float) -> Iterator[None]:
        token = object()
        with self._condition:
            self._armed[token] = (time.monotonic() + seconds, dbapi_connection)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="cloudroute-db-watchdog", daemon=True
                )
                self._thread.start()
            self._condition.notify()
        try:
            yield
        finally:
            with self._condition:
                self._armed.pop(token, None)

    def _watch(self) -> None:
        while True:
            with self._condition:
                now = time.monotonic()
                expired = [token for token, (due, _) in self._armed.items() if due <= now]
                victims = [self._armed.pop(token)[1] for token in expired]
                if not victims:
                    nearest = min((due for due, _ in self._armed.values()), default=None)
                    self._condition.wait(None if nearest is None else nearest - now)
                    continue
            for connection in victims:
                self.severed += 1
                _sever(connection)


def _sever(dbapi_connection: Any) -> None:
    """Shut the socket down under libpq: its wait returns, the connection is broken."""
    with contextlib.suppress(Exception):
        fd = dbapi_connection.pgconn.socket
        duplicate = socket.socket(fileno=socket.dup(fd))
        try:
            duplicate.shutdown(socket.SHUT_RDWR)
        finally:
            duplicate.close()


watchdog = _Watchdog()
_lifted = threading.local()


@contextlib.contextmanager
def statement_deadline_lifted(connection: Connection) -> Iterator[None]:
    """Let this thread's statements on ``connection`` run as long as they need (bulk work
    that can legitimately take minutes); the server limit is put back afterwards.

    Inside the caller's transaction the change lives and dies with it; outside one it is
    committed on its own, and work the caller left unfinished is rolled back before the
    limit is put back, so the connection never returns to the pool unbounded."""
    if connection.dialect.name != "postgresql":
        yield
        return
    own = not connection.in_transaction()
    _set_statement_timeout(connection, 0, commit=own)
    _lifted.active = True
    try:
        yield
    finally:
        _lifted.active = False
        if own and connection.in_transaction():
            connection.rollback()
        _set_statement_timeout(connection, int(STATEMENT_TIMEOUT_S * 1000), commit=own)


def _set_statement_timeout(connection: Connection, milliseconds: int, *, commit: bool) -> None:
    connection.exec_driver_sql(f"SET statement_timeout = {milliseconds}")
    if commit:
        connection.commit()


def _statement_deadline() -> float | None:
    if getattr(_lifted, "active", False):
        return None
    return STATEMENT_TIMEOUT_S + ANSWER_GRACE_S


def _bounding_cursor_call(call: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(cursor: Any, *args: Any, **kwargs: Any) -> Any:
        seconds = _statement_deadline()
        if seconds is None:
            return call(cursor, *args, **kwargs)
        with watchdog.bounded(cursor.connection, seconds):
            return call(cursor, *args, **kwargs)

    return bounded


def _bounding_connection_call(call: Callable[..., Any], seconds: float) -> Callable[..., Any]:
    def bounded(dbapi_connection: Any, *args: Any, **kwargs: Any) -> Any:
        with watchdog.bounded(dbapi_connection, seconds):
            return call(dbapi_connection, *args, **kwargs)

    return bounded


def install_deadlines(engine: Engine) -> None:
    """Wrap the PostgreSQL dialect's calls that wait on the server (this engine's dialect
    instance only): statements, commit, rollback and the pool's pre-ping."""
    dialect: Any = engine.dialect
    for name in ("do_execute", "do_executemany", "do_execute_no_params"):
        setattr(dialect, name, _bounding_cursor_call(getattr(dialect, name)))
    dialect.do_commit = _bounding_connection_call(dialect.do_commit, COMMIT_DEADLINE_S)
    dialect.do_rollback = _bounding_connection_call(dialect.do_rollback, COMMIT_DEADLINE_S)
    dialect.do_ping = _bounding_connection_call(dialect.do_ping, PING_DEADLINE_S)
