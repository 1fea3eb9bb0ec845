"""Demo partners: the routing index's rows, each with a hidden skill the demo records reveal.

A partner's skill is a base approval probability plus an offset per value of every routing
axis (stage, region, vertical, service profile, engagement type, pool): partners do better on
what they list in their filing profile, and their close rates differ profile by profile, so
the routing index has something real to find. A few partners get very little work (small
samples), a few are weak filers below the 70 % bar, a few have been deactivated.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any, TypeVar

from cloudroute_desk.demo import vocab
from cloudroute_desk.demo.sampling import WeightedChoice, slug
from cloudroute_desk.domain.catalog import (
    POOLS,
    EngagementType,
    FundingStage,
    Region,
    ServiceProfile,
    Tier,
    Vertical,
)

T = TypeVar("T")

STAGES: tuple[str, ...] = tuple(v.value for v in FundingStage)
REGIONS: tuple[str, ...] = tuple(v.value for v in Region)
VERTICALS: tuple[str, ...] = tuple(v.value for v in Vertical)
PROFILES: tuple[str, ...] = tuple(v.value for v in ServiceProfile)
ENGAGEMENTS: tuple[str, ...] = tuple(v.value for v in EngagementType)

REGION_CHOICE = WeightedChoice(REGIONS, (24, 22, 10, 14, 6, 12, 8, 4))
VERTICAL_CHOICE = WeightedChoice(VERTICALS, (16, 13, 25, 12, 8, 8, 8, 10))
PROFILE_CHOICE = WeightedChoice(PROFILES, (25, 35, 28, 12))
TIER_CHOICE = WeightedChoice(
    (Tier.REGISTERED, Tier.SELECT, Tier.ADVANCED, Tier.PREMIER), (10, 15, 50, 25)
)
ENGAGEMENT_SETS = WeightedChoice(
    (
        (EngagementType.BUILD.value,),
        (EngagementType.BUILD.value, EngagementType.MIGRATE.value),
        (EngagementType.MIGRATE.value,),
    ),
    (45, 45, 10),
)
CAPACITY = {
    Tier.REGISTERED: (5, 10),
    Tier.SELECT: (5, 15),
    Tier.ADVANCED: (8, 30),
    Tier.PREMIER: (15, 40),
}
PARTNER_TITLES = (
    "Partner Development Manager",
    "Head of AWS Practice",
    "Alliance Lead",
    "Startup Practice Lead",
)
ROUTABLE_TIERS = (Tier.ADVANCED, Tier.PREMIER)


@dataclass(slots=True)
class PartnerPlan:
    id: int
    name: str
    tier: Tier
    active_until: datetime | None
    regions: tuple[str, ...]
    verticals: tuple[str, ...]
    profiles: tuple[str, ...]
    email: str
    skill: float
    """Base approval probability before the per-axis offsets."""
    offsets: dict[str, float]
    """Hidden per-value skill offsets (stage, region, vertical, profile, engagement, pool)."""
    speed: float
    """Multiplier on review turnaround: <1 is faster (Premier, well-prepared records)."""
    weight: float
    """How often admins route to this partner (small-sample partners get little)."""
    covers: frozenset[str] = frozenset()
    """Its regions, profiles and verticals, for routing look-ups."""

    def approval_probability(self, axes: Sequence[str]) -> float:
        offsets = self.offsets
        value = self.skill
        for axis in axes:
            value += offsets[axis]
        return min(max(value, 0.12), 0.97)

    def available(self, moment: datetime) -> bool:
        return self.active_until is None or moment < self.active_until


def phone(rng: random.Random, region: str) -> str:
    """An E.164 number in ``region``'s country and area codes."""
    prefix, digits = rng.choice(vocab.PHONE_FORMATS[region])
    return prefix + str(rng.randrange(10 ** (digits - 1), 10**digits))


def _with_extras(rng: random.Random, first: T, universe: Sequence[T], count: int) -> tuple[T, ...]:
    others = [v for v in universe if v != first]
    chosen = {first, *rng.sample(others, min(count - 1, len(others)))}
    return tuple(v for v in universe if v in chosen)


def _partner_name(rng: random.Random, used: set[str]) -> str:
    for _ in range(50):
        name = (
            f"{rng.choice(vocab.PARTNER_HEADS)} {rng.choice(vocab.PARTNER_MIDDLES)} "
            f"{rng.choice(vocab.PARTNER_TAILS)}"
        )
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(vocab.PARTNER_HEADS)} {rng.choice(vocab.PARTNER_MIDDLES)} {len(used)}"
    used.add(name)
    return name


def make_partners(
    rng: random.Random, count: int, first_id: int, now: datetime, history_days: int
) -> tuple[list[PartnerPlan], list[dict[str, Any]]]:
    """``count`` partners: their hidden plans and their ``partners`` table rows."""
    used: set[str] = set()
    plans: list[PartnerPlan] = []
    rows: list[dict[str, Any]] = []
    for partner_id in range(first_id, first_id + count):
        name = _partner_name(rng, used)
        tier = TIER_CHOICE.pick(rng)
        active = rng.random() >= 0.05
        active_until = None if active else now - timedelta(days=rng.uniform(20, 240), hours=1)
        home = REGION_CHOICE.pick(rng)
        regions = _with_extras(rng, home, REGIONS, rng.choice((1, 1, 2, 2, 3)))
        verticals = _with_extras(
            rng, VERTICAL_CHOICE.pick(rng), VERTICALS, rng.choice((1, 2, 2, 3))
        )
        profiles = _with_extras(rng, PROFILE_CHOICE.pick(rng), PROFILES, rng.choice((1, 1, 2)))
        engagements = ENGAGEMENT_SETS.pick(rng)
        first_stage = rng.randrange(len(STAGES))
        stages = STAGES[first_stage : first_stage + rng.choice((2, 2, 3))]
        low, high = CAPACITY[tier]
        capacity = rng.randint(low, high)
        person_first = rng.choice(vocab.FIRST_NAMES)
        person_last = rng.choice(vocab.LAST_NAMES)
        words = name.split(" ")
        email = f"{slug(person_first)}.{slug(person_last)}@{slug(words[0] + words[1])}.com"
        contact = {
            "name": f"{person_first} {person_last}",
            "email": email,
            "phone": phone(rng, home),
            "title": rng.choice(PARTNER_TITLES),
        }
        listed = {*regions, *verticals, *profiles, *engagements, *stages}
        plans.append(
            _plan(
                rng,
                partner_id,
                name,
                tier,
                active_until,
                regions,
                verticals,
                profiles,
                listed,
                email,
                capacity,
            )
        )
        created = now - timedelta(seconds=int(86_400 * (history_days + rng.uniform(30, 1_500))))
        rows.append(
            {
                "id": partner_id,
                "external_id": None,
                "name": name,
                "tier": tier.value,
                "active": active,
                "capacity": capacity,
                "regions": list(regions),
                "verticals": list(verticals),
                "service_profiles": list(profiles),
                "engagement_types": list(engagements),
                "stages": list(stages),
                "contact": contact,
                "created_at": created,
                "version": 1,
            }
        )
    return plans, rows


def _plan(
    rng: random.Random,
    partner_id: int,
    name: str,
    tier: Tier,
    active_until: datetime | None,
    regions: tuple[str, ...],
    verticals: tuple[str, ...],
    profiles: tuple[str, ...],
    listed: set[str],
    email: str,
    capacity: int,
) -> PartnerPlan:
    # Close rates count a downgrade as half an approval (DOWNGRADE_WEIGHT), so these base
    # probabilities put most partners between 50 % and 90 %.
    if rng.random() < 0.10:
        skill = rng.uniform(0.32, 0.52)  # a weak filer: below the 70 % bar
    elif tier is Tier.SELECT:
        skill = rng.uniform(0.45, 0.78)
    else:
        skill = rng.uniform(0.50, 0.84)
    offsets: dict[str, float] = {}
    for axis in (STAGES, REGIONS, VERTICALS, PROFILES, ENGAGEMENTS, tuple(p.value for p in POOLS)):
        for value in axis:
            bias = 0.025 if value in listed else -0.035
            offsets[value] = bias + rng.gauss(0.0, 0.04)
    speed = rng.uniform(0.88, 1.12) * (0.85 if tier is Tier.PREMIER else 1.0)
    weight = capacity * (0.03 if rng.random() < 0.06 else 1.0) * (0.4 + skill)
    return PartnerPlan(
        partner_id, name, tier, active_until, regions, verticals, profiles, email, skill, offsets,
        speed, weight, frozenset((*regions, *verticals, *profiles)),
    )  # fmt: skip


@dataclass(slots=True)
class _Bucket:
    partners: list[PartnerPlan]
    cumulative: list[float]


class PartnerRouter:
    """Picks the partner an admin would plausibly have routed an inquiry to back then:
    a routable (Advanced/Premier) partner covering the inquiry's region, profile and, usually,
    vertical, weighted to better filers; Select partners now and then for Founders-only asks."""

    def __init__(self, plans: Sequence[PartnerPlan]) -> None:
        self._plans = list(plans)
        self._buckets: dict[tuple[str, ...], _Bucket | None] = {}

    def _bucket(self, key: tuple[str, ...]) -> _Bucket | None:
        if key in self._buckets:
            return self._buckets[key]
        kind, *values = key
        if kind == "select":
            found = [p for p in self._plans if p.tier is Tier.SELECT and values[0] in p.regions]
        else:
            found = [
                p for p in self._plans if p.tier in ROUTABLE_TIERS and p.covers.issuperset(values)
            ]
        bucket = _Bucket(found, list(accumulate(p.weight for p in found))) if found else None
        self._buckets[key] = bucket
        return bucket

    def pick(
        self,
        rng: random.Random,
        region: str,
        profile: str,
        vertical: str,
        select_ok: bool,
        at: datetime,
        exclude: int | None,
    ) -> PartnerPlan | None:
        keys: list[tuple[str, ...]] = []
        if select_ok and rng.random() < 0.3:
            keys.append(("select", region))
        if rng.random() < 0.7:
            keys.append(("routable", region, profile, vertical))
        keys += [("routable", region, profile), ("routable", region), ("routable",)]
        for key in keys:
            bucket = self._bucket(key)
            if bucket is None:
                continue
            for _ in range(4):
                partner = rng.choices(bucket.partners, cum_weights=bucket.cumulative)[0]
                if partner.available(at) and partner.id != exclude:
                    return partner
        return None
