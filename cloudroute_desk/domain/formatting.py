"""Numbers as every front end prints them: dollars, days, shares, and one mark for "no value".

The panes, the charts, the command line and the rule messages all format through here, so a
missing value reads the same everywhere and the threshold is labelled one way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from cloudroute_desk.domain.catalog import CLOSE_RATE_THRESHOLD

NO_VALUE: Final = "—"
"""Shown where a number is missing (no history, not awarded yet)."""

_SCALES = ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K"))


def money(usd: float | None) -> str:
    """Whole dollars: ``$12,500``."""
    return NO_VALUE if usd is None else f"${usd:,.0f}"


def compact_money(usd: float | None) -> str:
    """``$1,250,000`` -> ``$1.25M``; below $10K the exact dollars."""
    if usd is None:
        return NO_VALUE
    if abs(usd) >= 10_000:
        for divisor, suffix in _SCALES:
            if abs(usd) >= divisor:
                return f"${usd / divisor:,.2f}{suffix}"
    return money(usd)


def money_scale(largest: float) -> tuple[int, str]:
    """A divisor and its unit (``$M``) so an axis up to ``largest`` dollars reads 1-999."""
    for divisor, suffix in _SCALES:
        if largest >= divisor:
            return divisor, f"${suffix}"
    return 1, "$"


def days(value: float | None) -> str:
    return NO_VALUE if value is None else f"{value:.1f} d"


def hours(value: float | None) -> str:
    return NO_VALUE if value is None else f"{value:.1f} h"


def percent(share: float | None, *, decimals: int = 0) -> str:
    """A share of one as a percentage: ``0.7`` -> ``70 %``."""
    return NO_VALUE if share is None else f"{share * 100:.{decimals}f} %"


THRESHOLD_LABEL: Final = percent(CLOSE_RATE_THRESHOLD)
"""The routing threshold as the admin reads it (``70 %``)."""


def plural(count: int, noun: str) -> str:
    """``1 record``, ``2,500 records``."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def ago(then: datetime, now: datetime) -> str:
    """How long before ``now`` ``then`` was, roughly: "just now", "5 min ago", "2 h ago",
    "3 days ago" (a ``then`` after ``now``, from another clock, reads "just now")."""
    seconds = (now - then).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86_400:
        return f"{int(seconds // 3600)} h ago"
    count = int(seconds // 86_400)
    return f"{plural(count, 'day')} ago"
