"""The routing score: which partner should get this inquiry, and why.

Pure and vectorised (numpy over all partners at once) so ranking 10,000 partners stays in the
low milliseconds. The same code ranks for the comparison pane, the ``route`` command, the
audit row of an assignment and the batch suggestion.

Formula
-------
1. **Hard gates**, in this order; a partner failing any is excluded and keeps every reason
   (each with a stable code, ``GateCode``): inactive; tier (Registered never; Select only when
   the inquiry wants MAP alone: only Advanced and Premier file credit pools); filing rights
   (``catalog.tier_may_file`` for each wanted partner-filed pool); already tried for this
   inquiry (an earlier assignment that was not undone); competing (the customer's records:
   when a partner already holds an open or awarded ACE record for this customer, on any of
   the customer's inquiries (``domain.customer``), that partner is the only one that may be
   routed; every other partner's record would compete, and AWS rejects both); at capacity
   (open assignments >= capacity). The holder itself still meets the other gates: when it is
   inactive or full the ranking is empty and says why, and the admin decides.
2. **Close estimate on the inquiry's profile**: the partner's decided and approved counts on
   the inquiry's funding stage, region, vertical, service profile, engagement type and wanted
   pools (trailing 12 months) are pooled over the six axes and shrunk with one Beta prior per
   axis (``routing_stats``): ``p = (sum approved + 6 * 10 * 0.5) / (sum decided + 6 * 10)``.
   The six axes are weighted by their sample sizes, so an axis with many records speaks
   louder than one with few, and a partner without history sits at 50 %. ``p`` ranks.
3. **Threshold** (seed, section IX): decided on the plain trailing-12-month close rate on the
   profile, ``sum approved / sum decided`` over the six axes, never on the shrunk ``p``. The
   counts are shown per axis (the pooled counts / 6: a partner whose 20 decided records all
   match the profile shows "16/20"), and at least ``MIN_DECIDED_FOR_THRESHOLD`` decided records
   per axis are needed before a rate above 70 % counts. Above-threshold partners rank ahead of
   all others; below-threshold partners rank after them, and when no above-threshold partner
   passes the gates the ranking says so (``below_threshold_fallback``).
4. **Score** (USD) = ``p x A x 2 ** (-D / 60)``:
   ``A`` = expected award over the wanted credit pools, each pool's mean approved amount
   for this partner shrunk towards the pool's midpoint by 3 imaginary approvals, summed and
   capped at the $150K stacked ceiling; ``p x A`` is the expected credit landed.
   ``D`` = expected days from submission to credit: per pool, the partner's median shrunk
   towards the pool's band midpoint by 3 imaginary records, weighted by the pools' amounts.
   Premier's faster review is part of ``D`` through its own observed days.
   ``2 ** (-D / 60)`` discounts credit by wall-clock time: 60 days' wait halves its worth, so
   a 14-day record keeps 85 % and a 28-day one 72 %.
5. **Order**: inside each threshold group, strictly by the displayed score (whole dollars);
   only an exact tie to the dollar falls back to Premier, then the higher plain close rate,
   then the lower partner id.
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
from cloudroute_desk.domain.formatting import THRESHOLD_LABEL
from cloudroute_desk.domain.routing.assignment_check import at_capacity
from cloudroute_desk.domain.routing.stats import (
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
from cloudroute_desk.domain.routing.values import (
    AXES,
    AXIS_LABELS,
    AxisRate,
    ExcludedPartner,
    ExclusionCode,
    RankedPartner,
    Ranking,
)

DAYS_HALF_LIFE = 60.0
"""Days of waiting that halve the worth of landed credit in the score."""

MIN_DECIDED_FOR_THRESHOLD = 10
"""Decided records per axis of the profile a partner needs before its close rate can count as
above the 70 % threshold (fewer say too little, however good they look)."""

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


def competing_reason(holders: Mapping[int, str]) -> str:
    """Why a partner other than the customer's record holder(s) is excluded."""
    names = " and ".join(holders.values())
    return (
        f"{names} already has an open ACE record for this customer; a second partner's record "
        "would be rejected as competing"
    )


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
    holders: Mapping[int, str]
    profile_approved: F64
    """Approvals on the profile per axis (the pooled counts / 6)."""
    profile_decided: F64
    close_rate: F64
    """Plain close rate on the profile (NaN with nothing decided); decides the threshold."""


def score_inquiry(
    inquiry: Inquiry,
    partners: PartnerTable,
    stats: IndexStats,
    *,
    tried: Mapping[int, str] | None = None,
    holders: Mapping[int, str] | None = None,
) -> ScoredInquiry:
    """Gate and score every partner for ``inquiry`` (see the module docstring).

    ``tried`` maps partner ids to a short description of the earlier assignment. ``holders``
    maps the partners holding an open or awarded record for this customer to their names (as
    the exclusion reason names them): when not empty, only they may be routed.
    """
    tried = tried or {}
    holders = holders or {}
    pools = routed_pools(inquiry)
    count = len(partners)

    tier_ok = np.array([tier_gate(t, pools) is None for t in TIER_ORDER])
    rights_ok = np.array([rights_gate(t, pools) is None for t in TIER_ORDER])
    gate = np.zeros(count, dtype=np.int8)
    # Applied last-to-first so the earliest failing gate's code is the one left standing.
    gate[partners.load >= partners.capacity] = GATE_CAPACITY
    if holders:
        competing = np.ones(count, dtype=np.bool_)
        competing[[partners.position[p] for p in holders if p in partners.position]] = False
        gate[competing] = GATE_COMPETING
    gate[[partners.position[p] for p in tried if p in partners.position]] = GATE_TRIED
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
    profile_approved = approved / len(AXES)
    profile_decided = decided / len(AXES)
    with np.errstate(invalid="ignore", divide="ignore"):
        close_rate = np.where(decided > 0, approved / np.where(decided > 0, decided, 1), np.nan)
    above = (profile_decided >= MIN_DECIDED_FOR_THRESHOLD) & (
        np.nan_to_num(close_rate, nan=0.0) > CLOSE_RATE_THRESHOLD
    )

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
    # np.lexsort sorts by the last key first.
    keys = (
        partners.ids[eligible],
        -np.nan_to_num(close_rate[eligible], nan=-1.0),
        -faster[eligible].astype(np.int8),
        -displayed_score(score[eligible]),
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
        holders=holders,
        profile_approved=profile_approved,
        profile_decided=profile_decided,
        close_rate=close_rate,
    )


def displayed_score(score: F64) -> F64:
    """The score as the ranking shows and orders it: whole dollars."""
    return np.round(score)


def _percent(value: float) -> str:
    return f"{value * 100:.0f} %"


def _usd(value: float) -> str:
    return f"${value / 1000:,.1f}K"


def _excluded(scored: ScoredInquiry) -> tuple[ExcludedPartner, ...]:
    """Every excluded partner with all its failed gates (first one as the reason)."""
    p = scored.partners
    positions = np.flatnonzero(scored.gate != 0)
    tier_reasons = {
        code: tuple(
            (reason_code, r)
            for reason_code, r in (
                (ExclusionCode.TIER, tier_gate(tier, scored.pools)),
                (ExclusionCode.RIGHTS, rights_gate(tier, scored.pools)),
            )
            if r is not None
        )
        for code, tier in enumerate(TIER_ORDER)
    }
    ids = p.ids[positions].tolist()
    codes = p.tier_codes[positions].tolist()
    active = p.active[positions].tolist()
    load = p.load[positions].tolist()
    capacity = p.capacity[positions].tolist()
    competing = competing_reason(scored.holders) if scored.holders else ""
    excluded = []
    for k, i in enumerate(positions.tolist()):
        pid = ids[k]
        reasons: list[tuple[ExclusionCode, str]] = (
            [] if active[k] else [(ExclusionCode.INACTIVE, "inactive")]
        )
        reasons.extend(tier_reasons[codes[k]])
        if pid in scored.tried:
            reasons.append(
                (ExclusionCode.TRIED, f"already tried for this inquiry ({scored.tried[pid]})")
            )
        if scored.holders and pid not in scored.holders:
            reasons.append((ExclusionCode.COMPETING, competing))
        if load[k] >= capacity[k]:
            reasons.append((ExclusionCode.CAPACITY, at_capacity(load[k], capacity[k])))
        excluded.append(
            ExcludedPartner(
                partner_id=pid,
                partner_name=p.names[i],
                tier=TIER_ORDER[codes[k]],
                code=reasons[0][0],
                reason=reasons[0][1],
                all_codes=tuple(c for c, _ in reasons),
                all_reasons=tuple(r for _, r in reasons),
            )
        )
    return tuple(excluded)


def _count(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def threshold_verdict(rate: float | None, approved: float, decided: float, above: bool) -> str:
    """E.g. "Close rate 80 % · 16/20 on this profile (trailing 12 months) — above 70 %"."""
    threshold = THRESHOLD_LABEL
    if rate is None:
        return f"Close rate on this profile: no decided records — not above {threshold}"
    head = (
        f"Close rate {_percent(rate)} · {_count(approved)}/{_count(decided)} on this profile"
        " (trailing 12 months, per axis)"
    )
    if above:
        return f"{head} — above {threshold}"
    if rate > CLOSE_RATE_THRESHOLD:
        return (
            f"{head} — fewer than {MIN_DECIDED_FOR_THRESHOLD} decided records,"
            f" so not yet above {threshold}"
        )
    return f"{head} — below {threshold}"


def _axis_rate(axis: str, value: str, approved: float, decided: float) -> AxisRate:
    return AxisRate(
        axis=axis,
        value=value,
        approved=approved,
        decided=int(decided),
        rate=approved / decided if decided else None,
        estimate=shrunk_rate(approved, decided),
    )


def ranked_partners(
    scored: ScoredInquiry, positions: Sequence[int], first_rank: int = 1
) -> list[RankedPartner]:
    """The partners at ``positions`` (partner-table indexes, best first) as ranked values
    with their "why" lines. The numbers are pulled out of the arrays in one go per column,
    so each partner costs only its string formatting and its pydantic values."""
    sel = np.asarray(positions, dtype=np.int64)
    if len(sel) == 0:
        return []
    p, stats, inquiry = scored.partners, scored.stats, scored.inquiry
    all_col = COLUMNS[(ALL_AXIS, "")]
    axis_values = (
        inquiry.funding_stage.value,
        inquiry.region.value,
        inquiry.vertical.value,
        inquiry.service_profile.value,
        inquiry.engagement_type.value,
        " + ".join(pool.value for pool in scored.pools),
    )
    cols = list(scored.axis_cols)
    pool_cols = list(scored.pool_cols)
    axis_approved = np.column_stack(
        [stats.approved[sel][:, cols], stats.approved[sel][:, pool_cols].sum(axis=1)]
    ).tolist()
    axis_decided = np.column_stack(
        [stats.decided[sel][:, cols], stats.decided[sel][:, pool_cols].sum(axis=1)]
    ).tolist()
    ccols = [COLUMNS[("pool", pool.value)] for pool in scored.credit_pools]
    award_n = stats.award_n[sel][:, ccols].sum(axis=1).tolist()
    award_sum = stats.award_sum[sel][:, ccols].sum(axis=1).tolist()
    medians = stats.median_days[sel, all_col].tolist()
    whole_decided = stats.decided[sel, all_col].tolist()
    ids = p.ids[sel].tolist()
    codes = p.tier_codes[sel].tolist()
    loads = p.load[sel].tolist()
    capacities = p.capacity[sel].tolist()
    region_bit = REGION_BIT.get(inquiry.region.value, 0)
    region_match = ((p.region_bits[sel] & region_bit) != 0).tolist()
    approved = scored.approved[sel].tolist()
    decided = scored.decided[sel].tolist()
    profile_approved = scored.profile_approved[sel].tolist()
    profile_decided = scored.profile_decided[sel].tolist()
    estimates = scored.estimate[sel].tolist()
    above = scored.above[sel].tolist()
    awards = scored.expected_award[sel].tolist()
    days = scored.expected_days[sel].tolist()
    scores = scored.score[sel].tolist()
    pool_amounts = scored.pool_amounts[sel].tolist()
    pool_days = scored.pool_days[sel].tolist()
    pool_labels = [POOLS[pool].label for pool in scored.credit_pools]
    prior = f"{_percent(PRIOR_MEAN)} with {PRIOR_STRENGTH:g} imaginary records per axis"
    region_yes = f"Region {inquiry.region.value}: files there"
    region_no = f"Region {inquiry.region.value}: not among the partner's regions"

    result = []
    for k in range(len(sel)):
        tier = TIER_ORDER[codes[k]]
        raw = approved[k] / decided[k] if decided[k] else None
        axes = tuple(
            _axis_rate(axis, value, axis_approved[k][a], axis_decided[k][a])
            for a, (axis, value) in enumerate(zip(AXES, axis_values, strict=True))
        )
        reasons = [
            f"{threshold_verdict(raw, profile_approved[k], profile_decided[k], above[k])};"
            f" ranking estimate {_percent(estimates[k])} (shrunk towards {prior})"
        ]
        reasons.extend(
            f"{AXIS_LABELS[r.axis]} {r.value}: {r.label}, estimate {_percent(r.estimate)}"
            for r in axes
        )
        if pool_labels:
            parts = ", ".join(
                f"{label} {_usd(pool_amounts[k][j])} in {pool_days[k][j]:.1f} d"
                for j, label in enumerate(pool_labels)
            )
            reasons.append(
                f"Expected credit landed {_usd(awards[k])} = {_percent(estimates[k])}"
                f" x expected award ({parts}; capped at {_usd(STACKED_CEILING_USD)})"
            )
            reasons.append(
                f"Expected {days[k]:.1f} days to credit: worth"
                f" x{math.exp2(-days[k] / DAYS_HALF_LIFE):.2f} (halves every"
                f" {DAYS_HALF_LIFE:g} days) -> score {_usd(scores[k])}"
            )
        else:
            reasons.append("MAP / engagement funding only: no credit amount; ranked by close rate")
        reasons.append(region_yes if region_match[k] else region_no)
        faster = TIERS[tier].faster_review
        if faster:
            reasons.append("Premier: faster reviewer turnaround (breaks ties between equal scores)")
        reasons.append(f"Load {loads[k]}/{capacities[k]} open engagements")
        median = medians[k]
        result.append(
            RankedPartner(
                partner_id=ids[k],
                partner_name=p.names[int(sel[k])],
                tier=tier,
                rank=first_rank + k,
                score=scores[k],
                above_threshold=above[k],
                close_rate=raw,
                profile_approved=profile_approved[k],
                profile_decided=profile_decided[k],
                close_estimate=estimates[k],
                decided=int(whole_decided[k]),
                axes=axes,
                region_match=region_match[k],
                expected_award_usd=awards[k],
                expected_days=days[k],
                median_days_to_credit=None if math.isnan(median) else median,
                mean_award_usd=award_sum[k] / award_n[k] if award_n[k] else None,
                load=loads[k],
                capacity=capacities[k],
                faster_review=faster,
                reasons=tuple(reasons),
            )
        )
    return result


def ranked_partner(scored: ScoredInquiry, i: int, rank: int) -> RankedPartner:
    """The partner at position ``i`` of the partner table as a ranked value, with reasons."""
    return ranked_partners(scored, [i], rank)[0]


def build_ranking(scored: ScoredInquiry, as_of: datetime, *, limit: int | None = None) -> Ranking:
    """The ranking as plain values; ``limit`` keeps only the best N ranked partners."""
    assert scored.inquiry.id is not None
    order = scored.order if limit is None else scored.order[:limit]
    ranked = tuple(ranked_partners(scored, order.tolist()))
    excluded = _excluded(scored)
    any_above = bool(scored.above[scored.order].any()) if len(scored.order) else False
    return Ranking(
        inquiry_id=scored.inquiry.id,
        ranked=ranked,
        excluded=excluded,
        below_threshold_fallback=len(scored.order) > 0 and not any_above,
        as_of=as_of,
        total_ranked=len(scored.order),
    )
