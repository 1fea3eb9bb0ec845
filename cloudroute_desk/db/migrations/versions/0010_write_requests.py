"""Write requests: every write the app makes carries a request id, stored in the write's own
transaction, so a write whose acknowledgement was lost is looked up instead of guessed at,
and a replay of the same id can never apply twice (the primary key refuses it).

Each row says who asked (``admin``), what it was (``action``, the use-case's name), the
server's time, and what the write changed (``changes``: the ``Changes`` kinds and ids, so a
looked-up write fans out exactly like a write that answered) plus a small ``result`` (e.g. a
saved record's new version). ``part_of`` names the request a batch item belongs to.

Admins may only insert and read rows (``db setup-roles``): nobody rewrites what was done.
Old rows go through ``crd_prune_write_requests()`` (PostgreSQL, SECURITY DEFINER, with its
own cut-off so no caller can empty the table) or a plain DELETE (SQLite).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

RETENTION_DAYS = 7
"""Keep in step with ``db.write_request_queries.RETENTION``."""

_POSTGRES_PRUNE = f"""CREATE FUNCTION crd_prune_write_requests() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    gone integer;
BEGIN
    DELETE FROM write_requests
        WHERE at < timezone('UTC', now()) - interval '{RETENTION_DAYS} days';
    GET DIAGNOSTICS gone = ROW_COUNT;
    RETURN gone;
END $$"""


def upgrade() -> None:
    op.create_table(
        "write_requests",
        sa.Column("request_id", sa.String(80), nullable=False),
        sa.Column("part_of", sa.String(64), nullable=True),
        sa.Column("admin", sa.String(120), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("request_id", name="pk_write_requests"),
    )
    op.create_index("ix_write_requests_part_of", "write_requests", ["part_of"])
    op.create_index("ix_write_requests_at", "write_requests", ["at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES_PRUNE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS crd_prune_write_requests()")
    op.drop_index("ix_write_requests_at", "write_requests")
    op.drop_index("ix_write_requests_part_of", "write_requests")
    op.drop_table("write_requests")
