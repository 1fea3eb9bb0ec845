"""The routing index follows every ACE record change, on both backends."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, update

from cloudroute_desk.db import routing_queries as rq
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.routing_tables import RoutingIndexDirtyRow, RoutingIndexRow
from cloudroute_desk.db.tables import AceRecordRow, InquiryRow
from cloudroute_desk.domain.catalog import InquiryStatus, Pool, RecordState, Region, Tier
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.routing.values import RankedPartner
from cloudroute_desk.services.assignment import assign
from cloudroute_desk.services.inquiry_status import decline
from cloudroute_desk.services.routing import rank_inquiry
from tests.factories import add_inquiry, add_partner, add_record

NOW = utcnow()


def decided(days_ago: float = 30, **overrides: object) -> dict[str, object]:
    """Record columns for a record decided ``days_ago`` (relative to the real clock, so the
    stored index for today serves it)."""
    at = NOW - timedelta(days=days_ago)
    values: dict[str, object] = {
        "created_at": at - timedelta(days=20),
        "submitted_at": at - timedelta(days=14),
        "decided_at": at,
        "credited_at": at,
    }
    values.update(overrides)
    return values


def ranked(database: Database, inquiry_id: int, partner_id: int) -> RankedPartner:
    found = rank_inquiry(database, inquiry_id).find(partner_id)
    assert found is not None
    return found


def axis(partner: RankedPartner, name: str) -> tuple[float, int]:
    rate = next(a for a in partner.axes if a.axis == name)
    return rate.approved, rate.decided


def test_rates_follow_added_changed_and_deleted_records(database: Database) -> None:
    partner = add_partner(database)
    history = add_inquiry(database, company_name="Earlier Co", website="https://earlier.example")
    target = add_inquiry(database)
    first = add_record(database, history, partner, **decided())
    assert ranked(database, target, partner).decided == 1
    assert ranked(database, target, partner).close_rate == 1.0

    add_record(
        database,
        history,
        partner,
        **decided(state=RecordState.REJECTED, amount_awarded_usd=None, credited_at=None),
    )
    after_reject = ranked(database, target, partner)
    assert (after_reject.decided, after_reject.close_rate) == (2, 0.5)

    in_review = add_record(
        database,
        history,
        partner,
        state=RecordState.VALIDATED,
        decided_at=None,
        credited_at=None,
        amount_awarded_usd=None,
    )
    assert ranked(database, target, partner).decided == 2
    with database.writing() as session:
        session.execute(
            update(AceRecordRow)
            .where(AceRecordRow.id == in_review)
            .values(
                state=RecordState.DOWNGRADED.value,
                decided_at=NOW - timedelta(days=1),
                amount_awarded_usd=25_000,
                awarded_pool=Pool.FOUNDERS.value,
            )
        )
    after_downgrade = ranked(database, target, partner)
    assert after_downgrade.decided == 3
    assert axis(after_downgrade, "pool") == (1.5, 3)

    with database.writing() as session:
        session.execute(delete(AceRecordRow).where(AceRecordRow.id == first))
    after_delete = ranked(database, target, partner)
    assert after_delete.decided == 2
    assert after_delete.close_rate == 0.25


def test_changing_an_inquiry_axis_moves_its_records(database: Database) -> None:
    partner = add_partner(database)
    history = add_inquiry(database, company_name="Earlier Co", website="https://earlier.example")
    target = add_inquiry(database)
    add_record(database, history, partner, **decided())
    assert axis(ranked(database, target, partner), "region") == (1.0, 1)
    with database.writing() as session:
        session.execute(
            update(InquiryRow).where(InquiryRow.id == history).values(region=Region.UK.value)
        )
    moved = ranked(database, target, partner)
    assert axis(moved, "region") == (0.0, 0)
    assert moved.decided == 1


def test_only_the_trailing_twelve_months_count(database: Database) -> None:
    partner = add_partner(database)
    history = add_inquiry(database, company_name="Earlier Co", website="https://earlier.example")
    target = add_inquiry(database)
    add_record(database, history, partner, **decided(days_ago=400))
    add_record(database, history, partner, **decided(days_ago=300))
    assert ranked(database, target, partner).decided == 1
    # As of 350 days ago, the 400-day-old record is inside the window and the other is future.
    past = rank_inquiry(database, target, as_of=NOW - timedelta(days=350)).find(partner)
    assert past is not None and past.decided == 1


def test_stored_index_agrees_with_a_fresh_computation(database: Database) -> None:
    partners = [add_partner(database, name=f"P{k}") for k in range(3)]
    history = add_inquiry(database, company_name="Earlier Co", website="https://earlier.example")
    target = add_inquiry(database)
    for k, partner in enumerate(partners):
        for j in range(k + 2):
            state = RecordState.REJECTED if j % 3 == 2 else RecordState.APPROVED
            add_record(database, history, partner, **decided(days_ago=10 + j, state=state))
    stored = rank_inquiry(database, target)
    with database.reading() as session:
        stored_rows = session.scalar(select(func.count()).select_from(RoutingIndexRow))
        dirty = session.scalar(select(func.count()).select_from(RoutingIndexDirtyRow))
        fresh = rq.decided_entries(session, rq.window_end_for(NOW))
    assert dirty == 0
    assert stored_rows == len(fresh)
    by_partner = {e.partner_id: e for e in fresh if e.axis == "all"}
    for partner in stored.ranked:
        assert partner.decided == by_partner[partner.partner_id].decided


def test_refresh_partner_index_is_callable_inside_a_write(database: Database) -> None:
    partner = add_partner(database)
    history = add_inquiry(database, company_name="Earlier Co", website="https://earlier.example")
    target = add_inquiry(database)
    rank_inquiry(database, target)  # builds the index
    add_record(database, history, partner, **decided())
    with database.writing() as session:
        rq.refresh_partner_index(session, partner)
    with database.reading() as session:
        whole = session.get(RoutingIndexRow, (partner, "all", ""))
        assert whole is not None and whole.decided == 1
        # The mark stays (it might be another writer's); the next ranking clears it.
        assert session.scalar(select(func.count()).select_from(RoutingIndexDirtyRow)) == 1
    rank_inquiry(database, target)
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(RoutingIndexDirtyRow)) == 0


def test_a_record_on_another_inquiry_of_the_customer_routes_only_to_its_holder(
    database: Database,
) -> None:
    """DOMAIN.md: the customer, not the inquiry, competes. The target is the same customer
    as the earlier inquiry by normalised name ("Lumen Analytics, Inc." vs "LUMEN ANALYTICS
    LLC") even with another website."""
    holder = add_partner(database, name="Holder")
    other = add_partner(database, name="Other", tier=Tier.PREMIER)
    earlier = add_inquiry(
        database, company_name="Lumen Analytics, Inc.", website="https://lumen.io"
    )
    target = add_inquiry(
        database, company_name="LUMEN ANALYTICS LLC", website="https://lumen-analytics.dev"
    )
    add_record(
        database,
        earlier,
        holder,
        state=RecordState.SUBMITTED,
        decided_at=None,
        credited_at=None,
        amount_awarded_usd=None,
    )
    ranking = rank_inquiry(database, target)
    assert [p.partner_id for p in ranking.ranked] == [holder]
    (excluded,) = ranking.excluded
    assert (excluded.partner_id, excluded.code) == (other, "competing")
    assert excluded.reason == (
        "Holder already has an open ACE record for this customer; a second partner's record "
        "would be rejected as competing"
    )


@pytest.mark.parametrize("state", [RecordState.REJECTED, RecordState.CLOSED])
def test_a_rejected_or_closed_record_holds_nothing(database: Database, state: RecordState) -> None:
    holder = add_partner(database, name="Holder")
    other = add_partner(database, name="Other")
    earlier = add_inquiry(database, company_name="Kite Pay", website="https://kite.io")
    target = add_inquiry(database, company_name="Kite Payments", website="https://www.kite.io/x")
    add_record(database, earlier, holder, state=state)
    ranking = rank_inquiry(database, target)
    assert sorted(p.partner_id for p in ranking.ranked) == sorted([holder, other])


def test_different_customers_do_not_hold_each_other(database: Database) -> None:
    holder = add_partner(database, name="Holder")
    other = add_partner(database, name="Other")
    earlier = add_inquiry(database, company_name="Kite Pay", website="https://kite.co.uk")
    target = add_inquiry(database, company_name="Beam Health", website="https://beam.co.uk")
    add_record(database, earlier, holder, state=RecordState.SUBMITTED, decided_at=None,
               credited_at=None, amount_awarded_usd=None)  # fmt: skip
    ranking = rank_inquiry(database, target)
    assert sorted(p.partner_id for p in ranking.ranked) == sorted([holder, other])


@pytest.mark.timeout(120)
def test_concurrent_writers_and_rankings_keep_the_index_exact(
    database: Database, db_target: str
) -> None:
    """Two writers change one partner's records (one refreshing in its own transaction, one
    leaving it to the triggers) while a third connection ranks: no deadlock, no lost change."""
    partner = add_partner(database)
    history = add_inquiry(database, company_name="Earlier Co", website="https://earlier.example")
    target = add_inquiry(database)
    rank_inquiry(database, target)
    errors: list[BaseException] = []

    def writer(refresh: bool) -> None:
        own = open_database(db_target)
        try:
            for _ in range(15):
                record = add_record(own, history, partner, **decided())
                with own.writing() as session:
                    session.execute(
                        update(AceRecordRow)
                        .where(AceRecordRow.id == record)
                        .values(state=RecordState.LAUNCHED.value)
                    )
                    if refresh:
                        rq.refresh_partner_index(session, partner)
        except BaseException as error:
            errors.append(error)
        finally:
            own.dispose()

    def ranker() -> None:
        own = open_database(db_target)
        try:
            for _ in range(15):
                rank_inquiry(own, target)
        except BaseException as error:
            errors.append(error)
        finally:
            own.dispose()

    threads = [
        threading.Thread(target=writer, args=(True,)),
        threading.Thread(target=writer, args=(False,)),
        threading.Thread(target=ranker),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ranked(database, target, partner).decided == 30


def test_a_refresh_by_another_process_is_picked_up(database: Database) -> None:
    """The service caches the index per version; a refresh it did not see (another admin's
    app) changes the version, so the next ranking reads the index again."""
    partner = add_partner(database)
    history = add_inquiry(database, company_name="Earlier Co", website="https://earlier.example")
    target = add_inquiry(database)
    assert ranked(database, target, partner).decided == 0
    add_record(database, history, partner, **decided())
    with database.writing() as session:  # what another process's ranking would do
        rq.bring_index_up_to_date(session, rq.window_end_for(NOW), utcnow())
    assert ranked(database, target, partner).decided == 1


def test_open_loads_count_active_assignments_on_open_inquiries_only(database: Database) -> None:
    busy, idle = add_partner(database), add_partner(database)
    held = [add_inquiry(database) for _ in range(3)]
    for inquiry_id in held:
        assign(database, inquiry_id, busy, "ana")
    decline(database, held[0], "ana", expected=InquiryStatus.ASSIGNED, reason="no fit")
    add_inquiry(database)  # new, unassigned: nobody's load

    with database.reading() as session:
        assert rq.open_loads(session) == {busy: 2}
        assert rq.open_loads_for(session, busy) == 2
        assert rq.open_loads_for(session, idle) == 0
