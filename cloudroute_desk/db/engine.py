"""Engines and sessions for the two supported backends.

SQLite: WAL so readers never block the writer, ``synchronous=FULL`` so a committed write
survives a power cut, foreign keys on, and a busy timeout instead of instant "locked" errors.
Write transactions start with ``BEGIN IMMEDIATE`` so two writers queue up on the lock instead of
one failing half-way when it upgrades a read lock. PostgreSQL: psycopg 3 with a connect
deadline so an unreachable server fails fast instead of hanging the app.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from cloudroute_desk.db import change_feed

SQLITE_BUSY_TIMEOUT_MS = 10_000
CONNECT_TIMEOUT_S = 5
_BEGIN_OPTION = "cloudroute_sqlite_begin"


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
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: URL, *, pool_size: int = 5) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )


@dataclass(frozen=True)
class Database:
    """An opened, schema-checked database: the one handle every service receives."""

    url: URL
    engine: Engine
    session_factory: sessionmaker[Session]
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
        return f"PostgreSQL · {self.url.username or ''}@{host}/{self.url.database}"

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries; rolled back at the end."""
        with self.session_factory() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One short write transaction: committed on success, rolled back on any error."""
        with self.session_factory() as session:
            if self.backend == "sqlite":
                session.connection(execution_options={_BEGIN_OPTION: "IMMEDIATE"})
            try:
                change_feed.sign(session, self.admin, self.origin)
                yield session
                change_feed.unsign(session)
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


def database_for(url: URL) -> Database:
    engine = make_engine(url)
    return Database(url, engine, sessionmaker(engine, expire_on_commit=False))
