"""Partner Central sync cursors: per catalog (and per endpoint, so a local emulator and the
real service never share one), the newest Partner Central ``LastModifiedDate`` up to which
every opportunity has been applied, so an interrupted or later sync resumes from there.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_central_sync_cursors",
        sa.Column("catalog", sa.String(16), primary_key=True),
        sa.Column("endpoint", sa.String(300), primary_key=True),
        sa.Column("modified_through", sa.DateTime(), nullable=True),
        sa.Column("run_state", sa.String(16), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("opportunities", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("partner_central_sync_cursors")
