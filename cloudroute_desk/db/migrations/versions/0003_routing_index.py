"""Routing index: per partner and axis value ACE counts, kept current by triggers.

Triggers on ``ace_records`` (insert, delete, and updates of the columns the index reads) and
on ``inquiries`` (updates of the routing axes) append the affected partners to
``routing_index_dirty``; the ranking service refreshes exactly those partners' rows before it
reads. So every writer (editor, importer, demo generator, another admin's app) keeps the
index correct without knowing it exists. Also an index on active assignments per partner for
the capacity gate.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_RECORD_COLUMNS = (
    "partner_id, inquiry_id, pool, state, awarded_pool, amount_awarded_usd, decided_at, "
    "days_to_credit"
)
_INQUIRY_AXES = "funding_stage, region, vertical, service_profile, engagement_type"

_SQLITE_TRIGGERS = [
    """CREATE TRIGGER trg_routing_record_insert AFTER INSERT ON ace_records
    BEGIN INSERT OR IGNORE INTO routing_index_dirty (partner_id) VALUES (NEW.partner_id); END""",
    f"""CREATE TRIGGER trg_routing_record_update AFTER UPDATE OF {_RECORD_COLUMNS} ON ace_records
    BEGIN
        INSERT OR IGNORE INTO routing_index_dirty (partner_id) VALUES (NEW.partner_id);
        INSERT OR IGNORE INTO routing_index_dirty (partner_id) VALUES (OLD.partner_id);
    END""",
    """CREATE TRIGGER trg_routing_record_delete AFTER DELETE ON ace_records
    BEGIN INSERT OR IGNORE INTO routing_index_dirty (partner_id) VALUES (OLD.partner_id); END""",
    f"""CREATE TRIGGER trg_routing_inquiry_axes AFTER UPDATE OF {_INQUIRY_AXES} ON inquiries
    BEGIN
        INSERT OR IGNORE INTO routing_index_dirty (partner_id)
        SELECT DISTINCT partner_id FROM ace_records WHERE inquiry_id = NEW.id;
    END""",
]

_POSTGRES_TRIGGERS = [
    """CREATE FUNCTION crd_routing_record_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO routing_index_dirty (partner_id) VALUES (NEW.partner_id)
            ON CONFLICT DO NOTHING;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            INSERT INTO routing_index_dirty (partner_id) VALUES (OLD.partner_id)
            ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER trg_routing_record_insert AFTER INSERT OR DELETE ON ace_records
    FOR EACH ROW EXECUTE FUNCTION crd_routing_record_dirty()""",
    f"""CREATE TRIGGER trg_routing_record_update AFTER UPDATE OF {_RECORD_COLUMNS} ON ace_records
    FOR EACH ROW EXECUTE FUNCTION crd_routing_record_dirty()""",
    """CREATE FUNCTION crd_routing_inquiry_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO routing_index_dirty (partner_id)
        SELECT DISTINCT partner_id FROM ace_records WHERE inquiry_id = NEW.id
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER trg_routing_inquiry_axes AFTER UPDATE OF {_INQUIRY_AXES} ON inquiries
    FOR EACH ROW EXECUTE FUNCTION crd_routing_inquiry_dirty()""",
]


def upgrade() -> None:
    op.create_table(
        "routing_index",
        sa.Column("partner_id", Id, nullable=False),
        sa.Column("axis", sa.String(length=24), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("decided", sa.Integer(), nullable=False),
        sa.Column("approved", sa.Float(), nullable=False),
        sa.Column("approvals", sa.Integer(), nullable=False),
        sa.Column("downgraded", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("award_sum", sa.BigInteger(), nullable=False),
        sa.Column("award_n", sa.Integer(), nullable=False),
        sa.Column("median_days", sa.Float(), nullable=True),
        sa.Column("days_n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_routing_index_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partner_id", "axis", "value", name=op.f("pk_routing_index")),
    )
    op.create_index("ix_routing_index_axis_value", "routing_index", ["axis", "value"])
    op.create_table(
        "routing_index_dirty",
        sa.Column("partner_id", Id, nullable=False),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_routing_index_dirty")),
    )
    op.create_table(
        "routing_index_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("window_end", sa.DateTime(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_index_state")),
    )
    op.create_index(
        "ix_assignments_partner_active",
        "assignments",
        ["partner_id"],
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_TRIGGERS if dialect == "sqlite" else _POSTGRES_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_routing_inquiry_axes ON inquiries")
        op.execute("DROP FUNCTION IF EXISTS crd_routing_record_dirty() CASCADE")
        op.execute("DROP FUNCTION IF EXISTS crd_routing_inquiry_dirty() CASCADE")
    else:
        for name in (
            "trg_routing_record_insert",
            "trg_routing_record_update",
            "trg_routing_record_delete",
            "trg_routing_inquiry_axes",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_assignments_partner_active", table_name="assignments")
    op.drop_table("routing_index_state")
    op.drop_table("routing_index_dirty")
    op.drop_index("ix_routing_index_axis_value", table_name="routing_index")
    op.drop_table("routing_index")
