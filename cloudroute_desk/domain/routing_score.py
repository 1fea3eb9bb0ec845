"""The routing score: which partner should get this inquiry, and why.

Pure and vectorised (numpy over all partners at once) so ranking 10,000 partners stays in the
low milliseconds. The same code ranks for the comparison pane, the ``route`` command, the
audit row of an assignment and the batch suggestion.

Formula
-------
1. **Hard gates**, in this order; a partner failing any is excluded and keeps every reason:
   inactive; tier (Registered never; Select only when the inquiry wants MAP alone: only
   Advanced and Premier file credit pools); filing rights (``catalog.tier_may_file`` for each
   wanted partner-filed pool); already tried for this inquiry (an earlier assignment that was
   not undone); holds a competing ACE record for this customer (an open or awarded record
   on this inquiry, or on another inquiry of the same company); at capacity (open
   assignments >= capacity).
2. **Close estimate on the inquiry's profile**: the partner's decided and approved counts on
   the inquiry's funding stage, region, vertical, service profile, engagement type and wanted
   pools (trailing 12 months) are pooled over the six axes and shrunk with one Beta prior per
   axis (``routing_stats``): ``p = (sum approved + 6 * 10 * 0.5) / (sum decided + 6 * 10)``.
   The six axes are weighted by their sample sizes, so an axis with many records speaks
   louder than one with few, and a partner without history sits at 50 %.
3. **Threshold**: ``p > 70 %`` is above threshold. Above-threshold partners rank ahead of all
   others; below-threshold partners rank after them, and when no above-threshold partner
   passes the gates the ranking says so (``below_threshold_fallback``).
4. **Score** (USD) = ``p x A x 2 ** (-D / 60)``:
   ``A`` = expected award over the wanted credit pools, each pool's mean approved amount
   for this partner shrunk towards the pool's midpoint by 3 imaginary approvals, summed and
   capped at the $150K stacked ceiling; ``p x A`` is the expected credit landed.
   ``D`` = expected days from submission to credit: per pool, the partner's median shrunk
   towards the pool's band midpoint by 3 imaginary records, weighted by the pools' amounts.
   ``2 ** (-D / 60)`` discounts credit by wall-clock time: 60 days' wait halves its worth, so
   a 14-day record keeps 85 % and a 28-day one 72 %.
5. **Ties**: scores within the same $500 band count as tied; Premier's faster reviewer
   turnaround breaks the tie, then the higher close estimate, then the lower partner id.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from cloudroute_desk.domain.catalog import (
    CLOSE_RATE_THRESHOLD,
    POOLS,
    STACKED_CEILING_USD,
    TIERS,
    Pool,
    Region,
    Tier,
    tier_may_file,
)
from cloudroute_desk.domain.entities import Inquiry
from cloudroute_desk.domain.routing import (
    AXES,
    AXIS_LABELS,
    AxisRate,
    ExcludedPartner,
    RankedPartner,
    Ranking,
)
from cloudroute_desk.domain.routing_stats import (
    ALL_AXIS,
    AMOUNT_PRIOR_STRENGTH,
    COLUMNS,
    DAYS_PRIOR_STRENGTH,
    PRIOR_MEAN,
    PRIOR_STRENGTH,
    IndexEntry,
    shrunk_rate,
    shrunk_rates,
)

DAYS_HALF_LIFE = 60.0
"""Days of waiting that halve the worth of landed credit in the score."""

TIE_BAND_USD = 500.0
"""Scores this close count as tied (Premier breaks the tie)."""

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
BOOL = NDArray[np.bool_]

TIER_ORDER: tuple[Tier, ...] = (Tier.REGISTERED, Tier.SELECT, Tier.ADVANCED, Tier.PREMIER)
TIER_CODE: dict[Tier, int] = {tier: code for code, tier in enumerate(TIER_ORDER)}
REGION_ORDER: tuple[Region, ...] = tuple(Region)
REGION_BIT: dict[str, int] = {region.value: 1 << i for i, region in enumerate(REGION_ORDER)}

# Gate codes, in the order the gates apply; 0 = passes every gate.
GATE_INACTIVE = 1
GATE_TIER = 2
GATE_RIGHTS = 3
GATE_TRIED = 4
GATE_COMPETING = 5
GATE_CAPACITY = 6


@dataclass(frozen=True)
class PartnerTable:
    """The partners as parallel arrays (position i is one partner)."""

    ids: I64
    names: tuple[str, ...]
    tier_codes: NDArray[np.int8]
    active: BOOL
    capacity: I64
    load: I64
    region_bits: I64
    position: Mapping[int, int]

    @classmethod
    def build(
        cls,
        rows: Iterable[tuple[int, str, Tier | str, bool, int, Sequence[str]]],
        loads: Mapping[int, int],
    ) -> PartnerTable:
        """From ``(id, name, tier, active, capacity, regions)`` rows and open loads by id."""
        rows = list(rows)
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        return cls(
            ids=ids,
            names=tuple(r[1] for r in rows),
            tier_codes=np.fromiter(
                (TIER_CODE[Tier(r[2])] for r in rows), dtype=np.int8, count=len(rows)
            ),
            active=np.fromiter((bool(r[3]) for r in rows), dtype=np.bool_, count=len(rows)),
            capacity=np.fromiter((r[4] for r in rows), dtype=np.int64, count=len(rows)),
            load=np.fromiter((loads.get(r[0], 0) for r in rows), dtype=np.int64, count=len(rows)),
            region_bits=np.fromiter(
                (sum(REGION_BIT.get(v, 0) for v in set(r[5])) for r in rows),
                dtype=np.int64,
                count=len(rows),
            ),
            position={int(pid): i for i, pid in enumerate(ids)},
        )

    def __len__(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class IndexStats:
    """The routing index as (partners x columns) arrays aligned with a ``PartnerTable``."""

    decided: F64
    approved: F64
    award_sum: F64
    award_n: F64
    median_days: F64
    """NaN where no record was credited."""
    days_n: F64

    @classmethod
    def build(cls, partners: PartnerTable, entries: Iterable[IndexEntry]) -> IndexStats:
        shape = (len(partners), len(COLUMNS))
        decided = np.zeros(shape)
        approved = np.zeros(shape)
        award_sum = np.zeros(shape)
        award_n = np.zeros(shape)
        median_days = np.full(shape, np.nan)
        days_n = np.zeros(shape)
        for e in entries:
            row = partners.position.get(e.partner_id)
            col = COLUMNS.get((e.axis, e.value))
            if row is None or col is None:
                continue
            decided[row, col] = e.decided
            approved[row, col] = e.approved
            award_sum[row, col] = e.award_sum
            award_n[row, col] = e.award_n
            if e.median_days is not None:
                median_days[row, col] = e.median_days
            days_n[row, col] = e.days_n
        return cls(decided, approved, award_sum, award_n, median_days, days_n)


def routed_pools(inquiry: Inquiry) -> tuple[Pool, ...]:
    """The partner-filed pools the inquiry wants; an inquiry naming none is scored as Founders
    (partner-filed), the pool every startup qualifies for."""
    pools = tuple(p for p in inquiry.pools_wanted if POOLS[p].partner_filed)
    return pools or (Pool.FOUNDERS,)


def _pool_midpoint(pool: Pool) -> float:
    spec = POOLS[pool]
    if spec.min_usd is None or spec.max_usd is None:
        return 0.0
    return (spec.min_usd + spec.max_usd) / 2


def _band_midpoint(pool: Pool) -> float:
    band = POOLS[pool].band_days
    return (band[0] + band[1]) / 2 if band else 0.0


def tier_gate(tier: Tier, pools: Sequence[Pool]) -> str | None:
    """Why ``tier`` may not be routed this work, or None."""
    rights = TIERS[tier]
    if not rights.may_file:
        return f"{tier.value} tier has no ACE filing rights"
    wants_credits = any(POOLS[p].min_usd is not None for p in pools)
    if wants_credits and not rights.routable_for_credits:
        return f"{tier.value} tier is routable only for MAP / basic engagements, not credit pools"
    return None


def rights_gate(tier: Tier, pools: Sequence[Pool]) -> str | None:
    missing = [POOLS[p].label for p in pools if not tier_may_file(tier, p)]
    if missing:
        return f"{tier.value} tier may not file {', '.join(missing)}"
    return None


@dataclass(frozen=True)
class ScoredInquiry:
    """Every partner scored for one inquiry, as arrays; ``build_ranking`` turns it into values."""

    inquiry: Inquiry
    partners: PartnerTable
    stats: IndexStats
    pools: tuple[Pool, ...]
    credit_pools: tuple[Pool, ...]
    gate: NDArray[np.int8]
    """First failed gate per partner (0 = eligible)."""
    order: I64
    """Positions of the eligible partners, best first."""
    axis_cols: tuple[int, ...]
    pool_cols: tuple[int, ...]
    approved: F64
    decided: F64
    estimate: F64
    above: BOOL
    pool_amounts: F64
    """(partners x credit pools) expected award per pool."""
    pool_days: F64
    expected_award: F64
    expected_days: F64
    score: F64
    tried: Mapping[int, str]
    competing: Mapping[int, str]


def score_inquiry(
    inquiry: Inquiry,
    partners: PartnerTable,
    stats: IndexStats,
    *,
    tried: Mapping[int, str] | None = None,
    competing: Mapping[int, str] | None = None,
) -> ScoredInquiry:
    """Gate and score every partner for ``inquiry`` (see the module docstring).

    ``tried`` and ``competing`` map partner ids to a short description of the earlier
    assignment or the competing record, which becomes part of the exclusion reason.
    """
    tried = tried or {}
    competing = competing or {}
    pools = routed_pools(inquiry)
    count = len(partners)

    tier_ok = np.array([tier_gate(t, pools) is None for t in TIER_ORDER])
    rights_ok = np.array([rights_gate(t, pools) is None for t in TIER_ORDER])
    gate = np.zeros(count, dtype=np.int8)
    # Applied last-to-first so the earliest failing gate's code is the one left standing.
    gate[partners.load >= partners.capacity] = GATE_CAPACITY
    for mapping, code in ((competing, GATE_COMPETING), (tried, GATE_TRIED)):
        positions = [partners.position[p] for p in mapping if p in partners.position]
        gate[positions] = code
    gate[~rights_ok[partners.tier_codes]] = GATE_RIGHTS
    gate[~tier_ok[partners.tier_codes]] = GATE_TIER
    gate[~partners.active] = GATE_INACTIVE

    axis_cols = (
        COLUMNS.get(("funding_stage", inquiry.funding_stage.value), 0),
        COLUMNS.get(("region", inquiry.region.value), 0),
        COLUMNS.get(("vertical", inquiry.vertical.value), 0),
        COLUMNS.get(("service_profile", inquiry.service_profile.value), 0),
        COLUMNS.get(("engagement_type", inquiry.engagement_type.value), 0),
    )
    pool_cols = tuple(COLUMNS[("pool", p.value)] for p in pools)
    cols = list(axis_cols) + list(pool_cols)
    approved = stats.approved[:, cols].sum(axis=1)
    decided = stats.decided[:, cols].sum(axis=1)
    estimate = shrunk_rates(approved, decided, axes=len(AXES))
    above = estimate > CLOSE_RATE_THRESHOLD

    credit_pools = tuple(p for p in pools if POOLS[p].min_usd is not None)
    if credit_pools:
        ccols = [COLUMNS[("pool", p.value)] for p in credit_pools]
        mids = np.array([_pool_midpoint(p) for p in credit_pools])
        bands = np.array([_band_midpoint(p) for p in credit_pools])
        pool_amounts = (stats.award_sum[:, ccols] + AMOUNT_PRIOR_STRENGTH * mids) / (
            stats.award_n[:, ccols] + AMOUNT_PRIOR_STRENGTH
        )
        days_n = stats.days_n[:, ccols]
        medians = np.nan_to_num(stats.median_days[:, ccols])
        pool_days = (days_n * medians + DAYS_PRIOR_STRENGTH * bands) / (
            days_n + DAYS_PRIOR_STRENGTH
        )
        amount_total = pool_amounts.sum(axis=1)
        expected_days = (pool_amounts * pool_days).sum(axis=1) / amount_total
        expected_award = estimate * np.minimum(amount_total, STACKED_CEILING_USD)
    else:
        pool_amounts = np.zeros((count, 0))
        pool_days = np.zeros((count, 0))
        expected_days = np.zeros(count)
        expected_award = np.zeros(count)
    score = expected_award * np.exp2(-expected_days / DAYS_HALF_LIFE)

    eligible = np.flatnonzero(gate == 0)
    faster = np.array([TIERS[t].faster_review for t in TIER_ORDER])[partners.tier_codes]
    keys = (
        partners.ids[eligible],
        -estimate[eligible],
        -score[eligible],
        -faster[eligible].astype(np.int8),
        -np.floor(score[eligible] / TIE_BAND_USD),
        -above[eligible].astype(np.int8),
    )
    order = eligible[np.lexsort(keys)]
    return ScoredInquiry(
        inquiry=inquiry,
        partners=partners,
        stats=stats,
        pools=pools,
        credit_pools=credit_pools,
        gate=gate,
        order=order,
        axis_cols=axis_cols,
        pool_cols=pool_cols,
        approved=approved,
        decided=decided,
        estimate=estimate,
        above=above,
        pool_amounts=pool_amounts,
        pool_days=pool_days,
        expected_award=expected_award,
        expected_days=expected_days,
        score=score,
        tried=tried,
        competing=competing,
    )


def _percent(value: float) -> str:
    return f"{value * 100:.0f} %"


def _usd(value: float) -> str:
    return f"${value / 1000:,.1f}K"


def _gate_reasons(scored: ScoredInquiry, i: int) -> tuple[str, ...]:
    p = scored.partners
    tier = TIER_ORDER[int(p.tier_codes[i])]
    pid = int(p.ids[i])
    reasons: list[str] = []
    if not p.active[i]:
        reasons.append("inactive")
    for reason in (tier_gate(tier, scored.pools), rights_gate(tier, scored.pools)):
        if reason is not None:
            reasons.append(reason)
    if pid in scored.tried:
        reasons.append(f"already tried for this inquiry ({scored.tried[pid]})")
    if pid in scored.competing:
        reasons.append(f"holds a competing ACE record for this customer ({scored.competing[pid]})")
    if p.load[i] >= p.capacity[i]:
        reasons.append(f"at capacity ({int(p.load[i])}/{int(p.capacity[i])} open engagements)")
    return tuple(reasons)


def _axis_rates(scored: ScoredInquiry, i: int) -> tuple[AxisRate, ...]:
    stats = scored.stats
    rates: list[AxisRate] = []
    values = (
        scored.inquiry.funding_stage.value,
        scored.inquiry.region.value,
        scored.inquiry.vertical.value,
        scored.inquiry.service_profile.value,
        scored.inquiry.engagement_type.value,
    )
    for axis, value, col in zip(AXES, values, scored.axis_cols, strict=False):
        rates.append(_axis_rate(axis, value, stats.approved[i, col], stats.decided[i, col]))
    pool_cols = list(scored.pool_cols)
    rates.append(
        _axis_rate(
            "pool",
            " + ".join(p.value for p in scored.pools),
            float(stats.approved[i, pool_cols].sum()),
            float(stats.decided[i, pool_cols].sum()),
        )
    )
    return tuple(rates)


def _axis_rate(axis: str, value: str, approved: float, decided: float) -> AxisRate:
    approved, decided = float(approved), float(decided)
    return AxisRate(
        axis=axis,
        value=value,
        approved=approved,
        decided=int(decided),
        rate=approved / decided if decided else None,
        estimate=shrunk_rate(approved, decided),
    )


def ranked_partner(scored: ScoredInquiry, i: int, rank: int) -> RankedPartner:
    """The partner at position ``i`` of the partner table as a ranked value, with reasons."""
    p, stats = scored.partners, scored.stats
    inquiry = scored.inquiry
    tier = TIER_ORDER[int(p.tier_codes[i])]
    decided = float(scored.decided[i])
    raw = float(scored.approved[i]) / decided if decided else None
    estimate = float(scored.estimate[i])
    above = bool(scored.above[i])
    region_match = bool(int(p.region_bits[i]) & REGION_BIT.get(inquiry.region.value, 0))
    all_col = COLUMNS[(ALL_AXIS, "")]
    median = float(stats.median_days[i, all_col])
    ccols = [COLUMNS[("pool", pool.value)] for pool in scored.credit_pools]
    award_n = float(stats.award_n[i, ccols].sum())
    mean_award = float(stats.award_sum[i, ccols].sum()) / award_n if award_n else None
    days = float(scored.expected_days[i])
    axes = _axis_rates(scored, i)

    reasons = [
        (
            f"Close rate on this profile: {_percent(raw) if raw is not None else 'no history'}"
            f" ({scored.approved[i]:g} approved of {decided:g} decided, pooled over "
            f"{len(AXES)} axes); {_percent(estimate)} after shrinking towards "
            f"{_percent(PRIOR_MEAN)} with {PRIOR_STRENGTH:g} imaginary records per axis: "
            + ("above" if above else "below")
            + f" the {_percent(CLOSE_RATE_THRESHOLD)} threshold"
        )
    ]
    reasons.extend(
        f"{AXIS_LABELS[rate.axis]} {rate.value}: {rate.label}, estimate {_percent(rate.estimate)}"
        for rate in axes
    )
    if scored.credit_pools:
        parts = ", ".join(
            f"{POOLS[pool].label} {_usd(scored.pool_amounts[i, k])}"
            f" in {scored.pool_days[i, k]:.1f} d"
            for k, pool in enumerate(scored.credit_pools)
        )
        reasons.append(
            f"Expected credit landed {_usd(scored.expected_award[i])} = {_percent(estimate)}"
            f" x expected award ({parts}; capped at {_usd(STACKED_CEILING_USD)})"
        )
        reasons.append(
            f"Expected {days:.1f} days to credit: worth x{math.exp2(-days / DAYS_HALF_LIFE):.2f}"
            f" (halves every {DAYS_HALF_LIFE:g} days) -> score {_usd(scored.score[i])}"
        )
    else:
        reasons.append("MAP / engagement funding only: no credit amount; ranked by close rate")
    reasons.append(
        f"Region {inquiry.region.value}: "
        + ("files there" if region_match else "not among the partner's regions")
    )
    if TIERS[tier].faster_review:
        reasons.append("Premier: faster reviewer turnaround (breaks ties between equal scores)")
    reasons.append(f"Load {int(p.load[i])}/{int(p.capacity[i])} open engagements")

    return RankedPartner(
        partner_id=int(p.ids[i]),
        partner_name=p.names[i],
        tier=tier,
        rank=rank,
        score=float(scored.score[i]),
        above_threshold=above,
        close_rate=raw,
        close_estimate=estimate,
        decided=int(stats.decided[i, all_col]),
        axes=axes,
        region_match=region_match,
        expected_award_usd=float(scored.expected_award[i]),
        expected_days=days,
        median_days_to_credit=None if math.isnan(median) else median,
        mean_award_usd=mean_award,
        load=int(p.load[i]),
        capacity=int(p.capacity[i]),
        faster_review=TIERS[tier].faster_review,
        reasons=tuple(reasons),
    )


def build_ranking(scored: ScoredInquiry, as_of: datetime, *, limit: int | None = None) -> Ranking:
    """The ranking as plain values; ``limit`` keeps only the best N ranked partners."""
    assert scored.inquiry.id is not None
    order = scored.order if limit is None else scored.order[:limit]
    ranked = tuple(ranked_partner(scored, int(i), rank) for rank, i in enumerate(order, start=1))
    excluded_positions = np.flatnonzero(scored.gate != 0)
    p = scored.partners
    excluded = []
    for i in excluded_positions:
        reasons = _gate_reasons(scored, int(i))
        excluded.append(
            ExcludedPartner(
                partner_id=int(p.ids[i]),
                partner_name=p.names[i],
                tier=TIER_ORDER[int(p.tier_codes[i])],
                reason=reasons[0],
                all_reasons=reasons,
            )
        )
    any_above = bool(scored.above[scored.order].any()) if len(scored.order) else False
    return Ranking(
        inquiry_id=scored.inquiry.id,
        ranked=ranked,
        excluded=tuple(excluded),
        below_threshold_fallback=len(scored.order) > 0 and not any_above,
        as_of=as_of,
        total_ranked=len(scored.order),
    )


def index_columns(inquiry: Inquiry) -> list[tuple[str, str]]:
    """The index columns ranking ``inquiry`` reads (the whole-window one plus its profile)."""
    return [
        (ALL_AXIS, ""),
        ("funding_stage", inquiry.funding_stage.value),
        ("region", inquiry.region.value),
        ("vertical", inquiry.vertical.value),
        ("service_profile", inquiry.service_profile.value),
        ("engagement_type", inquiry.engagement_type.value),
        *(("pool", p.value) for p in routed_pools(inquiry)),
    ]
