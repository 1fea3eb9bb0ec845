"""Partner Central outcomes: each record's Partner Central opportunity id and the time of the
newest snapshot applied to it, and every review status Partner Central reported
(``record_reviews``), for the import, the sync, the review-latency chart and the freshness
line of the partner pane.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild on SQLite, so the record triggers stay).
    op.add_column("ace_records", sa.Column("pc_opportunity_id", sa.String(20), nullable=True))
    op.add_column("ace_records", sa.Column("pc_last_modified", sa.DateTime(), nullable=True))
    op.create_index(
        "uq_ace_records_pc_opportunity_id", "ace_records", ["pc_opportunity_id"], unique=True
    )
    op.create_table(
        "record_reviews",
        sa.Column("id", _ID, primary_key=True),
        sa.Column(
            "record_id",
            _ID,
            sa.ForeignKey("ace_records.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("partner_id", sa.BigInteger(), nullable=False),
        sa.Column("pool", sa.String(24), nullable=False),
        sa.Column("review_status", sa.String(24), nullable=True),
        sa.Column("stage", sa.String(32), nullable=True),
        sa.Column("closed_lost_reason", sa.String(64), nullable=True),
        sa.Column("review_status_reason", sa.String(255), nullable=True),
        sa.Column("review_comments", sa.Text(), nullable=True),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
    )
    op.create_index(
        "uq_record_reviews_record_id_modified_at",
        "record_reviews",
        ["record_id", "modified_at"],
        unique=True,
    )
    op.create_index(
        "ix_record_reviews_partner_id_recorded_at",
        "record_reviews",
        ["partner_id", "recorded_at"],
    )
    op.create_index(
        "ix_record_reviews_partner_id_record_id_modified_at",
        "record_reviews",
        ["partner_id", "record_id", "modified_at"],
    )


def downgrade() -> None:
    op.drop_table("record_reviews")
    op.drop_index("uq_ace_records_pc_opportunity_id", table_name="ace_records")
    op.drop_column("ace_records", "pc_last_modified")
    op.drop_column("ace_records", "pc_opportunity_id")
