"""Batch matching speed: ``domain/routing/matching.py`` on synthetic batches, side by side
with scipy's ``min_weight_full_bipartite_matching`` (what it replaced) when scipy is
installed (it is no longer a dependency: ``pip install scipy`` to see the yardstick).

    python bench/matching_bench.py                 # 2,000 x 150 and 5,000 x 300, 3 runs each
    python bench/matching_bench.py --runs 5 --sizes 500x50 2000x150

Each batch is what ``suggest_batch`` hands over: every inquiry lists 25 distinct partners
with gamma-distributed scores, about 30 % of them above the close-rate threshold (which adds
the same lexicographic bonus ``services.assignment`` adds), partners have 0-29 free slots.
Both answers' totals are printed so a difference in optimality would show.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from cloudroute_desk.domain.routing.batch import Candidates
from cloudroute_desk.domain.routing.matching import optimal_assignment

Solver = Callable[[list[Candidates], NDArray[np.int64]], list[tuple[int, int]]]


def batch(inquiries: int, partners: int, seed: int) -> tuple[list[Candidates], NDArray[np.int64]]:
    rng = np.random.default_rng(seed)
    capacity = rng.integers(0, 30, partners).astype(np.int64)
    rows = []
    for _ in range(inquiries):
        listed = rng.choice(partners, size=min(25, partners), replace=False).astype(np.int64)
        rows.append((listed, rng.gamma(2.0, 20_000, len(listed)).round(), rng.random(len(listed))))
    bonus = 1.0 + sum(float(scores.max()) for _, scores, _ in rows)
    candidates = [Candidates(p, s + bonus * (a < 0.3)) for p, s, a in rows]
    return candidates, capacity


def scipy_solver() -> Solver | None:
    try:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import min_weight_full_bipartite_matching
    except ImportError:
        return None

    def solve(candidates: list[Candidates], capacity: NDArray[np.int64]) -> list[tuple[int, int]]:
        # Every partner as its free slots, every inquiry with a private "unassigned" slot.
        n = len(candidates)
        slots = np.maximum(capacity, 0)
        first = np.concatenate(([0], np.cumsum(slots)[:-1])).astype(np.int64)
        n_slots = int(slots.sum())
        big = 2 * max(float(c.scores.max()) for c in candidates) + 1
        rows, cols, costs = [], [], []
        for i, c in enumerate(candidates):
            keep = slots[c.partners] > 0
            partners, scores = c.partners[keep], c.scores[keep]
            counts = slots[partners]
            slot_cols = [first[p] + np.arange(k) for p, k in zip(partners, counts, strict=True)]
            columns = np.concatenate([*slot_cols, [n_slots + i]]).astype(np.int64)
            rows.append(np.full(len(columns), i))
            cols.append(columns)
            costs.append(np.append(np.repeat(big - scores, counts), big))
        matrix = csr_matrix(
            (np.concatenate(costs), (np.concatenate(rows), np.concatenate(cols))),
            shape=(n, n_slots + n),
        )
        matched_rows, matched_cols = min_weight_full_bipartite_matching(matrix)
        owner = np.repeat(np.arange(len(slots)), slots)
        return [
            (int(r), int(owner[c]))
            for r, c in zip(matched_rows, matched_cols, strict=True)
            if c < n_slots
        ]

    return solve


def total(candidates: list[Candidates], pairs: list[tuple[int, int]]) -> float:
    return sum(float(candidates[i].scores[candidates[i].partners == p][0]) for i, p in pairs)


def median_s(
    solver: Solver, candidates: list[Candidates], capacity: NDArray[np.int64], runs: int
) -> tuple[float, float]:
    times, pairs = [], []
    for _ in range(runs):
        started = time.perf_counter()
        pairs = solver(candidates, capacity)
        times.append(time.perf_counter() - started)
    return statistics.median(times), total(candidates, pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", nargs="+", default=["2000x150", "5000x300"])
    args = parser.parse_args()
    yardstick = scipy_solver()
    if yardstick is None:
        print("scipy is not installed: no yardstick (pip install scipy)")
    for size in args.sizes:
        inquiries, partners = (int(x) for x in size.split("x"))
        candidates, capacity = batch(inquiries, partners, seed=inquiries)
        ours, ours_total = median_s(optimal_assignment, candidates, capacity, args.runs)
        line = (
            f"{inquiries:>6,} inquiries x {partners:>4} partners ({int(capacity.sum()):,} slots): "
        )
        line += f"matching.py {ours * 1000:7.0f} ms"
        if yardstick is not None:
            theirs, theirs_total = median_s(yardstick, candidates, capacity, args.runs)
            line += f" | scipy {theirs * 1000:7.0f} ms"
            line += " | same total" if np.isclose(ours_total, theirs_total) else " | TOTALS DIFFER"
        print(line, flush=True)


if __name__ == "__main__":
    main()
