"""The business catalog: tiers, pools, states and the intake vocabularies, with their numbers.

It is the single place these business rules live (the README's "What an admin can do"
describes them): the database migrations copy the transition tables from it
(a test checks they still agree), and the editor, importer, CLI and router all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

STACKED_CEILING_USD = 150_000
"""Most a single customer can be awarded across all partner-filed pools (seed, section II)."""

ROUTING_SLA_HOURS = 24
"""An inquiry should have a partner within this many hours of arrival."""

SLA_DUE_SOON_HOURS = 6
"""Under this many hours left, the queue shows an inquiry as due soon."""

CLOSE_RATE_THRESHOLD = 0.70
"""Partners above this close rate on the inquiry's profile are preferred (seed, section IX)."""

ROUTING_WINDOW_DAYS = 365
"""The routing index looks back over a trailing twelve months."""


class Tier(StrEnum):
    REGISTERED = "Registered"
    SELECT = "Select"
    ADVANCED = "Advanced"
    PREMIER = "Premier"


class Pool(StrEnum):
    """Funding sources. Only the partner-filed ones are ACE records."""

    FOUNDERS_SELF_SERVE = "founders_self_serve"
    FOUNDERS = "founders"
    PORTFOLIO = "portfolio"
    BUILD_FOR_STARTUPS = "build_for_startups"
    BEDROCK_POC = "bedrock_poc"
    MAP = "map"


@dataclass(frozen=True, slots=True)
class PoolSpec:
    pool: Pool
    label: str
    min_usd: int | None
    max_usd: int | None
    reviewer: str
    band_days: tuple[int, int] | None
    """Expected submission-to-credit days (low, high), or None when the seed gives none."""
    partner_filed: bool


POOLS: dict[Pool, PoolSpec] = {
    spec.pool: spec
    for spec in (
        PoolSpec(
            Pool.FOUNDERS_SELF_SERVE,
            "Activate Founders (self-serve)",
            1_000,
            5_000,
            "Self-serve coordinators",
            (3, 7),
            False,
        ),
        PoolSpec(Pool.FOUNDERS, "Founders (partner-filed)", 5_000, 25_000, "APM", (5, 8), True),
        PoolSpec(
            Pool.PORTFOLIO,
            "Activate Portfolio",
            50_000,
            100_000,
            "APM (senior APM for high-dollar)",
            (11, 18),
            True,
        ),
        # The seed prices Build for Startups as "+$25K" and shows one ~14-day example; we
        # treat $25K as the ceiling a reviewer may approve below, and 11-18 days as its band.
        PoolSpec(
            Pool.BUILD_FOR_STARTUPS, "Build for Startups", 5_000, 25_000, "APM", (11, 18), True
        ),
        PoolSpec(
            Pool.BEDROCK_POC,
            "Bedrock POC",
            10_000,
            50_000,
            "Bedrock-adjacent APM subgroup",
            (14, 28),
            True,
        ),
        PoolSpec(Pool.MAP, "MAP / engagement funding", None, None, "PDM", None, True),
    )
}

CREDIT_POOLS: tuple[Pool, ...] = (
    Pool.FOUNDERS,
    Pool.PORTFOLIO,
    Pool.BUILD_FOR_STARTUPS,
    Pool.BEDROCK_POC,
)
"""Partner-filed pools that land credits (MAP funds engagements, not credits)."""


@dataclass(frozen=True, slots=True)
class TierRights:
    tier: Tier
    ace_rights: str
    may_file: frozenset[Pool]
    routable_for_credits: bool
    faster_review: bool


TIERS: dict[Tier, TierRights] = {
    Tier.REGISTERED: TierRights(Tier.REGISTERED, "none", frozenset(), False, False),
    # Select: limited ACE rights, partner-filed Founders ("limited") and MAP referrals only.
    Tier.SELECT: TierRights(
        Tier.SELECT, "limited", frozenset({Pool.FOUNDERS, Pool.MAP}), False, False
    ),
    Tier.ADVANCED: TierRights(
        Tier.ADVANCED,
        "full",
        frozenset(p for p, s in POOLS.items() if s.partner_filed),
        True,
        False,
    ),
    Tier.PREMIER: TierRights(
        Tier.PREMIER,
        "full, faster reviewer turnaround",
        frozenset(p for p, s in POOLS.items() if s.partner_filed),
        True,
        True,
    ),
}


def tier_may_file(tier: Tier, pool: Pool) -> bool:
    return pool in TIERS[tier].may_file


class FundingStage(StrEnum):
    PRE_SEED = "pre-seed"
    SEED = "seed"
    SERIES_A = "Series-A"
    SERIES_B = "Series-B"
    LATER = "later"


PRICED_ROUNDS: frozenset[FundingStage] = frozenset(
    {FundingStage.SEED, FundingStage.SERIES_A, FundingStage.SERIES_B, FundingStage.LATER}
)
"""Stages whose most recent round is a priced round (pre-seed is usually SAFEs/notes)."""


class Region(StrEnum):
    US_EAST = "US-East"
    US_WEST = "US-West"
    UK = "UK"
    EU = "EU"
    MENA = "MENA"
    INDIA = "India"
    APAC = "APAC"
    BRAZIL = "Brazil"


class Vertical(StrEnum):
    FINTECH = "fintech"
    HEALTHTECH = "healthtech"
    B2B_SAAS = "B2B SaaS"
    ECOMMERCE = "e-commerce"
    DEEP_TECH = "deep tech"
    GAMING = "gaming"
    MEDIA = "media"
    EDTECH = "edtech"


class ServiceProfile(StrEnum):
    COMPUTE = "compute-heavy"
    AI = "AI-heavy"
    DATA = "data-heavy"
    EDGE = "edge-heavy"


class EngagementType(StrEnum):
    BUILD = "Build"
    MIGRATE = "Migrate"


class CurrentCloud(StrEnum):
    NONE = "none"
    GCP = "GCP"
    AZURE = "Azure"
    HEROKU = "Heroku"
    ON_PREM = "on-prem"
    OTHER = "other"


AWS_SERVICES: tuple[str, ...] = (
    "EC2",
    "RDS",
    "S3",
    "Bedrock",
    "Lambda",
    "OpenSearch",
    "DynamoDB",
    "CloudFront",
    "SageMaker",
    "EKS",
    "ECS",
    "Redshift",
    "Aurora",
    "ElastiCache",
    "Kinesis",
)


class InquiryStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    CONNECTED = "connected"
    FILED = "filed"
    CREDITED = "credited"
    REROUTE = "reroute"
    DECLINED = "declined"


INQUIRY_STATUS_LABELS: dict[InquiryStatus, str] = {
    InquiryStatus.NEW: "New",
    InquiryStatus.ASSIGNED: "Assigned",
    InquiryStatus.CONNECTED: "Discovery call held",
    InquiryStatus.FILED: "Records filed",
    InquiryStatus.CREDITED: "Credited / closed",
    InquiryStatus.REROUTE: "Re-route needed",
    InquiryStatus.DECLINED: "Declined",
}

WAITING_STATUSES: frozenset[InquiryStatus] = frozenset({InquiryStatus.NEW, InquiryStatus.REROUTE})
"""Statuses of an inquiry that waits for a partner: the 24-hour routing clock runs, an
assignment may claim it, and the batch suggestion offers it one."""

END_UNDONE: Final = "undo"
"""An assignment taken back (undo): the partner does not count as tried."""
END_DID_NOT_CONNECT: Final = "did_not_connect"
"""The founder and the partner did not connect: the inquiry is re-routed without them."""
END_DECLINED: Final = "declined"
"""The inquiry was declined while the partner held it."""

END_REASON_LABELS: dict[str, str] = {
    END_UNDONE: "undone",
    END_DID_NOT_CONNECT: "did not connect",
    END_DECLINED: "declined",
}


def end_reason_label(reason: str | None) -> str:
    """How an ended assignment's ``end_reason`` reads (an admin-given reason as it is)."""
    if not reason:
        return "ended"
    return END_REASON_LABELS.get(reason, reason)


INQUIRY_TRANSITIONS: frozenset[tuple[InquiryStatus, InquiryStatus]] = frozenset(
    {
        (InquiryStatus.NEW, InquiryStatus.ASSIGNED),
        (InquiryStatus.NEW, InquiryStatus.DECLINED),
        (InquiryStatus.ASSIGNED, InquiryStatus.CONNECTED),
        (InquiryStatus.ASSIGNED, InquiryStatus.REROUTE),
        (InquiryStatus.ASSIGNED, InquiryStatus.DECLINED),
        # Undoing an assignment returns the inquiry to the queue it came from.
        (InquiryStatus.ASSIGNED, InquiryStatus.NEW),
        (InquiryStatus.CONNECTED, InquiryStatus.FILED),
        (InquiryStatus.CONNECTED, InquiryStatus.REROUTE),
        (InquiryStatus.CONNECTED, InquiryStatus.DECLINED),
        (InquiryStatus.FILED, InquiryStatus.CREDITED),
        (InquiryStatus.FILED, InquiryStatus.DECLINED),
        (InquiryStatus.REROUTE, InquiryStatus.ASSIGNED),
        (InquiryStatus.REROUTE, InquiryStatus.DECLINED),
    }
)


def inquiry_transition_allowed(old: InquiryStatus, new: InquiryStatus) -> bool:
    return old == new or (old, new) in INQUIRY_TRANSITIONS


class RecordState(StrEnum):
    IDENTIFIED = "identified"
    SUBMITTED = "submitted"
    VALIDATED = "validated"
    APPROVED = "approved"
    LAUNCHED = "launched"
    CLOSED = "closed"
    REJECTED = "rejected"
    DOWNGRADED = "downgraded"


RECORD_STATE_LABELS: dict[RecordState, str] = {
    RecordState.IDENTIFIED: "Identified (draft)",
    RecordState.SUBMITTED: "Submitted",
    RecordState.VALIDATED: "Validated",
    RecordState.APPROVED: "Approved",
    RecordState.LAUNCHED: "Launched",
    RecordState.CLOSED: "Closed",
    RecordState.REJECTED: "Rejected",
    RecordState.DOWNGRADED: "Downgraded",
}

RECORD_TRANSITIONS: frozenset[tuple[RecordState, RecordState]] = frozenset(
    {
        (RecordState.IDENTIFIED, RecordState.SUBMITTED),
        (RecordState.SUBMITTED, RecordState.VALIDATED),
        (RecordState.SUBMITTED, RecordState.REJECTED),
        # A reviewer's "Action Required" hands the record back to the partner as a draft.
        (RecordState.SUBMITTED, RecordState.IDENTIFIED),
        (RecordState.VALIDATED, RecordState.APPROVED),
        (RecordState.VALIDATED, RecordState.DOWNGRADED),
        (RecordState.VALIDATED, RecordState.REJECTED),
        (RecordState.VALIDATED, RecordState.IDENTIFIED),
        (RecordState.APPROVED, RecordState.LAUNCHED),
        (RecordState.DOWNGRADED, RecordState.LAUNCHED),
        (RecordState.LAUNCHED, RecordState.CLOSED),
    }
)

DECIDED_STATES: frozenset[RecordState] = frozenset(
    {
        RecordState.APPROVED,
        RecordState.LAUNCHED,
        RecordState.CLOSED,
        RecordState.REJECTED,
        RecordState.DOWNGRADED,
    }
)
"""States in which the reviewer has decided; they count towards close rates."""

AWARDED_STATES: frozenset[RecordState] = frozenset(
    {RecordState.APPROVED, RecordState.LAUNCHED, RecordState.CLOSED, RecordState.DOWNGRADED}
)
"""States in which credits have landed."""

EDITABLE_STATES: frozenset[RecordState] = frozenset({RecordState.IDENTIFIED})
"""The record's form is editable only as a draft; submitted and in-review records are locked."""


def record_transition_allowed(old: RecordState, new: RecordState) -> bool:
    return old == new or (old, new) in RECORD_TRANSITIONS


API_STAGE_AND_REVIEW: dict[RecordState, tuple[str, str]] = {
    RecordState.IDENTIFIED: ("Qualified", "Pending Submission"),
    RecordState.SUBMITTED: ("Qualified", "Submitted"),
    RecordState.VALIDATED: ("Technical Validation", "In review"),
    RecordState.APPROVED: ("Committed", "Approved"),
    RecordState.DOWNGRADED: ("Committed", "Approved"),
    RecordState.LAUNCHED: ("Launched", "Approved"),
    RecordState.CLOSED: ("Launched", "Approved"),
    RecordState.REJECTED: ("Closed Lost", "Rejected"),
}
"""How each record state reads in Partner Central (LifeCycle.Stage, LifeCycle.ReviewStatus)."""

DOWNGRADE_WEIGHT = 0.5
"""A downgrade counts as half an approval in close rates: credits landed, but less than asked."""


@dataclass(frozen=True, slots=True)
class PartnerCentralOutcome:
    """The record state a Partner Central snapshot means, and whether it may move a record
    back (only a reviewer's Action Required hands a submitted record back to its partner)."""

    state: RecordState
    hands_back: bool = False


PARTNER_CENTRAL_REVIEW_STATES: dict[str, PartnerCentralOutcome] = {
    "Pending Submission": PartnerCentralOutcome(RecordState.IDENTIFIED),
    "Submitted": PartnerCentralOutcome(RecordState.SUBMITTED),
    "In review": PartnerCentralOutcome(RecordState.VALIDATED),
    "Action Required": PartnerCentralOutcome(RecordState.IDENTIFIED, hands_back=True),
    "Approved": PartnerCentralOutcome(RecordState.APPROVED),
    "Rejected": PartnerCentralOutcome(RecordState.REJECTED),
}
PARTNER_CENTRAL_STAGE_STATES: dict[str, PartnerCentralOutcome] = {
    "Launched": PartnerCentralOutcome(RecordState.LAUNCHED),
    "Closed Lost": PartnerCentralOutcome(RecordState.REJECTED),
}
"""How Partner Central's outcome reads as our record state: the one table, the reverse of
``API_STAGE_AND_REVIEW``.

``LifeCycle.Stage`` decides when it is Launched or Closed Lost (for the partner's stages and
for AWS's own, which use the same two words); otherwise ``LifeCycle.ReviewStatus`` decides
(the bulk export's ``Draft`` is Pending Submission). The other stages (Prospect, Qualified,
Technical / Business Validation, Committed) follow the review and decide nothing on their
own. ``ClosedLostReason`` never changes which state: it is kept, with ``ReviewStatusReason``
and ``ReviewComments``, as the reason the record's history and the charts show. Partner
Central has no downgrade: a Downgraded record stays Downgraded on Approved.
"""


def partner_central_outcome(
    review_status: str | None, stage: str | None
) -> PartnerCentralOutcome | None:
    """The state a snapshot with this ReviewStatus and Stage means; None when it decides
    nothing (an in-between stage with no review status)."""
    if stage is not None and stage in PARTNER_CENTRAL_STAGE_STATES:
        return PARTNER_CENTRAL_STAGE_STATES[stage]
    if review_status is not None:
        return PARTNER_CENTRAL_REVIEW_STATES.get(review_status)
    return None
