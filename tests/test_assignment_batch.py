"""Batch suggestion: optimal against brute force, capacities, threshold rule, progress, cancel."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import InquiryStatus
from cloudroute_desk.domain.routing.batch import Candidates
from cloudroute_desk.domain.routing.matching import optimal_assignment
from cloudroute_desk.services import assignment as svc
from tests.factories import add_inquiry, add_partner, add_record


def brute_force(scores: list[dict[int, float]], capacity: list[int]) -> float:
    """Best total over every way to give each inquiry one listed partner or none."""
    best = 0.0
    options = [[None, *row] for row in scores]
    for choice in itertools.product(*options):
        used = [0] * len(capacity)
        total = 0.0
        for row, partner in zip(scores, choice, strict=True):
            if partner is None:
                continue
            used[partner] += 1
            total += row[partner]
        if all(u <= c for u, c in zip(used, capacity, strict=True)):
            best = max(best, total)
    return best


@pytest.mark.parametrize("seed", range(40))
def test_optimal_assignment_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    n_inquiries, n_partners = rng.randint(1, 6), rng.randint(1, 4)
    capacity = [rng.randint(0, 3) for _ in range(n_partners)]
    scores = [
        {p: round(rng.uniform(0, 100), 2) for p in range(n_partners) if rng.random() < 0.7}
        for _ in range(n_inquiries)
    ]
    candidates = [
        Candidates(np.array(list(row), dtype=np.int64), np.array(list(row.values())))
        for row in scores
    ]
    pairs = optimal_assignment(candidates, np.array(capacity, dtype=np.int64))
    total = sum(scores[i][p] for i, p in pairs)
    assert total == pytest.approx(brute_force(scores, capacity))
    assert len({i for i, _ in pairs}) == len(pairs)
    for p, used in enumerate(np.bincount([p for _, p in pairs], minlength=n_partners)):
        assert used <= capacity[p]
        assert all(p in scores[i] for i, q in pairs if q == p)


def test_greedy_would_be_wrong_here() -> None:
    # Inquiry 0 slightly prefers partner 0, but inquiry 1 can only use partner 0.
    candidates = [
        Candidates(np.array([0, 1]), np.array([10.0, 9.0])),
        Candidates(np.array([0]), np.array([8.0])),
    ]
    assert sorted(optimal_assignment(candidates, np.array([1, 1]))) == [(0, 1), (1, 0)]


def test_suggestion_respects_capacity_and_accepting_assigns(database: Database) -> None:
    strong = add_partner(database, name="Strong", capacity=1)
    weak = add_partner(database, name="Weak", capacity=5)
    history = add_inquiry(database, company_name="Earlier Co", website="https://earlier.example")
    for _ in range(15):
        add_record(database, history, strong)
    for _ in range(15):
        add_record(database, history, weak, amount_awarded_usd=60_000)
    open_ids = [add_inquiry(database, company_name=f"Open {n}") for n in range(3)]
    # The history inquiry is new too; decline nothing, it simply competes for slots.
    seen: list[tuple[int, int]] = []
    suggestion = svc.suggest_batch(database, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (4, 4)
    by_partner = {}
    for item in suggestion.items:
        by_partner.setdefault(item.partner_id, []).append(item.inquiry_id)
    assert len(by_partner.get(strong, [])) == 1
    # History's own records make both partners its customer's holders: only they may take it.
    assert {i.inquiry_id for i in suggestion.items} == {*open_ids, history}
    assert next(i.partner_id for i in suggestion.items if i.inquiry_id == history) in {
        strong,
        weak,
    }
    assert suggestion.total_score == pytest.approx(sum(i.score for i in suggestion.items))

    first = suggestion.items[0]
    svc.assign(database, first.inquiry_id, first.partner_id, "somebody-else")
    result = svc.accept_batch(database, suggestion.items, "alice")
    assert len(result.assigned) == len(suggestion.items) - 1
    (loss,) = result.lost
    assert loss.inquiry_id == first.inquiry_id
    assert loss.message.startswith("already assigned to ") and "by somebody-else" in loss.message
    history_rows = svc.assignment_history(database, suggestion.items[1].inquiry_id)
    assert history_rows[0].assigned_by == "alice"


def test_batch_prefers_above_threshold_partners(database: Database) -> None:
    proven = add_partner(database, name="Proven", capacity=1)
    unknown = add_partner(database, name="Unknown", capacity=5)
    history = add_inquiry(
        database,
        company_name="Earlier Co",
        website="https://earlier.example",
        status=InquiryStatus.CREDITED,
    )
    for _ in range(15):
        add_record(database, history, proven)
    a = add_inquiry(database, company_name="A")
    b = add_inquiry(database, company_name="B")
    items = {i.inquiry_id: i for i in svc.suggest_batch(database).items}
    # Only one inquiry can have Proven; the other falls back to the unknown partner.
    assert sorted(items[x].partner_id for x in (a, b)) == sorted([proven, unknown])
    assert {items[x].above_threshold for x in (a, b)} == {True, False}


def test_cancelled_suggestion_returns_nothing(database: Database) -> None:
    add_partner(database)
    for n in range(3):
        add_inquiry(database, company_name=f"Open {n}")
    suggestion = svc.suggest_batch(database, cancelled=lambda: True)
    assert suggestion.cancelled and suggestion.items == ()
