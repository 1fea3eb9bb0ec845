"""Customer keys: who "the customer" is, stored so the router and the record rules can find a
customer's inquiries and records with an indexed lookup (see domain/customer.py).

- ``inquiries.customer_name_key``: the normalised company name;
- ``inquiries.customer_domain_key``: the website's registrable domain ("" when none);
- ``ace_records.aws_account_id``: the record's 12-digit AWS account id ("" for a placeholder).

Existing rows are filled in by the same domain functions the app writes them with.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from cloudroute_desk.domain.customer import (
    aws_account_key,
    normalised_company_name,
    registrable_domain,
)

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BATCH = 5_000


def _backfill_inquiries(bind: sa.Connection) -> None:
    inquiries = sa.table(
        "inquiries",
        sa.column("id", sa.Integer),
        sa.column("company_name", sa.String),
        sa.column("website", sa.String),
        sa.column("customer_name_key", sa.String),
        sa.column("customer_domain_key", sa.String),
    )
    update = (
        sa.update(inquiries)
        .where(inquiries.c.id == sa.bindparam("row_id"))
        .values(
            customer_name_key=sa.bindparam("name_key"),
            customer_domain_key=sa.bindparam("domain_key"),
        )
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(inquiries.c.id, inquiries.c.company_name, inquiries.c.website)
            .where(inquiries.c.id > last)
            .order_by(inquiries.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        bind.execute(
            update,
            [
                {
                    "row_id": r.id,
                    "name_key": normalised_company_name(r.company_name),
                    "domain_key": registrable_domain(r.website),
                }
                for r in rows
            ],
        )
        last = rows[-1].id


def _account_id(fields: Any) -> str:
    customer = fields.get("customer") if isinstance(fields, dict) else None
    value = customer.get("aws_account_id") if isinstance(customer, dict) else None
    return aws_account_key(value if isinstance(value, str) else None)


def _backfill_records(bind: sa.Connection) -> None:
    records = sa.table(
        "ace_records",
        sa.column("id", sa.Integer),
        sa.column("fields", sa.JSON),
        sa.column("aws_account_id", sa.String),
    )
    update = (
        sa.update(records)
        .where(records.c.id == sa.bindparam("row_id"))
        .values(aws_account_id=sa.bindparam("account"))
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(records.c.id, records.c.fields)
            .where(records.c.id > last)
            .order_by(records.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        changed = [{"row_id": r.id, "account": _account_id(r.fields)} for r in rows]
        changed = [c for c in changed if c["account"]]
        if changed:
            bind.execute(update, changed)
        last = rows[-1].id


def upgrade() -> None:
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("customer_name_key", sa.String(200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("customer_domain_key", sa.String(255), nullable=False, server_default="")
        )
    with op.batch_alter_table("ace_records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("aws_account_id", sa.String(12), nullable=False, server_default="")
        )
    bind = op.get_bind()
    _backfill_inquiries(bind)
    _backfill_records(bind)
    op.create_index("ix_inquiries_customer_name_key", "inquiries", ["customer_name_key"])
    op.create_index("ix_inquiries_customer_domain_key", "inquiries", ["customer_domain_key"])
    op.create_index("ix_ace_records_aws_account_id", "ace_records", ["aws_account_id"])


def downgrade() -> None:
    op.drop_index("ix_ace_records_aws_account_id", table_name="ace_records")
    op.drop_index("ix_inquiries_customer_domain_key", table_name="inquiries")
    op.drop_index("ix_inquiries_customer_name_key", table_name="inquiries")
    with op.batch_alter_table("ace_records", schema=None) as batch_op:
        batch_op.drop_column("aws_account_id")
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.drop_column("customer_domain_key")
        batch_op.drop_column("customer_name_key")
