"""The local working copy of a server, for reviewing and editing ACE records offline.

The copy is a SQLite file with the server's own schema (created by the same migrations), so
every query, the editor, live validation and the queue run on it unchanged. Only the copy has
the tables below (copy-only bookkeeping, never on a server, hence not an Alembic migration):

- ``offline_meta``: which server it copies, the feed sequence it has read up to, when it was
  last brought up to date (server time), and how far the first copy got;
- ``offline_marks``: records and inquiries the admin marked "Keep offline", and the records
  recently opened;
- ``offline_base``: for each copied record, the server version and form it was copied at:
  the common ancestor of the three-way merge when offline edits sync back;
- ``offline_outbox``: one row per offline save of a record, in order, each with a unique id
  (the request id of its sync). A trigger writes it in the same transaction as the save,
  so an edit and its outbox entry are one commit: both survive a kill, or neither happened.

The trigger fires only for signed writes (``Database.writing`` fills ``change_actor``), which
is how the app's own edits differ from the mirror copying server rows in (unsigned). The
server's transition and capacity guards are dropped in the copy: it mirrors rows the server
already checked, whatever order they arrive in, and offline nobody moves a record or assigns.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import DatabaseOpenError, parse_target

COPY_FOLDER = "offline"
FILE_MODE = 0o600

_GUARDS_DROPPED = ("trg_inquiries_status", "trg_ace_records_state", "trg_inquiries_capacity")

NEEDS_SERVER = "Needs the server: you are working offline from a local copy"
_NEEDS_SERVER_WRITES = (
    # Only a form edit can wait in the outbox; the app's other writes need the server, and
    # the copy refuses them rather than keep a change nobody would ever send.
    ("new_record", "INSERT ON ace_records"),
    ("record_state", "UPDATE OF state ON ace_records"),
    ("inquiry_status", "UPDATE OF status, partner_id ON inquiries"),
    ("new_inquiry", "INSERT ON inquiries"),
    ("assignment", "INSERT ON assignments"),
    ("assignment_end", "UPDATE ON assignments"),
    ("partner_insert", "INSERT ON partners"),
    ("partner_update", "UPDATE ON partners"),
)

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS offline_meta (
        key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS offline_marks (
        kind TEXT NOT NULL, entity_id INTEGER NOT NULL, seq INTEGER NOT NULL,
        PRIMARY KEY (kind, entity_id))""",
    """CREATE TABLE IF NOT EXISTS offline_base (
        record_id INTEGER PRIMARY KEY, version INTEGER NOT NULL, fields TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS offline_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        record_id INTEGER NOT NULL,
        base_version INTEGER NOT NULL,
        fields TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        note TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX IF NOT EXISTS ix_offline_outbox_record ON offline_outbox (record_id, state)",
    *(
        f"""CREATE TRIGGER IF NOT EXISTS trg_offline_refuse_{name} BEFORE {event}
        WHEN EXISTS (SELECT 1 FROM change_actor)
        BEGIN SELECT RAISE(ABORT, '{NEEDS_SERVER}'); END"""
        for name, event in _NEEDS_SERVER_WRITES
    ),
    # Claims say who works on an inquiry now: nothing to say from a copy.
    """CREATE TRIGGER IF NOT EXISTS trg_offline_no_claims BEFORE INSERT ON inquiry_claims
        BEGIN SELECT RAISE(IGNORE); END""",
    "DELETE FROM inquiry_claims",
    """CREATE TRIGGER IF NOT EXISTS trg_offline_outbox AFTER UPDATE OF fields ON ace_records
        WHEN EXISTS (SELECT 1 FROM change_actor)
        BEGIN
        INSERT INTO offline_outbox (id, record_id, base_version, fields)
        VALUES (lower(hex(randomblob(16))), NEW.id,
                coalesce((SELECT version FROM offline_base WHERE record_id = NEW.id), OLD.version),
                NEW.fields);
        END""",
)

KEEP_RECORD = "keep_record"
KEEP_INQUIRY = "keep_inquiry"
RECENT_RECORD = "recent_record"
RECENT_KEPT = 20
"""How many recently opened records the copy keeps besides the drafts and the marks."""

PENDING = "pending"
SYNCED = "synced"
KEPT_AS_DRAFT = "kept_as_draft"


def copy_path(data_dir: Path, identity: str) -> Path:
    """Where the copy of the server ``identity`` lives: one file per server, named by a hash
    of the URL without its password (the file itself says which server, in its meta)."""
    digest = hashlib.sha256(identity.encode()).hexdigest()[:20]
    return data_dir / COPY_FOLDER / f"{digest}.sqlite"


@dataclass(frozen=True, slots=True)
class OfflineStart:
    """The window starts on the copy of ``target``'s server, which did not answer."""

    target: str
    identity: str
    copy: Database


def identity_for_target(target: str) -> str | None:
    """The identity a server's copy is filed under, from what the admin typed; None for a
    SQLite file (it is its own copy) or a target that is not a valid server URL."""
    try:
        url = parse_target(target)
    except DatabaseOpenError:
        return None
    if url.get_backend_name() == "sqlite":
        return None
    return url.render_as_string(hide_password=True)


def existing_copy(data_dir: Path, identity: str) -> Path | None:
    path = copy_path(data_dir, identity)
    return path if path.exists() and path.stat().st_size > 0 else None


def reserve_file(path: Path) -> None:
    """Create an empty copy file readable by its owner only, before SQLite writes to it
    (SQLite gives its -wal and -shm files the main file's mode)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    os.chmod(path, FILE_MODE)


def prepare(connection: Connection, identity: str) -> None:
    """Add the copy's own tables and trigger to a freshly migrated database (idempotent)."""
    for name in _GUARDS_DROPPED:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    for statement in _SCHEMA:
        connection.exec_driver_sql(statement)
    connection.execute(
        text("INSERT OR IGNORE INTO offline_meta (key, value) VALUES ('server', :identity)"),
        {"identity": identity},
    )


def is_copy(connection: Connection) -> bool:
    found = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'offline_meta'"
    ).first()
    return found is not None


def forget(path: Path) -> bool:
    """Delete the copy and its side files; True when there was one."""
    existed = path.exists()
    for suffix in ("", "-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.unlink()
    for backup in path.parent.glob(path.name + ".backup-*"):
        backup.unlink()
    return existed


# ---- meta ---------------------------------------------------------------------------------


def meta(session: Session | Connection, key: str) -> str | None:
    value = session.execute(
        text("SELECT value FROM offline_meta WHERE key = :key"), {"key": key}
    ).scalar()
    return None if value is None else str(value)


def set_meta(session: Session | Connection, **values: object) -> None:
    for key, value in values.items():
        session.execute(
            text("INSERT OR REPLACE INTO offline_meta (key, value) VALUES (:key, :value)"),
            {"key": key, "value": str(value)},
        )


def taken_at(session: Session | Connection) -> datetime | None:
    value = meta(session, "taken_at")
    return datetime.fromisoformat(value) if value else None


# ---- marks --------------------------------------------------------------------------------


def mark(session: Session, kind: str, entity_id: int, on: bool = True) -> None:
    if not on:
        session.execute(
            text("DELETE FROM offline_marks WHERE kind = :kind AND entity_id = :id"),
            {"kind": kind, "id": entity_id},
        )
        return
    session.execute(
        text(
            "INSERT OR REPLACE INTO offline_marks (kind, entity_id, seq) VALUES (:kind, :id, "
            "coalesce((SELECT max(seq) FROM offline_marks), 0) + 1)"
        ),
        {"kind": kind, "id": entity_id},
    )
    if kind == RECENT_RECORD:
        session.execute(
            text(
                "DELETE FROM offline_marks WHERE kind = :kind AND entity_id NOT IN ("
                "SELECT entity_id FROM offline_marks WHERE kind = :kind "
                "ORDER BY seq DESC LIMIT :keep)"
            ),
            {"kind": kind, "keep": RECENT_KEPT},
        )


def marked(session: Session | Connection, kind: str) -> set[int]:
    rows = session.execute(
        text("SELECT entity_id FROM offline_marks WHERE kind = :kind"), {"kind": kind}
    )
    return {int(value) for (value,) in rows}


# ---- base versions ------------------------------------------------------------------------


def set_base(session: Session | Connection, record_id: int, version: int, fields: Any) -> None:
    session.execute(
        text(
            "INSERT OR REPLACE INTO offline_base (record_id, version, fields) "
            "VALUES (:id, :version, :fields)"
        ),
        {"id": record_id, "version": version, "fields": json.dumps(fields or {})},
    )


def base_of(session: Session | Connection, record_id: int) -> tuple[int, dict[str, Any]] | None:
    row = session.execute(
        text("SELECT version, fields FROM offline_base WHERE record_id = :id"), {"id": record_id}
    ).first()
    return None if row is None else (int(row[0]), dict(json.loads(row[1])))


# ---- outbox -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    seq: int
    id: str
    record_id: int
    base_version: int
    fields: dict[str, Any]
    state: str
    note: str


def outbox(session: Session | Connection, state: str | None = PENDING) -> list[OutboxEntry]:
    """The outbox in the order the edits were made (its own sequence, not any clock)."""
    query = "SELECT seq, id, record_id, base_version, fields, state, note FROM offline_outbox"
    rows = session.execute(
        text(query + (" WHERE state = :state" if state else "") + " ORDER BY seq"),
        {"state": state},
    )
    return [
        OutboxEntry(int(s), str(i), int(r), int(b), dict(json.loads(f)), str(st), str(n))
        for s, i, r, b, f, st, n in rows
    ]


def pending_count(session: Session | Connection) -> int:
    """Records with edits waiting to sync (several saves of one record are one edit)."""
    value = session.execute(
        text("SELECT count(DISTINCT record_id) FROM offline_outbox WHERE state = 'pending'")
    ).scalar()
    return int(value or 0)


def pending_records(session: Session | Connection) -> set[int]:
    rows = session.execute(
        text("SELECT DISTINCT record_id FROM offline_outbox WHERE state = 'pending'")
    )
    return {int(value) for (value,) in rows}


def settle(
    session: Session | Connection, entry_ids: Iterable[str], state: str, note: str = ""
) -> None:
    """Mark entries applied (``SYNCED``) or kept as a local draft, with why."""
    for entry_id in entry_ids:
        session.execute(
            text("UPDATE offline_outbox SET state = :state, note = :note WHERE id = :id"),
            {"state": state, "note": note, "id": entry_id},
        )
