"""Queue paging indexes and full-text search over inquiries.

Keyset paging sorts by (column, id). SQLite appends the rowid (our id) to every index entry,
so its existing one-column indexes already are (column, id); PostgreSQL gets explicit
composites. Both get the partner sort key (unassigned rows as 0, because a NULL in a row-value
comparison would drop rows from keyset pages) and (status, arrived_at) for SLA counts.

Search: SQLite keeps an FTS5 table whose external content is a view over inquiries (company,
website, contact names and e-mails from the JSON contact columns), kept in sync by triggers.
PostgreSQL keeps a generated tsvector column with a GIN index. Both index the text split on
anything that is not a letter or digit, so a query means the same on either backend.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SORT_COLUMNS = (
    "arrived_at",
    "company_name",
    "funding_stage",
    "region",
    "vertical",
    "service_profile",
    "engagement_type",
    "monthly_spend_usd",
    "status",
)

_CONTACT_SQLITE = " || ' ' || ".join(
    f"coalesce(json_extract({{p}}.{column}, '$.{key}'), '')"
    for column in ("technical_contact", "business_contact")
    for key in ("name", "email")
)


def _sqlite_values(prefix: str) -> str:
    return f"{prefix}.id, {prefix}.company_name, {prefix}.website, " + _CONTACT_SQLITE.format(
        p=prefix
    )


_SQLITE = [
    "CREATE INDEX ix_inquiries_partner_key ON inquiries (coalesce(partner_id, 0))",
    "CREATE INDEX ix_inquiries_status_arrived ON inquiries (status, arrived_at)",
    "CREATE VIEW inquiry_search_source AS SELECT "
    + _sqlite_values("inquiries").replace("inquiries.id,", "inquiries.id AS id,")
    + " AS contacts FROM inquiries",
    "CREATE VIRTUAL TABLE inquiry_fts USING fts5("
    "company_name, website, contacts, content='inquiry_search_source', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER inquiry_fts_after_insert AFTER INSERT ON inquiries BEGIN "
    "INSERT INTO inquiry_fts (rowid, company_name, website, contacts) "
    f"VALUES ({_sqlite_values('new')}); END",
    "CREATE TRIGGER inquiry_fts_after_delete AFTER DELETE ON inquiries BEGIN "
    "INSERT INTO inquiry_fts (inquiry_fts, rowid, company_name, website, contacts) "
    f"VALUES ('delete', {_sqlite_values('old')}); END",
    "CREATE TRIGGER inquiry_fts_after_update AFTER UPDATE OF "
    "company_name, website, technical_contact, business_contact ON inquiries BEGIN "
    "INSERT INTO inquiry_fts (inquiry_fts, rowid, company_name, website, contacts) "
    f"VALUES ('delete', {_sqlite_values('old')}); "
    "INSERT INTO inquiry_fts (rowid, company_name, website, contacts) "
    f"VALUES ({_sqlite_values('new')}); END",
    "INSERT INTO inquiry_fts (inquiry_fts) VALUES ('rebuild')",
]

_PG_SEARCH_TEXT = " || ' ' || ".join(
    [
        "coalesce(company_name, '')",
        "coalesce(website, '')",
        *(
            f"coalesce({column} ->> '{key}', '')"
            for column in ("technical_contact", "business_contact")
            for key in ("name", "email")
        ),
    ]
)

_POSTGRES = [
    *(
        f"CREATE INDEX ix_inquiries_{column}_id ON inquiries ({column}, id)"
        for column in SORT_COLUMNS
    ),
    "CREATE INDEX ix_inquiries_partner_key ON inquiries ((coalesce(partner_id, 0)), id)",
    "CREATE INDEX ix_inquiries_status_arrived ON inquiries (status, arrived_at, id)",
    "ALTER TABLE inquiries ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "to_tsvector('simple'::regconfig, regexp_replace(lower("
    + _PG_SEARCH_TEXT
    + "), '[^[:alnum:]]+', ' ', 'g'))) STORED",
    "CREATE INDEX ix_inquiries_search_vector ON inquiries USING gin (search_vector)",
]


def upgrade() -> None:
    for statement in _SQLITE if op.get_bind().dialect.name == "sqlite" else _POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in (
            "DROP TRIGGER IF EXISTS inquiry_fts_after_update",
            "DROP TRIGGER IF EXISTS inquiry_fts_after_delete",
            "DROP TRIGGER IF EXISTS inquiry_fts_after_insert",
            "DROP TABLE IF EXISTS inquiry_fts",
            "DROP VIEW IF EXISTS inquiry_search_source",
            "DROP INDEX IF EXISTS ix_inquiries_status_arrived",
            "DROP INDEX IF EXISTS ix_inquiries_partner_key",
        ):
            op.execute(statement)
        return
    op.execute("DROP INDEX IF EXISTS ix_inquiries_search_vector")
    op.execute("ALTER TABLE inquiries DROP COLUMN IF EXISTS search_vector")
    for name in ("status_arrived", "partner_key", *(f"{c}_id" for c in SORT_COLUMNS)):
        op.execute(f"DROP INDEX IF EXISTS ix_inquiries_{name}")
