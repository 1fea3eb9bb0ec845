"""The award rules, pure: what an approval or a downgrade may award, and when credits landed."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from cloudroute_desk.domain.ace.award import Award, AwardRefusedError, credit_for
from cloudroute_desk.domain.catalog import Pool, RecordState
from cloudroute_desk.domain.entities import AceRecordSummary

NOW = datetime(2026, 6, 20, 15, 30)
SUBMITTED = AceRecordSummary(
    id=1,
    inquiry_id=1,
    partner_id=1,
    pool=Pool.PORTFOLIO,
    state=RecordState.SUBMITTED,
    amount_requested_usd=100_000,
    created_at=datetime(2026, 6, 1, 9, 0),
    submitted_at=datetime(2026, 6, 2, 9, 0),
)


def test_credits_on_a_past_day_land_at_noon_and_count_days_from_submission() -> None:
    credit = credit_for(
        SUBMITTED, RecordState.APPROVED, Award(90_000, Pool.PORTFOLIO, date(2026, 6, 16)), NOW
    )
    assert credit.credited_at == datetime(2026, 6, 16, 12, 0)
    assert credit.days_to_credit == pytest.approx(14.125)
    today = credit_for(SUBMITTED, RecordState.APPROVED, Award(1, Pool.PORTFOLIO, NOW.date()), NOW)
    assert today.credited_at == NOW


@pytest.mark.parametrize(
    ("state", "award", "reason"),
    [
        (RecordState.APPROVED, None, "Give the awarded amount"),
        (RecordState.APPROVED, Award(0, Pool.PORTFOLIO, date(2026, 6, 16)), r"more than \$0"),
        (RecordState.APPROVED, Award(50_000, Pool.FOUNDERS, date(2026, 6, 16)), "a downgrade"),
        (RecordState.DOWNGRADED, Award(100_000, Pool.PORTFOLIO, date(2026, 6, 16)), "otherwise"),
        (RecordState.APPROVED, Award(9, Pool.PORTFOLIO, date(2026, 6, 1)), "before the record"),
        (RecordState.APPROVED, Award(9, Pool.PORTFOLIO, date(2026, 6, 21)), "in the future"),
    ],
)
def test_refused_awards_say_why(state: RecordState, award: Award | None, reason: str) -> None:
    with pytest.raises(AwardRefusedError, match=reason):
        credit_for(SUBMITTED, state, award, NOW)
