"""Engines and sessions for the two supported backends.

SQLite: WAL so readers never block the writer, ``synchronous=FULL`` so a committed write
survives a power cut, foreign keys on, and a busy timeout instead of instant "locked" errors.
Write transactions start with ``BEGIN IMMEDIATE`` so two writers queue up on the lock instead of
one failing half-way when it upgrades a read lock. PostgreSQL: psycopg 3 with a deadline on
every call (``deadlines``) and a ``ServerLink`` that fails work at once while the server is not
answering and reconnects by itself.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from cloudroute_desk.db import change_feed
from cloudroute_desk.db.deadlines import (
    CONNECT_TIMEOUT_S,
    install_deadlines,
    postgresql_connect_args,
)
from cloudroute_desk.db.json_text import json_text
from cloudroute_desk.db.server_link import ServerLink

SQLITE_BUSY_TIMEOUT_MS = 4_000
"""How long a write waits for another process's write transaction before giving up: long
enough for any of our own short transactions, short enough to say so within 5 s."""
_BEGIN_OPTION = "cloudroute_sqlite_begin"
_BUSY_OPTION = "cloudroute_sqlite_busy_ms"


class DatabaseBusyError(Exception):
    """Another program holds the SQLite file's write lock longer than we wait."""


_write_gates: dict[str, threading.Lock] = {}
_write_gates_lock = threading.Lock()


@contextmanager
def _sqlite_write_gate(path: str) -> Iterator[None]:
    """SQLite takes one writer at a time. Writers in this process queue on a lock (woken in
    turn, no polling); only other programs' locks go through SQLite's busy timeout, whose
    sleep-and-retry lets a busy neighbour starve a waiter past any bound."""
    with _write_gates_lock:
        gate = _write_gates.setdefault(path, threading.Lock())
    if not gate.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
        raise DatabaseBusyError(
            f"{path} is busy with another write in this app "
            f"(waited {SQLITE_BUSY_TIMEOUT_MS / 1000:g} s); try again in a moment."
        )
    try:
        yield
    finally:
        gate.release()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        # Per transaction: a write that can do without the lock waits less (see ``writing``).
        busy_ms = int(options.get(_BUSY_OPTION, SQLITE_BUSY_TIMEOUT_MS))
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {busy_ms}")
        connection.exec_driver_sql(f"BEGIN {options.get(_BEGIN_OPTION, 'DEFERRED')}")

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> BaseException | None:
        message = str(context.original_exception)
        if "database is locked" not in message and "database table is locked" not in message:
            return None
        return DatabaseBusyError(
            f"{engine.url.database} is locked by another program that is writing to it "
            f"(waited {SQLITE_BUSY_TIMEOUT_MS / 1000:g} s); try again when it has finished."
        )


def make_engine(url: URL, *, pool_size: int = 5) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            json_serializer=json_text,
        )
        _configure_sqlite(engine)
        return engine
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        pool_timeout=CONNECT_TIMEOUT_S,
        connect_args=postgresql_connect_args(),
        json_serializer=json_text,
    )
    install_deadlines(engine)
    return engine


def shown_url(url: URL) -> str:
    """The URL as the admin would type it: no driver name, no password."""
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    # ``URL.set`` skips None values, so the password is dropped with ``_replace``.
    bare = url.set(drivername=url.get_backend_name())._replace(password=None)
    return bare.render_as_string(hide_password=False)


@dataclass(frozen=True)
class Database:
    """An opened, schema-checked database: the one handle every service receives."""

    url: URL
    engine: Engine
    session_factory: sessionmaker[Session]
    link: ServerLink | None = None
    """PostgreSQL only: whether the server answers (SQLite is a local file)."""
    tls: str = ""
    """PostgreSQL only: the connection's encryption as found on opening (``db.tls``)."""
    admin: str = ""
    """Who the change feed names for this handle's writes (``signed_as``)."""
    origin: str = field(default_factory=lambda: uuid.uuid4().hex)
    """This app instance, so it can tell its own changes in the feed from the others'."""

    def signed_as(self, admin: str) -> Database:
        """The same connections, with writes signed by ``admin`` in the change feed."""
        return replace(self, admin=admin)

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @property
    def display_name(self) -> str:
        if self.backend == "sqlite":
            return f"SQLite · {self.url.database}"
        host = self.url.host or self.url.query.get("host") or "localhost"
        tls = f" · {self.tls}" if self.tls else ""
        return f"PostgreSQL · {self.url.username or ''}@{host}/{self.url.database}{tls}"

    @property
    def where(self) -> str:
        """The database as the admin named it, for messages."""
        return shown_url(self.url)

    @contextmanager
    def reading(self, *, snapshot: bool = True) -> Iterator[Session]:
        """A session for queries; rolled back at the end.

        ``snapshot=False`` (PostgreSQL): each query sees the latest commits instead of one
        transaction's snapshot, which saves the BEGIN and ROLLBACK round trips; for a pane's
        read whose queries need not agree to the instant (the change feed reloads it anyway).
        """
        self._ensure_answering()
        with self.session_factory() as session:
            if not snapshot and self.backend == "postgresql":
                session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def writing(self, *, lock_wait_ms: int | None = None) -> Iterator[Session]:
        """One short write transaction: committed on success, rolled back on any error.

        ``lock_wait_ms`` (SQLite): wait less than usual for another program's write lock,
        for writes the caller can do without (``DatabaseBusyError`` sooner)."""
        self._ensure_answering()
        gate = _sqlite_write_gate(str(self.url.database)) if self.backend == "sqlite" else None
        with gate or nullcontext(), self.session_factory() as session:
            if self.backend == "sqlite":
                options: dict[str, Any] = {_BEGIN_OPTION: "IMMEDIATE"}
                if lock_wait_ms is not None:
                    options[_BUSY_OPTION] = lock_wait_ms
                session.connection(execution_options=options)
            try:
                change_feed.sign(session, self.admin, self.origin)
                yield session
                change_feed.unsign(session)
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def _ensure_answering(self) -> None:
        if self.link is not None:
            self.link.ensure_answering()

    def dispose(self) -> None:
        if self.link is not None:
            self.link.close()
        self.engine.dispose()


def database_for(url: URL) -> Database:
    engine = make_engine(url)
    link = ServerLink(engine, shown_url(url)) if url.get_backend_name() != "sqlite" else None
    return Database(url, engine, sessionmaker(engine, expire_on_commit=False), link)
