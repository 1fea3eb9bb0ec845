"""Inquiry status moves outside assignment: one conditional UPDATE each, arbitrated by the
database (the row count says whether the inquiry was still in the status the caller saw)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from cloudroute_desk.db.tables import InquiryRow
from cloudroute_desk.domain.catalog import InquiryStatus


def move_status(
    session: Session,
    inquiry_id: int,
    expected: InquiryStatus,
    new: InquiryStatus,
    *,
    release_partner: bool = False,
) -> bool:
    """Move the inquiry from ``expected`` to ``new``; False when it is no longer ``expected``.

    ``release_partner`` clears the partner too (a declined inquiry holds no partner's capacity;
    the ended assignment keeps who had it)."""
    values: dict[str, Any] = {"status": new.value, "version": InquiryRow.version + 1}
    if release_partner:
        values.update(partner_id=None, assigned_at=None)
    result = session.execute(
        update(InquiryRow)
        .where(InquiryRow.id == inquiry_id, InquiryRow.status == expected.value)
        .values(**values)
    )
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1
