"""Chart projections and their indexes: chart_record_facts and chart_inquiry_facts, kept in
step with ace_records and inquiries by triggers on both backends (see db/chart_tables.py).

Revision ID: 0005
Revises: 0003 (the history was made one line before any release; there is no 0004)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_RECORD_INDEXES: list[tuple[str, list[str], str | None]] = [
    (
        "ix_crf_pipeline",
        [
            "state",
            "pool",
            "region",
            "vertical",
            "arrived_at",
            "partner_id",
            "requested_usd",
            "awarded_usd",
        ],
        None,
    ),
    (
        "ix_crf_days",
        ["pool", "submit_month", "days_bin", "region", "vertical", "arrived_at", "partner_id"],
        "days_bin IS NOT NULL",
    ),
    ("ix_crf_days_exact", ["pool", "days_bin", "days_to_credit"], "days_bin IS NOT NULL"),
    (
        "ix_crf_cohort",
        [
            "arrive_month",
            "state",
            "awarded_pool",
            "pool",
            "region",
            "vertical",
            "arrived_at",
            "partner_id",
        ],
        None,
    ),
    ("ix_crf_partner", ["partner_id", "arrive_month", "state"], None),
    ("ix_chart_record_facts_inquiry_id", ["inquiry_id"], None),
]
_INQUIRY_INDEXES: list[tuple[str, list[str], str | None]] = [
    (
        "ix_cif_routing",
        [
            "arrive_month",
            "hours_bin",
            "region",
            "vertical",
            "arrived_at",
            "partner_id",
            "hours_to_assign",
        ],
        None,
    ),
    ("ix_cif_partner", ["partner_id", "arrive_month"], None),
]

_RECORD_COLUMNS = (
    "record_id, inquiry_id, partner_id, pool, awarded_pool, state, region, vertical, arrived_at,"
    " requested_usd, awarded_usd, submit_month, arrive_month, days_to_credit, days_bin"
)
_INQUIRY_COLUMNS = (
    "inquiry_id, partner_id, region, vertical, arrived_at, arrive_month, hours_to_assign, hours_bin"
)


def _record_values(r: str, month: str, days_bin: str) -> str:
    """The SELECT list projecting record ``r`` joined to inquiry ``i``."""
    return (
        f"{r}.id, {r}.inquiry_id, {r}.partner_id, {r}.pool, {r}.awarded_pool, {r}.state,"
        f" i.region, i.vertical, i.arrived_at, {r}.amount_requested_usd,"
        f" COALESCE({r}.amount_awarded_usd, 0), {month.format(f'{r}.submitted_at')},"
        f" {month.format('i.arrived_at')}, {r}.days_to_credit,"
        f" {days_bin.format(f'{r}.days_to_credit')}"
    )


def _inquiry_values(i: str, month: str, seconds: str) -> str:
    elapsed = seconds.format(a=f"{i}.assigned_at", b=f"{i}.arrived_at")
    # Hour bins are 6-minute steps closed on the right, (k/10, (k+1)/10] hours, so that bins
    # below 240 are exactly "assigned within 24 h" (the SLA includes its last second).
    return (
        f"{i}.id, {i}.partner_id, {i}.region, {i}.vertical, {i}.arrived_at,"
        f" {month.format(f'{i}.arrived_at')}, {elapsed} / 3600.0,"
        f" CASE WHEN {elapsed} IS NULL THEN NULL WHEN {elapsed} > 0"
        f" THEN ({elapsed} - 1) / 360 ELSE 0 END"
    )


# Bins: floor(x * 10); the epsilon keeps exact tenths (14.3 days) out of the bin below.
_SQLITE = {
    "month": "strftime('%Y-%m', {})",
    "days_bin": "CAST({} * 10 + 1e-9 AS INTEGER)",
    # Whole seconds as integers: julianday() differences carry float noise, enough to drop
    # an exact 10 h into the wrong bin.
    "seconds": "(CAST(strftime('%s', {a}) AS INTEGER) - CAST(strftime('%s', {b}) AS INTEGER))",
}
_POSTGRES = {
    "month": "to_char({}, 'YYYY-MM')",
    "days_bin": "floor({} * 10 + 1e-9)::integer",
    "seconds": "CAST(EXTRACT(EPOCH FROM ({a} - {b})) AS BIGINT)",
}

_RECORD_COLUMNS_WATCHED = (
    "inquiry_id, partner_id, pool, awarded_pool, state, amount_requested_usd,"
    " amount_awarded_usd, submitted_at, decided_at, days_to_credit"
)
_INQUIRY_COLUMNS_WATCHED = "partner_id, region, vertical, arrived_at, assigned_at"


def _sqlite_statements() -> list[str]:
    s = _SQLITE
    record = _record_values("NEW", s["month"], s["days_bin"])
    inquiry = _inquiry_values("NEW", s["month"], s["seconds"])
    upsert_record = (
        f"INSERT OR REPLACE INTO chart_record_facts ({_RECORD_COLUMNS})"
        f" SELECT {record} FROM inquiries i WHERE i.id = NEW.inquiry_id;"
    )
    upsert_inquiry = (
        f"INSERT OR REPLACE INTO chart_inquiry_facts ({_INQUIRY_COLUMNS}) SELECT {inquiry};"
    )
    return [
        f"CREATE TRIGGER trg_crf_insert AFTER INSERT ON ace_records BEGIN {upsert_record} END",
        f"CREATE TRIGGER trg_crf_update AFTER UPDATE OF {_RECORD_COLUMNS_WATCHED} ON ace_records"
        f" BEGIN {upsert_record} END",
        f"CREATE TRIGGER trg_cif_insert AFTER INSERT ON inquiries BEGIN {upsert_inquiry} END",
        f"CREATE TRIGGER trg_cif_update AFTER UPDATE OF {_INQUIRY_COLUMNS_WATCHED} ON inquiries"
        f" BEGIN {upsert_inquiry}"
        " UPDATE chart_record_facts SET region = NEW.region, vertical = NEW.vertical,"
        " arrived_at = NEW.arrived_at, arrive_month = strftime('%Y-%m', NEW.arrived_at)"
        " WHERE inquiry_id = NEW.id"
        " AND (region <> NEW.region OR vertical <> NEW.vertical OR arrived_at <> NEW.arrived_at);"
        " END",
    ]


def _postgres_statements() -> list[str]:
    s = _POSTGRES
    record = _record_values("NEW", s["month"], s["days_bin"])
    inquiry = _inquiry_values("NEW", s["month"], s["seconds"])
    record_updates = ", ".join(
        f"{c.strip()} = EXCLUDED.{c.strip()}" for c in _RECORD_COLUMNS.split(",")[1:]
    )
    inquiry_updates = ", ".join(
        f"{c.strip()} = EXCLUDED.{c.strip()}" for c in _INQUIRY_COLUMNS.split(",")[1:]
    )
    return [
        f"""CREATE FUNCTION crd_chart_record_fact() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO chart_record_facts ({_RECORD_COLUMNS})
            SELECT {record} FROM inquiries i WHERE i.id = NEW.inquiry_id
            ON CONFLICT (record_id) DO UPDATE SET {record_updates};
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER trg_crf_insert AFTER INSERT ON ace_records"
        " FOR EACH ROW EXECUTE FUNCTION crd_chart_record_fact()",
        f"CREATE TRIGGER trg_crf_update AFTER UPDATE OF {_RECORD_COLUMNS_WATCHED} ON ace_records"
        " FOR EACH ROW EXECUTE FUNCTION crd_chart_record_fact()",
        f"""CREATE FUNCTION crd_chart_inquiry_fact() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO chart_inquiry_facts ({_INQUIRY_COLUMNS}) SELECT {inquiry}
            ON CONFLICT (inquiry_id) DO UPDATE SET {inquiry_updates};
            IF TG_OP = 'UPDATE' AND (NEW.region IS DISTINCT FROM OLD.region
                OR NEW.vertical IS DISTINCT FROM OLD.vertical
                OR NEW.arrived_at IS DISTINCT FROM OLD.arrived_at) THEN
                UPDATE chart_record_facts SET region = NEW.region, vertical = NEW.vertical,
                    arrived_at = NEW.arrived_at, arrive_month = to_char(NEW.arrived_at, 'YYYY-MM')
                    WHERE inquiry_id = NEW.id;
            END IF;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER trg_cif_insert AFTER INSERT ON inquiries"
        " FOR EACH ROW EXECUTE FUNCTION crd_chart_inquiry_fact()",
        f"CREATE TRIGGER trg_cif_update AFTER UPDATE OF {_INQUIRY_COLUMNS_WATCHED} ON inquiries"
        " FOR EACH ROW EXECUTE FUNCTION crd_chart_inquiry_fact()",
    ]


def _backfill(dialect: str) -> None:
    s = _SQLITE if dialect == "sqlite" else _POSTGRES
    op.execute(
        f"INSERT INTO chart_inquiry_facts ({_INQUIRY_COLUMNS})"
        f" SELECT {_inquiry_values('q', s['month'], s['seconds'])} FROM inquiries q"
    )
    op.execute(
        f"INSERT INTO chart_record_facts ({_RECORD_COLUMNS})"
        f" SELECT {_record_values('r', s['month'], s['days_bin'])}"
        " FROM ace_records r JOIN inquiries i ON i.id = r.inquiry_id"
    )


def upgrade() -> None:
    op.create_table(
        "chart_record_facts",
        sa.Column("record_id", Id, nullable=False),
        sa.Column("inquiry_id", Id, nullable=False),
        sa.Column("partner_id", Id, nullable=False),
        sa.Column("pool", sa.String(length=24), nullable=False),
        sa.Column("awarded_pool", sa.String(length=24), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("vertical", sa.String(length=32), nullable=False),
        sa.Column("arrived_at", sa.DateTime(), nullable=False),
        sa.Column("requested_usd", sa.Integer(), nullable=False),
        sa.Column("awarded_usd", sa.Integer(), nullable=False),
        sa.Column("submit_month", sa.String(length=7), nullable=True),
        sa.Column("arrive_month", sa.String(length=7), nullable=False),
        sa.Column("days_to_credit", sa.Float(), nullable=True),
        sa.Column("days_bin", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["ace_records.id"],
            name=op.f("fk_chart_record_facts_record_id_ace_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_chart_record_facts")),
    )
    op.create_table(
        "chart_inquiry_facts",
        sa.Column("inquiry_id", Id, nullable=False),
        sa.Column("partner_id", Id, nullable=True),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("vertical", sa.String(length=32), nullable=False),
        sa.Column("arrived_at", sa.DateTime(), nullable=False),
        sa.Column("arrive_month", sa.String(length=7), nullable=False),
        sa.Column("hours_to_assign", sa.Float(), nullable=True),
        sa.Column("hours_bin", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_chart_inquiry_facts_inquiry_id_inquiries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("inquiry_id", name=op.f("pk_chart_inquiry_facts")),
    )
    dialect = op.get_bind().dialect.name
    _backfill(dialect)
    for table, indexes in (
        ("chart_record_facts", _RECORD_INDEXES),
        ("chart_inquiry_facts", _INQUIRY_INDEXES),
    ):
        for name, columns, where in indexes:
            condition = sa.text(where) if where else None
            op.create_index(
                name, table, columns, sqlite_where=condition, postgresql_where=condition
            )
    for statement in _sqlite_statements() if dialect == "sqlite" else _postgres_statements():
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for function in ("crd_chart_record_fact", "crd_chart_inquiry_fact"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")
    else:
        for trigger in ("trg_crf_insert", "trg_crf_update", "trg_cif_insert", "trg_cif_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table, indexes in (
        ("chart_record_facts", _RECORD_INDEXES),
        ("chart_inquiry_facts", _INQUIRY_INDEXES),
    ):
        for name, _columns, _where in indexes:
            op.drop_index(name, table_name=table)
    op.drop_table("chart_inquiry_facts")
    op.drop_table("chart_record_facts")
