"""Routing values: the ranked partners for one inquiry, the excluded ones, and why.

The scoring itself (gates, threshold, score) lives in ``domain/routing/score.py``; this module
holds the plain values every layer passes around (service -> pane, CLI, batch suggestion).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from cloudroute_desk.domain.catalog import Tier
from cloudroute_desk.domain.formatting import NO_VALUE, percent

AXES: tuple[str, ...] = (
    "funding_stage",
    "region",
    "vertical",
    "service_profile",
    "engagement_type",
    "pool",
)
"""The routing index's axes, in display order (seed, section IX, plus the funding pool)."""

AXIS_LABELS: dict[str, str] = {
    "funding_stage": "Stage",
    "region": "Region",
    "vertical": "Vertical",
    "service_profile": "Service profile",
    "engagement_type": "Engagement",
    "pool": "Pool",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AxisRate(_Frozen):
    """One partner's record on one axis value of the inquiry's profile."""

    axis: str
    value: str
    approved: float
    """Approvals, a downgrade counting ``DOWNGRADE_WEIGHT``."""
    decided: int
    rate: float | None
    """Raw close rate ``approved / decided``; None when nothing was decided."""
    estimate: float
    """Sample-size-aware close rate (Beta-binomial posterior mean, see routing_stats)."""

    @property
    def label(self) -> str:
        """E.g. ``"82 % · 41/50"``; ``"— · 0/0"`` with no decided records."""
        if self.rate is None:
            return f"{NO_VALUE} · 0/0"
        return f"{percent(self.rate)} · {self.approved:g}/{self.decided}"


class RankedPartner(_Frozen):
    partner_id: int
    partner_name: str
    tier: Tier
    rank: int
    """1 = best."""
    score: float
    """Time-discounted expected credit landed, in USD (see routing_score)."""
    above_threshold: bool
    close_rate: float | None
    """Plain trailing-12-month close rate on the inquiry's profile (all axes pooled); None
    with no history. Decides ``above_threshold``."""
    profile_approved: float = 0.0
    """Approvals on the profile per axis (pooled over the six axes, / 6)."""
    profile_decided: float = 0.0
    """Decided records on the profile per axis; the threshold needs at least 10."""
    close_estimate: float
    """Sample-size-aware close rate on the inquiry's profile; ranks (3/3 never beats 180/200)."""
    decided: int
    """Decided records on the partner's whole trailing-12-month history."""
    axes: tuple[AxisRate, ...]
    region_match: bool
    expected_award_usd: float
    """Expected credit landed: close estimate x expected award over the wanted pools."""
    expected_days: float
    """Expected submission-to-credit days used by the score."""
    median_days_to_credit: float | None
    """Observed median over the partner's credited records in the window."""
    mean_award_usd: float | None
    """Observed mean award over the partner's awarded records in the wanted pools."""
    load: int
    capacity: int
    faster_review: bool
    reasons: tuple[str, ...]
    """Human-readable "why" lines, one per factor."""


class ExclusionCode(StrEnum):
    """Stable codes of the routing gates (part of ``route --json``'s contract, docs/cli.md)."""

    INACTIVE = "inactive"
    TIER = "tier"
    RIGHTS = "rights"
    TRIED = "tried"
    COMPETING = "competing"
    CAPACITY = "capacity"


class ExcludedPartner(_Frozen):
    partner_id: int
    partner_name: str
    tier: Tier
    code: ExclusionCode
    """The first gate the partner failed, as a stable code."""
    reason: str
    """The first gate the partner failed, in words."""
    all_codes: tuple[ExclusionCode, ...] = ()
    all_reasons: tuple[str, ...] = ()
    """Every gate the partner failed, first one included (parallel to ``all_codes``)."""


class Ranking(_Frozen):
    inquiry_id: int
    ranked: tuple[RankedPartner, ...]
    """Best first: above-threshold partners, then the below-threshold ones."""
    excluded: tuple[ExcludedPartner, ...]
    below_threshold_fallback: bool
    """True when partners are ranked but none is above the threshold."""
    as_of: datetime
    total_ranked: int = 0
    """How many partners passed the gates (``ranked`` may be cut to a ``limit``)."""
    from_last_refresh: bool = False
    """The routing index could not be refreshed just now (its file is locked by another
    program): scores are from its last refresh."""

    @property
    def best(self) -> RankedPartner | None:
        return self.ranked[0] if self.ranked else None

    def find(self, partner_id: int) -> RankedPartner | None:
        return next((p for p in self.ranked if p.partner_id == partner_id), None)


class AssignmentEntry(_Frozen):
    """One partner an inquiry has had (its routing history)."""

    id: int
    partner_id: int
    partner_name: str
    active: bool
    assigned_at: datetime
    assigned_by: str
    ended_at: datetime | None
    end_reason: str | None
    """``"undo"``, ``"did_not_connect"``, or another admin-given reason."""
    score: float | None
    rank: int | None
