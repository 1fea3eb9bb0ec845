"""Sample-size-aware close rates, and how one ACE record counts in the routing index.

Estimate: Beta-binomial shrinkage (the posterior mean under a Beta prior)
------------------------------------------------------------------------
A partner's close rate on an axis value is estimated as

    estimate = (approved + PRIOR_STRENGTH * PRIOR_MEAN) / (decided + PRIOR_STRENGTH)

i.e. the partner starts with ``PRIOR_STRENGTH`` = 10 imaginary decided records closing at
``PRIOR_MEAN`` = 50 %, and its own records pull the estimate away from there as they
accumulate. 3 of 3 gives (3 + 5) / 13 = 62 %; 180 of 200 gives 185 / 210 = 88 %; a perfect
record needs at least 7 decisions to clear the 70 % threshold.

Why shrinkage and not a Wilson lower bound: the routing score multiplies the close rate by an
amount to get *expected* credit landed, which needs an estimate of the probability itself. The
posterior mean is that estimate (the Bayes estimate under squared loss) and it pools cleanly:
several axes combine by adding their counts. A Wilson lower bound is a deliberately pessimistic
quantile, not a probability: it would understate every partner's expected credit, more for the
small partners, and would not add up across axes. The prior mean sits *below* the threshold on
purpose, so that a partner has to earn "above 70 %" with evidence; a partner with no history
is estimated at 50 %, never preferred over a proven one.

How a record counts
-------------------
Only decided records count (approved, downgraded, rejected; launched and closed records were
approved or downgraded before). A downgrade counts ``DOWNGRADE_WEIGHT`` (half) of an approval:
credits landed, but less than asked. A launched or closed record whose ``awarded_pool`` differs
from the pool it was filed in was downgraded on the way and counts as a downgrade. The mean
award uses full approvals only (the downgrade is already priced into the close rate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from cloudroute_desk.domain.catalog import (
    DOWNGRADE_WEIGHT,
    POOLS,
    EngagementType,
    FundingStage,
    Pool,
    RecordState,
    Region,
    ServiceProfile,
    Vertical,
)
from cloudroute_desk.domain.routing.values import AXES

PRIOR_MEAN = 0.5
"""Close rate assumed before any evidence (below the 70 % threshold on purpose)."""

PRIOR_STRENGTH = 10.0
"""How many imaginary decided records the prior is worth."""

AMOUNT_PRIOR_STRENGTH = 3.0
"""Imaginary approvals at the pool's midpoint that a partner's mean award is shrunk towards."""

DAYS_PRIOR_STRENGTH = 3.0
"""Imaginary credited records at the pool's band midpoint that median days are shrunk towards."""


class Outcome(StrEnum):
    APPROVED = "approved"
    DOWNGRADED = "downgraded"
    REJECTED = "rejected"


def record_outcome(state: RecordState, pool: Pool, awarded_pool: Pool | None) -> Outcome | None:
    """The reviewer's decision a record carries, or None while it is undecided."""
    if state == RecordState.REJECTED:
        return Outcome.REJECTED
    if state == RecordState.DOWNGRADED:
        return Outcome.DOWNGRADED
    if state in (RecordState.APPROVED, RecordState.LAUNCHED, RecordState.CLOSED):
        if awarded_pool is not None and awarded_pool != pool:
            return Outcome.DOWNGRADED
        return Outcome.APPROVED
    return None


def approval_weight(outcome: Outcome) -> float:
    if outcome == Outcome.APPROVED:
        return 1.0
    if outcome == Outcome.DOWNGRADED:
        return DOWNGRADE_WEIGHT
    return 0.0


def shrunk_rate(approved: float, decided: float) -> float:
    """Beta-binomial posterior mean of a close rate (see the module docstring)."""
    return (approved + PRIOR_STRENGTH * PRIOR_MEAN) / (decided + PRIOR_STRENGTH)


def shrunk_rates(
    approved: NDArray[np.float64], decided: NDArray[np.float64], axes: int = 1
) -> NDArray[np.float64]:
    """``shrunk_rate`` over arrays of counts pooled over ``axes`` axes (one prior per axis)."""
    strength = PRIOR_STRENGTH * axes
    return (approved + strength * PRIOR_MEAN) / (decided + strength)


def shrunk_mean(total: float, count: float, prior: float, strength: float) -> float:
    return (total + strength * prior) / (count + strength)


ALL_AXIS = "all"
"""The pseudo-axis holding a partner's whole window (value ``""``)."""

AXIS_VOCABULARY: dict[str, tuple[str, ...]] = {
    "funding_stage": tuple(v.value for v in FundingStage),
    "region": tuple(v.value for v in Region),
    "vertical": tuple(v.value for v in Vertical),
    "service_profile": tuple(v.value for v in ServiceProfile),
    "engagement_type": tuple(v.value for v in EngagementType),
    "pool": tuple(p.value for p, spec in POOLS.items() if spec.partner_filed),
}

COLUMNS: dict[tuple[str, str], int] = {
    key: i
    for i, key in enumerate(
        [(ALL_AXIS, "")] + [(a, v) for a in AXES for v in AXIS_VOCABULARY[a]],
    )
}
"""Every (axis, value) the index keeps, numbered: the columns of the ranking's stats arrays."""

COLUMN_KEYS: tuple[tuple[str, str], ...] = tuple(COLUMNS)

OUTCOME_CODE: dict[Outcome, int] = {Outcome.APPROVED: 0, Outcome.DOWNGRADED: 1, Outcome.REJECTED: 2}


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One row of the routing index: a partner's counts on one axis value."""

    partner_id: int
    axis: str
    value: str
    decided: int
    approved: float
    approvals: int
    downgraded: int
    rejected: int
    award_sum: int
    award_n: int
    median_days: float | None
    days_n: int


def tally(
    partner_ids: Sequence[int],
    outcomes: Sequence[Outcome],
    axis_values: Mapping[str, Sequence[str]],
    awarded_usd: Sequence[int | None],
    days_to_credit: Sequence[float | None],
) -> list[IndexEntry]:
    """The routing index rows for a set of decided records (parallel sequences, one per record).

    ``axis_values`` maps each axis of ``AXES`` to the records' values on it. Vectorised
    (one group-by over partner x column with numpy) so a full rebuild over a year of a large
    network's records takes well under a second.
    """
    count = len(partner_ids)
    if count == 0:
        return []
    pids = np.asarray(partner_ids, dtype=np.int64)
    codes = np.fromiter((OUTCOME_CODE[o] for o in outcomes), dtype=np.int8, count=count)
    award = np.array([np.nan if a is None else a for a in awarded_usd], dtype=np.float64)
    days = np.array([np.nan if d is None else d for d in days_to_credit], dtype=np.float64)

    width = len(COLUMNS)
    key_parts = [pids * width + COLUMNS[(ALL_AXIS, "")]]
    rows = [np.arange(count)]
    for axis in AXES:
        cols = np.fromiter(
            (COLUMNS.get((axis, v), -1) for v in axis_values[axis]), dtype=np.int64, count=count
        )
        known = cols >= 0
        key_parts.append(pids[known] * width + cols[known])
        rows.append(np.flatnonzero(known))
    keys = np.concatenate(key_parts)
    record = np.concatenate(rows)
    groups, group_of = np.unique(keys, return_inverse=True)
    n_groups = len(groups)

    outcome = codes[record]
    is_approval = outcome == 0
    weight = np.where(is_approval, 1.0, np.where(outcome == 1, DOWNGRADE_WEIGHT, 0.0))
    has_award = is_approval & ~np.isnan(award[record])

    def per_group(values: NDArray[np.float64] | NDArray[np.bool_] | None) -> NDArray[np.float64]:
        return np.bincount(group_of, weights=values, minlength=n_groups).astype(np.float64)

    decided = per_group(None)
    approved = per_group(weight)
    approvals = per_group(is_approval)
    downgraded = per_group(outcome == 1)
    rejected = per_group(outcome == 2)
    award_sum = per_group(np.where(has_award, award[record], 0.0))
    award_n = per_group(has_award)

    credited = ~np.isnan(days[record]) & (outcome != 2)
    credited_groups = group_of[credited]
    credited_days = days[record][credited]
    order = np.lexsort((credited_days, credited_groups))
    sorted_days = credited_days[order]
    days_n = np.bincount(credited_groups, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(days_n)[:-1]))
    has_days = days_n > 0
    lo = starts + np.maximum(days_n - 1, 0) // 2
    hi = starts + days_n // 2
    medians = np.full(n_groups, np.nan)
    medians[has_days] = (sorted_days[lo[has_days]] + sorted_days[hi[has_days]]) / 2

    entries = []
    for g, key in enumerate(groups.tolist()):
        axis, value = COLUMN_KEYS[key % width]
        median = float(medians[g])
        entries.append(
            IndexEntry(
                partner_id=key // width,
                axis=axis,
                value=value,
                decided=int(decided[g]),
                approved=float(approved[g]),
                approvals=int(approvals[g]),
                downgraded=int(downgraded[g]),
                rejected=int(rejected[g]),
                award_sum=int(award_sum[g]),
                award_n=int(award_n[g]),
                median_days=None if np.isnan(median) else median,
                days_n=int(days_n[g]),
            )
        )
    return entries
