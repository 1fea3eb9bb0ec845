"""The local draft store: a small SQLite file beside the user's data, never on the server.

The editor writes every pause in typing here first, so a draft survives a crash, a kill or a
server that cannot be reached, and only then syncs it to the shared database with the
version check. Keyed by (database identity, record id): the same record id in two databases
is two drafts. WAL with ``synchronous=NORMAL`` makes a committed draft survive the process
being killed (only an OS crash can lose the last transaction), at a cost well under a
millisecond per write, which is what lets the editor save on the GUI thread without waiting
on anything remote.

The GUI thread never waits on this disk: the file is opened on first use, not in the
constructor, and every call waits at most ``BUSY_WAIT_S`` for another process's lock. A
call that cannot be done now raises ``DraftStoreError`` (an ``OSError``) with one sentence;
the editor keeps the edits in memory and tries again. Discards that fail are remembered and
done by the next call that reaches the file, so a draft synced to the server never comes
back as a stale "restored" one. A second app on the same file is noticed through an advisory
lock beside it (``shared``): both may write, SQLite keeps each write whole.

A draft also keeps the request id of its sync in flight (``mark_sent``): an app killed after
the server committed that sync but before the draft was cleaned up learns on restart, from
the id, that the save went through (``settle``), instead of taking its own save for someone
else's.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import platformdirs

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; a second instance goes unnoticed there
    fcntl = None  # type: ignore[assignment]

BUSY_WAIT_S = 0.005
DISK_FULL = "Cannot save drafts on this computer: disk full"


class DraftStoreError(OSError):
    """The draft store cannot be used right now; the message says why in one sentence."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    database_identity TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    form_json TEXT NOT NULL,
    base_version INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    sent_request_id TEXT,
    PRIMARY KEY (database_identity, record_id)
)
"""
_ADD_SENT_REQUEST = "ALTER TABLE drafts ADD COLUMN sent_request_id TEXT"
"""Drafts files written before request ids existed gain the column on first open."""


@dataclass(frozen=True, slots=True)
class Draft:
    database_identity: str
    record_id: int
    form_json: str
    base_version: int
    """The record version the draft was edited from: the sync's expected version."""
    saved_at: datetime
    sent_request_id: str | None = None
    """The request id of a sync sent to the server whose answer has not come back."""


def default_draft_path() -> Path:
    return Path(platformdirs.user_data_dir("cloudroute-desk")) / "drafts.sqlite"


class DraftStore:
    """Thread-safe: the GUI thread writes drafts, the DB worker may read them to sync."""

    def __init__(self, path: Path | str | None = None) -> None:
        self._path = Path(path) if path is not None else default_draft_path()
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._instance_lock: int | None = None
        self._deferred_discards: list[tuple[str, int, str | None]] = []
        self.shared = False
        """True when another running app holds the same drafts file."""

    @property
    def path(self) -> Path:
        return self._path

    def open(self) -> None:
        """Reach the file now (raises ``DraftStoreError``); every call does this itself."""
        with self._using():
            pass

    @contextlib.contextmanager
    def _using(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                connection = self._connection or self._connect()
                if self._deferred_discards:
                    for identity, record_id, text in list(self._deferred_discards):
                        _delete(connection, identity, record_id, text)
                        self._deferred_discards.pop(0)
                yield connection
            except sqlite3.Error as error:
                raise DraftStoreError(_describe(error)) from error
            except OSError as error:
                if isinstance(error, DraftStoreError):
                    raise
                raise DraftStoreError(_describe(error)) from error

    def _connect(self) -> sqlite3.Connection:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            self._path, check_same_thread=False, isolation_level=None, timeout=BUSY_WAIT_S
        )
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute(_SCHEMA)
            columns = {row[1] for row in connection.execute("PRAGMA table_info(drafts)")}
            if "sent_request_id" not in columns:
                connection.execute(_ADD_SENT_REQUEST)
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        self._take_instance_lock()
        return connection

    def _take_instance_lock(self) -> None:
        if fcntl is None or self._instance_lock is not None:
            return
        with contextlib.suppress(OSError):
            descriptor = os.open(f"{self._path}.instance", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                self.shared = True
            self._instance_lock = descriptor

    def put(
        self,
        database_identity: str,
        record_id: int,
        form_json: str,
        base_version: int,
        saved_at: datetime,
    ) -> None:
        with self._using() as connection:
            connection.execute(
                "INSERT INTO drafts (database_identity, record_id, form_json, base_version,"
                " saved_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (database_identity, record_id) DO UPDATE SET"
                " form_json = excluded.form_json,"
                # Never back: a keystroke written just after a sync re-based the draft may
                # still carry the version from before that sync (the editor learns it later).
                " base_version = max(drafts.base_version, excluded.base_version),"
                " saved_at = excluded.saved_at",
                (database_identity, record_id, form_json, base_version, saved_at.isoformat()),
            )

    def get(self, database_identity: str, record_id: int) -> Draft | None:
        with self._using() as connection:
            row = connection.execute(
                "SELECT form_json, base_version, saved_at, sent_request_id FROM drafts"
                " WHERE database_identity = ? AND record_id = ?",
                (database_identity, record_id),
            ).fetchone()
        if row is None:
            return None
        return Draft(
            database_identity,
            record_id,
            row[0],
            int(row[1]),
            datetime.fromisoformat(row[2]),
            row[3],
        )

    def mark_sent(self, database_identity: str, record_id: int, request_id: str) -> None:
        """A sync of this draft is on its way to the server under ``request_id``."""
        with self._using() as connection:
            connection.execute(
                "UPDATE drafts SET sent_request_id = ?"
                " WHERE database_identity = ? AND record_id = ?",
                (request_id, database_identity, record_id),
            )

    def settle(
        self, database_identity: str, record_id: int, request_id: str, applied_version: int | None
    ) -> None:
        """The sync sent as ``request_id`` is known now: applied as ``applied_version`` (the
        draft's remaining edits stand on it), or not applied (None: the base stays)."""
        with self._using() as connection:
            connection.execute(
                "UPDATE drafts SET sent_request_id = NULL,"
                " base_version = coalesce(?, base_version)"
                " WHERE database_identity = ? AND record_id = ? AND sent_request_id = ?",
                (applied_version, database_identity, record_id, request_id),
            )

    def rebase(
        self, database_identity: str, record_id: int, old_version: int, new_version: int
    ) -> None:
        """After a sync, the newer edits still in the draft now stand on ``new_version``."""
        with self._using() as connection:
            connection.execute(
                "UPDATE drafts SET base_version = ?, sent_request_id = NULL"
                " WHERE database_identity = ? AND record_id = ? AND base_version = ?",
                (new_version, database_identity, record_id, old_version),
            )

    def discard(self, database_identity: str, record_id: int, form_json: str | None = None) -> None:
        """Forget a draft; with ``form_json``, only if it still holds exactly that text, so a
        sync finishing late never throws away edits made while it ran. Never raises: when
        the file cannot be reached the discard waits for the next call that reaches it."""
        try:
            with self._using() as connection:
                _delete(connection, database_identity, record_id, form_json)
        except DraftStoreError:
            with self._lock:
                self._deferred_discards.append((database_identity, record_id, form_json))

    def pending(self, database_identity: str) -> list[Draft]:
        """Drafts not yet synced to that database, oldest first."""
        with self._using() as connection:
            rows = connection.execute(
                "SELECT record_id, form_json, base_version, saved_at, sent_request_id"
                " FROM drafts WHERE database_identity = ? ORDER BY saved_at",
                (database_identity,),
            ).fetchall()
        return [
            Draft(
                database_identity,
                int(r[0]),
                r[1],
                int(r[2]),
                datetime.fromisoformat(r[3]),
                r[4],
            )
            for r in rows
        ]

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            if self._instance_lock is not None:
                os.close(self._instance_lock)
                self._instance_lock = None


def _delete(
    connection: sqlite3.Connection, identity: str, record_id: int, form_json: str | None
) -> None:
    if form_json is None:
        connection.execute(
            "DELETE FROM drafts WHERE database_identity = ? AND record_id = ?",
            (identity, record_id),
        )
    else:
        connection.execute(
            "DELETE FROM drafts WHERE database_identity = ? AND record_id = ? AND form_json = ?",
            (identity, record_id, form_json),
        )


def _describe(error: BaseException) -> str:
    text = str(error)
    if "full" in text or getattr(error, "errno", None) == errno.ENOSPC:
        return DISK_FULL
    if "locked" in text or "busy" in text:
        return "The drafts file is busy in another program"
    return f"Cannot save drafts on this computer: {text}"
