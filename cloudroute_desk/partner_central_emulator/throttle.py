"""Partner Central's request quotas: a token bucket per kind of call.

The published rates (quotas page): writes 1 request per second, reads 10 per second, per
partner account. A call that finds its bucket empty is refused with ``ThrottlingException``
and costs nothing, as on the real service; a client that paces itself at the rate never sees one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

WRITE_OPERATIONS: Final = frozenset({"CreateOpportunity", "UpdateOpportunity", "SubmitOpportunity"})


@dataclass(frozen=True, slots=True)
class Rates:
    """Requests per second for each kind of call; None means unlimited."""

    reads: float | None = 10.0
    writes: float | None = 1.0
    burst: float = 1.0
    """How many calls may arrive back to back after a quiet spell."""

    @classmethod
    def unlimited(cls) -> Rates:
        return cls(reads=None, writes=None)


class _Bucket:
    def __init__(self, rate: float, burst: float, clock: Callable[[], float]) -> None:
        self._rate = rate
        self._capacity = max(burst, 1.0)
        self._tokens = self._capacity
        self._clock = clock
        self._stamp = clock()

    def take(self) -> bool:
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


class Throttle:
    def __init__(self, rates: Rates, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._rates = rates
        self._clock = clock
        self._buckets = self._fresh_buckets()
        self.refused = 0
        """Calls refused so far (tests and the bench read it)."""

    def _fresh_buckets(self) -> dict[str, _Bucket | None]:
        rates = self._rates
        return {
            kind: None if rate is None else _Bucket(rate, rates.burst, self._clock)
            for kind, rate in (("reads", rates.reads), ("writes", rates.writes))
        }

    @property
    def rates(self) -> Rates:
        return self._rates

    def set_rates(self, rates: Rates) -> None:
        with self._lock:
            self._rates = rates
            self._buckets = self._fresh_buckets()

    def admit(self, operation: str) -> bool:
        kind = "writes" if operation in WRITE_OPERATIONS else "reads"
        with self._lock:
            bucket = self._buckets[kind]
            if bucket is None or bucket.take():
                return True
            self.refused += 1
            return False
