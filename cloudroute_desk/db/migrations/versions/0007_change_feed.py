"""The change feed: one row per changed inquiry, ACE record or partner, written by triggers so
every writer is seen (the app, the importer, a script, another version of the app).

``seq`` only grows (PostgreSQL identity; SQLite AUTOINCREMENT never reuses a number, even
after pruning). ``admin`` and ``origin`` say who wrote: the app signs each write transaction
(PostgreSQL: transaction-local settings ``cloudroute.admin`` / ``cloudroute.origin``; SQLite:
the one-row ``change_actor`` table, filled and emptied inside the transaction, which is exact
because SQLite has one writer at a time). A writer that does not sign is recorded as its
database user (PostgreSQL) or as ''. ``at`` is the server's clock when the row was written.
PostgreSQL also sends NOTIFY cloudroute_changes (an empty payload, so one per transaction).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

WATCHED = {"inquiries": "inquiry", "ace_records": "record", "partners": "partner"}

_SQLITE_ACTOR = "(SELECT {column} FROM change_actor WHERE id = 1)"
_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"

# SECURITY DEFINER: the admins' role needs only SELECT (and DELETE, to prune) on the feed;
# rows in it can come from the triggers alone. ``session_user`` still names the writer.
_POSTGRES_FUNCTION = """CREATE FUNCTION crd_feed_change() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO change_feed (entity, entity_id, kind, admin, origin, at) VALUES (
        TG_ARGV[0],
        CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
        lower(TG_OP),
        coalesce(nullif(current_setting('cloudroute.admin', true), ''), session_user),
        coalesce(current_setting('cloudroute.origin', true), ''),
        timezone('UTC', clock_timestamp()));
    PERFORM pg_notify('cloudroute_changes', '');
    RETURN NULL;
END $$"""


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "change_feed",
        sa.Column("seq", Id, primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("admin", sa.String(120), nullable=False, server_default=""),
        sa.Column("origin", sa.String(40), nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_change_feed_at", "change_feed", ["at"])
    if sqlite:
        op.create_table(
            "change_actor",
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("admin", sa.String(120), nullable=False),
            sa.Column("origin", sa.String(40), nullable=False),
        )
        for table, entity in WATCHED.items():
            for operation in ("INSERT", "UPDATE", "DELETE"):
                row = "OLD" if operation == "DELETE" else "NEW"
                op.execute(
                    f"""CREATE TRIGGER trg_{table}_feed_{operation.lower()}
                    AFTER {operation} ON {table} BEGIN
                    INSERT INTO change_feed (entity, entity_id, kind, admin, origin, at)
                    VALUES ('{entity}', {row}.id, '{operation.lower()}',
                        coalesce({_SQLITE_ACTOR.format(column="admin")}, ''),
                        coalesce({_SQLITE_ACTOR.format(column="origin")}, ''),
                        {_SQLITE_NOW});
                    END"""
                )
    else:
        op.execute(_POSTGRES_FUNCTION)
        for table, entity in WATCHED.items():
            op.execute(
                f"""CREATE TRIGGER trg_{table}_feed AFTER INSERT OR UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION crd_feed_change('{entity}')"""
            )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in WATCHED:
        if sqlite:
            for operation in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_feed_{operation}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_feed ON {table}")
    if sqlite:
        op.drop_table("change_actor")
    else:
        op.execute("DROP FUNCTION IF EXISTS crd_feed_change()")
    op.drop_index("ix_change_feed_at", "change_feed")
    op.drop_table("change_feed")
