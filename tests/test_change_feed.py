"""The change feed: triggers see every writer, the cursor misses nothing and skips its own
echo, PostgreSQL's listener wakes the app and catches up after a dropped connection."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from cloudroute_desk.db import change_feed
from cloudroute_desk.db.change_tables import ChangeFeedRow
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.db.tables import InquiryRow
from cloudroute_desk.domain.catalog import InquiryStatus, Pool
from cloudroute_desk.services import assignment, inquiry_status, partners, records
from cloudroute_desk.services.change_follow import FeedCursor
from cloudroute_desk.services.changes import Changes
from cloudroute_desk.services.feed_watch import APPLICATION_NAME, FeedWatcher
from tests.factories import add_inquiry, add_partner


@pytest.fixture
def two_apps(db_target: str) -> Iterator[tuple[Database, Database]]:
    """Two app instances on one database: their own connections, their own admins."""
    alice = open_database(db_target).signed_as("alice")
    bob = open_database(db_target).signed_as("bob")
    yield alice, bob
    alice.dispose()
    bob.dispose()


def _feed(database: Database) -> list[tuple[str, int, str, str]]:
    with database.reading() as session:
        rows = session.scalars(select(ChangeFeedRow).order_by(ChangeFeedRow.seq))
        return [(r.entity, r.entity_id, r.kind, r.admin) for r in rows]


def test_every_writer_lands_in_the_feed_with_who_and_when(
    two_apps: tuple[Database, Database], backend: str
) -> None:
    alice, _bob = two_apps
    partner = add_partner(alice)
    inquiry = add_inquiry(alice)
    assignment.assign(alice, inquiry, partner, "alice")
    with alice.engine.begin() as connection:  # a script: no app, no signature
        connection.execute(
            update(InquiryRow).where(InquiryRow.id == inquiry).values(website="https://x.example")
        )
    feed = _feed(alice)
    assert feed[:3] == [
        ("partner", partner, "insert", "alice"),
        ("inquiry", inquiry, "insert", "alice"),
        ("inquiry", inquiry, "update", "alice"),
    ]
    script = feed[-1]
    assert script[:3] == ("inquiry", inquiry, "update")
    assert script[3] != "alice"  # the server's user name on PostgreSQL, '' on SQLite
    with alice.reading() as session:
        seqs = list(session.scalars(select(ChangeFeedRow.seq).order_by(ChangeFeedRow.seq)))
        times = list(session.scalars(select(ChangeFeedRow.at)))
        now = server_now(session)
        if backend == "sqlite":
            assert session.scalar(text("SELECT count(*) FROM change_actor")) == 0
    assert seqs == sorted(set(seqs))
    assert all(abs(now - at) < timedelta(minutes=1) for at in times)


def test_a_cursor_sees_the_others_and_not_its_own_echo(
    two_apps: tuple[Database, Database],
) -> None:
    alice, bob = two_apps
    partner = add_partner(alice)
    inquiry = add_inquiry(alice)
    alice_cursor, bob_cursor = FeedCursor.at_head(alice), FeedCursor.at_head(bob)
    assigned = assignment.assign(alice, inquiry, partner, "alice")

    seen_by_bob = bob_cursor.read(bob)
    assert seen_by_bob.changes == assigned  # the same value the use-case returned
    assert [(e.entity, e.entity_id, e.admin) for e in seen_by_bob.entries] == [
        ("inquiry", inquiry, "alice")
    ]
    assert not alice_cursor.read(alice).changes.any  # her own echo
    assert bob_cursor.read(bob).entries == ()  # nothing twice


def test_the_feed_gives_back_each_use_cases_own_changes(
    two_apps: tuple[Database, Database],
) -> None:
    alice, bob = two_apps
    partner = add_partner(alice, name="Feed Partners")
    first, second = add_inquiry(alice), add_inquiry(alice, company_name="Second Co")
    cursor = FeedCursor.at_head(bob)

    def read() -> Changes:
        return cursor.read(bob).changes

    assigned = assignment.assign(alice, first, partner, "alice")
    assert read() == assigned
    call_held = inquiry_status.mark_discovery_call_held(alice, first, "alice")
    assert read() == call_held
    opened, created = records.create_record(alice, first, Pool.PORTFOLIO, "alice")
    assert read() == created
    record_id = opened.summary.id or 0
    form = opened.form.model_copy(update={"amount_requested_usd": 12_345})
    saved = records.save_form(alice, record_id, form, opened.summary.version, "alice")
    assert read() == saved.changes
    assigned = assignment.assign(alice, second, partner, "alice")
    assert read() == assigned
    declined = inquiry_status.decline(alice, second, "alice", expected=InquiryStatus.ASSIGNED)
    assert read() == declined
    stored = partners.get_partner(alice, partner)
    updated = partners.update_partner(alice, stored.model_copy(update={"capacity": 7}), "alice")
    assert read() == updated.changes


def test_a_commit_that_lands_after_a_newer_one_is_not_missed(
    two_apps: tuple[Database, Database], backend: str
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite has one writer at a time: commits land in sequence order")
    alice, bob = two_apps
    early, late = add_inquiry(alice), add_inquiry(alice, company_name="Late Co")
    cursor = FeedCursor.at_head(bob)
    with alice.writing() as slow:
        slow.execute(update(InquiryRow).where(InquiryRow.id == early).values(team_size=3))
        with alice.writing() as quick:  # a second connection: takes a higher seq, commits first
            quick.execute(update(InquiryRow).where(InquiryRow.id == late).values(team_size=4))
        assert [e.entity_id for e in cursor.read(bob).entries] == [late]
    assert [e.entity_id for e in cursor.read(bob).entries] == [early]


def test_old_feed_rows_are_pruned(database: Database) -> None:
    add_inquiry(database)
    with database.writing() as session:
        later = server_now(session) + change_feed.RETENTION + timedelta(minutes=1)
        assert change_feed.prune(session, later) == 1
    assert _feed(database) == []


def _wait(event: threading.Event, what: str) -> None:
    assert event.wait(10), f"timed out waiting for {what}"


def test_listener_wakes_on_commit_and_catches_up_after_a_dropped_connection(
    two_apps: tuple[Database, Database], backend: str
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite has no LISTEN; the app polls the feed (tests/test_live_updates.py)")
    alice, bob = two_apps
    partner = add_partner(alice)
    first, second = add_inquiry(alice), add_inquiry(alice, company_name="Second Co")
    cursor = FeedCursor.at_head(bob)
    woken = threading.Event()
    listener = FeedWatcher(bob, woken.set)
    listener.start()
    try:
        _wait(woken, "the first connect")  # connecting is a catch-up too
        woken.clear()
        assignment.assign(alice, first, partner, "alice")
        _wait(woken, "a NOTIFY")
        assert [e.entity_id for e in cursor.read(bob).entries] == [first]

        woken.clear()
        with alice.engine.begin() as connection:
            dropped = connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": APPLICATION_NAME},
            ).all()
        assert dropped == [(True,)]
        assignment.assign(alice, second, partner, "alice")  # while nobody listens
        _wait(woken, "the reconnect")
        assert listener.connections == 2
        assert [e.entity_id for e in cursor.read(bob).entries] == [second]
    finally:
        listener.stop()


def test_watching_a_sqlite_file_never_loads_the_postgresql_driver(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """Start-up on SQLite pays nothing for psycopg: the window's modules and a running
    watcher leave it unimported (it cost about a tenth of the start-up's imports)."""
    path = tmp_path / "watched.sqlite"
    shutil.copyfile(sqlite_template, path)
    script = (
        "import sys, threading\n"
        "import cloudroute_desk.views.main_window, cloudroute_desk.views.startup\n"
        "from cloudroute_desk.db.opening import open_database\n"
        "from cloudroute_desk.services.feed_watch import FeedWatcher\n"
        f"database = open_database({str(path)!r}, check_integrity=False)\n"
        "woken = threading.Event()\n"
        "watcher = FeedWatcher(database, woken.set)\n"
        "watcher.start()\n"
        "watcher.stop()\n"
        "database.dispose()\n"
        "print('psycopg' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
    )
    assert result.stdout.strip() == "False"
