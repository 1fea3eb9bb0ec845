"""The routing score on hand-made stats: gates, threshold, sample size, ties (no database)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
from cloudroute_desk.domain.routing.values import AXES, RankedPartner

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
    return Inquiry(**values)


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
):
    target = target or inquiry()
    scored = score_inquiry(target, partners, IndexStats.build(partners, entries), **kwargs)
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
    assert "— below 70 %" in ranking.ranked[0].reasons[0]


def test_sixteen_of_twenty_is_above_threshold_while_the_estimate_stays_lower() -> None:
    """Seed IX: the threshold is on the trailing-12-month close rate, not on the shrunk
    estimate (16/20 = 80 % shrinks to (96 + 30) / (120 + 60) = 70 %)."""
    target = inquiry()
    partners = table((1, Tier.ADVANCED))
    (partner,) = rank(partners, entries_for(1, target, 16, 20), target).ranked
    assert partner.close_rate == pytest.approx(0.8)
    assert (partner.profile_approved, partner.profile_decided) == (16, 20)
    assert partner.close_estimate == pytest.approx(126 / 180)
    assert partner.above_threshold
    assert partner.reasons[0].startswith(
        "Close rate 80 % · 16/20 on this profile (trailing 12 months, per axis) — above 70 %;"
        " ranking estimate 70 %"
    )


@pytest.mark.parametrize(
    ("approved", "decided", "above"),
    [(7, 10, False), (8, 10, True), (9, 9, False), (71, 100, True), (70, 100, False)],
)
def test_threshold_needs_more_than_70_percent_over_ten_decided(
    approved: int, decided: int, above: bool
) -> None:
    target = inquiry()
    partners = table((1, Tier.ADVANCED))
    (partner,) = rank(partners, entries_for(1, target, approved, decided), target).ranked
    assert partner.above_threshold is above


def test_too_few_records_say_so_in_why() -> None:
    target = inquiry()
    (partner,) = rank(table((1, Tier.ADVANCED)), entries_for(1, target, 9, 9), target).ranked
    assert "fewer than 10 decided records, so not yet above 70 %" in partner.reasons[0]


def test_ranking_follows_the_displayed_score_not_500_dollar_bands() -> None:
    """The issue's example: $39,401 ranks above $39,019 whatever the tiers; only an exact
    tie to the dollar lets Premier first."""
    target = inquiry()
    partners = table((1, Tier.PREMIER), (2, Tier.ADVANCED))
    entries = entries_for(1, target, 80, 100, award=60_000) + entries_for(
        2, target, 80, 100, award=60_500
    )
    ranking = rank(partners, entries, target)
    premier, advanced = ranking.find(1), ranking.find(2)
    assert premier is not None and advanced is not None
    assert 0 < advanced.score - premier.score < 500
    assert [p.partner_id for p in ranking.ranked] == [2, 1]


def test_exact_ties_fall_back_to_premier_then_close_rate_then_id() -> None:
    target = inquiry(pools_wanted=(Pool.MAP,))  # no credit amount: every score is $0
    partners = table((4, Tier.ADVANCED), (3, Tier.ADVANCED), (2, Tier.PREMIER), (1, Tier.ADVANCED))
    entries = (
        entries_for(4, target, 9, 10)
        + entries_for(3, target, 8, 10)
        + entries_for(2, target, 8, 10)
        + entries_for(1, target, 8, 10)
    )
    ranking = rank(partners, entries, target)
    assert {p.score for p in ranking.ranked} == {0.0}
    assert all(p.above_threshold for p in ranking.ranked)
    assert [p.partner_id for p in ranking.ranked] == [2, 4, 1, 3]


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


def test_tried_gate_keeps_its_reason_and_code() -> None:
    partners = table((1, Tier.ADVANCED), (2, Tier.ADVANCED))
    ranking = rank(partners, [], tried={1: "did not connect on 2026-05-30"})
    assert [p.partner_id for p in ranking.ranked] == [2]
    (excluded,) = ranking.excluded
    assert excluded.reason == "already tried for this inquiry (did not connect on 2026-05-30)"
    assert excluded.code == "tried"


def test_the_customers_record_holder_is_the_only_partner_routed() -> None:
    """Seed IX: two partners' competing records for one customer are both rejected, so the
    partner already holding a record is the only one the inquiry may go to."""
    partners = table((1, Tier.ADVANCED), (2, Tier.PREMIER), (3, Tier.ADVANCED))
    target = inquiry()
    # The competitors have far better track records: they must still not be ranked.
    entries = entries_for(2, target, 190, 200) + entries_for(3, target, 180, 200)
    ranking = rank(partners, entries, target, holders={1: "P1"})
    assert [p.partner_id for p in ranking.ranked] == [1]
    assert {e.partner_id: e.code for e in ranking.excluded} == {2: "competing", 3: "competing"}
    assert ranking.excluded[0].reason == (
        "P1 already has an open ACE record for this customer; a second partner's record "
        "would be rejected as competing"
    )


def test_a_holder_failing_another_gate_leaves_nobody_ranked() -> None:
    partners = table((1, Tier.ADVANCED), (2, Tier.ADVANCED), active={1: False})
    ranking = rank(partners, [], holders={1: "P1"})
    assert ranking.ranked == ()
    codes = {e.partner_id: e.code for e in ranking.excluded}
    assert codes == {1: "inactive", 2: "competing"}


def test_a_full_holder_is_excluded_for_capacity_not_replaced() -> None:
    partners = table((1, Tier.ADVANCED), (2, Tier.ADVANCED), capacity={1: 2}, load={1: 2})
    ranking = rank(partners, [], holders={1: "P1"})
    assert ranking.ranked == ()
    assert {e.partner_id: e.code for e in ranking.excluded} == {1: "capacity", 2: "competing"}


def test_every_failed_gate_is_kept_first_one_as_the_reason() -> None:
    partners = table((1, Tier.SELECT), active={1: False}, capacity={1: 0})
    (excluded,) = rank(partners, [], tried={1: "did not connect"}).excluded
    assert excluded.reason == "inactive"
    assert len(excluded.all_reasons) == 5
    assert excluded.all_codes == ("inactive", "tier", "rights", "tried", "capacity")
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


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([Tier.ADVANCED, Tier.PREMIER]),
            st.integers(0, 60),
            st.integers(0, 60),
            st.integers(5_000, 100_000),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_ranked_order_is_monotone_in_the_displayed_score(
    specs: list[tuple[Tier, int, int, int]],
) -> None:
    """Inside each threshold group the list never shows a higher score below a lower one;
    every above-threshold partner precedes every below-threshold one."""
    target = inquiry()
    partners = table(*((pid, tier) for pid, (tier, _, _, _) in enumerate(specs, start=1)))
    entries = [
        e
        for pid, (_, approved, extra, award) in enumerate(specs, start=1)
        for e in entries_for(pid, target, approved, approved + extra, award=award)
    ]
    ranked = rank(partners, entries, target).ranked
    groups = [p.above_threshold for p in ranked]
    assert groups == sorted(groups, reverse=True)
    for first, second in itertools.pairwise(ranked):
        if first.above_threshold != second.above_threshold:
            continue
        assert round(first.score) >= round(second.score)
        if round(first.score) == round(second.score):
            assert _tie_key(first) > _tie_key(second)


def _tie_key(p: RankedPartner) -> tuple[bool, float, int]:
    return (p.faster_review, -1.0 if p.close_rate is None else p.close_rate, -p.partner_id)
