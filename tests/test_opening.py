"""Opening databases: upgrades, refusals with a clear message, and nothing written on refusal."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from cloudroute_desk.db import opening
from cloudroute_desk.db.opening import (
    DatabaseOpenError,
    head_revisions,
    integrity_problem,
    newest_migration_file,
    open_database,
)
from tests.damage import damage_one_index


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_is_created_and_migrated(tmp_path: Path) -> None:
    database = open_database(str(tmp_path / "new.sqlite"))
    with database.reading() as session:
        revisions = set(session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    database.dispose()
    assert revisions == head_revisions()


def test_reopening_an_up_to_date_database_writes_no_backup(
    sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "db.sqlite"
    shutil.copyfile(sqlite_template, path)
    open_database(str(path)).dispose()
    assert list(tmp_path.glob("*.backup-*")) == []


def test_older_schema_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.upgrade(opening.alembic_config(connection), "0001")
    engine.dispose()
    seen: list[tuple[str | None, str]] = []
    database = open_database(str(path), on_upgrade=lambda old, new: seen.append((old, new)))
    database.dispose()
    backup = tmp_path / "old.sqlite.backup-0001"
    if head_revisions() == {"0001"}:
        assert seen == [] and not backup.exists()
        return
    assert backup.exists()
    with sqlite3.connect(backup) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    assert seen and seen[0][0] == "0001"


def test_newer_schema_is_refused_untouched(db_target: str, backend: str) -> None:
    engine = create_engine(
        db_target.replace("postgresql://", "postgresql+psycopg://", 1)
        if backend == "postgresql"
        else f"sqlite:///{db_target}"
    )
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO alembic_version VALUES ('9999_from_the_future')"))
    engine.dispose()
    before = digest(Path(db_target)) if backend == "sqlite" else None
    with pytest.raises(DatabaseOpenError, match="newer CloudRoute Desk"):
        open_database(db_target)
    if before is not None:
        assert digest(Path(db_target)) == before


def test_foreign_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    before = digest(path)
    with pytest.raises(DatabaseOpenError, match="another application"):
        open_database(str(path))
    assert digest(path) == before


def test_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("quarterly notes, not a database\n" * 50)
    before = digest(path)
    with pytest.raises(DatabaseOpenError, match="not a SQLite database"):
        open_database(str(path))
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


def test_corrupt_database_is_refused_untouched(sqlite_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "corrupt.sqlite"
    shutil.copyfile(sqlite_template, path)
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for offset in range(page_size * 2, len(data), 7):
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(DatabaseOpenError, match=r"damaged|integrity"):
        open_database(str(path))
    assert digest(path) == before


def test_a_damaged_index_is_refused_untouched(sqlite_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite"
    shutil.copyfile(sqlite_template, path)
    damage_one_index(path)
    before = digest(path)
    with pytest.raises(DatabaseOpenError, match="failed its integrity check"):
        open_database(str(path))
    assert digest(path) == before


def test_a_deferred_integrity_check_still_finds_the_damage(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """The GUI opens without the full-file check and runs it once its window is up."""
    path = tmp_path / "damaged.sqlite"
    shutil.copyfile(sqlite_template, path)
    damage_one_index(path)
    database = open_database(str(path), check_integrity=False)
    try:
        problem = integrity_problem(database)
    finally:
        database.dispose()
    assert problem is not None
    assert problem.startswith(f"{path} failed its integrity check (")


def test_a_sound_file_passes_the_deferred_check(sqlite_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "sound.sqlite"
    shutil.copyfile(sqlite_template, path)
    database = open_database(str(path), check_integrity=False)
    try:
        assert integrity_problem(database) is None
    finally:
        database.dispose()


def test_the_newest_migration_file_is_the_head() -> None:
    assert {newest_migration_file()} == head_revisions()


def test_an_up_to_date_database_opens_without_loading_alembic(
    sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "current.sqlite"
    shutil.copyfile(sqlite_template, path)
    script = (
        "import sys\n"
        "from cloudroute_desk.db.opening import open_database\n"
        f"open_database({str(path)!r}, check_integrity=False).dispose()\n"
        "print('alembic' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseOpenError, match="is a folder"):
        open_database(str(tmp_path))


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseOpenError, match="does not exist"):
        open_database(str(tmp_path / "nowhere" / "db.sqlite"))


def test_read_only_file_is_refused(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The suite runs as root in CI, where permission bits do not stop writes, so the check
    # is exercised through the one function that asks the OS.
    path = tmp_path / "ro.sqlite"
    shutil.copyfile(sqlite_template, path)
    monkeypatch.setattr(opening, "_writable", lambda p: Path(p) != path)
    with pytest.raises(DatabaseOpenError, match="read-only"):
        open_database(str(path))


def test_locked_file_is_refused(sqlite_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite"
    shutil.copyfile(sqlite_template, path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO app_meta VALUES ('lock-test', 'x')")
    try:
        with pytest.raises(DatabaseOpenError, match="locked"):
            open_database(str(path))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.parametrize(
    "target, message",
    [
        ("postgresql://user@host:notaport/db", "Not a valid database URL"),
        ("mysql://user@localhost/db", "Unsupported database"),
        ("sqlite://", "in-memory"),
        ("   ", "No database given"),
    ],
)
def test_malformed_targets_are_refused(target: str, message: str) -> None:
    with pytest.raises(DatabaseOpenError, match=message):
        open_database(target)


def test_unreachable_server_fails_fast() -> None:
    started = time.monotonic()
    with pytest.raises(DatabaseOpenError, match=r"Cannot reach the server|refused"):
        open_database("postgresql://nobody:secret@127.0.0.1:1/cloudroute")
    assert time.monotonic() - started < 10


def test_password_never_appears_in_the_message() -> None:
    with pytest.raises(DatabaseOpenError) as raised:
        open_database("postgresql://nobody:hunter2@127.0.0.1:1/cloudroute")
    assert "hunter2" not in str(raised.value)
