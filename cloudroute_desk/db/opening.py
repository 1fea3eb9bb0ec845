"""Open a database the user named: check it is ours and sound, then migrate it.

Every check that can refuse runs *before* anything is written, so a file or server we refuse
is left exactly as it was. Each refusal is a ``DatabaseOpenError`` whose message is one
sentence a user can act on; the GUI shows it in a dialog and the CLI prints it on stderr.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from cloudroute_desk.db.deadlines import statement_deadline_lifted
from cloudroute_desk.db.engine import Database, DatabaseBusyError, database_for, shown_url
from cloudroute_desk.db.invariants import broken_invariants
from cloudroute_desk.db.server_link import ServerNotAnsweringError

SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_ID = "cloudroute-desk"


class DatabaseOpenError(Exception):
    """The database cannot be used; the message says why in plain words."""


@dataclass(frozen=True)
class SchemaState:
    current: frozenset[str]
    """Alembic revisions in the database; empty for an empty database."""
    heads: frozenset[str]

    @property
    def up_to_date(self) -> bool:
        return self.current == self.heads

    @property
    def label(self) -> str | None:
        return "+".join(sorted(self.current)) or None


def parse_target(target: str) -> URL:
    """A SQLite path or an SQLAlchemy URL (``postgresql://`` means psycopg 3)."""
    target = target.strip()
    if not target:
        raise DatabaseOpenError("No database given.")
    if "://" not in target:
        return URL.create("sqlite", database=str(Path(target).expanduser().resolve()))
    try:
        url = make_url(target)
    except (ArgumentError, ValueError):
        raise DatabaseOpenError(
            "Not a valid database URL (expected postgresql://user:password@host:port/database)."
        ) from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise DatabaseOpenError("An in-memory SQLite database cannot hold CloudRoute data.")
        return url.set(database=str(Path(url.database).expanduser().resolve()))
    raise DatabaseOpenError(
        f"Unsupported database {backend!r}: use a SQLite file or a postgresql:// URL."
    )


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    script_location = resources.files("cloudroute_desk.db") / "migrations"
    config.set_main_option("script_location", str(script_location))
    config.attributes["connection"] = connection
    return config


def head_revisions() -> frozenset[str]:
    """The newest schema revision this build knows (the history is one line: one head)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def newest_of(revisions: frozenset[str]) -> str:
    """The newest of several stamped revisions. Databases written before the history was made
    one line carry one row per former branch; on the line they all lie behind the newest."""
    for script in ScriptDirectory.from_config(alembic_config()).walk_revisions():
        if script.revision in revisions:
            return script.revision
    raise DatabaseOpenError(f"Unknown schema {'+'.join(sorted(revisions))}.")


def known_revisions() -> set[str]:
    scripts = ScriptDirectory.from_config(alembic_config()).walk_revisions()
    return {script.revision for script in scripts}


def _check_sqlite_file(path: Path) -> None:
    if path.exists():
        if path.is_dir():
            raise DatabaseOpenError(f"{path} is a folder, not a database file.")
        try:
            with path.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except PermissionError:
            raise DatabaseOpenError(f"{path} cannot be read: permission denied.") from None
        if header and header != SQLITE_HEADER:
            raise DatabaseOpenError(f"{path} is not a SQLite database.")
        if not _writable(path):
            raise DatabaseOpenError(
                f"{path} is read-only. Copy it somewhere writable or fix its permissions."
            )
    else:
        parent = path.parent
        if not parent.exists():
            raise DatabaseOpenError(f"The folder {parent} does not exist.")
    if not _writable(path.parent):
        raise DatabaseOpenError(
            f"The folder {path.parent} is read-only; SQLite needs to write its journal there."
        )


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def _readonly_uri(path: Path) -> str:
    return f"file:{quote(str(path))}?mode=ro"


def _inspect_sqlite(path: Path) -> SchemaState:
    """Integrity and schema checks through a read-only connection, so a file we refuse is
    never touched (even switching it to WAL would rewrite its header)."""
    if not path.exists() or path.stat().st_size == 0:
        return SchemaState(frozenset(), head_revisions())
    beside = [path.with_name(path.name + suffix) for suffix in SQLITE_SIDE_FILES]
    already_there = {side for side in beside if side.exists()}
    try:
        return _inspect_sqlite_read_only(path)
    except DatabaseOpenError:
        # A read-only look at a WAL-mode file still creates its -wal and -shm; a refused
        # file is left as it was found.
        for side in beside:
            if side not in already_there and _holds_nothing(side):
                with contextlib.suppress(OSError):
                    side.unlink()
        raise


SQLITE_SIDE_FILES = ("-wal", "-shm")


def _holds_nothing(side: Path) -> bool:
    """An -shm is only an index into the WAL; a -wal we created is empty."""
    if not side.exists():
        return False
    return side.name.endswith("-shm") or side.stat().st_size == 0


def _inspect_sqlite_read_only(path: Path) -> SchemaState:
    try:
        raw = sqlite3.connect(_readonly_uri(path), uri=True, timeout=2)
    except sqlite3.Error as exc:
        raise DatabaseOpenError(f"{path} cannot be opened: {exc}.") from None
    try:
        rows = raw.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            first = str(rows[0][0]).strip().splitlines()
            problem = next((line for line in first if "***" not in line), first[0])
            raise DatabaseOpenError(
                f"{path} failed its integrity check ({problem.strip()}); it was left untouched."
            )
        return _schema_state_sqlite(raw)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseOpenError(
                f"{path} is locked by another program. Close it there and try again."
            ) from None
        raise DatabaseOpenError(f"{path} is damaged and cannot be read ({exc}).") from None
    except sqlite3.DatabaseError as exc:
        raise DatabaseOpenError(f"{path} is damaged and cannot be read ({exc}).") from None
    finally:
        raw.close()


def _classify(
    tables: set[str], read_application: Callable[[], object], read_revisions: Callable[[], set[str]]
) -> SchemaState:
    """Decide from what is in the database whether it is empty, ours (and how old), or not."""
    heads = head_revisions()
    if not tables:
        return SchemaState(frozenset(), heads)
    if not {"alembic_version", "app_meta"} <= tables or read_application() != APPLICATION_ID:
        raise DatabaseOpenError(
            "This database belongs to another application; CloudRoute Desk will not change it."
        )
    current = frozenset(read_revisions())
    unknown = current - known_revisions()
    if unknown:
        raise DatabaseOpenError(
            "This database was written by a newer CloudRoute Desk "
            f"(schema {'+'.join(sorted(unknown))}); this version understands schema "
            f"{'+'.join(sorted(heads))}. Update the app to open it."
        )
    return SchemaState(current, heads)


_APPLICATION_QUERY = "SELECT value FROM app_meta WHERE key = 'application'"
_REVISIONS_QUERY = "SELECT version_num FROM alembic_version"


def _schema_state(connection: Connection) -> SchemaState:
    return _classify(
        set(inspect(connection).get_table_names()),
        lambda: connection.execute(text(_APPLICATION_QUERY)).scalar(),
        lambda: set(connection.execute(text(_REVISIONS_QUERY)).scalars()),
    )


def _schema_state_sqlite(raw: sqlite3.Connection) -> SchemaState:
    tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return _classify(
        tables,
        lambda: (raw.execute(_APPLICATION_QUERY).fetchone() or (None,))[0],
        lambda: {row[0] for row in raw.execute(_REVISIONS_QUERY)},
    )


def _backup_sqlite(path: Path, revision: str) -> Path:
    backup = path.with_name(f"{path.name}.backup-{revision}")
    source = sqlite3.connect(_readonly_uri(path), uri=True)
    target = sqlite3.connect(backup)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return backup


OnUpgrade = Callable[[str | None, str], None]


def open_database(target: str, *, on_upgrade: OnUpgrade | None = None) -> Database:
    """Open, check and migrate. Raises DatabaseOpenError with a user-facing reason."""
    url = parse_target(target)
    path = Path(url.database or "") if url.get_backend_name() == "sqlite" else None
    sqlite_state: SchemaState | None = None
    if path is not None:
        _check_sqlite_file(path)
        sqlite_state = _inspect_sqlite(path)
    try:
        database = database_for(url)
    except (NoSuchModuleError, ImportError):
        raise DatabaseOpenError(f"No driver for {url.get_backend_name()} is installed.") from None
    try:
        state = sqlite_state
        if state is None:
            with database.engine.connect() as connection:
                state = _schema_state(connection)
                connection.rollback()
        if not state.up_to_date:
            if path is not None and state.label is not None:
                _backup_sqlite(path, state.label)
            if on_upgrade is not None:
                on_upgrade(state.label, "+".join(sorted(state.heads)))
            with database.engine.begin() as connection, statement_deadline_lifted(connection):
                # Building an index over a million rows may outlast the statement limit.
                if len(state.current) > 1:
                    command.stamp(alembic_config(connection), newest_of(state.current), purge=True)
                command.upgrade(alembic_config(connection), "head")
        if path is None:
            _check_invariants(database)
    except DatabaseOpenError:
        database.dispose()
        raise
    except DatabaseBusyError as exc:
        database.dispose()
        raise DatabaseOpenError(str(exc)) from None
    except ServerNotAnsweringError as exc:
        database.dispose()
        cause = exc.__cause__
        detail = str(cause).strip().splitlines()[0] if cause is not None else "no answer"
        raise DatabaseOpenError(f"Cannot reach the server at {shown_url(url)}: {detail}.") from None
    except DBAPIError as exc:
        database.dispose()
        raise DatabaseOpenError(_describe_dbapi_error(url, exc)) from None
    return database


def _check_invariants(database: Database) -> None:
    with database.engine.connect() as connection:
        problems = broken_invariants(connection)
        connection.rollback()
    if problems:
        raise DatabaseOpenError(
            f"The database at {database.where} has lost the safeguards that keep its data "
            f"consistent ({'; '.join(problems)}); CloudRoute Desk will not use it until its "
            "owner restores them."
        )


def _describe_dbapi_error(url: URL, exc: DBAPIError) -> str:
    message = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if url.get_backend_name() == "sqlite":
        if "locked" in message or "busy" in message:
            return f"{url.database} is locked by another program. Close it there and try again."
        if "readonly" in message or "read-only" in message:
            return f"{url.database} is read-only."
        return f"{url.database} cannot be used: {message}."
    where = shown_url(url)
    if "timeout" in message.lower() or "connect" in message.lower():
        return f"Cannot reach the server at {where}: {message}."
    return f"The server at {where} refused: {message}."
