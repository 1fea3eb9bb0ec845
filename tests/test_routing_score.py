"""The routing score on hand-made stats: gates, threshold, sample size, ties (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from cloudroute_desk.domain.catalog import (
    DOWNGRADE_WEIGHT,
    EngagementType,
    FundingStage,
    Pool,
    RecordState,
    Region,
    ServiceProfile,
    Tier,
    Vertical,
)
from cloudroute_desk.domain.entities import Inquiry
from cloudroute_desk.domain.routing.score import (
    IndexStats,
    PartnerTable,
    build_ranking,
    routed_pools,
    score_inquiry,
)
from cloudroute_desk.domain.routing.stats import (
    IndexEntry,
    Outcome,
    record_outcome,
    shrunk_rate,
    tally,
)
from cloudroute_desk.domain.routing.values import AXES

AS_OF = datetime(2026, 6, 1)


def inquiry(**overrides: object) -> Inquiry:
    values: dict[str, object] = {
        "id": 1,
        "company_name": "Lumen",
        "website": "https://lumen.example.com",
        "funding_stage": FundingStage.SERIES_A,
        "region": Region.US_EAST,
        "vertical": Vertical.B2B_SAAS,
        "service_profile": ServiceProfile.AI,
        "engagement_type": EngagementType.BUILD,
        "pools_wanted": (Pool.PORTFOLIO,),
        "arrived_at": AS_OF,
    }
    values.update(overrides)
    return Inquiry(**values)  # type: ignore[arg-type]


def index_columns(target: Inquiry) -> list[tuple[str, str]]:
    """The index columns ranking ``target`` reads: the whole window plus its profile."""
    return [
        ("all", ""),
        ("funding_stage", target.funding_stage.value),
        ("region", target.region.value),
        ("vertical", target.vertical.value),
        ("service_profile", target.service_profile.value),
        ("engagement_type", target.engagement_type.value),
        *(("pool", p.value) for p in routed_pools(target)),
    ]


def entries_for(
    partner_id: int, target: Inquiry, approved: float, decided: int, *, award: int = 90_000
) -> list[IndexEntry]:
    """The same record on every column ``target`` reads: ``approved`` of ``decided``."""
    approvals = int(approved)
    return [
        IndexEntry(
            partner_id=partner_id,
            axis=axis,
            value=value,
            decided=decided,
            approved=approved,
            approvals=approvals,
            downgraded=0,
            rejected=decided - approvals,
            award_sum=award * approvals,
            award_n=approvals,
            median_days=14.0 if approvals else None,
            days_n=approvals,
        )
        for axis, value in index_columns(target)
    ]


def table(*partners: tuple[int, Tier], **per_partner: dict[int, object]) -> PartnerTable:
    active = per_partner.get("active", {})
    capacity = per_partner.get("capacity", {})
    load = per_partner.get("load", {})
    rows = [
        (pid, f"P{pid}", tier, bool(active.get(pid, True)), int(capacity.get(pid, 10)), ["US-East"])  # type: ignore[call-overload]
        for pid, tier in partners
    ]
    return PartnerTable.build(rows, {pid: int(n) for pid, n in load.items()})  # type: ignore[call-overload]


def rank(
    partners: PartnerTable,
    entries: list[IndexEntry],
    target: Inquiry | None = None,
    **kwargs: dict[int, str],
):  # type: ignore[no-untyped-def]
    target = target or inquiry()
    scored = score_inquiry(target, partners, IndexStats.build(partners, entries), **kwargs)  # type: ignore[arg-type]
    return build_ranking(scored, AS_OF)


def test_three_of_three_does_not_beat_180_of_200() -> None:
    target = inquiry()
    partners = table((1, Tier.ADVANCED), (2, Tier.ADVANCED))
    entries = entries_for(1, target, 3, 3) + entries_for(2, target, 180, 200)
    ranking = rank(partners, entries, target)
    assert [p.partner_id for p in ranking.ranked] == [2, 1]
    small, large = ranking.find(1), ranking.find(2)
    assert small is not None and large is not None
    assert small.close_rate == 1.0 and large.close_rate == pytest.approx(0.9)
    assert small.close_estimate < 0.7 < large.close_estimate
    assert not small.above_threshold and large.above_threshold
    assert all(a.decided == 3 and a.label == "100 % · 3/3" for a in small.axes)


def test_shrunk_rate_numbers_from_the_docstring() -> None:
    assert shrunk_rate(3, 3) == pytest.approx(8 / 13)
    assert shrunk_rate(180, 200) == pytest.approx(185 / 210)
    assert shrunk_rate(0, 0) == 0.5
    assert shrunk_rate(7, 7) > 0.7 > shrunk_rate(6, 6)


def test_above_threshold_ranks_ahead_of_a_higher_scoring_below_threshold_partner() -> None:
    target = inquiry()
    partners = table((1, Tier.ADVANCED), (2, Tier.ADVANCED))
    # Partner 1 wins big awards but closes 60 %; partner 2 closes 90 % on small awards.
    entries = entries_for(1, target, 60, 100, award=100_000) + entries_for(
        2, target, 90, 100, award=50_000
    )
    ranking = rank(partners, entries, target)
    first, second = ranking.ranked
    assert (first.partner_id, first.above_threshold) == (2, True)
    assert (second.partner_id, second.above_threshold) == (1, False)
    assert second.score > first.score
    assert not ranking.below_threshold_fallback


def test_below_threshold_partners_are_a_flagged_fallback() -> None:
    target = inquiry()
    partners = table((1, Tier.ADVANCED), (2, Tier.ADVANCED))
    entries = entries_for(1, target, 5, 10) + entries_for(2, target, 6, 10)
    ranking = rank(partners, entries, target)
    assert ranking.below_threshold_fallback
    assert [p.partner_id for p in ranking.ranked] == [2, 1]
    assert "below the 70 % threshold" in ranking.ranked[0].reasons[0]


def test_premier_breaks_a_tie_but_does_not_beat_a_better_score() -> None:
    target = inquiry()
    tied = table((1, Tier.ADVANCED), (2, Tier.PREMIER))
    entries = entries_for(1, target, 45, 50) + entries_for(2, target, 45, 50)
    assert [p.partner_id for p in rank(tied, entries, target).ranked] == [2, 1]
    better = entries_for(1, target, 49, 50) + entries_for(2, target, 45, 50)
    assert [p.partner_id for p in rank(tied, better, target).ranked] == [1, 2]


def test_shorter_time_to_credit_scores_higher() -> None:
    target = inquiry()
    partners = table((1, Tier.ADVANCED), (2, Tier.ADVANCED))
    slow = [replace(e, median_days=40.0) for e in entries_for(1, target, 45, 50)]
    ranking = rank(partners, slow + entries_for(2, target, 45, 50), target)
    assert [p.partner_id for p in ranking.ranked] == [2, 1]
    assert ranking.ranked[0].expected_days < ranking.ranked[1].expected_days


@pytest.mark.parametrize(
    ("tier", "pools", "reason"),
    [
        (Tier.REGISTERED, (Pool.PORTFOLIO,), "Registered tier has no ACE filing rights"),
        (Tier.SELECT, (Pool.PORTFOLIO,), "Select tier is routable only for MAP"),
        (Tier.SELECT, (Pool.FOUNDERS,), "Select tier is routable only for MAP"),
        (Tier.REGISTERED, (Pool.MAP,), "Registered tier has no ACE filing rights"),
    ],
)
def test_tier_gate_excludes(tier: Tier, pools: tuple[Pool, ...], reason: str) -> None:
    ranking = rank(table((1, tier)), [], inquiry(pools_wanted=pools))
    assert ranking.ranked == ()
    (excluded,) = ranking.excluded
    assert excluded.partner_id == 1 and excluded.reason.startswith(reason)


@pytest.mark.parametrize(
    ("tier", "pools"),
    [
        (Tier.SELECT, (Pool.MAP,)),
        (Tier.ADVANCED, (Pool.PORTFOLIO, Pool.BEDROCK_POC)),
        (Tier.PREMIER, (Pool.BUILD_FOR_STARTUPS,)),
        (Tier.ADVANCED, (Pool.MAP,)),
    ],
)
def test_tier_gate_admits(tier: Tier, pools: tuple[Pool, ...]) -> None:
    ranking = rank(table((1, tier)), [], inquiry(pools_wanted=pools))
    assert [p.partner_id for p in ranking.ranked] == [1]
    assert ranking.excluded == ()


def test_inactive_partner_is_excluded_and_active_one_is_not() -> None:
    partners = table((1, Tier.ADVANCED), (2, Tier.ADVANCED), active={1: False})
    ranking = rank(partners, [])
    assert [p.partner_id for p in ranking.ranked] == [2]
    assert [(e.partner_id, e.reason) for e in ranking.excluded] == [(1, "inactive")]


def test_capacity_gate_at_and_below_capacity() -> None:
    partners = table(
        (1, Tier.ADVANCED), (2, Tier.ADVANCED), capacity={1: 3, 2: 3}, load={1: 3, 2: 2}
    )
    ranking = rank(partners, [])
    assert [p.partner_id for p in ranking.ranked] == [2]
    assert ranking.ranked[0].load == 2
    assert ranking.excluded[0].reason == "at capacity (3/3 open engagements)"


def test_tried_and_competing_gates_keep_their_reasons() -> None:
    partners = table((1, Tier.ADVANCED), (2, Tier.ADVANCED), (3, Tier.ADVANCED))
    ranking = rank(
        partners,
        [],
        tried={1: "did not connect on 2026-05-30"},
        competing={2: "record #7, portfolio, submitted"},
    )
    assert [p.partner_id for p in ranking.ranked] == [3]
    reasons = {e.partner_id: e.reason for e in ranking.excluded}
    assert reasons[1] == "already tried for this inquiry (did not connect on 2026-05-30)"
    assert reasons[2] == (
        "holds a competing ACE record for this customer (record #7, portfolio, submitted)"
    )


def test_every_failed_gate_is_kept_first_one_as_the_reason() -> None:
    partners = table((1, Tier.SELECT), active={1: False}, capacity={1: 0})
    (excluded,) = rank(partners, [], tried={1: "did not connect"}).excluded
    assert excluded.reason == "inactive"
    assert len(excluded.all_reasons) == 5
    assert excluded.all_reasons[-1].startswith("at capacity")


def test_stacked_pools_add_up_to_the_ceiling() -> None:
    target = inquiry(pools_wanted=(Pool.PORTFOLIO, Pool.BUILD_FOR_STARTUPS, Pool.BEDROCK_POC))
    ranking = rank(table((1, Tier.ADVANCED)), [], target)
    (partner,) = ranking.ranked
    # No history: every pool at its midpoint (75K + 15K + 30K = 120K) at the 50 % prior.
    assert partner.expected_award_usd == pytest.approx(0.5 * 120_000)
    assert [a.axis for a in partner.axes] == list(AXES)


def test_tally_counts_downgrades_and_medians() -> None:
    outcomes = [Outcome.APPROVED, Outcome.APPROVED, Outcome.DOWNGRADED, Outcome.REJECTED]
    values = {
        "funding_stage": ["seed"] * 4,
        "region": ["UK", "UK", "EU", "UK"],
        "vertical": ["fintech"] * 4,
        "service_profile": ["AI-heavy"] * 4,
        "engagement_type": ["Build"] * 4,
        "pool": ["portfolio"] * 4,
    }
    entries = tally(
        [5, 5, 5, 5], outcomes, values, [100_000, 60_000, 25_000, None], [10, 20, 30, None]
    )
    by_key = {(e.axis, e.value): e for e in entries}
    whole = by_key[("all", "")]
    assert (whole.decided, whole.approved) == (4, 2 + DOWNGRADE_WEIGHT)
    assert (whole.approvals, whole.downgraded, whole.rejected) == (2, 1, 1)
    assert (whole.award_sum, whole.award_n) == (160_000, 2)
    assert (whole.median_days, whole.days_n) == (20.0, 3)
    uk = by_key[("region", "UK")]
    assert (uk.decided, uk.approved, uk.median_days) == (3, 2.0, 15.0)
    assert by_key[("region", "EU")].decided == 1


def test_launched_record_with_another_awarded_pool_was_downgraded() -> None:
    assert record_outcome(RecordState.LAUNCHED, Pool.PORTFOLIO, Pool.FOUNDERS) == Outcome.DOWNGRADED
    assert record_outcome(RecordState.CLOSED, Pool.PORTFOLIO, None) == Outcome.APPROVED
    assert record_outcome(RecordState.VALIDATED, Pool.PORTFOLIO, None) is None
