"""Batch suggestion values: who would get which open inquiry, and why."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BatchItem(_Frozen):
    inquiry_id: int
    company_name: str
    partner_id: int
    partner_name: str
    score: float
    """The partner's routing score for this inquiry (time-discounted expected credit, USD)."""
    expected_award_usd: float
    rank: int
    """The partner's rank in this inquiry's own ranking (1 = its individual best)."""
    above_threshold: bool
    reasons: tuple[str, ...] = ()
    runner_up_id: int | None = None
    """The inquiry's own best alternative to this partner, for the audit row."""
    runner_up_name: str | None = None
    runner_up_score: float | None = None


class BatchSuggestion(_Frozen):
    items: tuple[BatchItem, ...]
    unmatched: tuple[int, ...]
    """Open inquiries left without a partner (no eligible partner or no capacity left)."""
    total_score: float
    total_expected_award_usd: float
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class Candidates:
    """One open inquiry's allowed partners (column indexes) and their scores."""

    partners: NDArray[np.int64]
    scores: NDArray[np.float64]
    above: NDArray[np.bool_] | None = None
    """Which candidates are above the close-rate threshold (used by the caller's weights)."""
