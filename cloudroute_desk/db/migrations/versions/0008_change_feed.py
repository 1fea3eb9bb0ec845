"""The change feed: one row per changed inquiry, ACE record or partner, written by triggers so
every writer is seen (the app, the importer, a script, another version of the app).

Each row carries what the app's ``Changes`` needs, so a change read from the feed is the same
value the writing use-case returned: ``kinds`` (``ChangeKind`` values, comma-separated), the
inquiry it concerns, and the partners whose load moved (``partner_id``, ``old_partner_id``).
``seq`` only grows (PostgreSQL identity; SQLite AUTOINCREMENT never reuses a number, even after
pruning). ``admin`` and ``origin`` say who wrote: the app signs each write transaction
(PostgreSQL: transaction-local settings ``cloudroute.admin`` / ``cloudroute.origin``; SQLite:
the one-row ``change_actor`` table, filled and emptied inside the transaction, which is exact
because SQLite has one writer at a time). A writer that does not sign is recorded as its
database user (PostgreSQL) or as ''. ``at`` is the server's clock when the row was written.
PostgreSQL also sends NOTIFY cloudroute_changes with the writer's origin (one per transaction),
so an app instance can ignore its own commits.
The PostgreSQL trigger function is SECURITY DEFINER: the admins' role needs only SELECT and
DELETE (pruning) on ``change_feed``.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

DECIDED = "('approved', 'launched', 'closed', 'rejected', 'downgraded')"
FIGURES = ("pool", "amount_requested_usd", "amount_awarded_usd", "awarded_pool")

_SQLITE_ACTOR = "coalesce((SELECT {column} FROM change_actor WHERE id = 1), '')"
_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"


def _figures_moved(old: str, new: str, sqlite: bool) -> str:
    differs = "IS NOT" if sqlite else "IS DISTINCT FROM"
    return " OR ".join(f"{old}.{c} {differs} {new}.{c}" for c in FIGURES)


# (table, operation) -> (entity, entity id, kinds, inquiry id, partner id, old partner id)
def _sqlite_rows() -> dict[tuple[str, str], tuple[str, ...]]:
    figures = _figures_moved("OLD", "NEW", sqlite=True)
    return {
        ("inquiries", "INSERT"): (
            "'inquiry'",
            "NEW.id",
            "'inquiries_added' || CASE WHEN NEW.partner_id IS NULL THEN '' ELSE ',assignments' END",
            "NEW.id",
            "NEW.partner_id",
            "NULL",
        ),
        ("inquiries", "UPDATE"): (
            "'inquiry'",
            "NEW.id",
            "'inquiry_status' || CASE WHEN OLD.partner_id IS NEW.partner_id THEN '' "
            "ELSE ',assignments' END",
            "NEW.id",
            "CASE WHEN OLD.partner_id IS NEW.partner_id THEN NULL ELSE NEW.partner_id END",
            "CASE WHEN OLD.partner_id IS NEW.partner_id THEN NULL ELSE OLD.partner_id END",
        ),
        ("inquiries", "DELETE"): (
            "'inquiry'",
            "OLD.id",
            "'inquiry_status,assignments'",
            "OLD.id",
            "NULL",
            "OLD.partner_id",
        ),
        ("ace_records", "INSERT"): (
            "'record'",
            "NEW.id",
            "'records_added'",
            "NEW.inquiry_id",
            "NULL",
            "NULL",
        ),
        ("ace_records", "UPDATE"): (
            "'record'",
            "NEW.id",
            "CASE WHEN OLD.state IS NOT NEW.state THEN 'record_states' ELSE 'record_fields' END"
            f" || CASE WHEN {figures} THEN ',record_figures' ELSE '' END",
            "NEW.inquiry_id",
            f"CASE WHEN OLD.state IS NOT NEW.state AND (OLD.state IN {DECIDED} "
            f"OR NEW.state IN {DECIDED}) THEN NEW.partner_id END",
            "NULL",
        ),
        ("ace_records", "DELETE"): (
            "'record'",
            "OLD.id",
            "'record_states,record_figures'",
            "OLD.inquiry_id",
            "OLD.partner_id",
            "NULL",
        ),
        ("partners", "INSERT"): ("'partner'", "NEW.id", "'partners'", "NULL", "NEW.id", "NULL"),
        ("partners", "UPDATE"): ("'partner'", "NEW.id", "'partners'", "NULL", "NEW.id", "NULL"),
        ("partners", "DELETE"): ("'partner'", "OLD.id", "'partners'", "NULL", "OLD.id", "NULL"),
    }


_POSTGRES_FUNCTION = f"""CREATE FUNCTION crd_feed_change() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    row_id bigint;
    kinds text;
    inquiry bigint;
    partner bigint;
    old_partner bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN row_id := OLD.id; ELSE row_id := NEW.id; END IF;
    IF TG_TABLE_NAME = 'inquiries' THEN
        inquiry := row_id;
        IF TG_OP = 'INSERT' THEN
            kinds := 'inquiries_added';
            IF NEW.partner_id IS NOT NULL THEN
                kinds := kinds || ',assignments';
                partner := NEW.partner_id;
            END IF;
        ELSIF TG_OP = 'UPDATE' THEN
            kinds := 'inquiry_status';
            IF OLD.partner_id IS DISTINCT FROM NEW.partner_id THEN
                kinds := kinds || ',assignments';
                partner := NEW.partner_id;
                old_partner := OLD.partner_id;
            END IF;
        ELSE
            kinds := 'inquiry_status,assignments';
            old_partner := OLD.partner_id;
        END IF;
    ELSIF TG_TABLE_NAME = 'ace_records' THEN
        IF TG_OP = 'INSERT' THEN
            kinds := 'records_added';
            inquiry := NEW.inquiry_id;
        ELSIF TG_OP = 'UPDATE' THEN
            inquiry := NEW.inquiry_id;
            IF OLD.state IS DISTINCT FROM NEW.state THEN
                kinds := 'record_states';
                IF OLD.state IN {DECIDED} OR NEW.state IN {DECIDED} THEN
                    partner := NEW.partner_id;
                END IF;
            ELSE
                kinds := 'record_fields';
            END IF;
            IF {_figures_moved("OLD", "NEW", sqlite=False)} THEN
                kinds := kinds || ',record_figures';
            END IF;
        ELSE
            kinds := 'record_states,record_figures';
            inquiry := OLD.inquiry_id;
            partner := OLD.partner_id;
        END IF;
    ELSE
        kinds := 'partners';
        partner := row_id;
    END IF;
    INSERT INTO change_feed
        (entity, entity_id, kind, kinds, inquiry_id, partner_id, old_partner_id,
         admin, origin, at)
    VALUES (
        TG_ARGV[0], row_id, lower(TG_OP), kinds, inquiry, partner, old_partner,
        coalesce(nullif(current_setting('cloudroute.admin', true), ''), session_user),
        coalesce(current_setting('cloudroute.origin', true), ''),
        timezone('UTC', clock_timestamp()));
    PERFORM pg_notify('cloudroute_changes', coalesce(current_setting('cloudroute.origin', true), ''));
    RETURN NULL;
END $$"""

WATCHED = {"inquiries": "inquiry", "ace_records": "record", "partners": "partner"}


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "change_feed",
        sa.Column("seq", Id, primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("kinds", sa.String(120), nullable=False, server_default=""),
        sa.Column("inquiry_id", sa.BigInteger(), nullable=True),
        sa.Column("partner_id", sa.BigInteger(), nullable=True),
        sa.Column("old_partner_id", sa.BigInteger(), nullable=True),
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
        for (table, operation), values in _sqlite_rows().items():
            entity, row_id, kinds, inquiry, partner, old_partner = values
            op.execute(
                f"""CREATE TRIGGER trg_{table}_feed_{operation.lower()}
                AFTER {operation} ON {table} BEGIN
                INSERT INTO change_feed (entity, entity_id, kind, kinds, inquiry_id,
                    partner_id, old_partner_id, admin, origin, at)
                VALUES ({entity}, {row_id}, '{operation.lower()}', {kinds}, {inquiry},
                    {partner}, {old_partner}, {_SQLITE_ACTOR.format(column="admin")},
                    {_SQLITE_ACTOR.format(column="origin")}, {_SQLITE_NOW});
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
