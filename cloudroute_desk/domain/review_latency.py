"""What Partner Central's review of a record took: from its review statuses with Partner
Central's times, how long from submission to approval, how many Action Required round trips,
and whether (and why) it was rejected. The review-latency chart and the partner's *Why* view
both read these, per pool and per partner.

Latency runs from the first Submitted status Partner Central reported to the first Approved
after it; without a reported Submitted, from the record's own submission when it is earlier
than the approval (a record marked submitted by hand, then approved in Partner Central). A
record walked straight to Approved by one snapshot has no latency to tell.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

SUBMITTED: Final = "Submitted"
APPROVED: Final = "Approved"
REJECTED: Final = "Rejected"
ACTION_REQUIRED: Final = "Action Required"
NO_REASON: Final = "(no reason given)"


@dataclass(frozen=True, slots=True)
class ReviewStep:
    status: str | None
    reason: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class RecordReview:
    latency_days: float | None
    """Submitted → Approved, in days; None when not approved or not known."""
    round_trips: int
    """Action Required statuses reported."""
    decided: bool
    """Approved or Rejected in Partner Central."""
    rejection_reason: str | None
    """ReviewStatusReason of the rejection (``NO_REASON`` when none); None if not rejected."""


def record_review(steps: Sequence[ReviewStep], submitted_at: datetime | None) -> RecordReview:
    """One record's review from its steps (in time order) and its own first submission."""
    first_submitted = next((s.at for s in steps if s.status == SUBMITTED), None)
    approved_at = next(
        (
            s.at
            for s in steps
            if s.status == APPROVED and (first_submitted is None or s.at >= first_submitted)
        ),
        None,
    )
    start = first_submitted
    if start is None and submitted_at is not None and approved_at is not None:
        start = submitted_at if submitted_at < approved_at else None
    latency = (
        (approved_at - start).total_seconds() / 86_400
        if approved_at is not None and start is not None
        else None
    )
    decision = next((s for s in reversed(steps) if s.status in (APPROVED, REJECTED)), None)
    rejection = None
    if decision is not None and decision.status == REJECTED:
        rejection = decision.reason or NO_REASON
    return RecordReview(
        latency_days=latency,
        round_trips=sum(1 for s in steps if s.status == ACTION_REQUIRED),
        decided=decision is not None,
        rejection_reason=rejection,
    )


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    records: int
    """Records with any Partner Central review status."""
    approved_with_latency: int
    median_latency_days: float | None
    decided: int
    rejected: int
    round_trips: int
    records_with_round_trips: int

    @property
    def rejection_rate(self) -> float | None:
        return self.rejected / self.decided if self.decided else None


def summarise(reviews: Iterable[RecordReview]) -> ReviewSummary:
    items = list(reviews)
    latencies = [r.latency_days for r in items if r.latency_days is not None]
    return ReviewSummary(
        records=len(items),
        approved_with_latency=len(latencies),
        median_latency_days=statistics.median(latencies) if latencies else None,
        decided=sum(1 for r in items if r.decided),
        rejected=sum(1 for r in items if r.rejection_reason is not None),
        round_trips=sum(r.round_trips for r in items),
        records_with_round_trips=sum(1 for r in items if r.round_trips),
    )
