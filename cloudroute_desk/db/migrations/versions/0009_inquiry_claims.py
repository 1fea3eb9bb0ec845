"""Claims: "bob is on this" — at most one admin's soft claim per inquiry, with when it began
and when its holder last showed signs of life (server times). Claims are written to the
change feed like any change (entity ``claim``, id = the inquiry), so the others see them.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_SQLITE_ACTOR = "coalesce((SELECT {column} FROM change_actor WHERE id = 1), '')"
_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"

# A renewal only moves ``seen_at``: not news (the others see a lapse by the time itself).
_SQLITE_EVENTS = {
    "INSERT": "INSERT",
    "UPDATE": "UPDATE OF admin, origin, since",
    "DELETE": "DELETE",
}

_POSTGRES_FUNCTION = """CREATE FUNCTION crd_feed_claim() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO change_feed (entity, entity_id, kind, admin, origin, at) VALUES (
        'claim',
        CASE WHEN TG_OP = 'DELETE' THEN OLD.inquiry_id ELSE NEW.inquiry_id END,
        lower(TG_OP),
        coalesce(nullif(current_setting('cloudroute.admin', true), ''), session_user),
        coalesce(current_setting('cloudroute.origin', true), ''),
        timezone('UTC', clock_timestamp()));
    PERFORM pg_notify('cloudroute_changes', coalesce(current_setting('cloudroute.origin', true), ''));
    RETURN NULL;
END $$"""


def upgrade() -> None:
    op.create_table(
        "inquiry_claims",
        sa.Column(
            "inquiry_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.ForeignKey("inquiries.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("admin", sa.String(120), nullable=False),
        sa.Column("origin", sa.String(40), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_inquiry_claims_origin", "inquiry_claims", ["origin"])
    if op.get_bind().dialect.name == "sqlite":
        for operation, event in _SQLITE_EVENTS.items():
            row = "OLD" if operation == "DELETE" else "NEW"
            op.execute(
                f"""CREATE TRIGGER trg_inquiry_claims_feed_{operation.lower()}
                AFTER {event} ON inquiry_claims BEGIN
                INSERT INTO change_feed (entity, entity_id, kind, admin, origin, at)
                VALUES ('claim', {row}.inquiry_id, '{operation.lower()}',
                    {_SQLITE_ACTOR.format(column="admin")},
                    {_SQLITE_ACTOR.format(column="origin")}, {_SQLITE_NOW});
                END"""
            )
    else:
        op.execute(_POSTGRES_FUNCTION)
        op.execute(
            """CREATE TRIGGER trg_inquiry_claims_feed
            AFTER INSERT OR DELETE OR UPDATE OF admin, origin, since
            ON inquiry_claims FOR EACH ROW EXECUTE FUNCTION crd_feed_claim()"""
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for operation in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_inquiry_claims_feed_{operation}")
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_inquiry_claims_feed ON inquiry_claims")
        op.execute("DROP FUNCTION IF EXISTS crd_feed_claim()")
    op.drop_index("ix_inquiry_claims_origin", "inquiry_claims")
    op.drop_table("inquiry_claims")
