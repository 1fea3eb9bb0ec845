"""Small, fast sampling helpers shared by the demo data modules (one ``random.Random``)."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from datetime import timedelta
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class WeightedChoice(Generic[T]):
    """``random.choices`` with the cumulative weights computed once: one draw, one bisect."""

    __slots__ = ("_cumulative", "_total", "values")

    def __init__(self, values: Sequence[T], weights: Sequence[float]) -> None:
        if len(values) != len(weights) or not values:
            raise ValueError("WeightedChoice needs as many weights as values, at least one.")
        self.values = tuple(values)
        self._cumulative = list(accumulate(float(w) for w in weights))
        self._total = self._cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        index = bisect_right(self._cumulative, rng.random() * self._total)
        return self.values[min(index, len(self.values) - 1)]


def money(value: float, step: int) -> int:
    """Rounded to ``step`` dollars, at least ``step``."""
    return max(step, round(value / step) * step)


def hours(value: float) -> timedelta:
    """Whole seconds: every generated time is stored without microseconds."""
    return timedelta(seconds=int(value * 3600))


def slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
