"""A write whose acknowledgement is lost, through a TCP proxy on 127.0.0.1 that resets the
connection right after forwarding COMMIT (PostgreSQL): the write committed, the app got an
error of unknown outcome, and ``outcome_of`` tells the truth either way."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.services import assignment, records, write_requests
from cloudroute_desk.services.failures import connection_lost
from cloudroute_desk.services.routing import rank_inquiry
from tests.factories import add_inquiry, add_partner
from tests.net_proxy import NetProxy


@pytest.fixture
def backend() -> str:
    return "postgresql"


@pytest.fixture
def proxied(db_target: str) -> Iterator[tuple[Database, NetProxy]]:
    """The test database opened through the fault proxy."""
    url = make_url(db_target)
    with NetProxy.in_front_of(url) as proxy:
        database = open_database(proxy.proxied(url).render_as_string(hide_password=False))
        try:
            yield database.signed_as("alice"), proxy
        finally:
            database.dispose()


def _once_answering(database: Database) -> None:
    """Wait (bounded) until the link's own probe finds the server again, as the app does."""
    link = database.link
    assert link is not None
    answered = threading.Event()
    unsubscribe = link.subscribe(lambda answering: answered.set() if answering else None)
    try:
        assert link.answering or answered.wait(20), "the server never answered again"
    finally:
        unsubscribe()


def test_an_assignment_whose_commit_answer_is_lost_is_found_applied(
    database: Database, proxied: tuple[Database, NetProxy]
) -> None:
    remote, proxy = proxied
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database)
    request_id = write_requests.new_request_id()
    ranking = rank_inquiry(remote, inquiry_id)  # the one the admin looked at
    proxy.reset_after(b"COMMIT")
    with pytest.raises(Exception) as caught:
        assignment.assign(
            remote, inquiry_id, partner_id, "alice", ranking=ranking, request_id=request_id
        )
    assert connection_lost(caught.value), caught.value
    assert proxy.resets_sent == 1
    _once_answering(remote)
    outcome = write_requests.outcome_of(remote, request_id)
    assert outcome.applied and outcome.action == "assign"
    assert outcome.changes == assignment.handed_over([inquiry_id], [partner_id], "alice")
    with pytest.raises(write_requests.AlreadyApplied):
        assignment.assign(remote, inquiry_id, partner_id, "alice", request_id=request_id)


def test_a_write_cut_before_commit_is_found_not_applied(
    database: Database, proxied: tuple[Database, NetProxy]
) -> None:
    remote, proxy = proxied
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned")
    opened, _ = records.create_record(database, inquiry_id, records.Pool.PORTFOLIO, "alice")
    request_id = write_requests.new_request_id()
    proxy.reset_after(b"UPDATE ace_records")
    form = opened.form.model_copy(update={"title": "Cut"})
    with pytest.raises(Exception) as caught:
        records.save_form(
            remote, opened.record_id, form, opened.version, "alice", request_id=request_id
        )
    assert connection_lost(caught.value), caught.value
    _once_answering(remote)
    assert not write_requests.outcome_of(remote, request_id).applied
    assert records.open_record(database, opened.record_id).version == opened.version
    # The normal retry path: the same request sent again goes through, once.
    saved = records.save_form(
        remote, opened.record_id, form, opened.version, "alice", request_id=request_id
    )
    assert saved.version == opened.version + 1
