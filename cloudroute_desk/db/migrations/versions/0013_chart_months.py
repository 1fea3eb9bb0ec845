"""Monthly chart aggregates, kept by triggers on the chart projections, and the indexes that
serve a date filter's partial months and the region / vertical filters (db/chart_tables.py).

Unfiltered, every chart walked a million projection rows (close rate 0.4 s of CPU at 1.4 M
records). ``chart_record_months``, ``chart_days_months`` and ``chart_routing_months`` hold the
same counts per month of arrival and chart key. Triggers on ``chart_record_facts`` and
``chart_inquiry_facts`` append +1 / -1 rows per change (no shared counter row, so writers
never wait on each other); readers sum per key.

On SQLite the projections' own triggers wrote with ``INSERT OR REPLACE``, whose implicit
delete fires no delete trigger: they are rewritten as upserts here, so an update reaches the
aggregates as an UPDATE with its old and new values. The backfill is one ``INSERT ... SELECT
... GROUP BY`` per aggregate, streamed inside the database.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_PROJECTION_INDEXES: list[tuple[str, str, list[str], str | None]] = [
    (
        "ix_crf_month_pipeline",
        "chart_record_facts",
        [
            "arrive_month",
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
        "ix_crf_days_month",
        "chart_record_facts",
        [
            "arrive_month",
            "pool",
            "submit_month",
            "days_bin",
            "region",
            "vertical",
            "arrived_at",
            "partner_id",
        ],
        "days_bin IS NOT NULL",
    ),
    (
        "ix_crf_days_region",
        "chart_record_facts",
        ["region", "pool", "submit_month", "days_bin", "vertical", "arrived_at", "partner_id"],
        "days_bin IS NOT NULL",
    ),
    (
        "ix_crf_days_partner",
        "chart_record_facts",
        ["partner_id", "pool", "submit_month", "days_bin", "region", "vertical", "arrived_at"],
        "days_bin IS NOT NULL",
    ),
    (
        "ix_crf_days_vertical",
        "chart_record_facts",
        ["vertical", "pool", "submit_month", "days_bin", "region", "arrived_at", "partner_id"],
        "days_bin IS NOT NULL",
    ),
    (
        "ix_crf_days_rank",
        "chart_record_facts",
        [
            "pool",
            "days_bin",
            "days_to_credit",
            "arrived_at",
            "region",
            "vertical",
            "partner_id",
        ],
        "days_bin IS NOT NULL",
    ),
    (
        "ix_cif_region",
        "chart_inquiry_facts",
        ["region", "arrive_month", "hours_bin", "vertical", "arrived_at", "partner_id"],
        None,
    ),
    (
        "ix_cif_vertical",
        "chart_inquiry_facts",
        ["vertical", "arrive_month", "hours_bin", "region", "arrived_at", "partner_id"],
        None,
    ),
]
_AGGREGATE_INDEXES: list[tuple[str, str, list[str]]] = [
    (
        "ix_crm_pipeline",
        "chart_record_months",
        [
            "state",
            "pool",
            "region",
            "vertical",
            "arrive_month",
            "records",
            "requested_usd",
            "awarded_usd",
        ],
    ),
    (
        "ix_crm_cohort",
        "chart_record_months",
        ["arrive_month", "state", "awarded_pool", "pool", "region", "vertical", "records"],
    ),
    (
        "ix_cdm_days",
        "chart_days_months",
        ["pool", "submit_month", "days_bin", "arrive_month", "records"],
    ),
    ("ix_cdr_routing", "chart_routing_months", ["arrive_month", "hours_bin", "inquiries"]),
]

# --- the aggregates: columns, backfill, triggers --------------------------------------------

_RECORD_KEYS = ("arrive_month", "region", "vertical", "pool", "state", "awarded_pool")
_RECORD_SUMS = ("requested_usd", "awarded_usd")
_DAYS_KEYS = ("arrive_month", "pool", "submit_month", "days_bin")
_ROUTING_KEYS = ("arrive_month", "hours_bin")

_RECORD_MONTH_COLUMNS = ", ".join((*_RECORD_KEYS, "records", *_RECORD_SUMS))
_DAYS_MONTH_COLUMNS = ", ".join((*_DAYS_KEYS, "records"))
_ROUTING_MONTH_COLUMNS = ", ".join((*_ROUTING_KEYS, "inquiries"))


def _backfill_statements() -> list[str]:
    record_keys = ", ".join(_RECORD_KEYS)
    days_keys = ", ".join(_DAYS_KEYS)
    routing_keys = ", ".join(_ROUTING_KEYS)
    return [
        f"INSERT INTO chart_record_months ({_RECORD_MONTH_COLUMNS})"
        f" SELECT {record_keys}, count(*), sum(requested_usd), sum(awarded_usd)"
        f" FROM chart_record_facts GROUP BY {record_keys}",
        f"INSERT INTO chart_days_months ({_DAYS_MONTH_COLUMNS})"
        f" SELECT {days_keys}, count(*) FROM chart_record_facts"
        f" WHERE days_bin IS NOT NULL GROUP BY {days_keys}",
        f"INSERT INTO chart_routing_months ({_ROUTING_MONTH_COLUMNS})"
        f" SELECT {routing_keys}, count(*) FROM chart_inquiry_facts GROUP BY {routing_keys}",
    ]


def _record_values(row: str, sign: str) -> str:
    keys = ", ".join(f"{row}.{k}" for k in _RECORD_KEYS)
    sums = ", ".join(f"{sign}{row}.{k}" for k in _RECORD_SUMS)
    return f"{keys}, {sign}1, {sums}"


def _days_values(row: str, sign: str) -> str:
    return ", ".join(f"{row}.{k}" for k in _DAYS_KEYS) + f", {sign}1"


def _routing_values(row: str, sign: str) -> str:
    return ", ".join(f"{row}.{k}" for k in _ROUTING_KEYS) + f", {sign}1"


def _differs(columns: tuple[str, ...], inequality: str) -> str:
    return " OR ".join(f"OLD.{c} {inequality} NEW.{c}" for c in columns)


_RECORD_WATCHED = (*_RECORD_KEYS, *_RECORD_SUMS)


def _sqlite_aggregate_triggers() -> list[str]:
    record_moved = _differs(_RECORD_WATCHED, "IS NOT")
    days_moved = _differs(_DAYS_KEYS, "IS NOT")
    routing_moved = _differs(_ROUTING_KEYS, "IS NOT")

    def add_record(row: str, sign: str, when: str = "1") -> str:
        return (
            f"INSERT INTO chart_record_months ({_RECORD_MONTH_COLUMNS})"
            f" SELECT {_record_values(row, sign)} WHERE {when};"
            f" INSERT INTO chart_days_months ({_DAYS_MONTH_COLUMNS})"
            f" SELECT {_days_values(row, sign)} WHERE {row}.days_bin IS NOT NULL"
            f" AND ({'1' if when == '1' else days_moved});"
        )

    def add_inquiry(row: str, sign: str, when: str) -> str:
        return (
            f"INSERT INTO chart_routing_months ({_ROUTING_MONTH_COLUMNS})"
            f" SELECT {_routing_values(row, sign)} WHERE {when};"
        )

    return [
        "CREATE TRIGGER trg_crf_months_insert AFTER INSERT ON chart_record_facts"
        f" BEGIN {add_record('NEW', '')} END",
        "CREATE TRIGGER trg_crf_months_delete AFTER DELETE ON chart_record_facts"
        f" BEGIN {add_record('OLD', '-')} END",
        "CREATE TRIGGER trg_crf_months_update AFTER UPDATE ON chart_record_facts BEGIN"
        f" {add_record('OLD', '-', record_moved)} {add_record('NEW', '', record_moved)} END",
        "CREATE TRIGGER trg_cif_months_insert AFTER INSERT ON chart_inquiry_facts"
        f" BEGIN {add_inquiry('NEW', '', '1')} END",
        "CREATE TRIGGER trg_cif_months_delete AFTER DELETE ON chart_inquiry_facts"
        f" BEGIN {add_inquiry('OLD', '-', '1')} END",
        "CREATE TRIGGER trg_cif_months_update AFTER UPDATE ON chart_inquiry_facts BEGIN"
        f" {add_inquiry('OLD', '-', routing_moved)} {add_inquiry('NEW', '', routing_moved)} END",
    ]


def _postgres_aggregate_triggers() -> list[str]:
    def row_of(columns: tuple[str, ...], row: str) -> str:
        return "(" + ", ".join(f"{row}.{c}" for c in columns) + ")"

    return [
        f"""CREATE FUNCTION crd_chart_record_months() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            record_moved boolean := TG_OP <> 'UPDATE';
            days_moved boolean := TG_OP <> 'UPDATE';
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                record_moved := {row_of(_RECORD_WATCHED, "OLD")}
                    IS DISTINCT FROM {row_of(_RECORD_WATCHED, "NEW")};
                days_moved := {row_of(_DAYS_KEYS, "OLD")}
                    IS DISTINCT FROM {row_of(_DAYS_KEYS, "NEW")};
            END IF;
            IF TG_OP <> 'INSERT' THEN
                IF record_moved THEN
                    INSERT INTO chart_record_months ({_RECORD_MONTH_COLUMNS})
                    VALUES ({_record_values("OLD", "-")});
                END IF;
                IF days_moved AND OLD.days_bin IS NOT NULL THEN
                    INSERT INTO chart_days_months ({_DAYS_MONTH_COLUMNS})
                    VALUES ({_days_values("OLD", "-")});
                END IF;
            END IF;
            IF TG_OP <> 'DELETE' THEN
                IF record_moved THEN
                    INSERT INTO chart_record_months ({_RECORD_MONTH_COLUMNS})
                    VALUES ({_record_values("NEW", "")});
                END IF;
                IF days_moved AND NEW.days_bin IS NOT NULL THEN
                    INSERT INTO chart_days_months ({_DAYS_MONTH_COLUMNS})
                    VALUES ({_days_values("NEW", "")});
                END IF;
            END IF;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER trg_crf_months AFTER INSERT OR UPDATE OR DELETE ON chart_record_facts"
        " FOR EACH ROW EXECUTE FUNCTION crd_chart_record_months()",
        f"""CREATE FUNCTION crd_chart_routing_months() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            moved boolean := TG_OP <> 'UPDATE';
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                moved := {row_of(_ROUTING_KEYS, "OLD")}
                    IS DISTINCT FROM {row_of(_ROUTING_KEYS, "NEW")};
            END IF;
            IF moved AND TG_OP <> 'INSERT' THEN
                INSERT INTO chart_routing_months ({_ROUTING_MONTH_COLUMNS})
                VALUES ({_routing_values("OLD", "-")});
            END IF;
            IF moved AND TG_OP <> 'DELETE' THEN
                INSERT INTO chart_routing_months ({_ROUTING_MONTH_COLUMNS})
                VALUES ({_routing_values("NEW", "")});
            END IF;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER trg_cif_months AFTER INSERT OR UPDATE OR DELETE ON chart_inquiry_facts"
        " FOR EACH ROW EXECUTE FUNCTION crd_chart_routing_months()",
    ]


# --- SQLite: the projections' triggers as upserts (0005 wrote INSERT OR REPLACE) -------------
# A migration is history: this is 0005's SQL, kept here as it was, with only the way it writes
# changed.

_RECORD_COLUMNS = (
    "record_id, inquiry_id, partner_id, pool, awarded_pool, state, region, vertical, arrived_at,"
    " requested_usd, awarded_usd, submit_month, arrive_month, days_to_credit, days_bin"
)
_INQUIRY_COLUMNS = (
    "inquiry_id, partner_id, region, vertical, arrived_at, arrive_month, hours_to_assign, hours_bin"
)
_RECORD_COLUMNS_WATCHED = (
    "inquiry_id, partner_id, pool, awarded_pool, state, amount_requested_usd,"
    " amount_awarded_usd, submitted_at, decided_at, days_to_credit"
)
_INQUIRY_COLUMNS_WATCHED = "partner_id, region, vertical, arrived_at, assigned_at"
_MONTH = "strftime('%Y-%m', {})"
_SECONDS = "(CAST(strftime('%s', {a}) AS INTEGER) - CAST(strftime('%s', {b}) AS INTEGER))"


def _sqlite_record_fact() -> str:
    return (
        "NEW.id, NEW.inquiry_id, NEW.partner_id, NEW.pool, NEW.awarded_pool, NEW.state,"
        " i.region, i.vertical, i.arrived_at, NEW.amount_requested_usd,"
        f" COALESCE(NEW.amount_awarded_usd, 0), {_MONTH.format('NEW.submitted_at')},"
        f" {_MONTH.format('i.arrived_at')}, NEW.days_to_credit,"
        " CAST(NEW.days_to_credit * 10 + 1e-9 AS INTEGER)"
    )


def _sqlite_inquiry_fact() -> str:
    elapsed = _SECONDS.format(a="NEW.assigned_at", b="NEW.arrived_at")
    return (
        "NEW.id, NEW.partner_id, NEW.region, NEW.vertical, NEW.arrived_at,"
        f" {_MONTH.format('NEW.arrived_at')}, {elapsed} / 3600.0,"
        f" CASE WHEN {elapsed} IS NULL THEN NULL WHEN {elapsed} > 0"
        f" THEN ({elapsed} - 1) / 360 ELSE 0 END"
    )


def _updates(columns: str) -> str:
    names = [c.strip() for c in columns.split(",")[1:]]
    return ", ".join(f"{name} = excluded.{name}" for name in names)


def _sqlite_projection_triggers(upsert: bool) -> list[str]:
    if upsert:
        record = (
            f"INSERT INTO chart_record_facts ({_RECORD_COLUMNS}) SELECT {_sqlite_record_fact()}"
            " FROM inquiries i WHERE i.id = NEW.inquiry_id"
            f" ON CONFLICT (record_id) DO UPDATE SET {_updates(_RECORD_COLUMNS)};"
        )
        inquiry = (
            f"INSERT INTO chart_inquiry_facts ({_INQUIRY_COLUMNS}) SELECT {_sqlite_inquiry_fact()}"
            f" WHERE 1 ON CONFLICT (inquiry_id) DO UPDATE SET {_updates(_INQUIRY_COLUMNS)};"
        )
    else:
        record = (
            f"INSERT OR REPLACE INTO chart_record_facts ({_RECORD_COLUMNS})"
            f" SELECT {_sqlite_record_fact()} FROM inquiries i WHERE i.id = NEW.inquiry_id;"
        )
        inquiry = (
            f"INSERT OR REPLACE INTO chart_inquiry_facts ({_INQUIRY_COLUMNS})"
            f" SELECT {_sqlite_inquiry_fact()};"
        )
    return [
        f"CREATE TRIGGER trg_crf_insert AFTER INSERT ON ace_records BEGIN {record} END",
        f"CREATE TRIGGER trg_crf_update AFTER UPDATE OF {_RECORD_COLUMNS_WATCHED} ON ace_records"
        f" BEGIN {record} END",
        f"CREATE TRIGGER trg_cif_insert AFTER INSERT ON inquiries BEGIN {inquiry} END",
        f"CREATE TRIGGER trg_cif_update AFTER UPDATE OF {_INQUIRY_COLUMNS_WATCHED} ON inquiries"
        f" BEGIN {inquiry}"
        " UPDATE chart_record_facts SET region = NEW.region, vertical = NEW.vertical,"
        " arrived_at = NEW.arrived_at, arrive_month = strftime('%Y-%m', NEW.arrived_at)"
        " WHERE inquiry_id = NEW.id"
        " AND (region <> NEW.region OR vertical <> NEW.vertical OR arrived_at <> NEW.arrived_at);"
        " END",
    ]


_SQLITE_PROJECTION_TRIGGERS = (
    "trg_crf_insert",
    "trg_crf_update",
    "trg_cif_insert",
    "trg_cif_update",
)
_SQLITE_AGGREGATE_TRIGGERS = (
    "trg_crf_months_insert",
    "trg_crf_months_delete",
    "trg_crf_months_update",
    "trg_cif_months_insert",
    "trg_cif_months_delete",
    "trg_cif_months_update",
)


def _create_tables() -> None:
    op.create_table(
        "chart_record_months",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("arrive_month", sa.String(length=7), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("vertical", sa.String(length=32), nullable=False),
        sa.Column("pool", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("awarded_pool", sa.String(length=24), nullable=True),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("requested_usd", sa.BigInteger(), nullable=False),
        sa.Column("awarded_usd", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "chart_days_months",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("arrive_month", sa.String(length=7), nullable=False),
        sa.Column("pool", sa.String(length=24), nullable=False),
        sa.Column("submit_month", sa.String(length=7), nullable=True),
        sa.Column("days_bin", sa.Integer(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
    )
    op.create_table(
        "chart_routing_months",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("arrive_month", sa.String(length=7), nullable=False),
        sa.Column("hours_bin", sa.Integer(), nullable=True),
        sa.Column("inquiries", sa.Integer(), nullable=False),
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _create_tables()
    for statement in _backfill_statements():
        op.execute(statement)
    for name, table, columns in _AGGREGATE_INDEXES:
        op.create_index(name, table, columns)
    for name, table, columns, where in _PROJECTION_INDEXES:
        condition = sa.text(where) if where else None
        op.create_index(name, table, columns, sqlite_where=condition, postgresql_where=condition)
    # ix_crf_days_rank starts with its columns and also carries the filters.
    op.drop_index("ix_crf_days_exact", table_name="chart_record_facts")
    if dialect == "sqlite":
        for trigger in _SQLITE_PROJECTION_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        statements = _sqlite_projection_triggers(upsert=True) + _sqlite_aggregate_triggers()
    else:
        statements = _postgres_aggregate_triggers()
    for statement in statements:
        op.execute(statement)
    # Fresh planner statistics for the new tables and indexes (SQLite has none until
    # ANALYZE; without them it guesses and may walk the wrong index).
    op.execute("ANALYZE chart_record_months")
    op.execute("ANALYZE chart_days_months")
    op.execute("ANALYZE chart_routing_months")
    op.execute("ANALYZE chart_record_facts")
    op.execute("ANALYZE chart_inquiry_facts")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for function in ("crd_chart_record_months", "crd_chart_routing_months"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")
    else:
        for trigger in (*_SQLITE_AGGREGATE_TRIGGERS, *_SQLITE_PROJECTION_TRIGGERS):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in _sqlite_projection_triggers(upsert=False):
            op.execute(statement)
    for name, table, _columns, _where in _PROJECTION_INDEXES:
        op.drop_index(name, table_name=table)
    condition = sa.text("days_bin IS NOT NULL")
    op.create_index(
        "ix_crf_days_exact",
        "chart_record_facts",
        ["pool", "days_bin", "days_to_credit"],
        sqlite_where=condition,
        postgresql_where=condition,
    )
    for name, table, _columns in _AGGREGATE_INDEXES:
        op.drop_index(name, table_name=table)
    for table in ("chart_routing_months", "chart_days_months", "chart_record_months"):
        op.drop_table(table)
