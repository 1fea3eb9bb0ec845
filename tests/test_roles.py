"""Least privilege with real roles on the test server: the admins' role cannot alter, drop,
disable or rewrite the safeguards, the reviewer ranks without writes, and opening a server
database refuses one whose safeguards are gone.

PostgreSQL only: a SQLite file has no roles (its safeguards are its triggers, tested in
test_schema.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from cloudroute_desk.cli import main
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import DatabaseOpenError, open_database
from cloudroute_desk.db.roles import ADMIN, REVIEWER
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.services import assignment, write_requests
from cloudroute_desk.services.routing import rank_inquiry
from tests.factories import add_inquiry, add_partner, add_record


@pytest.fixture
def backend() -> str:
    return "postgresql"


@pytest.fixture
def roles(db_target: str, pg_admin_url: URL) -> Iterator[tuple[str, str]]:
    """(admin login URL, reviewer login URL) after ``db setup-roles`` on a seeded database."""
    seed = open_database(db_target)
    partner_id = add_partner(seed)
    old = add_inquiry(seed, company_name="Old Co", website="https://old.example")
    add_record(seed, old, partner_id)
    assert (partner_id, add_inquiry(seed)) == (PARTNER, INQUIRY)
    seed.dispose()
    assert main(["db", "setup-roles", "--db", db_target]) == 0
    suffix = uuid.uuid4().hex[:8]
    admin, reviewer = f"alice_{suffix}", f"rita_{suffix}"
    engine = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for login, group in ((admin, ADMIN), (reviewer, REVIEWER)):
            connection.execute(text(f"CREATE ROLE {login} LOGIN PASSWORD 'pw'"))
            connection.execute(text(f"GRANT {group} TO {login}"))
    url = make_url(db_target)
    try:
        yield (
            url.set(username=admin, password="pw").render_as_string(hide_password=False),
            url.set(username=reviewer, password="pw").render_as_string(hide_password=False),
        )
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            for login in (admin, reviewer):
                connection.execute(text(f"DROP ROLE IF EXISTS {login}"))
        engine.dispose()


PARTNER, INQUIRY = 1, 2
"""The seeded partner, and the inquiry the tests rank and assign."""

FORBIDDEN_FOR_ADMINS = [
    "ALTER TABLE audit_events DISABLE TRIGGER trg_audit_events_no_change",
    "ALTER TABLE audit_events DISABLE TRIGGER ALL",
    "DROP TRIGGER trg_audit_events_no_change ON audit_events",
    "DROP TRIGGER trg_inquiries_status ON inquiries",
    "DROP INDEX uq_assignments_one_active",
    "DROP TABLE audit_events",
    "UPDATE audit_events SET actor = 'someone else'",
    "DELETE FROM audit_events",
    "TRUNCATE audit_events",
    "DROP FUNCTION crd_audit_append_only() CASCADE",
    "UPDATE alembic_version SET version_num = 'x'",
    "CREATE TABLE sneaky (id int)",
    "UPDATE write_requests SET admin = 'someone else'",
    "DELETE FROM write_requests",
    "DROP FUNCTION crd_prune_write_requests()",
]


@pytest.mark.parametrize("statement", FORBIDDEN_FOR_ADMINS)
def test_admins_role_cannot_touch_the_safeguards(roles: tuple[str, str], statement: str) -> None:
    admin_url, _ = roles
    engine = create_engine(make_url(admin_url).set(drivername="postgresql+psycopg"))
    try:
        with (
            pytest.raises(DBAPIError, match=r"permission denied|must be owner"),
            engine.begin() as connection,
        ):
            connection.execute(text(statement))
    finally:
        engine.dispose()


def test_admins_work_through_the_app_and_audit_rows_carry_the_servers_clock(
    roles: tuple[str, str],
) -> None:
    admin_url, _ = roles
    database = open_database(admin_url)
    try:
        ranking = rank_inquiry(database, INQUIRY)
        assignment.assign(database, INQUIRY, PARTNER, "alice", ranking=ranking)
        with database.writing() as session:
            session.execute(
                text(
                    "INSERT INTO audit_events (at, actor, kind, detail)"
                    " VALUES ('2001-01-01', 'alice', 'forged', '{}')"
                )
            )
        with database.reading() as session:
            forged_at = session.execute(
                text("SELECT at FROM audit_events WHERE kind = 'forged'")
            ).scalar_one()
            server_now = session.execute(text("SELECT now() AT TIME ZONE 'UTC'")).scalar_one()
            assigned = session.execute(
                text("SELECT count(*) FROM audit_events WHERE kind = 'assigned'")
            ).scalar_one()
        assert isinstance(forged_at, datetime) and forged_at.year > 2001
        assert abs((server_now - forged_at).total_seconds()) < 60
        assert assigned == 1
    finally:
        database.dispose()


def test_admins_record_look_up_and_prune_write_requests(roles: tuple[str, str]) -> None:
    admin_url, _ = roles
    database = open_database(admin_url)
    try:
        request_id = write_requests.new_request_id()
        assignment.assign(database, INQUIRY, PARTNER, "alice", request_id=request_id)
        assert write_requests.outcome_of(database, request_id).applied
        assert not write_requests.outcome_of(database, "never sent").applied
        with database.writing() as session:
            assert write_requests.prune(session, server_now(session)) == 0
        assert write_requests.outcome_of(database, request_id).applied
    finally:
        database.dispose()


def test_reviewer_ranks_without_writing(roles: tuple[str, str]) -> None:
    admin_url, reviewer_url = roles
    admin = open_database(admin_url)
    # A new record marks its partner stale: refreshing the index would need a write.
    new = add_inquiry(admin, company_name="New Co", website="https://new.example")
    add_record(admin, new, PARTNER)
    admin.dispose()
    reviewer = open_database(reviewer_url)
    try:
        ranking = rank_inquiry(reviewer, INQUIRY)
        assert ranking.from_last_refresh
        assert [p.partner_id for p in ranking.ranked] == [PARTNER]
        with (
            pytest.raises(DBAPIError, match="permission denied"),
            reviewer.writing() as session,
        ):
            session.execute(text("UPDATE partners SET name = 'x'"))
    finally:
        reviewer.dispose()


def test_opening_refuses_a_database_whose_safeguards_are_gone(
    database: Database, db_target: str
) -> None:
    with database.engine.begin() as connection:
        connection.execute(
            text("ALTER TABLE audit_events DISABLE TRIGGER trg_audit_events_no_change")
        )
    with pytest.raises(
        DatabaseOpenError, match="trg_audit_events_no_change on audit_events is disabled"
    ):
        open_database(db_target)
    with database.engine.begin() as connection:
        connection.execute(
            text("ALTER TABLE audit_events ENABLE TRIGGER trg_audit_events_no_change")
        )
        connection.execute(text("DROP INDEX uq_assignments_one_active"))
    with pytest.raises(
        DatabaseOpenError, match="uq_assignments_one_active on assignments is missing"
    ) as caught:
        open_database(db_target)
    assert "\n" not in str(caught.value) and "+psycopg" not in str(caught.value)
