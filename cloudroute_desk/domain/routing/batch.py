"""Batch suggestion values: who would get which open inquiry, and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BatchItem(_Frozen):
    inquiry_id: int
    company_name: str
    partner_id: int
    partner_name: str
    score: float
    """The partner's routing score for this inquiry (time-discounted expected credit, USD)."""
    expected_award_usd: float
    rank: int
    """The partner's rank in this inquiry's own ranking (1 = its individual best)."""
    above_threshold: bool
    reasons: tuple[str, ...] = ()
    runner_up_id: int | None = None
    """The inquiry's own best alternative to this partner, for the audit row."""
    runner_up_name: str | None = None
    runner_up_score: float | None = None


class BatchSuggestion(_Frozen):
    items: tuple[BatchItem, ...]
    unmatched: tuple[int, ...]
    """Open inquiries left without a partner (no eligible partner or no capacity left)."""
    total_score: float
    total_expected_award_usd: float
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class Candidates:
    """One open inquiry's allowed partners (column indexes) and their scores."""

    partners: NDArray[np.int64]
    scores: NDArray[np.float64]
    above: NDArray[np.bool_] | None = None
    """Which candidates are above the close-rate threshold (used by the caller's weights)."""


def optimal_assignment(
    candidates: Sequence[Candidates], capacity_left: NDArray[np.int64]
) -> list[tuple[int, int]]:
    """Pairs (inquiry index, partner index) maximising the total score within capacities.

    Exact: every partner becomes ``min(capacity left, inquiries that list it)`` identical
    slots, every inquiry also gets a private "leave unassigned" slot worth 0, and
    ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` (LAPJVsp, sparse) finds the
    matching of all inquiries with the least total ``BIG - score``, which is the one with the
    largest total score. Sparse, so thousands of inquiries x hundreds of slots stay cheap:
    the edges are only the listed candidates.
    """
    # scipy loads on the first batch suggestion, not with the window (0.2 s of imports).
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    n = len(candidates)
    if n == 0:
        return []
    demand = np.zeros(len(capacity_left), dtype=np.int64)
    for c in candidates:
        demand[c.partners] += 1
    slots = np.minimum(np.maximum(capacity_left, 0), demand)
    first_slot = np.concatenate(([0], np.cumsum(slots)[:-1])).astype(np.int64)
    n_slots = int(slots.sum())
    top = max((float(c.scores.max()) for c in candidates if len(c.scores)), default=0.0)
    big = max(top, 1.0) * 2 + 1.0

    rows: list[NDArray[np.int64]] = []
    cols: list[NDArray[np.int64]] = []
    costs: list[NDArray[np.float64]] = []
    for i, c in enumerate(candidates):
        keep = slots[c.partners] > 0
        partners, scores = c.partners[keep], c.scores[keep]
        counts = slots[partners]
        slot_cols = np.concatenate(
            [first_slot[p] + np.arange(k) for p, k in zip(partners, counts, strict=True)]
            or [np.zeros(0, dtype=np.int64)]
        ).astype(np.int64)
        slot_costs = np.repeat(big - scores, counts)
        rows.append(np.full(len(slot_cols) + 1, i, dtype=np.int64))
        cols.append(np.append(slot_cols, n_slots + i))
        costs.append(np.append(slot_costs, big))
    matrix = csr_matrix(
        (np.concatenate(costs), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n, n_slots + n),
    )
    matched_rows, matched_cols = min_weight_full_bipartite_matching(matrix)
    slot_owner = np.repeat(np.arange(len(slots)), slots)
    return [
        (int(r), int(slot_owner[col]))
        for r, col in zip(matched_rows, matched_cols, strict=True)
        if col < n_slots
    ]
