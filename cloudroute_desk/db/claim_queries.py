"""Claim statements. A claim belongs to an app instance (its origin); a live claim of another
instance is never taken over, a lapsed one is."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cloudroute_desk.db.claim_tables import InquiryClaimRow


def release_all_but(session: Session, origin: str, keep: int | None) -> None:
    """Drop this instance's claims except on ``keep`` (the admin moved on)."""
    condition = [InquiryClaimRow.origin == origin]
    if keep is not None:
        condition.append(InquiryClaimRow.inquiry_id != keep)
    session.execute(delete(InquiryClaimRow).where(*condition))


def take(
    session: Session, inquiry_id: int, admin: str, origin: str, now: datetime, lapsed: datetime
) -> None:
    """Claim the inquiry unless another instance holds a claim seen after ``lapsed``."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(InquiryClaimRow)
        .values(inquiry_id=inquiry_id, admin=admin, origin=origin, since=now, seen_at=now)
        .on_conflict_do_nothing(index_elements=[InquiryClaimRow.inquiry_id])
    )
    session.execute(
        update(InquiryClaimRow)
        .where(
            InquiryClaimRow.inquiry_id == inquiry_id,
            InquiryClaimRow.origin != origin,
            InquiryClaimRow.seen_at < lapsed,
        )
        .values(admin=admin, origin=origin, since=now, seen_at=now)
    )
    session.execute(
        update(InquiryClaimRow)
        .where(InquiryClaimRow.inquiry_id == inquiry_id, InquiryClaimRow.origin == origin)
        .values(seen_at=now)
    )


def renew(session: Session, origin: str, now: datetime) -> None:
    session.execute(
        update(InquiryClaimRow).where(InquiryClaimRow.origin == origin).values(seen_at=now)
    )


def live_claims(session: Session, lapsed: datetime) -> list[InquiryClaimRow]:
    return list(session.scalars(select(InquiryClaimRow).where(InquiryClaimRow.seen_at >= lapsed)))
