"""Deterministic demo data: partners, 18 months of inquiries, assignments and ACE records.

The data is built to look like a working CloudRoute desk on the day it is generated: recent
inquiries wait in the queue (some past the 24-hour SLA), older ones have moved through
assignment, discovery call, filing and credits, and every partner has a hidden skill per
profile axis so the routing index finds real differences between partners.

One ``random.Random(seed)`` drives everything in a fixed order, so the same seed and ``now``
give the same rows on either backend. Inquiries are generated and written in chunks (one
transaction each) so memory stays flat at a million inquiries.
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any, TypeVar

from cloudroute_desk.db import bulk
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import (
    POOLS,
    PRICED_ROUNDS,
    CurrentCloud,
    EngagementType,
    FundingStage,
    InquiryStatus,
    Pool,
    RecordState,
    Region,
    ServiceProfile,
    Tier,
    Vertical,
    tier_may_file,
)
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.services import demo_vocab as vocab

HISTORY_DAYS = 548
"""Eighteen months of inquiries."""

CHUNK_INQUIRIES = 10_000
"""Inquiries generated and written per transaction (with their spend lines, records...)."""

GROWTH_OVER_HISTORY = 3.0
"""Inquiries arrive this many times faster now than eighteen months ago."""

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DemoSummary:
    inquiries: int
    partners: int
    records: int
    assignments: int
    seconds: float
    spend_lines: int = 0
    audit_events: int = 0


def generate_demo(
    database: Database,
    *,
    inquiries: int,
    partners: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> DemoSummary:
    """Fill an empty, migrated database with demo data; refuse one that holds data."""
    if inquiries < 0 or partners < 0:
        raise ValueError("Inquiry and partner counts cannot be negative.")
    if inquiries > 0 and partners < 1:
        raise ValueError("Demo inquiries need at least one partner to route to.")
    started = time.perf_counter()
    moment = (now or utcnow()).replace(microsecond=0, tzinfo=None)
    with database.writing() as session:
        if bulk.holds_data(session):
            raise ValueError(
                "The database already holds partners, inquiries or ACE records; "
                "demo data goes into an empty database only."
            )
        generator = _Generator(random.Random(seed), moment, bulk.next_ids(session))
        partner_rows = generator.make_partners(partners)
        bulk.insert_rows(session, "partners", partner_rows)
    counts = _Counts()
    if progress is not None:
        progress(0, inquiries)
    arrivals = _ArrivalSampler(generator.rng, moment, inquiries)
    for first in range(0, inquiries, CHUNK_INQUIRIES):
        last = min(first + CHUNK_INQUIRIES, inquiries)
        batch = _Batch()
        for index in range(first, last):
            generator.make_inquiry(arrivals.arrival(index), batch)
        with database.writing() as session:
            for name in bulk.BULK_TABLES[1:]:
                bulk.insert_rows(session, name, batch.rows[name])
        counts.add(batch)
        if progress is not None:
            progress(last, inquiries)
    with database.writing() as session:
        bulk.finish_bulk_load(session)
    return DemoSummary(
        inquiries=inquiries,
        partners=len(partner_rows),
        records=counts.records,
        assignments=counts.assignments,
        seconds=time.perf_counter() - started,
        spend_lines=counts.spend_lines,
        audit_events=counts.audit_events,
    )


@dataclass(slots=True)
class _Batch:
    rows: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {name: [] for name in bulk.BULK_TABLES}
    )


@dataclass(slots=True)
class _Counts:
    records: int = 0
    assignments: int = 0
    spend_lines: int = 0
    audit_events: int = 0

    def add(self, batch: _Batch) -> None:
        self.records += len(batch.rows["ace_records"])
        self.assignments += len(batch.rows["assignments"])
        self.spend_lines += len(batch.rows["inquiry_spend"])
        self.audit_events += len(batch.rows["audit_events"])


class _ArrivalSampler:
    """Arrival times in id order: hourly weights grow over the history, dip at night and at
    weekends and wobble day to day; inquiry ``i`` of ``n`` lands at the ``(i + u) / n``
    quantile, so times increase with ids without sorting a million values."""

    def __init__(self, rng: random.Random, now: datetime, total: int) -> None:
        hours = HISTORY_DAYS * 24
        self._start = now - timedelta(hours=hours)
        self._rng = rng
        self._total = total
        weights: list[float] = []
        day_factor = 1.0
        for hour in range(hours):
            moment = self._start + timedelta(hours=hour)
            if hour % 24 == 0:
                day_factor = rng.lognormvariate(0.0, 0.18)
            growth = GROWTH_OVER_HISTORY ** (hour / hours)
            weekend = 0.45 if moment.weekday() >= 5 else 1.0
            # Startups write from every time zone; UTC afternoons (US morning) peak.
            daily = 0.55 + 0.65 * math.exp(-(((moment.hour - 16) / 5.0) ** 2))
            weights.append(growth * weekend * daily * day_factor)
        self._weights = weights
        self._cumulative = list(accumulate(weights))

    def arrival(self, index: int) -> datetime:
        target = (index + self._rng.random()) / max(self._total, 1) * self._cumulative[-1]
        hour = min(bisect_left(self._cumulative, target), len(self._weights) - 1)
        before = self._cumulative[hour - 1] if hour else 0.0
        fraction = min(max((target - before) / self._weights[hour], 0.0), 1.0)
        seconds = int((hour + fraction) * 3600)
        return self._start + timedelta(seconds=seconds)


@dataclass(slots=True)
class _PartnerPlan:
    id: int
    tier: Tier
    active_until: datetime | None
    regions: tuple[Region, ...]
    verticals: tuple[Vertical, ...]
    profiles: tuple[ServiceProfile, ...]
    engagement_types: tuple[EngagementType, ...]
    stages: tuple[FundingStage, ...]
    capacity: int
    email: str
    skill: float
    """Base approval probability before the per-axis offsets."""
    offsets: dict[str, float]
    """Hidden per-value skill offsets (stage, region, vertical, profile, engagement, pool)."""
    speed: float
    """Multiplier on review turnaround: <1 is faster (Premier, well-prepared records)."""
    weight: float
    """How often admins route to this partner (small-sample partners get little)."""

    def approval_probability(self, axes: Sequence[str]) -> float:
        value = self.skill + sum(self.offsets.get(axis, 0.0) for axis in axes)
        return min(max(value, 0.12), 0.97)

    def available(self, moment: datetime) -> bool:
        return self.active_until is None or moment < self.active_until


@dataclass(slots=True)
class _Picker:
    partners: list[_PartnerPlan]
    cumulative: list[float]

    def pick(self, rng: random.Random) -> _PartnerPlan:
        return rng.choices(self.partners, cum_weights=self.cumulative)[0]


def _weighted(rng: random.Random, values: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(values, weights=weights)[0]


STAGES = tuple(FundingStage)
STAGE_WEIGHTS = (25, 35, 22, 10, 8)
REGIONS = tuple(Region)
REGION_WEIGHTS = (24, 22, 10, 14, 6, 12, 8, 4)
VERTICALS = tuple(Vertical)
VERTICAL_WEIGHTS = (16, 13, 25, 12, 8, 8, 8, 10)
PROFILES = tuple(ServiceProfile)
PROFILE_WEIGHTS = (25, 35, 28, 12)
MIGRATE_SHARE = {
    FundingStage.PRE_SEED: 0.08,
    FundingStage.SEED: 0.15,
    FundingStage.SERIES_A: 0.30,
    FundingStage.SERIES_B: 0.40,
    FundingStage.LATER: 0.50,
}
MIGRATE_FROM = (
    CurrentCloud.GCP,
    CurrentCloud.AZURE,
    CurrentCloud.HEROKU,
    CurrentCloud.ON_PREM,
    CurrentCloud.OTHER,
)
MIGRATE_FROM_WEIGHTS = (40, 25, 15, 12, 8)
BUILD_CLOUDS = (CurrentCloud.NONE, CurrentCloud.GCP, CurrentCloud.AZURE, CurrentCloud.HEROKU)
BUILD_CLOUD_WEIGHTS = (80, 8, 4, 8)
TEAM_SIZE = {
    FundingStage.PRE_SEED: (1, 8),
    FundingStage.SEED: (3, 25),
    FundingStage.SERIES_A: (12, 80),
    FundingStage.SERIES_B: (35, 220),
    FundingStage.LATER: (90, 900),
}
MONTHLY_SPEND_MEDIAN = {
    FundingStage.PRE_SEED: 900,
    FundingStage.SEED: 3_500,
    FundingStage.SERIES_A: 14_000,
    FundingStage.SERIES_B: 45_000,
    FundingStage.LATER: 120_000,
}
ROUND_SIZE_USD = {
    FundingStage.PRE_SEED: (250_000, 2_000_000),
    FundingStage.SEED: (1_500_000, 6_000_000),
    FundingStage.SERIES_A: (6_000_000, 25_000_000),
    FundingStage.SERIES_B: (20_000_000, 70_000_000),
    FundingStage.LATER: (50_000_000, 200_000_000),
}
REQUEST_AMOUNTS: dict[Pool, tuple[tuple[int, ...], tuple[int, ...]]] = {
    Pool.FOUNDERS: ((5_000, 10_000, 15_000, 20_000, 25_000), (10, 20, 15, 10, 45)),
    Pool.PORTFOLIO: ((50_000, 75_000, 100_000), (20, 25, 55)),
    Pool.BUILD_FOR_STARTUPS: ((10_000, 15_000, 20_000, 25_000), (5, 10, 10, 75)),
    Pool.BEDROCK_POC: (
        (10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000),
        (12, 10, 15, 25, 10, 8, 20),
    ),
}
FILING_ORDER = (Pool.PORTFOLIO, Pool.BUILD_FOR_STARTUPS, Pool.BEDROCK_POC, Pool.FOUNDERS)
"""Largest first, so the stacked ceiling trims the add-ons, not the anchor record."""
TIER_SHARES = ((Tier.REGISTERED, 10), (Tier.SELECT, 15), (Tier.ADVANCED, 50), (Tier.PREMIER, 25))
CAPACITY = {
    Tier.REGISTERED: (5, 10),
    Tier.SELECT: (5, 15),
    Tier.ADVANCED: (8, 30),
    Tier.PREMIER: (15, 40),
}
TECH_TITLES = ("CTO", "CTO & Co-founder", "VP Engineering", "Head of Platform", "Lead Engineer")
BUSINESS_TITLES = ("CEO & Co-founder", "Founder", "CEO", "COO", "Co-founder")
PARTNER_TITLES = (
    "Partner Development Manager",
    "Head of AWS Practice",
    "Alliance Lead",
    "Startup Practice Lead",
)
STACKED_CEILING = 150_000


def _money(value: float, step: int) -> int:
    return max(step, round(value / step) * step)


class _Generator:
    def __init__(self, rng: random.Random, now: datetime, first_ids: dict[str, int]) -> None:
        self.rng = rng
        self.now = now
        self._ids = dict(first_ids)
        self._partners: list[_PartnerPlan] = []
        self._pickers: dict[tuple[str, ...], _Picker | None] = {}
        self._companies: set[str] = set()

    def _next_id(self, table: str) -> int:
        value = self._ids[table]
        self._ids[table] = value + 1
        return value

    # ---- partners -------------------------------------------------------------------------

    def make_partners(self, count: int) -> list[dict[str, Any]]:
        rng = self.rng
        used: set[str] = set()
        rows: list[dict[str, Any]] = []
        tiers = [tier for tier, _ in TIER_SHARES]
        tier_weights = [share for _, share in TIER_SHARES]
        for _ in range(count):
            partner_id = self._next_id("partners")
            name = self._partner_name(used)
            tier = _weighted(rng, tiers, tier_weights)
            active = rng.random() >= 0.05
            active_until = (
                None if active else self.now - timedelta(days=rng.uniform(20, 240), hours=1)
            )
            home = _weighted(rng, REGIONS, REGION_WEIGHTS)
            regions = self._with_extras(home, REGIONS, rng.choice((1, 1, 2, 2, 3)))
            verticals = self._with_extras(
                _weighted(rng, VERTICALS, VERTICAL_WEIGHTS), VERTICALS, rng.choice((1, 2, 2, 3))
            )
            profiles = self._with_extras(
                _weighted(rng, PROFILES, PROFILE_WEIGHTS), PROFILES, rng.choice((1, 1, 2))
            )
            engagement_types = _weighted(
                rng,
                (
                    (EngagementType.BUILD,),
                    (EngagementType.BUILD, EngagementType.MIGRATE),
                    (EngagementType.MIGRATE,),
                ),
                (45, 45, 10),
            )
            first_stage = rng.randrange(len(STAGES))
            stages = STAGES[first_stage : first_stage + rng.choice((2, 2, 3))]
            low, high = CAPACITY[tier]
            capacity = rng.randint(low, high)
            person_first = rng.choice(vocab.FIRST_NAMES)
            person_last = rng.choice(vocab.LAST_NAMES)
            domain = _slug(name.split(" ")[0] + name.split(" ")[1]) + ".com"
            email = f"{_slug(person_first)}.{_slug(person_last)}@{domain}"
            contact = {
                "name": f"{person_first} {person_last}",
                "email": email,
                "phone": self._phone(home),
                "title": rng.choice(PARTNER_TITLES),
            }
            plan = self._partner_plan(
                partner_id, tier, active_until, regions, verticals, profiles,
                engagement_types, stages, capacity, email,
            )  # fmt: skip
            self._partners.append(plan)
            rows.append(
                {
                    "id": partner_id,
                    "external_id": None,
                    "name": name,
                    "tier": tier.value,
                    "active": active,
                    "capacity": capacity,
                    "regions": [v.value for v in regions],
                    "verticals": [v.value for v in verticals],
                    "service_profiles": [v.value for v in profiles],
                    "engagement_types": [v.value for v in engagement_types],
                    "stages": [v.value for v in stages],
                    "contact": contact,
                    "created_at": self.now
                    - timedelta(seconds=int(86_400 * (HISTORY_DAYS + rng.uniform(30, 1_500)))),
                    "version": 1,
                }
            )
        return rows

    def _partner_plan(
        self,
        partner_id: int,
        tier: Tier,
        active_until: datetime | None,
        regions: tuple[Region, ...],
        verticals: tuple[Vertical, ...],
        profiles: tuple[ServiceProfile, ...],
        engagement_types: tuple[EngagementType, ...],
        stages: tuple[FundingStage, ...],
        capacity: int,
        email: str,
    ) -> _PartnerPlan:
        rng = self.rng
        if rng.random() < 0.10:
            skill = rng.uniform(0.38, 0.60)  # a weak filer: mostly below the 70 % bar
        elif tier is Tier.SELECT:
            skill = rng.uniform(0.50, 0.82)
        else:
            skill = rng.uniform(0.58, 0.90)
        listed = {v.value for v in (*regions, *verticals, *profiles, *engagement_types, *stages)}
        offsets: dict[str, float] = {}
        axes: tuple[Sequence[Any], ...] = (
            STAGES, REGIONS, VERTICALS, PROFILES, tuple(EngagementType), tuple(POOLS)
        )  # fmt: skip
        for axis in axes:
            for value in axis:
                bias = 0.025 if value.value in listed else -0.035
                offsets[value.value] = bias + rng.gauss(0.0, 0.04)
        speed = rng.uniform(0.88, 1.12) * (0.85 if tier is Tier.PREMIER else 1.0)
        weight = capacity * (0.03 if rng.random() < 0.06 else 1.0) * (0.4 + skill)
        return _PartnerPlan(
            partner_id, tier, active_until, regions, verticals, profiles, engagement_types,
            stages, capacity, email, skill, offsets, speed, weight,
        )  # fmt: skip

    def _with_extras(self, first: T, universe: Sequence[T], count: int) -> tuple[T, ...]:
        others = [v for v in universe if v != first]
        chosen = {first, *self.rng.sample(others, min(count - 1, len(others)))}
        return tuple(v for v in universe if v in chosen)

    def _partner_name(self, used: set[str]) -> str:
        rng = self.rng
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

    def _phone(self, region: Region) -> str:
        prefix, digits = self.rng.choice(vocab.PHONE_FORMATS[region])
        return prefix + str(self.rng.randrange(10 ** (digits - 1), 10**digits))

    # ---- routing --------------------------------------------------------------------------

    def _picker(self, key: tuple[str, ...]) -> _Picker | None:
        if key in self._pickers:
            return self._pickers[key]
        kind, *values = key
        if kind == "select":
            found = [p for p in self._partners if p.tier is Tier.SELECT and values[0] in p.regions]
        else:
            routable = [p for p in self._partners if p.tier in (Tier.ADVANCED, Tier.PREMIER)]
            found = [
                p
                for p in routable
                if all(v in p.regions or v in p.profiles or v in p.verticals for v in values)
            ]
        picker = _Picker(found, list(accumulate(p.weight for p in found))) if found else None
        self._pickers[key] = picker
        return picker

    def _pick_partner(
        self,
        region: Region,
        profile: ServiceProfile,
        vertical: Vertical,
        select_ok: bool,
        at: datetime,
        exclude: int | None,
    ) -> _PartnerPlan | None:
        rng = self.rng
        keys: list[tuple[str, ...]] = []
        if select_ok and rng.random() < 0.3:
            keys.append(("select", region.value))
        if rng.random() < 0.7:
            keys.append(("routable", region.value, profile.value, vertical.value))
        keys += [
            ("routable", region.value, profile.value),
            ("routable", region.value),
            ("routable",),
        ]
        for key in keys:
            picker = self._picker(key)
            if picker is None:
                continue
            for _ in range(4):
                partner = picker.pick(rng)
                if partner.available(at) and partner.id != exclude:
                    return partner
        return None

    # ---- inquiries ------------------------------------------------------------------------

    def _company(
        self, vertical: Vertical, region: Region, profile: ServiceProfile
    ) -> tuple[str, str, str]:
        rng = self.rng
        for attempt in range(6):
            head = rng.choice(vocab.NAME_HEADS)
            tail = rng.choice(vocab.NAME_TAILS)
            stem = rng.choice(vocab.VERTICAL_STEMS[vertical])
            base = f"{head}{tail} {stem}"
            if base not in self._companies or attempt == 5:
                break
        # Memory stays bounded: past a few hundred thousand names, repeats are "ish" anyway.
        if len(self._companies) < 400_000:
            self._companies.add(base)
        name = f"{base} {rng.choice(vocab.LEGAL_SUFFIXES[region])}"
        tld = (
            vocab.AI_TLD
            if profile is ServiceProfile.AI and rng.random() < 0.35
            else rng.choice(vocab.WEB_TLDS[region])
        )
        slug = _slug(base) if rng.random() < 0.7 else _slug(f"{head}{tail}")
        domain = f"{slug}.{tld}"
        website = f"https://www.{domain}" if rng.random() < 0.5 else f"https://{domain}"
        return name, website, domain

    def _contact(
        self, domain: str, region: Region, titles: Sequence[str], full: bool
    ) -> dict[str, str]:
        rng = self.rng
        first = rng.choice(vocab.FIRST_NAMES)
        last = rng.choice(vocab.LAST_NAMES)
        local = f"{_slug(first)}.{_slug(last)}" if full else _slug(first)
        return {
            "name": f"{first} {last}",
            "email": f"{local}@{domain}",
            "phone": self._phone(region),
            "title": rng.choice(titles),
        }

    def _round(self, stage: FundingStage) -> tuple[str, str]:
        """(most recent round, named lead investor or "")."""
        rng = self.rng
        low, high = ROUND_SIZE_USD[stage]
        size = math.exp(rng.uniform(math.log(low), math.log(high)))
        amount = f"${size / 1e6:.1f}M" if size >= 1e6 else f"${round(size / 1e4) * 10}K"
        investor = f"{rng.choice(vocab.INVESTOR_HEADS)} {rng.choice(vocab.INVESTOR_TAILS)}"
        if stage is FundingStage.PRE_SEED:
            if rng.random() < 0.12:
                return f"Pre-seed priced round, {amount}", investor
            return f"Pre-seed SAFE, {amount}", ""
        label = vocab.ROUND_LABELS[stage.value]
        if stage is FundingStage.LATER:
            label = rng.choice(("Series C", "Series C", "Series D", "Growth"))
        if stage is FundingStage.SEED and rng.random() < 0.15:
            return f"{label}, {amount} (party round)", ""
        return f"{label}, {amount}", investor

    def _pools_wanted(
        self,
        stage: FundingStage,
        vouched: bool,
        profile: ServiceProfile,
        engagement: EngagementType,
    ) -> list[Pool]:
        rng = self.rng
        wanted: set[Pool] = set()
        early = stage in (FundingStage.PRE_SEED, FundingStage.SEED)
        if vouched and rng.random() < (0.55 if stage is FundingStage.PRE_SEED else 0.85):
            wanted.add(Pool.PORTFOLIO)
        elif early or rng.random() < 0.5:
            wanted.add(Pool.FOUNDERS)
        if stage is FundingStage.PRE_SEED and rng.random() < 0.12:
            wanted.add(Pool.FOUNDERS_SELF_SERVE)
        build_share = 0.35 if engagement is EngagementType.BUILD else 0.15
        if rng.random() < build_share:
            wanted.add(Pool.BUILD_FOR_STARTUPS)
        if rng.random() < (0.7 if profile is ServiceProfile.AI else 0.06):
            wanted.add(Pool.BEDROCK_POC)
        if engagement is EngagementType.MIGRATE and rng.random() < 0.6:
            wanted.add(Pool.MAP)
        if not wanted:
            wanted.add(Pool.FOUNDERS)
        return [pool for pool in Pool if pool in wanted]

    def _spend(
        self, inquiry_id: int, stage: FundingStage, profile: ServiceProfile
    ) -> list[dict[str, Any]]:
        rng = self.rng
        count = _weighted(rng, (1, 2, 3, 4), (15, 35, 30, 20))
        catalog = vocab.SERVICES_BY_PROFILE[profile]
        services = [catalog[0], *rng.sample(catalog[1:], count - 1)]
        total = MONTHLY_SPEND_MEDIAN[stage] * rng.lognormvariate(0.0, 0.6)
        shares = [rng.uniform(0.4, 1.0) * (2.0 if i == 0 else 1.0) for i in range(count)]
        scale = total / sum(shares)
        return [
            {
                "id": self._next_id("inquiry_spend"),
                "inquiry_id": inquiry_id,
                "service": service,
                "monthly_usd": _money(share * scale, 50),
            }
            for service, share in zip(services, shares, strict=True)
        ]

    def make_inquiry(self, arrived: datetime, batch: _Batch) -> None:
        rng = self.rng
        inquiry_id = self._next_id("inquiries")
        stage = _weighted(rng, STAGES, STAGE_WEIGHTS)
        region = _weighted(rng, REGIONS, REGION_WEIGHTS)
        vertical = _weighted(rng, VERTICALS, VERTICAL_WEIGHTS)
        profile = _weighted(rng, PROFILES, PROFILE_WEIGHTS)
        migrate = rng.random() < MIGRATE_SHARE[stage]
        engagement = EngagementType.MIGRATE if migrate else EngagementType.BUILD
        cloud = (
            _weighted(rng, MIGRATE_FROM, MIGRATE_FROM_WEIGHTS)
            if migrate
            else _weighted(rng, BUILD_CLOUDS, BUILD_CLOUD_WEIGHTS)
        )
        name, website, domain = self._company(vertical, region, profile)
        last_round, lead = self._round(stage)
        vouched = bool(lead) and (stage in PRICED_ROUNDS or "priced" in last_round)
        pools = self._pools_wanted(stage, vouched, profile, engagement)
        spend = self._spend(inquiry_id, stage, profile)
        team_low, team_high = TEAM_SIZE[stage]
        team = int(math.exp(rng.uniform(math.log(team_low), math.log(team_high + 1))))
        inquiry: dict[str, Any] = {
            "id": inquiry_id,
            "external_id": None,
            "company_name": name,
            "website": website,
            "funding_stage": stage.value,
            "last_round": last_round,
            "lead_investor": lead,
            "region": region.value,
            "vertical": vertical.value,
            "service_profile": profile.value,
            "engagement_type": engagement.value,
            "pools_wanted": [p.value for p in pools],
            "monthly_spend_usd": sum(line["monthly_usd"] for line in spend),
            "team_size": max(team_low, min(team, team_high)),
            "current_cloud": cloud.value,
            "technical_contact": self._contact(domain, region, TECH_TITLES, True),
            "business_contact": self._contact(domain, region, BUSINESS_TITLES, False),
            "arrived_at": arrived,
            "status": InquiryStatus.NEW.value,
            "partner_id": None,
            "assigned_at": None,
            "version": 1,
        }
        batch.rows["inquiries"].append(inquiry)
        batch.rows["inquiry_spend"].extend(spend)
        profile_axes = (stage.value, region.value, vertical.value, profile.value, engagement.value)
        _Lifecycle(self, batch, inquiry, pools, vouched, profile_axes).run()

    # ---- helpers used by the life cycle -------------------------------------------------

    def pick_partner(
        self, inquiry: dict[str, Any], pools: Sequence[Pool], at: datetime, exclude: int | None
    ) -> _PartnerPlan | None:
        select_ok = set(pools) <= {Pool.FOUNDERS, Pool.FOUNDERS_SELF_SERVE, Pool.MAP}
        return self._pick_partner(
            Region(inquiry["region"]),
            ServiceProfile(inquiry["service_profile"]),
            Vertical(inquiry["vertical"]),
            select_ok,
            at,
            exclude,
        )

    def new_id(self, table: str) -> int:
        return self._next_id(table)


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


class _Lifecycle:
    """Walks one inquiry from arrival to today: assignment, re-route, call, records."""

    def __init__(
        self,
        generator: _Generator,
        batch: _Batch,
        inquiry: dict[str, Any],
        pools: list[Pool],
        vouched: bool,
        axes: tuple[str, ...],
    ) -> None:
        self.g = generator
        self.rng = generator.rng
        self.now = generator.now
        self.batch = batch
        self.inquiry = inquiry
        self.pools = pools
        self.vouched = vouched
        self.axes = axes
        self.admin = self.rng.choice(vocab.ADMINS)

    def _hours(self, hours: float) -> timedelta:
        return timedelta(seconds=int(hours * 3600))

    def _assignment_delay_hours(self) -> float:
        rng = self.rng
        roll = rng.random()
        if roll < 0.10:
            return rng.uniform(0.5, 8.0)
        if roll < 0.90:
            return min(max(rng.gauss(17.0, 2.6), 8.0), 23.9)
        return 24.0 + rng.lognormvariate(math.log(8.0), 0.8)  # an SLA breach

    def _in_backlog(self, arrived: datetime) -> bool:
        """Today's desk is behind: part of the last three days' inquiries still wait."""
        age_hours = (self.now - arrived).total_seconds() / 3600
        share = 0.7 if age_hours < 24 else 0.5 if age_hours < 48 else 0.1
        return age_hours < 72 and self.rng.random() < share

    def _event(
        self, at: datetime, kind: str, partner_id: int | None, detail: dict[str, Any]
    ) -> None:
        self.batch.rows["audit_events"].append(
            {
                "id": self.g.new_id("audit_events"),
                "at": at,
                "actor": self.admin,
                "kind": kind,
                "inquiry_id": self.inquiry["id"],
                "partner_id": partner_id,
                "record_id": None,
                "detail": detail,
            }
        )

    def _assign(self, partner: _PartnerPlan, at: datetime) -> dict[str, Any]:
        rng = self.rng
        rank = _weighted(rng, (1, 2, 3), (85, 10, 5))
        score = round(partner.approval_probability(self.axes) * rng.uniform(0.85, 1.0), 4)
        row: dict[str, Any] = {
            "id": self.g.new_id("assignments"),
            "inquiry_id": self.inquiry["id"],
            "partner_id": partner.id,
            "active": True,
            "assigned_at": at,
            "assigned_by": self.admin,
            "ended_at": None,
            "end_reason": None,
            "score": score,
            "rank": rank,
        }
        self.batch.rows["assignments"].append(row)
        self._event(at, "inquiry.assigned", partner.id, {"rank": rank, "score": score})
        self.inquiry["status"] = InquiryStatus.ASSIGNED.value
        self.inquiry["partner_id"] = partner.id
        self.inquiry["assigned_at"] = at
        return row

    def _end(
        self, assignment: dict[str, Any], at: datetime, reason: str, status: InquiryStatus
    ) -> None:
        assignment["active"] = False
        assignment["ended_at"] = at
        assignment["end_reason"] = reason
        kind = "inquiry.rerouted" if status is InquiryStatus.REROUTE else "inquiry.declined"
        self._event(at, kind, assignment["partner_id"], {"reason": reason})
        self.inquiry["status"] = status.value
        self.inquiry["partner_id"] = None
        self.inquiry["assigned_at"] = None

    def run(self) -> None:
        rng = self.rng
        arrived: datetime = self.inquiry["arrived_at"]
        if rng.random() < 0.035:
            at = arrived + self._hours(rng.uniform(1.0, 30.0))
            if at <= self.now:
                self.inquiry["status"] = InquiryStatus.DECLINED.value
                reason = rng.choice(("not a startup", "duplicate inquiry", "outside programme"))
                self._event(at, "inquiry.declined", None, {"reason": reason})
            return
        assigned_at = arrived + self._hours(self._assignment_delay_hours())
        if assigned_at > self.now or self._in_backlog(arrived):
            return
        partner = self.g.pick_partner(self.inquiry, self.pools, assigned_at, None)
        if partner is None:
            return
        assignment = self._assign(partner, assigned_at)
        call_at = assigned_at + self._hours(rng.lognormvariate(math.log(60.0), 0.5))
        if rng.random() < 0.07:
            rerouted_at = assigned_at + self._hours(rng.uniform(4 * 24, 12 * 24))
            if rerouted_at > self.now:
                return
            self._end(assignment, rerouted_at, "no connection", InquiryStatus.REROUTE)
            again_at = rerouted_at + self._hours(rng.uniform(2.0, 30.0))
            if again_at > self.now:
                return
            second = self.g.pick_partner(self.inquiry, self.pools, again_at, partner.id)
            if second is None:
                return
            partner = second
            assignment = self._assign(partner, again_at)
            call_at = again_at + self._hours(rng.lognormvariate(math.log(48.0), 0.5))
        if call_at > self.now:
            return
        self.inquiry["status"] = InquiryStatus.CONNECTED.value
        filing_at = call_at + self._hours(rng.uniform(12.0, 120.0))
        pools = self._pools_to_file(partner)
        if not pools or rng.random() < 0.05:
            declined_at = call_at + self._hours(rng.uniform(12.0, 72.0))
            if declined_at <= self.now:
                reason = "partner cannot file the pools wanted" if not pools else "not eligible"
                self._end(assignment, declined_at, reason, InquiryStatus.DECLINED)
            return
        if filing_at > self.now:
            return
        self.inquiry["status"] = InquiryStatus.FILED.value
        outcomes = [self._record(partner, pool, amount, filing_at) for pool, amount in pools]
        if all(state in _FINAL_STATES for state in outcomes):
            if any(state is not RecordState.REJECTED for state in outcomes):
                self.inquiry["status"] = InquiryStatus.CREDITED.value
            else:
                last = max(
                    row["decided_at"] for row in self.batch.rows["ace_records"][-len(outcomes) :]
                )
                self._end(assignment, last, "all records rejected", InquiryStatus.DECLINED)

    def _pools_to_file(self, partner: _PartnerPlan) -> list[tuple[Pool, int]]:
        rng = self.rng
        wanted = [p for p in self.pools if p in REQUEST_AMOUNTS]
        if Pool.PORTFOLIO in wanted and not self.vouched:
            wanted.remove(Pool.PORTFOLIO)
        if Pool.PORTFOLIO in wanted and Pool.FOUNDERS in wanted:
            wanted.remove(Pool.FOUNDERS)  # Founders and Portfolio do not stack
        if not wanted and Pool.FOUNDERS_SELF_SERVE in self.pools:
            wanted = [Pool.FOUNDERS]
        allowed = [p for p in FILING_ORDER if p in wanted and tier_may_file(partner.tier, p)]
        remaining = STACKED_CEILING
        result: list[tuple[Pool, int]] = []
        for pool in allowed:
            amounts, weights = REQUEST_AMOUNTS[pool]
            amount = min(_weighted(rng, amounts, weights), remaining)
            spec = POOLS[pool]
            if spec.min_usd is not None and amount < spec.min_usd:
                continue
            remaining -= amount
            result.append((pool, amount))
        return result

    def _turnaround_days(self, partner: _PartnerPlan, pool: Pool) -> float:
        rng = self.rng
        band = POOLS[pool].band_days
        low, high = band if band is not None else (7, 21)
        roll = rng.random()
        if roll < 0.04:
            days = high * rng.uniform(1.1, 1.9)  # stuck with a senior reviewer
        elif roll < 0.07:
            days = low * rng.uniform(0.6, 1.0)
        else:
            days = low + (high - low) * rng.betavariate(2.2, 2.2)
        return days * partner.speed

    def _record(
        self, partner: _PartnerPlan, pool: Pool, requested: int, filing_at: datetime
    ) -> RecordState:
        rng = self.rng
        record_id = self.g.new_id("ace_records")
        created = filing_at + self._hours(rng.uniform(0.0, 3.0))
        row: dict[str, Any] = {
            "id": record_id,
            "external_id": None,
            "inquiry_id": self.inquiry["id"],
            "partner_id": partner.id,
            "pool": pool.value,
            "state": RecordState.IDENTIFIED.value,
            "amount_requested_usd": requested,
            "amount_awarded_usd": None,
            "awarded_pool": None,
            "created_at": created,
            "submitted_at": None,
            "credited_at": None,
            "decided_at": None,
            "days_to_credit": None,
            "fields": {},
            "updated_at": created,
            "updated_by": partner.email,
            "version": 1,
        }
        self.batch.rows["ace_records"].append(row)
        state = self._advance(row, partner, pool, requested, created)
        row["state"] = state.value
        return state

    def _advance(
        self,
        row: dict[str, Any],
        partner: _PartnerPlan,
        pool: Pool,
        requested: int,
        created: datetime,
    ) -> RecordState:
        rng = self.rng
        submitted = created + self._hours(rng.lognormvariate(math.log(30.0), 0.6))
        if submitted > self.now:
            return RecordState.IDENTIFIED
        row["external_id"] = f"O{4_000_000 + row['id']}"
        row["submitted_at"] = submitted
        row["updated_at"] = submitted
        days = self._turnaround_days(partner, pool)
        decided = submitted + self._hours(days * 24.0)
        probability = partner.approval_probability((*self.axes, pool.value))
        roll = rng.random()
        if decided > self.now:
            validated_after = rng.uniform(0.5, 2.0)
            age_days = (self.now - submitted).total_seconds() / 86_400
            return RecordState.VALIDATED if age_days > validated_after else RecordState.SUBMITTED
        row["decided_at"] = decided
        row["updated_at"] = decided
        if roll >= probability and rng.random() < 0.6:
            # Rejections come back sooner than credits: nothing to provision.
            earlier = submitted + self._hours(days * 24.0 * rng.uniform(0.6, 0.95))
            row["decided_at"] = earlier
            row["updated_at"] = earlier
            return RecordState.REJECTED
        row["credited_at"] = decided
        row["days_to_credit"] = round((decided - submitted).total_seconds() / 86_400, 4)
        if roll >= probability:
            awarded_pool, awarded = _downgrade(rng, pool, requested)
            row["awarded_pool"] = awarded_pool.value
            row["amount_awarded_usd"] = awarded
            return RecordState.DOWNGRADED
        spec = POOLS[pool]
        awarded = requested
        if spec.min_usd is not None and rng.random() < 0.12:
            awarded = _money(rng.uniform(spec.min_usd, requested), 5_000)
            awarded = min(max(awarded, spec.min_usd), requested)
        row["awarded_pool"] = pool.value
        row["amount_awarded_usd"] = awarded
        since = (self.now - decided).total_seconds() / 86_400
        if since > 150 and rng.random() < 0.7:
            return RecordState.CLOSED
        if since > 30 and rng.random() < 0.75:
            return RecordState.LAUNCHED
        return RecordState.APPROVED


_FINAL_STATES = frozenset(
    {
        RecordState.APPROVED,
        RecordState.LAUNCHED,
        RecordState.CLOSED,
        RecordState.REJECTED,
        RecordState.DOWNGRADED,
    }
)


def _downgrade(rng: random.Random, pool: Pool, requested: int) -> tuple[Pool, int]:
    """What a reviewer awards instead: Portfolio falls back to Founders, others shrink."""
    if pool is Pool.PORTFOLIO:
        return Pool.FOUNDERS, _weighted(rng, (25_000, 15_000, 10_000), (70, 20, 10))
    spec = POOLS[pool]
    low = spec.min_usd or 0
    smaller = _money(requested * rng.uniform(0.3, 0.6), 5_000)
    if smaller < requested and smaller >= low:
        return pool, smaller
    if pool is Pool.FOUNDERS:
        return Pool.FOUNDERS_SELF_SERVE, 1_000  # the seed's "$1K Builders" fallback
    return Pool.FOUNDERS, POOLS[Pool.FOUNDERS].min_usd or 5_000
