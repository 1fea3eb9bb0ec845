"""The database objects that enforce the invariants, and the check that they are intact.

On PostgreSQL a role with enough rights could drop or disable them (and before
``setup-roles`` the app's own credentials could), so opening a server database checks they
exist and are enabled before anything is read, and refuses with one sentence if not.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

POSTGRES_TRIGGERS: dict[str, str] = {
    "trg_inquiries_status": "inquiries",
    "trg_ace_records_state": "ace_records",
    "trg_audit_events_no_change": "audit_events",
    "trg_audit_events_no_truncate": "audit_events",
    "trg_routing_record_insert": "ace_records",
    "trg_routing_record_update": "ace_records",
    "trg_routing_inquiry_axes": "inquiries",
}
"""Trigger name -> its table: valid transitions, append-only audit, routing index marks."""

UNIQUE_INDEXES: dict[str, str] = {
    "uq_assignments_one_active": "assignments",
    "pk_write_requests": "write_requests",
}
"""One active partner per inquiry; one application of each write request."""


def broken_invariants(connection: Connection) -> list[str]:
    """What is missing or disabled, in words (empty when everything is intact)."""
    found = {
        name: (table, enabled)
        for name, table, enabled in connection.execute(
            text(
                "SELECT t.tgname, c.relname, t.tgenabled <> 'D' FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
        )
    }
    problems = []
    for name, table in POSTGRES_TRIGGERS.items():
        if name not in found or found[name][0] != table:
            problems.append(f"trigger {name} on {table} is missing")
        elif not found[name][1]:
            problems.append(f"trigger {name} on {table} is disabled")
    indexes = {
        name: (table, unique and valid)
        for name, table, unique, valid in connection.execute(
            text(
                "SELECT i.relname, t.relname, x.indisunique, x.indisvalid FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
            )
        )
    }
    for name, table in UNIQUE_INDEXES.items():
        if name not in indexes or indexes[name][0] != table:
            problems.append(f"unique index {name} on {table} is missing")
        elif not indexes[name][1]:
            problems.append(f"unique index {name} on {table} is not a valid unique index")
    return problems
