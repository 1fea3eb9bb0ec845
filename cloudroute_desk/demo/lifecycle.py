"""One demo inquiry's life up to "now": assignment, re-route, discovery call, ACE records.

The timeline follows the lifecycle in ``domain/catalog.py``: an admin assigns a partner
(typically 16-18 hours after arrival, some past the 24-hour SLA); the partner holds a
discovery call a few days later (or the founder never connects and the inquiry is re-routed
to a different partner); a few days after the call the partner files one record per pool the
tier allows, within the pools' amount ranges and the $150K stacked ceiling; reviewers decide
within each pool's turnaround band, approving with the partner's hidden probability on the
inquiry's profile. Whatever has not happened by "now" is where the inquiry and its records
stand today.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from typing import Any

from cloudroute_desk.db.record_queries import account_id_column
from cloudroute_desk.demo.partners import PartnerPlan, PartnerRouter
from cloudroute_desk.demo.record_forms import InquiryForm, RecordForms
from cloudroute_desk.demo.sampling import WeightedChoice, hours, money
from cloudroute_desk.domain.catalog import (
    END_DID_NOT_CONNECT,
    POOLS,
    STACKED_CEILING_USD,
    InquiryStatus,
    Pool,
    RecordState,
    Tier,
    tier_may_file,
)

Rows = dict[str, list[dict[str, Any]]]

NEW = InquiryStatus.NEW.value
ASSIGNED = InquiryStatus.ASSIGNED.value
CONNECTED = InquiryStatus.CONNECTED.value
FILED = InquiryStatus.FILED.value
CREDITED = InquiryStatus.CREDITED.value
REROUTE = InquiryStatus.REROUTE.value
DECLINED = InquiryStatus.DECLINED.value

IDENTIFIED = RecordState.IDENTIFIED.value
SUBMITTED = RecordState.SUBMITTED.value
VALIDATED = RecordState.VALIDATED.value
APPROVED = RecordState.APPROVED.value
LAUNCHED = RecordState.LAUNCHED.value
CLOSED = RecordState.CLOSED.value
REJECTED = RecordState.REJECTED.value
DOWNGRADED = RecordState.DOWNGRADED.value
PENDING_STATES = frozenset({IDENTIFIED, SUBMITTED, VALIDATED})

FOUNDERS = Pool.FOUNDERS.value
FOUNDERS_SELF_SERVE = Pool.FOUNDERS_SELF_SERVE.value
PORTFOLIO = Pool.PORTFOLIO.value
BUILD = Pool.BUILD_FOR_STARTUPS.value
BEDROCK = Pool.BEDROCK_POC.value
MAP = Pool.MAP.value

REQUEST_AMOUNTS: dict[str, WeightedChoice[int]] = {
    FOUNDERS: WeightedChoice((5_000, 10_000, 15_000, 20_000, 25_000), (10, 20, 15, 10, 45)),
    PORTFOLIO: WeightedChoice((50_000, 75_000, 100_000), (20, 25, 55)),
    BUILD: WeightedChoice((10_000, 15_000, 20_000, 25_000), (5, 10, 10, 75)),
    BEDROCK: WeightedChoice(
        (10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000), (12, 10, 15, 25, 10, 8, 20)
    ),
}
FILING_ORDER = (PORTFOLIO, BUILD, BEDROCK, FOUNDERS)
"""Largest first, so the stacked ceiling trims the add-ons, not the anchor record."""
SELECT_ONLY_POOLS = frozenset({FOUNDERS, FOUNDERS_SELF_SERVE, MAP})
RANK = WeightedChoice((1, 2, 3), (85, 10, 5))
PORTFOLIO_DOWNGRADE = WeightedChoice((25_000, 15_000, 10_000), (70, 20, 10))
NEW_DECLINE_REASONS = ("not a startup", "duplicate inquiry", "outside programme")
MIN_USD = {pool.value: spec.min_usd or 0 for pool, spec in POOLS.items()}
BAND_DAYS = {pool.value: spec.band_days or (7, 21) for pool, spec in POOLS.items()}
MAY_FILE = {tier: frozenset(p.value for p in Pool if tier_may_file(tier, p)) for tier in Tier}
RECORD_TRAIL = timedelta(days=120)
"""Records created this recently get their audit trail (created, each state change); older
ones only their current state: the editor's history panel is for the working set, and a
full trail would be most of a million-inquiry database."""
REVIEWER = "aws-partner-central"
"""Actor of the reviewer's transitions (validated, approved, downgraded, rejected)."""
RECORD_ID_BASE = 4_000_000
"""ACE opportunity ids look like ``O4000123``: Partner Central's ``O`` + digits."""


def opportunity_id(record_id: int) -> str:
    """The Partner Central id of a submitted demo record."""
    return f"O{RECORD_ID_BASE + record_id}"


class Lifecycle:
    """Walks inquiries through their lives, appending rows to a chunk's tables."""

    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        router: PartnerRouter,
        admins: tuple[str, ...],
        next_id: dict[str, int],
        forms: RecordForms,
    ) -> None:
        self.rng = rng
        self.forms = forms
        self.now = now
        self.router = router
        self.admins = admins
        self.ids = next_id

    def _id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def run(
        self,
        rows: Rows,
        inquiry: dict[str, Any],
        spend: list[dict[str, Any]],
        pools: list[str],
        vouched: bool,
        axes: tuple[str, ...],
    ) -> None:
        _Walk(self, rows, inquiry, spend, pools, vouched, axes).run()


class _Walk:
    __slots__ = (
        "admin", "axes", "form", "inquiry", "life", "now", "pools", "rng", "rows", "spend",
        "trail", "vouched",
    )  # fmt: skip

    def __init__(
        self,
        life: Lifecycle,
        rows: Rows,
        inquiry: dict[str, Any],
        spend: list[dict[str, Any]],
        pools: list[str],
        vouched: bool,
        axes: tuple[str, ...],
    ) -> None:
        self.life = life
        self.spend = spend
        self.rng = life.rng
        self.now = life.now
        self.rows = rows
        self.inquiry = inquiry
        self.pools = pools
        self.vouched = vouched
        self.axes = axes
        self.admin = self.rng.choice(life.admins)
        self.trail = True
        self.form: InquiryForm | None = None

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
        self,
        at: datetime,
        kind: str,
        partner_id: int | None,
        detail: dict[str, Any],
        record_id: int | None = None,
        actor: str | None = None,
    ) -> None:
        self.rows["audit_events"].append(
            {
                "id": self.life._id("audit_events"),
                "at": at,
                "actor": actor or self.admin,
                "kind": kind,
                "inquiry_id": self.inquiry["id"],
                "partner_id": partner_id,
                "record_id": record_id,
                "detail": detail,
            }
        )

    def _pick(self, at: datetime, exclude: int | None) -> PartnerPlan | None:
        inquiry = self.inquiry
        return self.life.router.pick(
            self.rng,
            inquiry["region"],
            inquiry["service_profile"],
            inquiry["vertical"],
            SELECT_ONLY_POOLS.issuperset(self.pools),
            at,
            exclude,
        )

    def _assign(self, partner: PartnerPlan, at: datetime) -> dict[str, Any]:
        rank = RANK.pick(self.rng)
        score = round(partner.approval_probability(self.axes) * self.rng.uniform(0.85, 1.0), 4)
        row: dict[str, Any] = {
            "id": self.life._id("assignments"),
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
        self.rows["assignments"].append(row)
        detail = {"partner_name": partner.name, "score": score, "rank": rank, "source": "demo"}
        self._event(at, "assigned", partner.id, detail)
        self.inquiry["status"] = ASSIGNED
        self.inquiry["partner_id"] = partner.id
        self.inquiry["assigned_at"] = at
        return row

    def _end(
        self, assignment: dict[str, Any], partner: PartnerPlan, at: datetime, reason: str
    ) -> None:
        """Ends ``assignment``: re-route when ``reason`` is END_DID_NOT_CONNECT, else declined."""
        rerouted = reason == END_DID_NOT_CONNECT
        status = REROUTE if rerouted else DECLINED
        assignment["active"] = False
        assignment["ended_at"] = at
        assignment["end_reason"] = END_DID_NOT_CONNECT if rerouted else DECLINED
        detail: dict[str, Any] = {"partner_name": partner.name, "assignment_id": assignment["id"]}
        detail["reason"] = "re-route" if rerouted else reason
        self._event(at, END_DID_NOT_CONNECT if rerouted else DECLINED, partner.id, detail)
        self.inquiry["status"] = status
        self.inquiry["partner_id"] = None
        self.inquiry["assigned_at"] = None

    def run(self) -> None:
        rng = self.rng
        now = self.now
        arrived: datetime = self.inquiry["arrived_at"]
        if rng.random() < 0.035:
            at = arrived + hours(rng.uniform(1.0, 30.0))
            if at <= now:
                self.inquiry["status"] = DECLINED
                reason = rng.choice(NEW_DECLINE_REASONS)
                self._event(at, DECLINED, None, {"reason": reason})
            return
        assigned_at = arrived + hours(self._assignment_delay_hours())
        if assigned_at > now or self._in_backlog(arrived):
            return
        partner = self._pick(assigned_at, None)
        if partner is None:
            return
        assignment = self._assign(partner, assigned_at)
        call_at = assigned_at + hours(rng.lognormvariate(math.log(60.0), 0.5))
        if rng.random() < 0.07:
            rerouted_at = assigned_at + hours(rng.uniform(4 * 24, 12 * 24))
            if rerouted_at > now:
                return
            self._end(assignment, partner, rerouted_at, END_DID_NOT_CONNECT)
            again_at = rerouted_at + hours(rng.uniform(2.0, 30.0))
            if again_at > now:
                return
            second = self._pick(again_at, partner.id)
            if second is None:
                return
            partner = second
            assignment = self._assign(partner, again_at)
            call_at = again_at + hours(rng.lognormvariate(math.log(48.0), 0.5))
        if call_at > now:
            return
        self.inquiry["status"] = CONNECTED
        filing_at = call_at + hours(rng.uniform(12.0, 120.0))
        to_file = self._pools_to_file(partner)
        if not to_file or rng.random() < 0.05:
            declined_at = call_at + hours(rng.uniform(12.0, 72.0))
            if declined_at <= now:
                reason = "partner cannot file the pools wanted" if not to_file else "not eligible"
                self._end(assignment, partner, declined_at, reason)
            return
        if filing_at > now:
            return
        self.inquiry["status"] = FILED
        records = [self._record(partner, pool, amount, filing_at) for pool, amount in to_file]
        if any(record["state"] in PENDING_STATES for record in records):
            return
        if any(record["state"] != REJECTED for record in records):
            self.inquiry["status"] = CREDITED
        else:
            last = max(record["decided_at"] for record in records)
            self._end(assignment, partner, last, "all records rejected")

    def _pools_to_file(self, partner: PartnerPlan) -> list[tuple[str, int]]:
        wanted = [p for p in self.pools if p in REQUEST_AMOUNTS]
        if PORTFOLIO in wanted and not self.vouched:
            wanted.remove(PORTFOLIO)  # no institutional vouch: Founders instead
            if FOUNDERS not in wanted:
                wanted.append(FOUNDERS)
        if PORTFOLIO in wanted and FOUNDERS in wanted:
            wanted.remove(FOUNDERS)  # Founders and Portfolio do not stack
        if not wanted and FOUNDERS_SELF_SERVE in self.pools:
            wanted = [FOUNDERS]
        remaining = STACKED_CEILING_USD
        result: list[tuple[str, int]] = []
        for pool in FILING_ORDER:
            if pool not in wanted or pool not in MAY_FILE[partner.tier]:
                continue
            amount = min(REQUEST_AMOUNTS[pool].pick(self.rng), remaining)
            if amount < MIN_USD[pool]:
                continue
            remaining -= amount
            result.append((pool, amount))
        return result

    def _turnaround_days(self, partner: PartnerPlan, pool: str) -> float:
        rng = self.rng
        low, high = BAND_DAYS[pool]
        roll = rng.random()
        if roll < 0.04:
            days = high * rng.uniform(1.1, 1.9)  # stuck with a senior reviewer
        elif roll < 0.07:
            days = low * rng.uniform(0.6, 1.0)
        else:
            days = low + (high - low) * rng.betavariate(2.2, 2.2)
        return days * partner.speed

    def _record(
        self, partner: PartnerPlan, pool: str, requested: int, filing_at: datetime
    ) -> dict[str, Any]:
        created = filing_at + hours(self.rng.uniform(0.0, 3.0))
        row: dict[str, Any] = {
            "id": self.life._id("ace_records"),
            "external_id": None,
            "inquiry_id": self.inquiry["id"],
            "partner_id": partner.id,
            "pool": pool,
            "state": IDENTIFIED,
            "amount_requested_usd": requested,
            "amount_awarded_usd": None,
            "awarded_pool": None,
            "created_at": created,
            "submitted_at": None,
            "credited_at": None,
            "decided_at": None,
            "days_to_credit": None,
            "fields": {},
            "aws_account_id": "",
            "updated_at": created,
            "updated_by": self.admin,
            "version": 1,
        }
        self.rows["ace_records"].append(row)
        self.trail = self.now - created <= RECORD_TRAIL
        self._record_event(row, created, "record_created", {"pool": pool}, self.admin)
        self._advance(row, partner, pool, requested, created)
        # Written once the state is known: the form is complete for the state it is in.
        forms = self.life.forms
        if self.form is None:
            self.form = forms.for_inquiry(self.inquiry, self.spend, partner)
        row["fields"] = forms.fields(self.form, row)
        row["aws_account_id"] = account_id_column(row["fields"])
        return row

    def _record_event(
        self, row: dict[str, Any], at: datetime, kind: str, detail: dict[str, Any], actor: str
    ) -> None:
        if self.trail:
            self._event(at, kind, row["partner_id"], detail, row["id"], actor)
        row["updated_at"] = at
        row["updated_by"] = actor

    def _move(
        self, row: dict[str, Any], at: datetime, to: str, extra: dict[str, Any] | None = None
    ) -> None:
        """A state transition with its audit row, as the editor's history shows it."""
        detail: dict[str, Any] = {"from": row["state"], "to": to}
        if extra:
            detail.update(extra)
        actor = self.admin if to in (SUBMITTED, LAUNCHED, CLOSED) else REVIEWER
        self._record_event(row, at, "record_state", detail, actor)
        row["state"] = to
        row["version"] += 1

    def _advance(
        self,
        row: dict[str, Any],
        partner: PartnerPlan,
        pool: str,
        requested: int,
        created: datetime,
    ) -> None:
        rng = self.rng
        now = self.now
        submitted = created + hours(rng.lognormvariate(math.log(30.0), 0.6))
        if submitted > now:
            return
        row["external_id"] = opportunity_id(row["id"])
        row["submitted_at"] = submitted
        self._move(row, submitted, SUBMITTED)
        days = self._turnaround_days(partner, pool)
        decided = submitted + hours(days * 24.0)
        validated = submitted + hours(rng.uniform(12.0, 48.0))
        probability = partner.approval_probability((*self.axes, pool))
        roll = rng.random()
        if roll >= probability and rng.random() < 0.6:
            # Rejections come back sooner than credits: nothing to provision.
            decided = submitted + hours(days * 24.0 * rng.uniform(0.6, 0.95))
            outcome = REJECTED
        else:
            outcome = DOWNGRADED if roll >= probability else APPROVED
        if outcome != REJECTED:
            validated = min(validated, decided - hours(1.0))  # approvals pass validation first
        if validated < min(decided, now):
            self._move(row, validated, VALIDATED)
        if decided > now:
            return
        row["decided_at"] = decided
        if outcome == REJECTED:
            self._move(row, decided, REJECTED)
            return
        row["credited_at"] = decided
        row["days_to_credit"] = round((decided - submitted).total_seconds() / 86_400, 4)
        if outcome == DOWNGRADED:
            awarded_pool, awarded = _downgrade(rng, pool, requested)
        else:
            low = MIN_USD[pool]
            awarded_pool, awarded = pool, requested
            if rng.random() < 0.12:
                awarded = min(max(money(rng.uniform(low, requested), 5_000), low), requested)
        row["awarded_pool"] = awarded_pool
        row["amount_awarded_usd"] = awarded
        award = {
            "amount_awarded_usd": awarded,
            "awarded_pool": awarded_pool,
            "credited_on": decided.date().isoformat(),
        }
        self._move(row, decided, outcome, award)
        if outcome == DOWNGRADED:
            return
        since_days = (now - decided).total_seconds() / 86_400
        if since_days > 30 and rng.random() < 0.8:
            self._move(row, decided + hours(24.0 * rng.uniform(7.0, 30.0)), LAUNCHED)
            if since_days > 150 and rng.random() < 0.7:
                self._move(row, decided + hours(24.0 * rng.uniform(90.0, 150.0)), CLOSED)


def _downgrade(rng: random.Random, pool: str, requested: int) -> tuple[str, int]:
    """What a reviewer awards instead: Portfolio falls back to Founders, others shrink."""
    if pool == PORTFOLIO:
        return FOUNDERS, PORTFOLIO_DOWNGRADE.pick(rng)
    low = MIN_USD[pool]
    smaller = money(requested * rng.uniform(0.3, 0.6), 5_000)
    if low <= smaller < requested:
        return pool, smaller
    if pool == FOUNDERS:
        return FOUNDERS_SELF_SERVE, 1_000  # the seed's "$1K Builders" fallback
    return FOUNDERS, MIN_USD[FOUNDERS]
