"""What the inquiry queue shows: the filter, the sort, and the routing-SLA clock.

All of it is pure: the database layer turns a ``QueueFilter`` into SQL, the model and the
view turn ``sla_view`` into text and colour, and the CSV export reads the same labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from cloudroute_desk.domain.catalog import (
    ROUTING_SLA_HOURS,
    SLA_DUE_SOON_HOURS,
    WAITING_STATUSES,
    EngagementType,
    FundingStage,
    InquiryStatus,
    Pool,
    RecordState,
    Region,
    ServiceProfile,
    Vertical,
)
from cloudroute_desk.domain.formatting import NO_VALUE

SLA = timedelta(hours=ROUTING_SLA_HOURS)
DUE_SOON = timedelta(hours=SLA_DUE_SOON_HOURS)


class SortKey(StrEnum):
    """Columns the queue sorts by; each has an index so paging by key stays cheap."""

    ARRIVED = "arrived_at"
    COMPANY = "company_name"
    STAGE = "funding_stage"
    REGION = "region"
    VERTICAL = "vertical"
    PROFILE = "service_profile"
    ENGAGEMENT = "engagement_type"
    SPEND = "monthly_spend_usd"
    STATUS = "status"
    PARTNER = "partner"
    """Grouped by partner id (unassigned first), not by name: names are not on the row."""


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    BREACHED = "breached"


SLA_STATE_LABELS: dict[SlaState, str] = {
    SlaState.ON_TRACK: "On track",
    SlaState.DUE_SOON: f"Due soon (< {SLA_DUE_SOON_HOURS} h)",
    SlaState.BREACHED: "Past SLA",
}


class SlaTone(StrEnum):
    """The colour class of an SLA cell; views map it to palette-aware colours."""

    PLENTY = "plenty"
    DUE_SOON = "due_soon"
    BREACHED = "breached"
    NEUTRAL = "neutral"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which inquiries the queue shows and in what order. Empty sets mean "any"."""

    statuses: frozenset[InquiryStatus] = frozenset()
    stages: frozenset[FundingStage] = frozenset()
    regions: frozenset[Region] = frozenset()
    verticals: frozenset[Vertical] = frozenset()
    profiles: frozenset[ServiceProfile] = frozenset()
    engagement_types: frozenset[EngagementType] = frozenset()
    sla_states: frozenset[SlaState] = frozenset()
    arrived_from: datetime | None = None
    """Inclusive."""
    arrived_to: datetime | None = None
    """Exclusive."""
    search: str = ""
    partner_id: int | None = None
    """The assigned partner; with record conditions set, the partner of that ACE record."""
    record_states: frozenset[RecordState] = frozenset()
    """Only inquiries with an ACE record in one of these states (chart click-through).

    All record conditions (states, pools, days, and then partner) hold for one same record.
    """
    record_pools: frozenset[Pool] = frozenset()
    """Only inquiries with an ACE record in one of these pools (chart click-through)."""
    record_days: tuple[float, float] | None = None
    """Only inquiries with a record credited within [low, high) days of submission."""
    record_review: tuple[str, str | None] | None = None
    """Only inquiries with a record Partner Central reported this review status for:
    (ReviewStatus, ReviewStatusReason); a None reason matches any, "" matches none given
    (the review-latency chart's click-through)."""
    sort: SortKey = SortKey.ARRIVED
    descending: bool = True

    @property
    def search_terms(self) -> tuple[str, ...]:
        return search_terms(self.search)

    @property
    def filters_records(self) -> bool:
        return bool(
            self.record_states
            or self.record_pools
            or self.record_days is not None
            or self.record_review is not None
        )

    @property
    def is_unfiltered(self) -> bool:
        return self == QueueFilter(sort=self.sort, descending=self.descending)

    def sorted_by(self, key: SortKey, descending: bool) -> QueueFilter:
        return replace(self, sort=key, descending=descending)


@dataclass(frozen=True, slots=True)
class FilterRequest:
    """A request from elsewhere (a chart click) to show a subset of the queue."""

    filter: QueueFilter = field(default_factory=QueueFilter)
    description: str = ""


_TERM = re.compile(r"[^\W_]+")
MAX_SEARCH_TERMS = 8


def search_terms(text: str) -> tuple[str, ...]:
    """The words to look up, lower-cased letters and digits only.

    Splitting here, the same way both full-text indexes split the stored text, means no
    character the user types can reach the FTS5 or tsquery syntax (quotes, ``*``, ``NEAR``,
    ``-``, ``&``), so every search string is safe and means the same on both backends.
    """
    terms = [t.lower() for t in _TERM.findall(text.replace("\x00", " "))]
    return tuple(dict.fromkeys(t for t in terms if t))[:MAX_SEARCH_TERMS]


def sla_deadline(arrived_at: datetime) -> datetime:
    return arrived_at + SLA


def sla_state(status: InquiryStatus, arrived_at: datetime, now: datetime) -> SlaState | None:
    """The clock's state, or None once the inquiry has a partner (the clock stopped)."""
    if status not in WAITING_STATUSES:
        return None
    left = sla_deadline(arrived_at) - now
    if left <= timedelta(0):
        return SlaState.BREACHED
    if left <= DUE_SOON:
        return SlaState.DUE_SOON
    return SlaState.ON_TRACK


def sla_arrival_bounds(state: SlaState, now: datetime) -> tuple[datetime | None, datetime | None]:
    """Arrival times [low, high) of open inquiries in ``state`` at ``now``, for SQL."""
    breached_before = now - SLA
    due_soon_before = now - SLA + DUE_SOON
    if state is SlaState.BREACHED:
        return None, breached_before
    if state is SlaState.DUE_SOON:
        return breached_before, due_soon_before
    return due_soon_before, None


def format_duration(delta: timedelta) -> str:
    """``5h 12m``, ``2d 3h``, ``45m``: short enough for a table cell."""
    minutes = int(abs(delta).total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


@dataclass(frozen=True, slots=True)
class SlaView:
    state: SlaState | None
    tone: SlaTone
    text: str
    seconds_left: float
    """Seconds to the deadline (negative once past); for routed inquiries, at routing time."""


def sla_view(
    status: InquiryStatus, arrived_at: datetime, assigned_at: datetime | None, now: datetime
) -> SlaView:
    """What the SLA cell says and its colour class."""
    deadline = sla_deadline(arrived_at)
    state = sla_state(status, arrived_at, now)
    if state is None:
        if assigned_at is None:
            return SlaView(None, SlaTone.NEUTRAL, NO_VALUE, 0.0)
        took = assigned_at - arrived_at
        late = " (late)" if assigned_at > deadline else ""
        seconds = (deadline - assigned_at).total_seconds()
        return SlaView(None, SlaTone.NEUTRAL, f"routed in {format_duration(took)}{late}", seconds)
    left = deadline - now
    if state is SlaState.BREACHED:
        return SlaView(
            state, SlaTone.BREACHED, f"{format_duration(left)} over", left.total_seconds()
        )
    tone = SlaTone.DUE_SOON if state is SlaState.DUE_SOON else SlaTone.PLENTY
    return SlaView(state, tone, f"{format_duration(left)} left", left.total_seconds())
