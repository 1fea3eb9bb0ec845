"""Claim statements. A claim belongs to an app instance (its origin); a live claim of another
instance is never taken over, a lapsed one is."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, select, update
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
    """Claim the inquiry unless another instance holds a claim seen after ``lapsed``.

    A new claim, or the take-over of another instance's lapsed one, is one statement (one
    round trip, no window between the check and the write). Only when that changed nothing
    is this instance's own claim marked seen: that sets ``seen_at`` alone, which the change
    feed does not report, like a renewal."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    claim = InquiryClaimRow
    insert = dialect.insert(claim).values(
        inquiry_id=inquiry_id, admin=admin, origin=origin, since=now, seen_at=now
    )
    taken = session.execute(
        insert.on_conflict_do_update(
            index_elements=[claim.inquiry_id],
            set_={
                "admin": insert.excluded.admin,
                "origin": insert.excluded.origin,
                "since": insert.excluded.since,
                "seen_at": insert.excluded.seen_at,
            },
            where=and_(claim.origin != origin, claim.seen_at < lapsed),
        ).returning(claim.inquiry_id)
    )
    if taken.first() is None:
        session.execute(
            update(claim)
            .where(claim.inquiry_id == inquiry_id, claim.origin == origin)
            .values(seen_at=now)
        )


def renew(session: Session, origin: str, now: datetime) -> None:
    session.execute(
        update(InquiryClaimRow).where(InquiryClaimRow.origin == origin).values(seen_at=now)
    )


def live_claims(session: Session, lapsed: datetime) -> list[InquiryClaimRow]:
    return list(session.scalars(select(InquiryClaimRow).where(InquiryClaimRow.seen_at >= lapsed)))
