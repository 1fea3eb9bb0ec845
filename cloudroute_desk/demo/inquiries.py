"""One inquiry's intake, as a startup fills it in: company, stage, round, region, needs.

``InquiryMaker.make`` writes the inquiry and its spend lines and hands it to the lifecycle
(``demo/lifecycle.py``), which adds whatever happened to it since. Arrival times follow
``ArrivalCurve``: the desk's inquiries grow over the eighteen months and dip at night and at
weekends.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from cloudroute_desk.db.mapping import customer_columns
from cloudroute_desk.demo import vocab
from cloudroute_desk.demo.lifecycle import NEW, Lifecycle, Rows
from cloudroute_desk.demo.partners import (
    PROFILE_CHOICE,
    REGION_CHOICE,
    STAGES,
    VERTICAL_CHOICE,
    phone,
)
from cloudroute_desk.demo.sampling import WeightedChoice, money, slug
from cloudroute_desk.domain.catalog import (
    PRICED_ROUNDS,
    CurrentCloud,
    EngagementType,
    FundingStage,
    Pool,
    ServiceProfile,
)

HISTORY_DAYS = 548
"""Eighteen months of inquiries."""

GROWTH_OVER_HISTORY = 3.0
"""Inquiries arrive this many times faster now than eighteen months ago."""


class ArrivalCurve:
    """Arrival times in id order: hourly weights grow over the history, dip at night and at
    weekends and wobble day to day (``rng`` draws the wobble); inquiry ``i`` of ``n`` lands at
    the ``(i + u) / n`` quantile, so times increase with ids without sorting a million values,
    and any inquiry's time is computed without the others'."""

    def __init__(self, rng: random.Random, now: datetime, total: int) -> None:
        hours = HISTORY_DAYS * 24
        self._start = now - timedelta(hours=hours)
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

    def arrival(self, index: int, u: float) -> datetime:
        """Inquiry ``index``'s arrival, ``u`` in [0, 1) placing it within its quantile."""
        target = (index + u) / max(self._total, 1) * self._cumulative[-1]
        hour = min(bisect_left(self._cumulative, target), len(self._weights) - 1)
        before = self._cumulative[hour - 1] if hour else 0.0
        fraction = min(max((target - before) / self._weights[hour], 0.0), 1.0)
        return self._start + timedelta(seconds=int((hour + fraction) * 3600))


PRE_SEED = FundingStage.PRE_SEED.value
SEED = FundingStage.SEED.value
LATER = FundingStage.LATER.value
PRICED = frozenset(stage.value for stage in PRICED_ROUNDS)
STAGE_CHOICE = WeightedChoice(STAGES, (25, 35, 22, 10, 8))
MIGRATE_SHARE = {PRE_SEED: 0.08, SEED: 0.15, "Series-A": 0.30, "Series-B": 0.40, LATER: 0.50}
BUILD = EngagementType.BUILD.value
MIGRATE = EngagementType.MIGRATE.value
AI = ServiceProfile.AI.value
MIGRATE_FROM = WeightedChoice(
    tuple(c.value for c in (CurrentCloud.GCP, CurrentCloud.AZURE, CurrentCloud.HEROKU,
                            CurrentCloud.ON_PREM, CurrentCloud.OTHER)),
    (40, 25, 15, 12, 8),
)  # fmt: skip
BUILD_CLOUD = WeightedChoice(
    tuple(c.value for c in (CurrentCloud.NONE, CurrentCloud.GCP, CurrentCloud.AZURE,
                            CurrentCloud.HEROKU)),
    (80, 8, 4, 8),
)  # fmt: skip
TEAM_SIZE = {
    PRE_SEED: (1, 8), SEED: (3, 25), "Series-A": (12, 80), "Series-B": (35, 220), LATER: (90, 900)
}  # fmt: skip
MONTHLY_SPEND_MEDIAN = {
    PRE_SEED: 900, SEED: 3_500, "Series-A": 14_000, "Series-B": 45_000, LATER: 120_000
}  # fmt: skip
ROUND_SIZE_USD = {
    PRE_SEED: (250_000, 2_000_000),
    SEED: (1_500_000, 6_000_000),
    "Series-A": (6_000_000, 25_000_000),
    "Series-B": (20_000_000, 70_000_000),
    LATER: (50_000_000, 200_000_000),
}
SPEND_LINES = WeightedChoice((1, 2, 3, 4), (15, 35, 30, 20))
TECH_TITLES = ("CTO", "CTO & Co-founder", "VP Engineering", "Head of Platform", "Lead Engineer")
BUSINESS_TITLES = ("CEO & Co-founder", "Founder", "CEO", "COO", "Co-founder")
LATER_ROUNDS = ("Series C", "Series C", "Series D", "Growth")
POOL_ORDER = tuple(pool.value for pool in Pool)
NAME_SLUGS = {name: slug(name) for name in (*vocab.FIRST_NAMES, *vocab.LAST_NAMES)}
COMPANY_MEMORY = 400_000
"""Names one maker remembers to avoid repeats; past that, repeats are "unique-ish" and memory
flat."""


class InquiryMaker:
    """Makes inquiries one by one with ``rng``, numbering them from ``ids["inquiries"]``
    (and their spend lines from ``ids["inquiry_spend"]``)."""

    def __init__(self, rng: random.Random, now: datetime, lifecycle: Lifecycle) -> None:
        self.rng = rng
        self.now = now
        self.life = lifecycle
        self.ids = lifecycle.ids
        self._companies: set[str] = set()

    def _id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def _company(self, vertical: str, region: str, profile: str) -> tuple[str, str, str]:
        rng = self.rng
        companies = self._companies
        for attempt in range(6):
            head = rng.choice(vocab.NAME_HEADS)
            tail = rng.choice(vocab.NAME_TAILS)
            stem = rng.choice(vocab.VERTICAL_STEMS[vertical])
            base = f"{head}{tail} {stem}"
            if base not in companies or attempt == 5:
                break
        if len(companies) < COMPANY_MEMORY:
            companies.add(base)
        name = f"{base} {rng.choice(vocab.LEGAL_SUFFIXES[region])}"
        if profile == AI and rng.random() < 0.35:
            tld = vocab.AI_TLD
        else:
            tld = rng.choice(vocab.WEB_TLDS[region])
        # The stem keeps the domain as distinct as the name: two demo companies never share a
        # registrable domain, so they are never one customer (domain/customer.py).
        host = f"{head}{tail}{stem}"
        domain = f"{host.lower()}.{tld}"
        website = f"https://www.{domain}" if rng.random() < 0.5 else f"https://{domain}"
        return name, website, domain

    def _contact(
        self, domain: str, region: str, titles: tuple[str, ...], full: bool
    ) -> dict[str, str]:
        rng = self.rng
        first = rng.choice(vocab.FIRST_NAMES)
        last = rng.choice(vocab.LAST_NAMES)
        local = f"{NAME_SLUGS[first]}.{NAME_SLUGS[last]}" if full else NAME_SLUGS[first]
        return {
            "name": f"{first} {last}",
            "email": f"{local}@{domain}",
            "phone": phone(rng, region),
            "title": rng.choice(titles),
        }

    def _round(self, stage: str) -> tuple[str, str]:
        """(most recent round, named lead investor or "")."""
        rng = self.rng
        low, high = ROUND_SIZE_USD[stage]
        size = math.exp(rng.uniform(math.log(low), math.log(high)))
        amount = f"${size / 1e6:.1f}M" if size >= 1e6 else f"${round(size / 1e4) * 10}K"
        investor = f"{rng.choice(vocab.INVESTOR_HEADS)} {rng.choice(vocab.INVESTOR_TAILS)}"
        if stage == PRE_SEED:
            if rng.random() < 0.12:
                return f"Pre-seed priced round, {amount}", investor
            return f"Pre-seed SAFE, {amount}", ""
        label = rng.choice(LATER_ROUNDS) if stage == LATER else vocab.ROUND_LABELS[stage]
        if stage == SEED and rng.random() < 0.15:
            return f"{label}, {amount} (party round)", ""
        return f"{label}, {amount}", investor

    def _pools_wanted(self, stage: str, vouched: bool, profile: str, engagement: str) -> list[str]:
        rng = self.rng
        wanted: set[str] = set()
        if vouched and rng.random() < (0.55 if stage == PRE_SEED else 0.85):
            wanted.add(Pool.PORTFOLIO.value)
        elif stage in (PRE_SEED, SEED) or rng.random() < 0.5:
            wanted.add(Pool.FOUNDERS.value)
        if stage == PRE_SEED and rng.random() < 0.12:
            wanted.add(Pool.FOUNDERS_SELF_SERVE.value)
        if rng.random() < (0.35 if engagement == BUILD else 0.15):
            wanted.add(Pool.BUILD_FOR_STARTUPS.value)
        if rng.random() < (0.7 if profile == AI else 0.06):
            wanted.add(Pool.BEDROCK_POC.value)
        if engagement == MIGRATE and rng.random() < 0.6:
            wanted.add(Pool.MAP.value)
        if not wanted:
            wanted.add(Pool.FOUNDERS.value)
        return [pool for pool in POOL_ORDER if pool in wanted]

    def _spend(self, inquiry_id: int, stage: str, profile: str) -> list[dict[str, Any]]:
        rng = self.rng
        count = SPEND_LINES.pick(rng)
        catalog = vocab.SERVICES_BY_PROFILE[profile]
        services = [catalog[0], *rng.sample(catalog[1:], count - 1)]
        total = MONTHLY_SPEND_MEDIAN[stage] * rng.lognormvariate(0.0, 0.6)
        shares = [rng.uniform(0.4, 1.0) * (2.0 if i == 0 else 1.0) for i in range(count)]
        scale = total / sum(shares)
        return [
            {
                "id": self._id("inquiry_spend"),
                "inquiry_id": inquiry_id,
                "service": service,
                "monthly_usd": money(share * scale, 50),
            }
            for service, share in zip(services, shares, strict=True)
        ]

    def make(self, arrived: datetime, rows: Rows) -> None:
        rng = self.rng
        inquiry_id = self._id("inquiries")
        stage = STAGE_CHOICE.pick(rng)
        region = REGION_CHOICE.pick(rng)
        vertical = VERTICAL_CHOICE.pick(rng)
        profile = PROFILE_CHOICE.pick(rng)
        migrate = rng.random() < MIGRATE_SHARE[stage]
        engagement = MIGRATE if migrate else BUILD
        cloud = MIGRATE_FROM.pick(rng) if migrate else BUILD_CLOUD.pick(rng)
        name, website, domain = self._company(vertical, region, profile)
        last_round, lead = self._round(stage)
        # A pre-seed priced round reads as a vouch to its founder, who asks for Portfolio; the
        # pool's rule wants seed or later (PRICED_ROUNDS), so the partner files Founders.
        hoped = bool(lead) and (stage in PRICED or "priced" in last_round)
        vouched = hoped and stage in PRICED
        pools = self._pools_wanted(stage, hoped, profile, engagement)
        spend = self._spend(inquiry_id, stage, profile)
        team_low, team_high = TEAM_SIZE[stage]
        team = int(math.exp(rng.uniform(math.log(team_low), math.log(team_high + 1))))
        inquiry: dict[str, Any] = {
            "id": inquiry_id,
            "external_id": None,
            "company_name": name,
            "website": website,
            "funding_stage": stage,
            "last_round": last_round,
            "lead_investor": lead,
            "region": region,
            "vertical": vertical,
            "service_profile": profile,
            "engagement_type": engagement,
            "pools_wanted": pools,
            "monthly_spend_usd": sum(line["monthly_usd"] for line in spend),
            "team_size": max(team_low, min(team, team_high)),
            "current_cloud": cloud,
            "technical_contact": self._contact(domain, region, TECH_TITLES, True),
            "business_contact": self._contact(domain, region, BUSINESS_TITLES, False),
            "arrived_at": arrived,
            "status": NEW,
            "partner_id": None,
            "assigned_at": None,
            "version": 1,
            **customer_columns(name, website),
        }
        rows["inquiries"].append(inquiry)
        rows["inquiry_spend"].extend(spend)
        axes = (stage, region, vertical, profile, engagement)
        self.life.run(rows, inquiry, spend, pools, vouched, axes)
