"""Partner capacity under concurrency: 16 connections assign different inquiries to one
partner at the same moment, 50 rounds, capacities 1 and 3, on both backends.

Each thread opens its own ``Database`` on the same target. The database alone decides who
gets the partner's free slots: no partner ever holds more open inquiries than its capacity,
and every refused admin reads "X is at capacity (n/n)".
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import DBAPIError

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.mapping import inquiry_columns
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.tables import InquiryRow
from cloudroute_desk.domain.routing.batch import BatchItem
from cloudroute_desk.domain.routing.values import Ranking
from cloudroute_desk.services import assignment as svc
from tests.factories import T0, add_inquiry, add_partner, make_inquiry

THREADS = 16
ROUNDS = 50


@dataclass
class Outcomes:
    wins: Counter[int] = field(default_factory=Counter)
    refusals: list[tuple[int, str]] = field(default_factory=list)
    other_errors: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _no_gates(inquiry_id: int) -> Ranking:
    """A ranking without verdicts: the race is about capacity, checked in the transaction."""
    return Ranking(
        inquiry_id=inquiry_id, ranked=(), excluded=(), below_threshold_fallback=False, as_of=T0
    )


def _rounds(database: Database, capacity: int) -> list[tuple[int, list[int]]]:
    """ROUNDS fresh partners of ``capacity``, each with THREADS new inquiries to race for."""
    rounds = []
    for r in range(ROUNDS):
        partner = add_partner(database, name=f"Cap{capacity} Partner {r}", capacity=capacity)
        with database.writing() as session:
            inquiries = list(
                session.scalars(
                    insert(InquiryRow).returning(InquiryRow.id, sort_by_parameter_order=True),
                    [
                        inquiry_columns(make_inquiry(company_name=f"Round {r} racer {k}"))
                        for k in range(THREADS)
                    ],
                )
            )
        rounds.append((partner, inquiries))
    return rounds


def _open_slots(database: Database) -> Counter[int]:
    with database.reading() as session:
        rows = session.scalars(
            select(InquiryRow.partner_id).where(
                InquiryRow.partner_id.is_not(None),
                InquiryRow.status.in_(("assigned", "connected", "filed")),
            )
        ).all()
    return Counter(rows)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("capacity", [1, 3])
def test_sixteen_connections_never_overfill_a_partner(
    database: Database, db_target: str, capacity: int
) -> None:
    rounds = _rounds(database, capacity)
    outcomes = Outcomes()
    barrier = threading.Barrier(THREADS)

    def admin(k: int) -> None:
        own = open_database(db_target)
        try:
            for partner, inquiries in rounds:
                barrier.wait()
                inquiry = inquiries[k]
                try:
                    svc.assign(own, inquiry, partner, f"admin-{k}", ranking=_no_gates(inquiry))
                except svc.PartnerAtCapacityError as refused:
                    with outcomes.lock:
                        outcomes.refusals.append((partner, str(refused)))
                else:
                    with outcomes.lock:
                        outcomes.wins[partner] += 1
        except BaseException as error:
            with outcomes.lock:
                outcomes.other_errors.append(error)
            barrier.abort()
        finally:
            own.dispose()

    threads = [threading.Thread(target=admin, args=(k,)) for k in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.other_errors == []
    slots = _open_slots(database)
    over = [p for p, _ in rounds if slots[p] > capacity]
    assert over == [], f"{len(over)} partners over capacity"
    for r, (partner, _inquiries) in enumerate(rounds):
        assert outcomes.wins[partner] == capacity == slots[partner]
        told = [message for p, message in outcomes.refusals if p == partner]
        assert told == [f"Cap{capacity} Partner {r} is at capacity ({capacity}/{capacity})"] * (
            THREADS - capacity
        )


def test_the_database_refuses_an_overfill_from_any_writer(database: Database) -> None:
    """The trigger holds even for a script that skips the service's check."""
    partner = add_partner(database, name="Busy", capacity=1)
    first, second = add_inquiry(database), add_inquiry(database, company_name="Other Co")
    svc.assign(database, first, partner, "alice", ranking=_no_gates(first))
    with pytest.raises(DBAPIError, match="partner_at_capacity"), database.writing() as session:
        session.execute(
            update(InquiryRow)
            .where(InquiryRow.id == second)
            .values(partner_id=partner, status="assigned")
        )
    assert _open_slots(database)[partner] == 1


def test_capacity_frees_up_when_an_assignment_is_undone(database: Database) -> None:
    partner = add_partner(database, name="Busy", capacity=1)
    first, second = add_inquiry(database), add_inquiry(database, company_name="Other Co")
    svc.assign(database, first, partner, "alice", ranking=_no_gates(first))
    with pytest.raises(svc.PartnerAtCapacityError, match=r"^Busy is at capacity \(1/1\)$"):
        svc.assign(database, second, partner, "bob", ranking=_no_gates(second))
    svc.unassign(database, first, partner, "alice")
    svc.assign(database, second, partner, "bob", ranking=_no_gates(second))
    assert _open_slots(database)[partner] == 1


def test_undoing_a_reroute_onto_a_full_partner_is_refused(database: Database) -> None:
    partner = add_partner(database, name="Busy", capacity=1)
    first, second = add_inquiry(database), add_inquiry(database, company_name="Other Co")
    svc.assign(database, first, partner, "alice", ranking=_no_gates(first))
    svc.mark_did_not_connect(database, first, "alice")
    svc.assign(database, second, partner, "bob", ranking=_no_gates(second))
    with pytest.raises(svc.PartnerAtCapacityError, match=r"^Busy is at capacity \(1/1\)$"):
        svc.undo_did_not_connect(database, first, partner, "alice")
    assert _open_slots(database)[partner] == 1


@pytest.mark.timeout(120)
def test_racing_batch_acceptances_share_the_free_slots(database: Database, db_target: str) -> None:
    """Two admins accept batches that both give a capacity-2 partner two inquiries."""
    partner = add_partner(database, name="Shared", capacity=2)
    batches = [
        [
            BatchItem(
                inquiry_id=add_inquiry(database, company_name=f"Batch {b} item {n}"),
                company_name=f"Batch {b} item {n}",
                partner_id=partner,
                partner_name="Shared",
                score=0.5,
                expected_award_usd=0.0,
                rank=1,
                above_threshold=True,
            )
            for n in range(2)
        ]
        for b in range(2)
    ]
    results: list[svc.BatchResult] = []
    barrier = threading.Barrier(2)

    def accept(items: list[BatchItem]) -> None:
        own = open_database(db_target)
        try:
            barrier.wait()
            results.append(svc.accept_batch(own, items, "admin"))
        finally:
            own.dispose()

    threads = [threading.Thread(target=accept, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert sum(len(r.assigned) for r in results) == 2
    lost = [loss.message for r in results for loss in r.lost]
    assert lost == ["Shared is at capacity (2/2)"] * 2
    with database.reading() as session:
        held = session.scalar(
            select(func.count()).select_from(InquiryRow).where(InquiryRow.partner_id == partner)
        )
    assert held == 2
