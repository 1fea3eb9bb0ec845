"""A corrupt SQLite file is refused with one line and left exactly as found: byte-identical,
and no -wal or -shm created beside it (even when its header says WAL mode)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from cloudroute_desk.db.opening import DatabaseOpenError, open_database


def _wal_file_with_rows(path: Path) -> bytearray:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE t (x TEXT)")
    connection.executemany("INSERT INTO t VALUES (?)", [(str(n) * 100,) for n in range(2000)])
    connection.commit()
    connection.close()
    return bytearray(path.read_bytes())


def _damaged_pages(path: Path) -> None:
    data = _wal_file_with_rows(path)
    data[5000:9000] = b"\xff" * 4000
    path.write_bytes(data)


def _header_then_noise(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(5000))


def _truncated(path: Path) -> None:
    path.write_bytes(_wal_file_with_rows(path)[:3000])


@pytest.mark.parametrize("damage", [_damaged_pages, _header_then_noise, _truncated])
def test_refused_file_is_left_as_found(tmp_path: Path, damage: object) -> None:
    path = tmp_path / "broken.sqlite"
    damage(path)  # type: ignore[operator]
    before = path.read_bytes()
    with pytest.raises(DatabaseOpenError) as caught:
        open_database(str(path))
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.sqlite"]
