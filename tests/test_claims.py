"""Soft claims on both backends: the others see them, moving on releases them, a live claim
is not taken over, a lapsed one is, and claims travel through the change feed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from cloudroute_desk.db.claim_tables import InquiryClaimRow
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.services import claims
from cloudroute_desk.services.change_follow import FeedCursor
from tests.factories import add_inquiry


@pytest.fixture
def two_apps(db_target: str) -> Iterator[tuple[Database, Database]]:
    alice = open_database(db_target).signed_as("alice")
    bob = open_database(db_target).signed_as("bob")
    yield alice, bob
    alice.dispose()
    bob.dispose()


def _holders(database: Database) -> dict[int, str]:
    return {i: c.admin for i, c in claims.others(database).items()}


def test_claims_are_seen_by_the_others_and_released_on_moving_on(
    two_apps: tuple[Database, Database],
) -> None:
    alice, bob = two_apps
    first, second = add_inquiry(alice), add_inquiry(alice, company_name="Second Co")
    claims.claim(alice, first)
    assert _holders(bob) == {first: "alice"}
    assert _holders(alice) == {}  # her own claim is not news to her

    claims.claim(bob, first)  # soft: bob looking too does not take it over
    assert _holders(bob) == {first: "alice"}

    claims.claim(alice, second)
    assert _holders(bob) == {second: "alice"}
    claims.claim(alice, None)
    assert _holders(bob) == {}


def test_a_lapsed_claim_is_gone_and_can_be_taken(two_apps: tuple[Database, Database]) -> None:
    alice, bob = two_apps
    inquiry = add_inquiry(alice)
    claims.claim(alice, inquiry)
    claim = claims.others(bob)[inquiry]
    assert claim.describe(claim.since + timedelta(minutes=3, seconds=20)) == (
        "alice is on this (3 min)"
    )
    with alice.writing() as session:
        session.execute(
            update(InquiryClaimRow).values(
                seen_at=InquiryClaimRow.seen_at - claims.LAPSE - timedelta(seconds=1)
            )
        )
    assert _holders(bob) == {}
    claims.claim(bob, inquiry)
    assert _holders(alice) == {inquiry: "bob"}


def test_opening_ones_own_claim_again_keeps_its_start_and_renews_it(
    two_apps: tuple[Database, Database],
) -> None:
    alice, bob = two_apps
    inquiry = add_inquiry(alice)
    claims.claim(alice, inquiry)
    with alice.writing() as session:  # taken two minutes ago, last seen one minute ago
        row = session.get(InquiryClaimRow, inquiry)
        assert row is not None
        row.since -= timedelta(minutes=2)
        row.seen_at -= timedelta(minutes=1)
    before = claims.others(bob)[inquiry]
    claims.claim(alice, inquiry)
    with alice.reading() as session:
        row = session.get(InquiryClaimRow, inquiry)
        assert row is not None
        assert row.since == before.since
        assert row.seen_at > row.since + timedelta(minutes=1)


def test_claims_travel_through_the_feed_but_renewals_do_not(
    two_apps: tuple[Database, Database],
) -> None:
    alice, bob = two_apps
    inquiry = add_inquiry(alice)
    cursor = FeedCursor.at_head(bob)
    claims.claim(alice, inquiry)
    seen = cursor.read(bob).entries
    assert [(e.entity, e.entity_id, e.kind, e.admin) for e in seen] == [
        ("claim", inquiry, "insert", "alice")
    ]
    claims.renew(alice)
    assert cursor.read(bob).entries == ()
    claims.claim(alice, inquiry)  # opened again: still hers, since the same minute
    assert cursor.read(bob).entries == ()
    assert claims.others(bob)[inquiry].admin == "alice"
    claims.claim(alice, None)
    assert [(e.entity, e.kind) for e in cursor.read(bob).entries] == [("claim", "delete")]


def test_the_window_closes_cleanly_after_the_db_worker_has_stopped(
    qtbot: QtBot, database: Database, tmp_path: Path
) -> None:
    """Closing releases the claim; with the worker already gone (the app quitting, a test's
    teardown) that must not raise: an exception out of closeEvent crashed PySide later on."""
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QCloseEvent

    from cloudroute_desk.services.executor import DbExecutor
    from cloudroute_desk.views.context import AppContext
    from cloudroute_desk.views.main_window import MainWindow

    executor = DbExecutor(database)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(AppContext(executor, "tester", settings, tmp_path))
    qtbot.addWidget(window)
    executor.shutdown()

    window.closeEvent(QCloseEvent())  # called directly, so an exception reaches the test
