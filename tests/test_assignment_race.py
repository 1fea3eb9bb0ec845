"""8 connections race to assign 500 inquiries: exactly one partner each, on both backends.

Each thread opens its own ``Database`` (its own engine and connections) on the same target
and tries every inquiry, in the same order, with its own partner. The database alone decides:
one winner per inquiry, every loser told who won and by whom.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, insert, select

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.mapping import inquiry_columns
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.tables import AssignmentRow, AuditEventRow, InquiryRow
from cloudroute_desk.services import assignment as svc
from cloudroute_desk.services.routing import rank_inquiry
from tests.factories import add_partner, make_inquiry

THREADS = 8
INQUIRIES = 500


@pytest.mark.timeout(180)
def test_eight_connections_race_for_500_inquiries(database: Database, db_target: str) -> None:
    partners = [
        add_partner(database, name=f"Partner {k}", capacity=INQUIRIES) for k in range(THREADS)
    ]
    names = {pid: f"Partner {k}" for k, pid in enumerate(partners)}
    with database.writing() as session:
        inquiry_ids = list(
            session.scalars(
                insert(InquiryRow).returning(InquiryRow.id, sort_by_parameter_order=True),
                [
                    inquiry_columns(make_inquiry(company_name=f"Racer {n}"))
                    for n in range(INQUIRIES)
                ],
            )
        )
    # Every inquiry has the same profile, so one ranking serves as each one's audit context.
    template = rank_inquiry(database, inquiry_ids[0])
    rankings = {i: template.model_copy(update={"inquiry_id": i}) for i in inquiry_ids}

    wins: dict[int, list[int]] = {i: [] for i in inquiry_ids}
    losses: list[tuple[int, int, svc.AlreadyAssigned]] = []
    other_errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def racer(k: int) -> None:
        own = open_database(db_target)
        try:
            barrier.wait()
            for inquiry_id in inquiry_ids:
                try:
                    svc.assign(
                        own,
                        inquiry_id,
                        partners[k],
                        f"admin-{k}",
                        ranking=rankings[inquiry_id],
                    )
                except svc.AlreadyAssigned as lost:
                    with lock:
                        losses.append((inquiry_id, k, lost))
                else:
                    with lock:
                        wins[inquiry_id].append(k)
        except BaseException as error:
            with lock:
                other_errors.append(error)
        finally:
            own.dispose()

    started = time.perf_counter()
    threads = [threading.Thread(target=racer, args=(k,)) for k in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    assert other_errors == []
    assert all(len(winners) == 1 for winners in wins.values()), "double or missing assignment"
    assert len(losses) == INQUIRIES * (THREADS - 1)
    for inquiry_id, _k, lost in losses:
        (winner,) = wins[inquiry_id]
        assert lost.partner_id == partners[winner]
        assert str(lost) == f"already assigned to {names[partners[winner]]} by admin-{winner}"

    with database.reading() as session:
        active = Counter(
            session.scalars(select(AssignmentRow.inquiry_id).where(AssignmentRow.active)).all()
        )
        total_rows = session.scalar(select(func.count()).select_from(AssignmentRow))
        audited = session.scalar(
            select(func.count()).select_from(AuditEventRow).where(AuditEventRow.kind == "assigned")
        )
        holders = {i: p for i, p in session.execute(select(InquiryRow.id, InquiryRow.partner_id))}
    assert set(active) == set(inquiry_ids) and set(active.values()) == {1}
    assert total_rows == INQUIRIES and audited == INQUIRIES
    for inquiry_id, (winner,) in wins.items():
        assert holders[inquiry_id] == partners[winner]
    print(f"{database.backend}: {THREADS}x{INQUIRIES} attempts in {elapsed:.1f} s")
