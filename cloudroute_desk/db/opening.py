"""Open a database the user named: check it is ours and sound, then migrate it.

Every check that can refuse runs *before* anything is written, so a file or server we refuse
is left exactly as it was. Each refusal is a ``DatabaseOpenError`` whose message is one
sentence a user can act on; the GUI shows it in a dialog and the CLI prints it on stderr.

Opening an up-to-date database is the common case and must be quick: it reads the stamped
revision and compares it with the newest migration file's, without importing Alembic (a third
of a second); Alembic loads only to create, classify or upgrade. SQLite's integrity check reads
the whole file (seconds on a million inquiries), so the GUI may defer it
(``check_integrity=False``) and run ``integrity_problem`` once its window is up.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from cloudroute_desk.db.deadlines import statement_deadline_lifted
from cloudroute_desk.db.engine import Database, DatabaseBusyError, database_for, shown_url
from cloudroute_desk.db.invariants import broken_invariants
from cloudroute_desk.db.server_link import ServerNotAnsweringError
from cloudroute_desk.db.tls import (
    CleartextRefusedError,
    apply_tls_policy,
    describe_failure,
    describe_tls,
)

if TYPE_CHECKING:
    from alembic.config import Config

SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_ID = "cloudroute-desk"
MIGRATION_FILE = re.compile(r"(\d{4})_\w+\.py")


class DatabaseOpenError(Exception):
    """The database cannot be used; the message says why in plain words."""


class ServerUnreachableError(DatabaseOpenError):
    """The server did not answer at all (stopped, or the network is down): the one refusal
    after which working from the offline copy makes sense."""


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
        try:
            return apply_tls_policy(url.set(drivername="postgresql+psycopg"))
        except CleartextRefusedError as error:
            raise DatabaseOpenError(str(error)) from None
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise DatabaseOpenError("An in-memory SQLite database cannot hold CloudRoute data.")
        return url.set(database=str(Path(url.database).expanduser().resolve()))
    raise DatabaseOpenError(
        f"Unsupported database {backend!r}: use a SQLite file or a postgresql:// URL."
    )


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    script_location = resources.files("cloudroute_desk.db") / "migrations"
    config.set_main_option("script_location", str(script_location))
    config.attributes["connection"] = connection
    return config


def head_revisions() -> frozenset[str]:
    """The newest schema revision this build knows (the history is one line: one head)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def newest_migration_file() -> str:
    """The revision of the newest migration by file name (``NNNN_topic.py`` holds revision
    ``NNNN``, DESIGN.md's rule): the head, read without Alembic.
    tests/test_opening.py keeps it equal to ``head_revisions()``."""
    versions = resources.files("cloudroute_desk.db") / "migrations" / "versions"
    numbers = [
        match[1] for entry in versions.iterdir() if (match := MIGRATION_FILE.fullmatch(entry.name))
    ]
    return max(numbers)


def newest_of(revisions: frozenset[str]) -> str:
    """The newest of several stamped revisions. Databases written before the history was made
    one line carry one row per former branch; on the line they all lie behind the newest."""
    from alembic.script import ScriptDirectory

    for script in ScriptDirectory.from_config(alembic_config()).walk_revisions():
        if script.revision in revisions:
            return script.revision
    raise DatabaseOpenError(f"Unknown schema {'+'.join(sorted(revisions))}.")


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

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


def _inspect_sqlite(path: Path, *, check_integrity: bool) -> SchemaState:
    """Integrity and schema checks through a read-only connection, so a file we refuse is
    never touched (even switching it to WAL would rewrite its header)."""
    if not path.exists() or path.stat().st_size == 0:
        return SchemaState(frozenset(), head_revisions())
    beside = [path.with_name(path.name + suffix) for suffix in SQLITE_SIDE_FILES]
    already_there = {side for side in beside if side.exists()}
    try:
        return _inspect_sqlite_read_only(path, check_integrity=check_integrity)
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


def _inspect_sqlite_read_only(path: Path, *, check_integrity: bool) -> SchemaState:
    try:
        raw = sqlite3.connect(_readonly_uri(path), uri=True, timeout=2)
    except sqlite3.Error as exc:
        raise DatabaseOpenError(f"{path} cannot be opened: {exc}.") from None
    try:
        if check_integrity:
            problem = _quick_check(raw)
            if problem is not None:
                raise DatabaseOpenError(
                    f"{path} failed its integrity check ({problem}); it was left untouched."
                )
        return _schema_state_sqlite(raw)
    except sqlite3.OperationalError as exc:
        raise DatabaseOpenError(_unreadable(path, exc)) from None
    except sqlite3.DatabaseError as exc:
        raise DatabaseOpenError(f"{path} is damaged and cannot be read ({exc}).") from None
    finally:
        raw.close()


def _quick_check(raw: sqlite3.Connection) -> str | None:
    """SQLite's first complaint about the file's structure, or None when it is sound."""
    rows = raw.execute("PRAGMA quick_check").fetchall()
    if rows == [("ok",)]:
        return None
    # SQLite prefixes the first complaint with a "*** in database main ***" line.
    first = str(rows[0][0]).strip().splitlines()
    return next((line for line in first if "***" not in line), first[0]).strip()


def _unreadable(path: Path, exc: sqlite3.OperationalError) -> str:
    if "locked" in str(exc) or "busy" in str(exc):
        return f"{path} is locked by another program. Close it there and try again."
    return f"{path} is damaged and cannot be read ({exc})."


def integrity_problem(database: Database) -> str | None:
    """The deferred integrity check of an opened SQLite database, on its own read-only
    connection (so it never blocks the app's reads or writes): a one-sentence problem, or None
    when the file is sound (or the database is a server, which checks itself)."""
    if database.backend != "sqlite" or not database.url.database:
        return None
    path = Path(database.url.database)
    try:
        raw = sqlite3.connect(_readonly_uri(path), uri=True, timeout=2)
        try:
            problem = _quick_check(raw)
        finally:
            raw.close()
    except sqlite3.OperationalError as exc:
        return _unreadable(path, exc)
    except sqlite3.DatabaseError as exc:
        return f"{path} is damaged and cannot be read ({exc})."
    if problem is None:
        return None
    return f"{path} failed its integrity check ({problem})."


def _classify(
    tables: set[str], read_application: Callable[[], object], read_revisions: Callable[[], set[str]]
) -> SchemaState:
    """Decide from what is in the database whether it is empty, ours (and how old), or not."""
    if not tables:
        return SchemaState(frozenset(), head_revisions())
    if not {"alembic_version", "app_meta"} <= tables or read_application() != APPLICATION_ID:
        raise DatabaseOpenError(
            "This database belongs to another application; CloudRoute Desk will not change it."
        )
    current = frozenset(read_revisions())
    if current == {newest_migration_file()}:
        return SchemaState(current, current)
    heads = head_revisions()
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


def open_database(
    target: str, *, on_upgrade: OnUpgrade | None = None, check_integrity: bool = True
) -> Database:
    """Open, check and migrate. Raises DatabaseOpenError with a user-facing reason.

    ``check_integrity=False`` leaves SQLite's full-file integrity check to the caller, who
    must then run ``integrity_problem`` and act on its answer."""
    url = parse_target(target)
    path = Path(url.database or "") if url.get_backend_name() == "sqlite" else None
    sqlite_state: SchemaState | None = None
    if path is not None:
        _check_sqlite_file(path)
        sqlite_state = _inspect_sqlite(path, check_integrity=check_integrity)
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
            from alembic import command

            with database.engine.begin() as connection, statement_deadline_lifted(connection):
                # Building an index over a million rows may outlast the statement limit.
                if len(state.current) > 1:
                    command.stamp(alembic_config(connection), newest_of(state.current), purge=True)
                command.upgrade(alembic_config(connection), "head")
        if path is None:
            _check_invariants(database)
            database = replace(database, tls=describe_tls(url))
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
        certificate_problem = describe_failure(detail)
        if certificate_problem is not None:
            raise DatabaseOpenError(certificate_problem) from None
        raise ServerUnreachableError(
            f"Cannot reach the server at {shown_url(url)}: {detail}."
        ) from None
    except DBAPIError as exc:
        database.dispose()
        sentence = _describe_dbapi_error(url, exc)
        # A server that answered with a refusal (FATAL: wrong password, no such database)
        # is reachable; only silence or a refused connection is "away".
        if sentence.startswith(_UNREACHABLE) and "FATAL" not in sentence:
            raise ServerUnreachableError(sentence) from None
        raise DatabaseOpenError(sentence) from None
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


_UNREACHABLE = "Cannot reach the server at"


def _describe_dbapi_error(url: URL, exc: DBAPIError) -> str:
    message = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if url.get_backend_name() == "sqlite":
        if "locked" in message or "busy" in message:
            return f"{url.database} is locked by another program. Close it there and try again."
        if "readonly" in message or "read-only" in message:
            return f"{url.database} is read-only."
        return f"{url.database} cannot be used: {message}."
    where = shown_url(url)
    certificate_problem = describe_failure(message)
    if certificate_problem is not None:
        return certificate_problem
    if "timeout" in message.lower() or "connect" in message.lower():
        return f"{_UNREACHABLE} {where}: {message}."
    return f"The server at {where} refused: {message}."
