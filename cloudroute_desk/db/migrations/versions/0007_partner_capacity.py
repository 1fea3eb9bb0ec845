"""Partner capacity enforced by the database: an inquiry may start holding one of a partner's
open slots (assigned, connected, filed) only while the partner has a free one.

A trigger on ``inquiries`` checks every UPDATE that gives an inquiry an open slot, whoever
writes it. PostgreSQL takes the partner row lock (``FOR NO KEY UPDATE``, which does not
conflict with foreign-key checks) before counting, so concurrent assigners of one partner
count one after another; READ COMMITTED gives each statement of the trigger a fresh snapshot,
so the second one counts the first one's committed slot. SQLite serialises writers, so the
count is always current. INSERTs are not checked: only imports of history insert inquiries
that already hold a partner.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_OPEN = "('assigned', 'connected', 'filed')"

_SQLITE = f"""CREATE TRIGGER trg_inquiries_capacity BEFORE UPDATE OF partner_id, status ON inquiries
WHEN NEW.partner_id IS NOT NULL AND NEW.status IN {_OPEN}
    AND (OLD.partner_id IS NOT NEW.partner_id OR OLD.status NOT IN {_OPEN})
BEGIN
    SELECT RAISE(ABORT, 'partner_at_capacity')
    WHERE (SELECT count(*) FROM inquiries
           WHERE partner_id = NEW.partner_id AND status IN {_OPEN} AND id <> NEW.id)
        >= (SELECT capacity FROM partners WHERE id = NEW.partner_id);
END"""

_POSTGRES = [
    f"""CREATE FUNCTION crd_check_partner_capacity() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        slots integer;
        partner_name text;
        held integer;
    BEGIN
        IF NEW.partner_id IS NULL OR NEW.status NOT IN {_OPEN}
           OR (OLD.partner_id IS NOT DISTINCT FROM NEW.partner_id AND OLD.status IN {_OPEN}) THEN
            RETURN NEW;
        END IF;
        SELECT capacity, name INTO slots, partner_name
            FROM partners WHERE id = NEW.partner_id FOR NO KEY UPDATE;
        SELECT count(*) INTO held FROM inquiries
            WHERE partner_id = NEW.partner_id AND status IN {_OPEN} AND id <> NEW.id;
        IF held >= slots THEN
            RAISE EXCEPTION 'partner_at_capacity: % is at capacity (%/%)', partner_name, held, slots
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER trg_inquiries_capacity BEFORE UPDATE OF partner_id, status ON inquiries
    FOR EACH ROW EXECUTE FUNCTION crd_check_partner_capacity()""",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_SQLITE)
    else:
        for statement in _POSTGRES:
            op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS trg_inquiries_capacity" + _on_table())
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS crd_check_partner_capacity()")


def _on_table() -> str:
    return " ON inquiries" if op.get_bind().dialect.name == "postgresql" else ""
