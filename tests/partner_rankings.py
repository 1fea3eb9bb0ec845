"""Hand-made Ranking values for the partner pane and model tests (no database needed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cloudroute_desk.domain.catalog import InquiryStatus, RecordState, Tier
from cloudroute_desk.domain.routing.values import (
    AxisRate,
    ExcludedPartner,
    ExclusionCode,
    RankedPartner,
    Ranking,
)
from tests.factories import add_inquiry, add_partner, add_record

AS_OF = datetime(2026, 6, 1, 12, 0)


def axis(axis: str, value: str, approved: float, decided: int, estimate: float) -> AxisRate:
    return AxisRate(
        axis=axis,
        value=value,
        approved=approved,
        decided=decided,
        rate=approved / decided if decided else None,
        estimate=estimate,
    )


def ranked(
    partner_id: int,
    name: str,
    rank: int,
    score: float,
    *,
    above: bool = True,
    tier: Tier = Tier.ADVANCED,
    load: int = 2,
    capacity: int = 10,
) -> RankedPartner:
    return RankedPartner(
        partner_id=partner_id,
        partner_name=name,
        tier=tier,
        rank=rank,
        score=score,
        above_threshold=above,
        close_rate=0.82 if above else 0.5,
        close_estimate=0.78 if above else 0.48,
        decided=50,
        axes=(
            axis("funding_stage", "Series-A", 41, 50, 0.78),
            axis("region", "US-East", 30, 36, 0.77),
            axis("vertical", "B2B SaaS", 12, 15, 0.70),
            axis("service_profile", "AI-heavy", 20, 25, 0.74),
            axis("engagement_type", "Build", 38, 46, 0.76),
            axis("pool", "portfolio", 9.5, 12, 0.69),
        ),
        region_match=above,
        expected_award_usd=score * 1.1,
        expected_days=14.5,
        median_days_to_credit=13.0,
        mean_award_usd=82_000.0,
        load=load,
        capacity=capacity,
        faster_review=tier is Tier.PREMIER,
        reasons=(
            f"Close estimate {78 if above else 48} % on this profile (41/50 decided)",
            "Region match: US-East",
            f"Expected credit landed ${score:,.0f}",
        ),
    )


def sample_ranking(inquiry_id: int = 7, *, fallback: bool = False) -> Ranking:
    partners = (
        ranked(11, "Northwind Cloud", 1, 61_000.0, above=not fallback, tier=Tier.PREMIER),
        ranked(12, "Blue Harbor", 2, 55_500.0, above=not fallback),
        ranked(13, "Cirrus Works", 3, 20_000.0, above=False, load=9),
    )
    excluded = (
        ExcludedPartner(
            partner_id=14,
            partner_name="Select Systems",
            tier=Tier.SELECT,
            code=ExclusionCode.RIGHTS,
            reason="Select tier cannot file Activate Portfolio",
            all_codes=(ExclusionCode.RIGHTS,),
            all_reasons=("Select tier cannot file Activate Portfolio",),
        ),
        ExcludedPartner(
            partner_id=15,
            partner_name="Full House",
            tier=Tier.ADVANCED,
            code=ExclusionCode.CAPACITY,
            reason="At capacity (10/10)",
            all_codes=(ExclusionCode.CAPACITY, ExclusionCode.TRIED),
            all_reasons=("At capacity (10/10)", "Already tried for this inquiry"),
        ),
    )
    return Ranking(
        inquiry_id=inquiry_id,
        ranked=partners,
        excluded=excluded,
        below_threshold_fallback=fallback,
        as_of=AS_OF,
        total_ranked=len(partners),
    )


def add_track_record(database: Any, partner_id: int, *, approved: int, rejected: int) -> None:
    """Decided Portfolio records on the default inquiry profile, for other (credited) startups."""
    for i in range(approved + rejected):
        inquiry_id = add_inquiry(
            database,
            company_name=f"Past customer {partner_id}-{i}",
            website=f"https://past-{partner_id}-{i}.example.com",
            status=InquiryStatus.CREDITED,
        )
        if i < approved:
            add_record(database, inquiry_id, partner_id)
        else:
            add_record(
                database,
                inquiry_id,
                partner_id,
                state=RecordState.REJECTED,
                amount_awarded_usd=None,
                credited_at=None,
            )


@dataclass
class World:
    """One waiting inquiry and three partners: a strong Premier one (above the threshold),
    a newcomer with no history (below it) and a Select partner (excluded for credit pools)."""

    database: Any
    inquiry: int
    strong: int
    newcomer: int
    select: int


def make_world(database: Any) -> World:
    strong = add_partner(database, name="Strong Cloud", tier=Tier.PREMIER)
    newcomer = add_partner(database, name="Newcomer")
    select = add_partner(database, name="Select Systems", tier=Tier.SELECT)
    add_track_record(database, strong, approved=40, rejected=4)
    return World(database, add_inquiry(database), strong, newcomer, select)
