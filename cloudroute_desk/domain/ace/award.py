"""What a reviewer may award an approved or downgraded record, and when its credits landed.

An approval awards the requested pool; a downgrade awards another pool or less than was
requested. Credits cannot land before the record was submitted, nor in the future. The
record service applies these in the transaction that records the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from cloudroute_desk.domain.catalog import Pool, RecordState
from cloudroute_desk.domain.entities import AceRecordSummary

NOON = time(12)
"""A credit date given without a time is taken as midday (days-to-credit stays fair on
either side of it)."""


@dataclass(frozen=True, slots=True)
class Award:
    """What the reviewer granted: amount, pool (differs from the request on a downgrade) and
    the day credits landed."""

    amount_usd: int
    pool: Pool
    credited_on: date


class AwardRefusedError(ValueError):
    """An award the rules refuse; ``str(error)`` is a sentence for the admin."""


@dataclass(frozen=True, slots=True)
class Credit:
    award: Award
    credited_at: datetime
    days_to_credit: float | None
    """From submission to credit; None for a record never submitted."""


def credit_for(
    record: AceRecordSummary, new_state: RecordState, award: Award | None, now: datetime
) -> Credit:
    """Check ``award`` for moving ``record`` to Approved or Downgraded at ``now``; raises
    ``AwardRefusedError`` with the reason."""
    if award is None:
        raise AwardRefusedError("Give the awarded amount, pool and credit date.")
    if award.amount_usd <= 0:
        raise AwardRefusedError("The awarded amount must be more than $0.")
    if new_state is RecordState.DOWNGRADED and (
        award.pool == record.pool and award.amount_usd >= record.amount_requested_usd
    ):
        raise AwardRefusedError(
            "A downgrade awards a different pool or less than requested; otherwise mark it "
            "Approved."
        )
    if new_state is RecordState.APPROVED and award.pool != record.pool:
        raise AwardRefusedError("An award from another pool is a downgrade, not an approval.")
    credited_at = (
        now if award.credited_on == now.date() else datetime.combine(award.credited_on, NOON)
    )
    submitted_at = record.submitted_at
    if submitted_at is not None and award.credited_on == submitted_at.date():
        credited_at = max(credited_at, submitted_at)
    if submitted_at is not None and credited_at < submitted_at:
        raise AwardRefusedError("Credits cannot land before the record was submitted.")
    if credited_at > now:
        raise AwardRefusedError("The credit date cannot be in the future.")
    days = (credited_at - submitted_at).total_seconds() / 86_400 if submitted_at else None
    return Credit(award, credited_at, days)
