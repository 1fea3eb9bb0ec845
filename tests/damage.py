"""Damage a SQLite file the way a bad disk does: one b-tree page overwritten with garbage."""

from __future__ import annotations

import sqlite3
from pathlib import Path

DAMAGED_INDEX = "ix_inquiries_status"


def damage_one_index(path: Path) -> None:
    """Overwrite an index's root page of the inquiries table: the schema and the app_meta and
    alembic_version tables stay readable, so only a full integrity check notices."""
    raw = sqlite3.connect(path)
    try:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = raw.execute("PRAGMA page_size").fetchone()[0]
        root = raw.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND name = ?",
            (DAMAGED_INDEX,),
        ).fetchone()[0]
    finally:
        raw.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(bytes([0xA5]) * page_size)
