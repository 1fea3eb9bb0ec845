"""Least privilege on a PostgreSQL server: an owner, the admins' role, a reviewer role.

``setup_roles`` (``cloudroute-desk db setup-roles``, run by the database owner or a
superuser, again after every schema upgrade; idempotent):

- ``cloudroute_owner`` (no login) owns the schema's tables, sequences and functions, so only
  it (and its members) can alter, drop or disable a table, trigger or index;
- ``cloudroute_admin`` (no login; grant it to each admin's login role) reads and writes rows
  but owns nothing; on ``audit_events`` it may only read and insert, so the append-only rule
  holds by privilege as well as by trigger, and a server-side trigger stamps every audit row
  with the server's clock so none can be back-dated; ``write_requests`` is read and insert
  only too, so no admin can rewrite which writes were applied;
- ``cloudroute_reviewer`` (no login) reads and ranks. Ranking works without writes: the
  routing index is read as of its last refresh (services.routing). Its columns are not
  narrowed: the app's queries read whole rows, so hiding contact columns would break them.

The user running it becomes a member of the owner role, so it can upgrade the schema later.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

OWNER = "cloudroute_owner"
ADMIN = "cloudroute_admin"
REVIEWER = "cloudroute_reviewer"

APPEND_ONLY = ("audit_events", "write_requests")
"""Admins insert and read; nobody rewrites what was done (old write requests go through the
owner's ``crd_prune_write_requests``)."""
READ_ONLY_FOR_ADMINS = (
    "alembic_version",
    "app_meta",
    "inquiry_transitions",
    "record_transitions",
)
"""The schema's own bookkeeping and the transition tables the triggers check against."""

_STAMP_FUNCTION = f"""
CREATE OR REPLACE FUNCTION crd_audit_server_time() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The server's clock, never the laptop's: an audit row cannot be back-dated.
    NEW.at := now() AT TIME ZONE 'UTC';
    RETURN NEW;
END $$;
ALTER FUNCTION crd_audit_server_time() OWNER TO {OWNER};
DROP TRIGGER IF EXISTS trg_audit_events_server_time ON audit_events;
CREATE TRIGGER trg_audit_events_server_time BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION crd_audit_server_time();
"""


@dataclass(frozen=True)
class RolesReport:
    tables: int
    functions: int


def setup_roles(connection: Connection) -> RolesReport:
    """Create or update the three roles and hand the schema to the owner (one transaction)."""
    for role in (OWNER, ADMIN, REVIEWER):
        exists = connection.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
        ).scalar()
        if not exists:
            connection.execute(text(f"CREATE ROLE {role} NOLOGIN"))
    me = connection.execute(text("SELECT current_user")).scalar_one()
    connection.execute(text(f'GRANT {OWNER} TO "{me}"'))
    tables = list(
        connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ).scalars()
    )
    sequences = list(
        connection.execute(
            text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
        ).scalars()
    )
    functions = list(
        connection.execute(
            text(
                "SELECT p.oid::regprocedure::text FROM pg_proc p"
                " JOIN pg_namespace n ON n.oid = p.pronamespace"
                " WHERE n.nspname = 'public' AND p.proname LIKE 'crd\\_%'"
            )
        ).scalars()
    )
    connection.execute(text(f"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {ADMIN}, {REVIEWER}"))
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {ADMIN}, {REVIEWER}"))
    for table in tables:
        quoted = f'public."{table}"'
        connection.execute(text(f"ALTER TABLE {quoted} OWNER TO {OWNER}"))
        connection.execute(text(f"REVOKE ALL ON {quoted} FROM PUBLIC, {ADMIN}, {REVIEWER}"))
        connection.execute(text(f"GRANT SELECT ON {quoted} TO {ADMIN}, {REVIEWER}"))
        if table in APPEND_ONLY:
            connection.execute(text(f"GRANT INSERT ON {quoted} TO {ADMIN}"))
        elif table not in READ_ONLY_FOR_ADMINS:
            connection.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {quoted} TO {ADMIN}"))
    for sequence in sequences:
        quoted = f'public."{sequence}"'
        connection.execute(text(f"ALTER SEQUENCE {quoted} OWNER TO {OWNER}"))
        connection.execute(text(f"GRANT USAGE, SELECT, UPDATE ON SEQUENCE {quoted} TO {ADMIN}"))
    for function in functions:
        connection.execute(text(f"ALTER FUNCTION {function} OWNER TO {OWNER}"))
    connection.exec_driver_sql(_STAMP_FUNCTION)
    return RolesReport(len(tables), len(functions))
