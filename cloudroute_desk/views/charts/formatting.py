"""Numbers as the charts print them."""

from __future__ import annotations

SCALES = ((1_000_000_000, " B"), (1_000_000, " M"), (1_000, " K"))


def money(usd: float) -> str:
    """``$1,250,000`` -> ``$1.25M``; below $10K the exact dollars."""
    if abs(usd) < 10_000:
        return f"${usd:,.0f}"
    for divisor, suffix in SCALES:
        if abs(usd) >= divisor:
            return f"${usd / divisor:,.2f}{suffix.strip()}"
    return f"${usd:,.0f}"


def exact_money(usd: int) -> str:
    return f"${usd:,}"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def money_scale(largest: float) -> tuple[int, str]:
    """A divisor and its unit (``$M``) so an axis up to ``largest`` dollars reads 1-999."""
    for divisor, suffix in SCALES:
        if largest >= divisor:
            return divisor, f"${suffix.strip()}"
    return 1, "$"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} d"


def hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} h"
