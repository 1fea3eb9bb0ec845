"""The batch matching (domain/routing/matching.py): optimal against brute force on small
inputs, and proven optimal by a dual certificate on larger ones."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from cloudroute_desk.domain.routing.batch import Candidates
from cloudroute_desk.domain.routing.matching import optimal_assignment

Scores = list[dict[int, float]]


def brute_force(scores: Scores, capacity: list[int]) -> float:
    """Best total over every way to give each inquiry one listed partner or none."""
    best = 0.0
    for choice in itertools.product(*([None, *row] for row in scores)):
        used = [0] * len(capacity)
        total = 0.0
        for row, partner in zip(scores, choice, strict=True):
            if partner is not None:
                used[partner] += 1
                total += row[partner]
        if all(u <= max(c, 0) for u, c in zip(used, capacity, strict=True)):
            best = max(best, total)
    return best


def random_case(
    rng: random.Random, inquiries: int, partners: int, *, density: float, ties: bool
) -> tuple[Scores, list[int]]:
    capacity = [rng.randint(-1, 3) for _ in range(partners)]

    def score() -> float:
        return float(rng.randint(-2, 6)) if ties else round(rng.uniform(-10, 100), 2)

    scores = [
        {p: score() for p in range(partners) if rng.random() < density} for _ in range(inquiries)
    ]
    return scores, capacity


def solve(scores: Scores, capacity: list[int]) -> list[tuple[int, int]]:
    candidates = [
        Candidates(np.array(list(row), dtype=np.int64), np.array(list(row.values()), dtype=float))
        for row in scores
    ]
    return optimal_assignment(candidates, np.array(capacity, dtype=np.int64))


def assert_feasible(pairs: list[tuple[int, int]], scores: Scores, capacity: list[int]) -> None:
    assert len({i for i, _ in pairs}) == len(pairs), "an inquiry placed twice"
    for i, p in pairs:
        assert p in scores[i], "a partner the inquiry did not list"
    used = np.bincount([p for _, p in pairs], minlength=len(capacity))
    assert all(u <= max(c, 0) for u, c in zip(used, capacity, strict=True))


@pytest.mark.parametrize("seed", range(300))
def test_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    scores, capacity = random_case(
        rng,
        rng.randint(0, 7),
        rng.randint(1, 4),
        density=rng.choice([0.4, 0.7, 1.0]),
        ties=seed % 2 == 0,
    )
    pairs = solve(scores, capacity)
    assert_feasible(pairs, scores, capacity)
    assert sum(scores[i][p] for i, p in pairs) == pytest.approx(brute_force(scores, capacity))


def dual_bound(pairs: list[tuple[int, int]], scores: Scores, capacity: list[int]) -> float:
    """An upper bound on every assignment's total (linear-programming duality), built from
    the partners' prices in the returned assignment: a partner's price is the least it costs
    to make room there (a free slot 0, else its members' cheapest chain of moves ending at a
    free slot or at dropping someone). Any prices >= 0 with each inquiry's share
    max(0, best score - price) bound the total from above; equality proves optimality."""
    seat = dict(pairs)
    usable = [max(c, 0) for c in capacity]
    used = np.bincount([p for _, p in pairs], minlength=len(capacity))
    price = [0.0 if used[p] < usable[p] else np.inf for p in range(len(capacity))]
    for i, p in pairs:
        price[p] = min(price[p], scores[i][p])
    for _ in range(len(capacity) + 1):
        for i, p in pairs:
            for q, s in scores[i].items():
                if q != p and usable[q] > 0:
                    price[p] = min(price[p], scores[i][p] - s + price[q])
    prices = [max(v, 0.0) for v in price]
    shares = [
        max([0.0] + [s - prices[q] for q, s in row.items() if usable[q] > 0])
        for i, row in enumerate(scores)
    ]
    assert all(np.isfinite(prices[p]) for p in seat.values())
    return sum(shares) + sum(c * v for c, v in zip(usable, prices, strict=True) if c > 0)


@pytest.mark.parametrize("seed", range(12))
def test_larger_cases_meet_the_dual_bound(seed: int) -> None:
    rng = random.Random(1000 + seed)
    scores, capacity = random_case(rng, 120, 15, density=0.3, ties=seed % 3 == 0)
    pairs = solve(scores, capacity)
    assert_feasible(pairs, scores, capacity)
    total = sum(scores[i][p] for i, p in pairs)
    assert total == pytest.approx(dual_bound(pairs, scores, capacity), abs=1e-6)


def test_dual_bound_catches_a_worse_assignment() -> None:
    # The certificate is not vacuous: the greedy answer (inquiry 0 takes its favourite)
    # stays below the bound, while the optimal answer meets it.
    scores = [{0: 10.0, 1: 9.0}, {0: 8.0}]
    greedy = [(0, 0)]
    assert sum(scores[i][p] for i, p in greedy) < dual_bound(greedy, scores, [1, 1]) - 1
    assert sorted(solve(scores, [1, 1])) == [(0, 1), (1, 0)]


def test_a_long_chain_of_moves() -> None:
    # Each new inquiry can only take partner 0, so every placement pushes the earlier ones
    # one partner along; the optimum uses every partner once.
    n = 6
    scores = [{p: 10.0 - p + i for p in range(i + 1)} for i in range(n)]
    scores = list(reversed(scores))
    pairs = solve(scores, [1] * n)
    assert len(pairs) == n
    assert sum(scores[i][p] for i, p in pairs) == pytest.approx(brute_force(scores, [1] * n))


def test_nothing_to_place() -> None:
    assert solve([], [1, 2]) == []
    assert solve([{}, {0: 5.0}], [0]) == []
    assert solve([{0: -1.0}], [1]) == []


def test_same_input_same_answer() -> None:
    scores, capacity = random_case(random.Random(5), 200, 20, density=0.3, ties=True)
    assert solve(scores, capacity) == solve(scores, capacity)


@pytest.mark.parametrize("seed", range(60))
def test_prices_never_fall_as_inquiries_come(seed: int) -> None:
    # The matching keeps partners' old prices as a floor (a chain into p costs at least
    # p's price). That holds because a partner's price, what one slot less there would cost
    # the optimum, never falls when an inquiry is added (Shapley's complements); checked
    # here by brute force on every prefix of the inquiries.
    rng = random.Random(500 + seed)
    scores, capacity = random_case(rng, 6, 3, density=0.8, ties=seed % 2 == 0)
    capacity = [max(c, 1) for c in capacity]
    previous = [0.0] * len(capacity)
    for k in range(len(scores) + 1):
        best = brute_force(scores[:k], capacity)
        for p in range(len(capacity)):
            fewer = [c - (q == p) for q, c in enumerate(capacity)]
            price = best - brute_force(scores[:k], fewer)
            assert price >= previous[p] - 1e-9
            previous[p] = price
