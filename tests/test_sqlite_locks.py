"""A SQLite file held by another process's write transaction: writes give up within 5 s with
one sentence (exit 2 on the command line), and ranking reads the last index refresh.

SQLite only: its counterpart on PostgreSQL (lock_timeout, a black-holed link) is in
test_deadlines.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cloudroute_desk.cli import main
from cloudroute_desk.cli.route_cmd import FROM_LAST_REFRESH
from cloudroute_desk.db.engine import SQLITE_BUSY_TIMEOUT_MS, Database, DatabaseBusyError
from cloudroute_desk.services import assignment
from cloudroute_desk.services.routing import rank_inquiry
from tests.factories import add_inquiry, add_partner, add_record
from tests.sqlite_lock_holder import write_lock_held

BOUND_S = 5.0
EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def seeded(database: Database) -> tuple[Database, int, int]:
    partner_id = add_partner(database)
    add_record(database, _other_customer(database, "first"), partner_id)
    return database, add_inquiry(database), partner_id


def _other_customer(database: Database, name: str) -> int:
    return add_inquiry(database, company_name=f"{name} Inc.", website=f"https://{name}.example")


def test_assignment_gives_up_within_the_bound_with_one_sentence(
    seeded: tuple[Database, int, int],
) -> None:
    database, inquiry_id, partner_id = seeded
    ranking = rank_inquiry(database, inquiry_id)
    with write_lock_held(database.url.database or ""):
        started = time.monotonic()
        with pytest.raises(DatabaseBusyError) as caught:
            assignment.assign(database, inquiry_id, partner_id, "tester", ranking=ranking)
        waited = time.monotonic() - started
    assert waited < BOUND_S, f"waited {waited:.1f} s"
    message = str(caught.value)
    assert "locked by another program" in message and "\n" not in message
    assignment.assign(database, inquiry_id, partner_id, "tester", ranking=ranking)


def test_ranking_reads_the_last_refresh_while_the_file_is_locked(
    seeded: tuple[Database, int, int],
) -> None:
    database, inquiry_id, partner_id = seeded
    fresh = rank_inquiry(database, inquiry_id)
    assert not fresh.from_last_refresh
    # A new record marks the partner's index entry stale; the refresh then needs the lock.
    add_record(database, _other_customer(database, "second"), partner_id)
    with write_lock_held(database.url.database or ""):
        started = time.monotonic()
        stale = rank_inquiry(database, inquiry_id)
        # Less than the usual lock wait: the refresh gave up after its short one. (Not a
        # speed figure: on a loaded machine the ranking itself can take seconds.)
        assert time.monotonic() - started < SQLITE_BUSY_TIMEOUT_MS / 1000
    assert stale.from_last_refresh
    assert [p.partner_id for p in stale.ranked] == [p.partner_id for p in fresh.ranked]
    assert not rank_inquiry(database, inquiry_id).from_last_refresh


def test_route_command_says_the_scores_are_from_the_last_refresh(
    seeded: tuple[Database, int, int], capsys: pytest.CaptureFixture[str]
) -> None:
    database, inquiry_id, partner_id = seeded
    rank_inquiry(database, inquiry_id)
    add_record(database, _other_customer(database, "second"), partner_id)
    path = database.url.database or ""
    database.dispose()
    with write_lock_held(path):
        code = main(["route", "--db", path, "--inquiry", str(inquiry_id)])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert FROM_LAST_REFRESH in out.out
    assert "Traceback" not in out.err


def test_import_command_exits_2_with_one_line(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    path = database.url.database or ""
    database.dispose()
    with write_lock_held(path):
        started = time.monotonic()
        code = main(["import", str(EXAMPLES / "inquiries.csv"), "--db", path])
        waited = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 2
    assert waited < BOUND_S + 1, f"waited {waited:.1f} s"
    assert len(err.strip().splitlines()) == 1, err
    assert "locked by another program" in err
