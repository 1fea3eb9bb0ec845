"""The schema history is one line, and a database left at any revision upgrades to head."""

from __future__ import annotations

import itertools

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from cloudroute_desk.db.engine import database_for
from cloudroute_desk.db.opening import alembic_config, open_database, parse_target


def _scripts() -> list[str]:
    """Revisions newest first."""
    return [s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()]


def test_history_has_one_head_and_no_branches() -> None:
    directory = ScriptDirectory.from_config(alembic_config())
    assert len(directory.get_heads()) == 1
    scripts = list(directory.walk_revisions())
    for newer, older in itertools.pairwise(scripts):
        assert newer.down_revision == older.revision, f"{newer.revision} skips {older.revision}"
    assert scripts[-1].down_revision is None


_SQLITE_OBJECTS = "SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
_PG_OBJECTS = """
    SELECT 'table ' || tablename FROM pg_tables WHERE schemaname = 'public'
    UNION ALL SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL SELECT 'function ' || p.proname FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
"""


def _shape(target: str) -> tuple[set[str], set[str]]:
    """Every schema object (tables, indexes, triggers, functions) and the stamped revisions."""
    database = database_for(parse_target(target))
    query = _PG_OBJECTS if database.engine.dialect.name == "postgresql" else _SQLITE_OBJECTS
    try:
        with database.engine.connect() as connection:
            objects = set(connection.execute(text(query)).scalars())
            stamped = set(
                connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
            )
    finally:
        database.dispose()
    return objects, stamped


def _migrate_to(target: str, revision: str) -> None:
    database = database_for(parse_target(target))
    try:
        with database.engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    finally:
        database.dispose()


@pytest.mark.parametrize("revision", _scripts()[1:])
def test_a_database_at_each_revision_upgrades_to_head(
    empty_db_target: str, db_target: str, revision: str
) -> None:
    _migrate_to(empty_db_target, revision)
    assert _shape(empty_db_target)[1] == {revision}

    open_database(empty_db_target).dispose()

    head = _scripts()[0]
    upgraded, fresh = _shape(empty_db_target), _shape(db_target)
    assert upgraded[1] == {head}
    assert upgraded[0] == fresh[0]


def test_a_stamp_from_the_branched_history_is_read_as_its_newest_revision(
    empty_db_target: str,
) -> None:
    """Before the history was made one line, a database carried one row per branch head
    (the last of them 0005); it upgrades from there like any 0005 database."""
    _migrate_to(empty_db_target, "0005")
    database = database_for(parse_target(empty_db_target))
    try:
        with database.engine.begin() as connection:
            # The branched history ended at 0005: the schema those stamps describe.
            command.downgrade(alembic_config(connection), "0005")
            connection.execute(text("DELETE FROM alembic_version"))
            for revision in ("0002", "0003", "0005"):
                connection.execute(
                    text("INSERT INTO alembic_version (version_num) VALUES (:r)"), {"r": revision}
                )
    finally:
        database.dispose()

    open_database(empty_db_target).dispose()

    assert _shape(empty_db_target)[1] == {_scripts()[0]}
