"""Ranking use-case: the partners for one inquiry, best first, from the routing index."""

from __future__ import annotations

from datetime import datetime

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.routing import Ranking


class InquiryNotFoundError(LookupError):
    def __init__(self, inquiry_id: int) -> None:
        super().__init__(f"no inquiry with id {inquiry_id}")
        self.inquiry_id = inquiry_id


def rank_inquiry(
    database: Database,
    inquiry_id: int,
    *,
    as_of: datetime | None = None,
    limit: int | None = None,
) -> Ranking:
    """Every partner ranked for ``inquiry_id``; ``limit`` cuts ``ranked`` to the best N."""
    raise NotImplementedError  # implemented in the next commit
