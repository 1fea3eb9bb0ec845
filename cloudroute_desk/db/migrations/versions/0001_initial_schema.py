"""Initial schema: partners, inquiries, assignments, ACE records, audit log, with the
triggers that make the database itself refuse invalid transitions and audit rewrites.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 22:35:48.741671
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_meta")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("inquiry_id", sa.BigInteger(), nullable=True),
        sa.Column("partner_id", sa.BigInteger(), nullable=True),
        sa.Column("record_id", sa.BigInteger(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_events_inquiry_id"), ["inquiry_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_events_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_record_id"), ["record_id"], unique=False)

    op.create_table(
        "inquiry_transitions",
        sa.Column("from_status", sa.String(length=16), nullable=False),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("from_status", "to_status", name=op.f("pk_inquiry_transitions")),
    )
    op.create_table(
        "partners",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("verticals", sa.JSON(), nullable=False),
        sa.Column("service_profiles", sa.JSON(), nullable=False),
        sa.Column("engagement_types", sa.JSON(), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("contact", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint("external_id", name=op.f("uq_partners_external_id")),
    )
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partners_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_partners_tier"), ["tier"], unique=False)

    op.create_table(
        "record_transitions",
        sa.Column("from_state", sa.String(length=16), nullable=False),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("from_state", "to_state", name=op.f("pk_record_transitions")),
    )
    op.create_table(
        "inquiries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("company_name", sa.String(length=200), nullable=False),
        sa.Column("website", sa.String(length=255), nullable=False),
        sa.Column("funding_stage", sa.String(length=16), nullable=False),
        sa.Column("last_round", sa.String(length=120), nullable=False),
        sa.Column("lead_investor", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("vertical", sa.String(length=32), nullable=False),
        sa.Column("service_profile", sa.String(length=32), nullable=False),
        sa.Column("engagement_type", sa.String(length=16), nullable=False),
        sa.Column("pools_wanted", sa.JSON(), nullable=False),
        sa.Column("monthly_spend_usd", sa.Integer(), nullable=False),
        sa.Column("team_size", sa.Integer(), nullable=False),
        sa.Column("current_cloud", sa.String(length=16), nullable=False),
        sa.Column("technical_contact", sa.JSON(), nullable=False),
        sa.Column("business_contact", sa.JSON(), nullable=False),
        sa.Column("arrived_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "partner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("assigned_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_inquiries_partner_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiries")),
        sa.UniqueConstraint("external_id", name=op.f("uq_inquiries_external_id")),
    )
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inquiries_arrived_at"), ["arrived_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inquiries_company_name"), ["company_name"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inquiries_engagement_type"), ["engagement_type"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inquiries_funding_stage"), ["funding_stage"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inquiries_monthly_spend_usd"), ["monthly_spend_usd"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inquiries_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inquiries_region"), ["region"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inquiries_service_profile"), ["service_profile"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inquiries_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_inquiries_vertical"), ["vertical"], unique=False)

    op.create_table(
        "ace_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column(
            "inquiry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "partner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("pool", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("amount_requested_usd", sa.Integer(), nullable=False),
        sa.Column("amount_awarded_usd", sa.Integer(), nullable=True),
        sa.Column("awarded_pool", sa.String(length=24), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("credited_at", sa.DateTime(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("days_to_credit", sa.Float(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_ace_records_inquiry_id_inquiries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_ace_records_partner_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ace_records")),
        sa.UniqueConstraint("external_id", name=op.f("uq_ace_records_external_id")),
    )
    with op.batch_alter_table("ace_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ace_records_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ace_records_days_to_credit"), ["days_to_credit"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ace_records_decided_at"), ["decided_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ace_records_inquiry_id"), ["inquiry_id"], unique=False)
        batch_op.create_index(
            "ix_ace_records_partner_decided", ["partner_id", "decided_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ace_records_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ace_records_pool"), ["pool"], unique=False)
        batch_op.create_index(batch_op.f("ix_ace_records_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ace_records_submitted_at"), ["submitted_at"], unique=False
        )

    op.create_table(
        "assignments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "inquiry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "partner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.Column("assigned_by", sa.String(length=120), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_assignments_inquiry_id_inquiries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_assignments_partner_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_inquiry_id"), ["inquiry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(
            "uq_assignments_one_active",
            ["inquiry_id"],
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )

    op.create_table(
        "inquiry_spend",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "inquiry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("monthly_usd", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_inquiry_spend_inquiry_id_inquiries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_spend")),
    )
    with op.batch_alter_table("inquiry_spend", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inquiry_spend_inquiry_id"), ["inquiry_id"], unique=False
        )

    _seed_reference_rows()
    _create_triggers()


# Frozen copies of the domain catalog at this revision; tests/test_schema.py checks the live
# catalog still matches what the latest migration leaves in these tables.
INQUIRY_TRANSITIONS = [
    ("new", "assigned"),
    ("new", "declined"),
    ("assigned", "connected"),
    ("assigned", "reroute"),
    ("assigned", "declined"),
    ("assigned", "new"),
    ("connected", "filed"),
    ("connected", "reroute"),
    ("connected", "declined"),
    ("filed", "credited"),
    ("filed", "declined"),
    ("reroute", "assigned"),
    ("reroute", "declined"),
]
RECORD_TRANSITIONS = [
    ("identified", "submitted"),
    ("submitted", "validated"),
    ("submitted", "rejected"),
    ("submitted", "identified"),
    ("validated", "approved"),
    ("validated", "downgraded"),
    ("validated", "rejected"),
    ("validated", "identified"),
    ("approved", "launched"),
    ("downgraded", "launched"),
    ("launched", "closed"),
]


def _seed_reference_rows() -> None:
    meta = sa.table("app_meta", sa.column("key", sa.String), sa.column("value", sa.String))
    op.bulk_insert(meta, [{"key": "application", "value": "cloudroute-desk"}])
    inquiry = sa.table(
        "inquiry_transitions",
        sa.column("from_status", sa.String),
        sa.column("to_status", sa.String),
    )
    op.bulk_insert(inquiry, [{"from_status": a, "to_status": b} for a, b in INQUIRY_TRANSITIONS])
    record = sa.table(
        "record_transitions", sa.column("from_state", sa.String), sa.column("to_state", sa.String)
    )
    op.bulk_insert(record, [{"from_state": a, "to_state": b} for a, b in RECORD_TRANSITIONS])


_SQLITE_TRIGGERS = [
    """CREATE TRIGGER trg_inquiries_status BEFORE UPDATE OF status ON inquiries
    WHEN NEW.status <> OLD.status AND NOT EXISTS (
        SELECT 1 FROM inquiry_transitions WHERE from_status = OLD.status AND to_status = NEW.status)
    BEGIN SELECT RAISE(ABORT, 'invalid inquiry transition'); END""",
    """CREATE TRIGGER trg_ace_records_state BEFORE UPDATE OF state ON ace_records
    WHEN NEW.state <> OLD.state AND NOT EXISTS (
        SELECT 1 FROM record_transitions WHERE from_state = OLD.state AND to_state = NEW.state)
    BEGIN SELECT RAISE(ABORT, 'invalid record transition'); END""",
    """CREATE TRIGGER trg_audit_events_no_update BEFORE UPDATE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
    """CREATE TRIGGER trg_audit_events_no_delete BEFORE DELETE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
]

_POSTGRES_TRIGGERS = [
    """CREATE FUNCTION crd_check_inquiry_transition() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.status <> OLD.status AND NOT EXISTS (
            SELECT 1 FROM inquiry_transitions
            WHERE from_status = OLD.status AND to_status = NEW.status) THEN
            RAISE EXCEPTION 'invalid inquiry transition % -> %', OLD.status, NEW.status
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER trg_inquiries_status BEFORE UPDATE OF status ON inquiries
    FOR EACH ROW EXECUTE FUNCTION crd_check_inquiry_transition()""",
    """CREATE FUNCTION crd_check_record_transition() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.state <> OLD.state AND NOT EXISTS (
            SELECT 1 FROM record_transitions
            WHERE from_state = OLD.state AND to_state = NEW.state) THEN
            RAISE EXCEPTION 'invalid record transition % -> %', OLD.state, NEW.state
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER trg_ace_records_state BEFORE UPDATE OF state ON ace_records
    FOR EACH ROW EXECUTE FUNCTION crd_check_record_transition()""",
    """CREATE FUNCTION crd_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE TRIGGER trg_audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION crd_audit_append_only()""",
    """CREATE TRIGGER trg_audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION crd_audit_append_only()""",
]


def _create_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_TRIGGERS if dialect == "sqlite" else _POSTGRES_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for function in (
            "crd_check_inquiry_transition",
            "crd_check_record_transition",
            "crd_audit_append_only",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")
    with op.batch_alter_table("inquiry_spend", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inquiry_spend_inquiry_id"))

    op.drop_table("inquiry_spend")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_assignments_one_active",
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )
        batch_op.drop_index(batch_op.f("ix_assignments_partner_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_inquiry_id"))

    op.drop_table("assignments")
    with op.batch_alter_table("ace_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ace_records_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_ace_records_state"))
        batch_op.drop_index(batch_op.f("ix_ace_records_pool"))
        batch_op.drop_index(batch_op.f("ix_ace_records_partner_id"))
        batch_op.drop_index("ix_ace_records_partner_decided")
        batch_op.drop_index(batch_op.f("ix_ace_records_inquiry_id"))
        batch_op.drop_index(batch_op.f("ix_ace_records_decided_at"))
        batch_op.drop_index(batch_op.f("ix_ace_records_days_to_credit"))
        batch_op.drop_index(batch_op.f("ix_ace_records_created_at"))

    op.drop_table("ace_records")
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inquiries_vertical"))
        batch_op.drop_index(batch_op.f("ix_inquiries_status"))
        batch_op.drop_index(batch_op.f("ix_inquiries_service_profile"))
        batch_op.drop_index(batch_op.f("ix_inquiries_region"))
        batch_op.drop_index(batch_op.f("ix_inquiries_partner_id"))
        batch_op.drop_index(batch_op.f("ix_inquiries_monthly_spend_usd"))
        batch_op.drop_index(batch_op.f("ix_inquiries_funding_stage"))
        batch_op.drop_index(batch_op.f("ix_inquiries_engagement_type"))
        batch_op.drop_index(batch_op.f("ix_inquiries_company_name"))
        batch_op.drop_index(batch_op.f("ix_inquiries_arrived_at"))

    op.drop_table("inquiries")
    op.drop_table("record_transitions")
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_tier"))
        batch_op.drop_index(batch_op.f("ix_partners_name"))

    op.drop_table("partners")
    op.drop_table("inquiry_transitions")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_record_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_kind"))
        batch_op.drop_index(batch_op.f("ix_audit_events_inquiry_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))

    op.drop_table("audit_events")
    op.drop_table("app_meta")
