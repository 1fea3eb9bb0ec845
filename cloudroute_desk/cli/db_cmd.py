"""``cloudroute-desk db setup-roles``: least privilege on a PostgreSQL server (db.roles)."""

from __future__ import annotations

import argparse

from sqlalchemy.exc import DBAPIError

from cloudroute_desk.cli.command_error import CommandError, open_or_fail
from cloudroute_desk.db.roles import ADMIN, OWNER, REVIEWER, setup_roles

NAME = "db"
HELP = "Database administration: set up the owner, admins' and reviewer roles on a server."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    roles = actions.add_parser(
        "setup-roles",
        help="run once as the database owner (and again after an upgrade)",
        description=(
            f"Make {OWNER} own the schema and its safeguards, give {ADMIN} row access "
            f"(audit rows append-only) and {REVIEWER} read access. Grant the roles to logins "
            f"with GRANT {ADMIN} TO alice; GRANT {REVIEWER} TO bob."
        ),
    )
    roles.add_argument("--db", required=True, help="postgresql:// URL of the database owner")


def run(args: argparse.Namespace) -> int:
    database = open_or_fail(args.db)
    try:
        if database.backend != "postgresql":
            raise CommandError("Roles exist only on a PostgreSQL server; a SQLite file has none.")
        try:
            with database.engine.begin() as connection:
                report = setup_roles(connection)
        except DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise CommandError(
                f"Could not set up the roles on {database.where}: {reason} (run this as the "
                "database owner or a superuser)."
            ) from None
    finally:
        database.dispose()
    print(
        f"{OWNER} owns {report.tables} tables and {report.functions} functions; "
        f"grant {ADMIN} to admins' logins and {REVIEWER} to reviewers'."
    )
    return 0
