"""The Partner Central sync against the emulator, on both backends: records exported from the
app are created in the emulator, AWS's review moves some of them, and the sync moves our
records to match; again changes nothing; an interrupted sync resumes; throttling is retried;
the command line says what happened."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cloudroute_desk import cli
from cloudroute_desk.db import review_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import RecordState
from cloudroute_desk.partner_central_emulator.server import EmulatorServer
from cloudroute_desk.partner_central_emulator.service import Emulator
from cloudroute_desk.partner_central_emulator.store import PartnerCentralState
from cloudroute_desk.partner_central_emulator.throttle import Rates
from cloudroute_desk.services import records
from cloudroute_desk.services.partner_central_calls import Connection, Pace
from cloudroute_desk.services.partner_central_import import OutcomeKind
from cloudroute_desk.services.partner_central_sync import (
    CANCELLED,
    COMPLETE,
    FAILED,
    PartnerCentralSync,
    SyncProgress,
    SyncResult,
    outcome_text,
    read_cursor,
)
from tests.partner_central import emulator_client
from tests.partner_central_samples import exportable_record, submit

UNPACED = Pace(requests_per_second=None, max_attempts=8, base_delay=0.02, max_delay=0.2)
_companies = itertools.count(1)


class TenSecondClock:
    """Partner Central's clock for a test: each write 10 s after the last, so the sync's one
    second of overlap never reaches back into an earlier page."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=10)
        return self.now


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    state = PartnerCentralState(clock=TenSecondClock())
    with EmulatorServer(Emulator(state, Rates.unlimited())) as running:
        yield running


def _state(database: Database, record_id: int) -> RecordState:
    return records.open_record(database, record_id).summary.state


def _file(database: Database, emulator: EmulatorServer, count: int) -> list[tuple[int, str]]:
    """``count`` records exported, created in the emulator and submitted there and here."""
    client = emulator_client(emulator.endpoint_url)
    filed = []
    for _ in range(count):
        record_id, payload = exportable_record(
            database, company=f"Customer {next(_companies)} Inc."
        )
        submit(database, record_id)
        created = client.create_opportunity(**payload)
        client.submit_opportunity(
            Catalog=payload["Catalog"], Identifier=created["Id"], InvolvementType="Co-Sell"
        )
        filed.append((record_id, created["Id"]))
    return filed


def _sync(
    database: Database,
    emulator: EmulatorServer,
    *,
    pace: Pace = UNPACED,
    page_size: int = 2,
    on_progress: Callable[[SyncProgress], None] | None = None,
    cancel: threading.Event | None = None,
) -> SyncResult:
    return PartnerCentralSync(
        Connection("AWS", endpoint_url=emulator.endpoint_url),
        lambda job: job(database),
        admin="carol",
        pace=pace,
        page_size=page_size,
        on_progress=on_progress,
        cancel=cancel,
    ).run()


def _review(emulator: EmulatorServer, identifier: str, status: str, **details: Any) -> None:
    emulator.emulator.state.review("AWS", identifier, status, **details)


def test_aws_review_outcomes_reach_our_records_and_once_only(
    database: Database, emulator: EmulatorServer
) -> None:
    filed = _file(database, emulator, 5)
    (approved, _), (rejected, _), (action, _), (waiting, _), (in_review, _) = filed
    _review(emulator, filed[0][1], "Approved")
    _review(emulator, filed[1][1], "Rejected", reason="Other", comments="Duplicate of O17")
    _review(
        emulator,
        filed[2][1],
        "Action Required",
        reason="Clarify Revenue",
        comments="Monthly spend looks high for a pilot.",
    )
    _review(emulator, filed[4][1], "In review")

    result = _sync(database, emulator)
    assert result.state == COMPLETE, result.message
    assert (result.pages, result.opportunities) == (3, 5)
    assert result.clean, [(o.where, o.kind, o.message) for o in result.outcomes] + list(
        result.problems
    )
    assert _state(database, approved) is RecordState.APPROVED
    assert _state(database, rejected) is RecordState.REJECTED
    assert _state(database, action) is RecordState.IDENTIFIED  # handed back to the partner
    assert _state(database, waiting) is RecordState.SUBMITTED
    assert _state(database, in_review) is RecordState.VALIDATED
    assert result.count(OutcomeKind.APPLIED) == 4
    assert result.changes.records.touches(approved)
    with database.reading() as session:
        reviews = review_queries.record_reviews(session, action)
        assert reviews[-1].review_status_reason == "Clarify Revenue"
        assert reviews[-1].review_comments == "Monthly spend looks high for a pilot."
        assert "sync of catalog AWS" in reviews[-1].source
    history = " ".join(e.text for e in records.open_record(database, approved).history)
    assert "Partner Central · sync of catalog AWS" in history
    cursor = read_cursor(database, Connection("AWS", endpoint_url=emulator.endpoint_url))
    newest = max(o.modified for o in emulator.emulator.state.opportunities())
    assert cursor is not None and cursor.run_state == COMPLETE
    assert cursor.modified_through == newest.replace(tzinfo=None)

    again = _sync(database, emulator)
    assert again.state == COMPLETE
    assert again.opportunities <= 1  # only the overlap second: the newest one again
    assert not again.changes.any
    assert again.count(OutcomeKind.APPLIED) == again.count(OutcomeKind.NOTED) == 0

    _review(emulator, filed[3][1], "Approved")
    later = _sync(database, emulator)
    assert later.count(OutcomeKind.APPLIED) == 1
    assert _state(database, waiting) is RecordState.APPROVED
    assert later.changes.records.touches(waiting)


def test_an_interrupted_sync_resumes_after_its_last_page(
    database: Database, emulator: EmulatorServer
) -> None:
    filed = _file(database, emulator, 7)
    for _, identifier in filed:
        _review(emulator, identifier, "Approved")
    cancel = threading.Event()

    def stop_after_two_pages(progress: SyncProgress) -> None:
        if progress.pages == 2:
            cancel.set()

    first = _sync(database, emulator, on_progress=stop_after_two_pages, cancel=cancel)
    assert first.state == CANCELLED
    assert (first.pages, first.opportunities) == (2, 4)
    states = [_state(database, record_id) for record_id, _ in filed]
    assert states == [RecordState.APPROVED] * 4 + [RecordState.SUBMITTED] * 3
    cursor = read_cursor(database, Connection("AWS", endpoint_url=emulator.endpoint_url))
    assert cursor is not None and cursor.run_state == CANCELLED

    # Then the network fails for good in the middle of the resumed run.
    def fail_after_one_page(progress: SyncProgress) -> None:
        if progress.pages == 1:
            emulator.emulator.fail_next(50)

    second = _sync(
        database,
        emulator,
        pace=Pace(requests_per_second=None, max_attempts=2, base_delay=0.01),
        on_progress=fail_after_one_page,
    )
    assert second.state == FAILED
    assert "InternalServerException on ListOpportunities 2 times" in second.message
    # Resumed after the 4 applied, not from the start: the overlap second lists the newest
    # applied one again (unchanged), then the fifth.
    assert [o.kind for o in second.outcomes] == [OutcomeKind.UNCHANGED, OutcomeKind.APPLIED]
    emulator.emulator.clear_faults()

    third = _sync(database, emulator)
    assert third.state == COMPLETE
    assert [o.kind for o in third.outcomes] == [OutcomeKind.UNCHANGED] + [OutcomeKind.APPLIED] * 2
    assert [_state(database, r) for r, _ in filed] == [RecordState.APPROVED] * 7


def test_throttling_is_retried_and_the_paced_sync_is_never_throttled(
    database: Database, emulator: EmulatorServer
) -> None:
    filed = _file(database, emulator, 6)
    for _, identifier in filed:
        _review(emulator, identifier, "Rejected", reason="Other")
    # One read a second: an unpaced sync (a page applied in well under a second) hits it.
    emulator.emulator.throttle.set_rates(Rates(reads=1.0, writes=None))
    hurried = _sync(
        database,
        emulator,
        page_size=1,
        pace=Pace(requests_per_second=None, max_attempts=40, base_delay=0.05, max_delay=0.1),
    )
    assert hurried.state == COMPLETE
    assert hurried.retries > 0 and hurried.retries == emulator.emulator.throttle.refused
    assert [_state(database, r) for r, _ in filed] == [RecordState.REJECTED] * 6

    emulator.emulator.throttle.set_rates(Rates(reads=2.0, writes=None))
    refused = emulator.emulator.throttle.refused
    paced = _sync(database, emulator, pace=Pace(requests_per_second=1.0), page_size=2)
    assert paced.state == COMPLETE and paced.retries == 0
    assert emulator.emulator.throttle.refused == refused


def test_opportunities_that_are_not_ours_are_reported(
    database: Database, emulator: EmulatorServer
) -> None:
    _file(database, emulator, 1)
    client = emulator_client(emulator.endpoint_url)
    _, payload = exportable_record(database, company="Stranger Inc.")
    payload["PartnerOpportunityIdentifier"] = "SF-0061a00000XYZ"
    payload["ClientToken"] = "a-stranger"
    client.create_opportunity(**payload)
    result = _sync(database, emulator)
    assert result.state == COMPLETE and not result.clean
    (unmatched,) = [o for o in result.outcomes if o.kind is OutcomeKind.UNMATCHED]
    assert unmatched.where.startswith("page 1, OpportunitySummaries[")
    assert outcome_text(unmatched).endswith(
        "(customer 'Stranger Inc.' · SF-0061a00000XYZ · O1000002)"
    )


def test_the_command_line_sync(
    database: Database,
    db_target: str,
    emulator: EmulatorServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    filed = _file(database, emulator, 3)
    _review(emulator, filed[0][1], "Approved")
    command = [
        "sync-partner-central",
        "--db",
        db_target,
        "--catalog",
        "AWS",
        "--endpoint-url",
        emulator.endpoint_url,
        "--requests-per-second",
        "0",
        "--page-size",
        "2",
    ]
    assert cli.main(command) == 0
    err = capsys.readouterr().err
    assert "Sync complete: 3 opportunities in 2 pages (1 applied, 2 noted)" in err, err
    newest = max(o.modified for o in emulator.emulator.state.opportunities())
    assert f"Catalog AWS is synced through {newest:%Y-%m-%d %H:%M:%S} UTC" in err
    assert _state(database, filed[0][0]) is RecordState.APPROVED
    assert cli.main(command) == 0
    assert "Sync complete: 1 opportunity in 1 page (1 unchanged)" in capsys.readouterr().err


def test_the_command_line_needs_a_profile_for_partner_central_itself(
    db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["sync-partner-central", "--db", db_target, "--catalog", "AWS"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cloudroute-desk sync-partner-central: --profile is required")


def test_the_command_line_names_an_unreachable_endpoint(
    db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        "sync-partner-central",
        "--db",
        db_target,
        "--catalog",
        "Sandbox",
        "--endpoint-url",
        f"http://127.0.0.1:{port}",
        "--requests-per-second",
        "0",
        "--retries",
        "1",
    ]
    assert cli.main(command) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(
        "cloudroute-desk sync-partner-central: Partner Central did not answer on "
        "ListOpportunities 2 times in a row"
    )
    assert err.endswith("(the next sync resumes where this one stopped).")


def test_the_demo_is_served_and_synced(database: Database) -> None:
    """The demo's Partner Central file, served by the emulator (``--load``), synced: the same
    outcome as importing the file, and nothing the second time."""
    from cloudroute_desk.demo.generator import generate_demo
    from cloudroute_desk.demo.partner_central_file import UNMATCHED, file_text
    from cloudroute_desk.partner_central_emulator.answers_file import load_answers

    summary = generate_demo(
        database, inquiries=1_500, partners=30, seed=8, now=datetime(2026, 11, 20, 15, 30)
    )
    pages = summary.partner_central_pages
    state = PartnerCentralState()
    listed = load_answers(state, file_text(pages))
    assert listed == sum(len(page["OpportunitySummaries"]) for page in pages) > len(UNMATCHED)
    with EmulatorServer(Emulator(state, Rates.unlimited())) as server:
        result = _sync(database, server, page_size=100)
        assert result.state == COMPLETE and result.opportunities == listed
        assert result.count(OutcomeKind.UNMATCHED) == len(UNMATCHED)
        assert result.count(OutcomeKind.APPLIED) == listed - len(UNMATCHED), result.summary()
        again = _sync(database, server, page_size=100)
        assert not again.changes.any and again.count(OutcomeKind.APPLIED) == 0


def test_a_file_that_is_not_partner_centrals_answers_is_refused() -> None:
    from cloudroute_desk.partner_central_emulator.answers_file import load_answers

    state = PartnerCentralState()
    with pytest.raises(ValueError, match="not JSON"):
        load_answers(state, "{")
    with pytest.raises(ValueError, match=r"entry 1, OpportunitySummaries\[0\] has no Id"):
        load_answers(state, '[{"OpportunitySummaries": [{"Catalog": "AWS"}]}]')
    with pytest.raises(ValueError, match="entry 2 is not a JSON object"):
        load_answers(state, '[{"OpportunitySummaries": []}, 3]')
    assert state.opportunities() == []
