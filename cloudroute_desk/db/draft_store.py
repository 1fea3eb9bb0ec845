"""The local draft store: a small SQLite file beside the user's data, never on the server.

The editor writes every pause in typing here first, so a draft survives a crash, a kill or a
server that cannot be reached, and only then syncs it to the shared database with the
version check. Keyed by (database identity, record id): the same record id in two databases
is two drafts. WAL with ``synchronous=NORMAL`` makes a committed draft survive the process
being killed (only an OS crash can lose the last transaction), at a cost well under a
millisecond per write, which is what lets the editor save on the GUI thread without waiting
on anything remote.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import platformdirs

_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    database_identity TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    form_json TEXT NOT NULL,
    base_version INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (database_identity, record_id)
)
"""


@dataclass(frozen=True, slots=True)
class Draft:
    database_identity: str
    record_id: int
    form_json: str
    base_version: int
    """The record version the draft was edited from: the sync's expected version."""
    saved_at: datetime


def default_draft_path() -> Path:
    return Path(platformdirs.user_data_dir("cloudroute-desk")) / "drafts.sqlite"


class DraftStore:
    """Thread-safe: the GUI thread writes drafts, the DB worker may read them to sync."""

    def __init__(self, path: Path | str | None = None) -> None:
        self._path = Path(path) if path is not None else default_draft_path()
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(
            self._path, check_same_thread=False, isolation_level=None, timeout=5
        )
        self._connection.execute("PRAGMA journal_mode = WAL")
        self._connection.execute("PRAGMA synchronous = NORMAL")
        self._connection.execute(_SCHEMA)

    @property
    def path(self) -> Path:
        return self._path

    def put(
        self,
        database_identity: str,
        record_id: int,
        form_json: str,
        base_version: int,
        saved_at: datetime,
    ) -> None:
        with self._lock:
            self._connection.execute(
                "INSERT INTO drafts (database_identity, record_id, form_json, base_version,"
                " saved_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (database_identity, record_id) DO UPDATE SET"
                " form_json = excluded.form_json, base_version = excluded.base_version,"
                " saved_at = excluded.saved_at",
                (database_identity, record_id, form_json, base_version, saved_at.isoformat()),
            )

    def get(self, database_identity: str, record_id: int) -> Draft | None:
        with self._lock:
            row = self._connection.execute(
                "SELECT form_json, base_version, saved_at FROM drafts"
                " WHERE database_identity = ? AND record_id = ?",
                (database_identity, record_id),
            ).fetchone()
        if row is None:
            return None
        return Draft(
            database_identity, record_id, row[0], int(row[1]), datetime.fromisoformat(row[2])
        )

    def rebase(
        self, database_identity: str, record_id: int, old_version: int, new_version: int
    ) -> None:
        """After a sync, the newer edits still in the draft now stand on ``new_version``."""
        with self._lock:
            self._connection.execute(
                "UPDATE drafts SET base_version = ?"
                " WHERE database_identity = ? AND record_id = ? AND base_version = ?",
                (new_version, database_identity, record_id, old_version),
            )

    def discard(self, database_identity: str, record_id: int, form_json: str | None = None) -> None:
        """Forget a draft; with ``form_json``, only if it still holds exactly that text, so a
        sync finishing late never throws away edits made while it ran."""
        with self._lock:
            if form_json is None:
                self._connection.execute(
                    "DELETE FROM drafts WHERE database_identity = ? AND record_id = ?",
                    (database_identity, record_id),
                )
            else:
                self._connection.execute(
                    "DELETE FROM drafts WHERE database_identity = ? AND record_id = ?"
                    " AND form_json = ?",
                    (database_identity, record_id, form_json),
                )

    def pending(self, database_identity: str) -> list[Draft]:
        """Drafts not yet synced to that database, oldest first."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT record_id, form_json, base_version, saved_at FROM drafts"
                " WHERE database_identity = ? ORDER BY saved_at",
                (database_identity,),
            ).fetchall()
        return [
            Draft(database_identity, int(r[0]), r[1], int(r[2]), datetime.fromisoformat(r[3]))
            for r in rows
        ]

    def close(self) -> None:
        with self._lock:
            self._connection.close()
