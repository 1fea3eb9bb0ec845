"""Queries over Partner Central's side of a record: its opportunity id, the newest snapshot
applied, the review statuses reported (``record_reviews``) and how fresh each partner's are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from cloudroute_desk.db.customer_queries import CHUNK
from cloudroute_desk.db.review_tables import RecordReviewRow
from cloudroute_desk.db.tables import AceRecordRow


@dataclass(frozen=True, slots=True)
class PartnerCentralLink:
    record_id: int
    inquiry_id: int
    opportunity_id: str | None
    last_modified: datetime | None


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """One review status Partner Central reported for a record."""

    review_status: str | None
    stage: str | None
    closed_lost_reason: str | None
    review_status_reason: str | None
    review_comments: str | None
    modified_at: datetime
    recorded_at: datetime
    source: str


def _link(row: tuple[Any, ...]) -> PartnerCentralLink:
    return PartnerCentralLink(row[0], row[1], row[2], row[3])


_LINK_COLUMNS = (
    AceRecordRow.id,
    AceRecordRow.inquiry_id,
    AceRecordRow.pc_opportunity_id,
    AceRecordRow.pc_last_modified,
)


def links_by_record(session: Session, record_ids: Iterable[int]) -> dict[int, PartnerCentralLink]:
    ids = list(dict.fromkeys(record_ids))
    found: dict[int, PartnerCentralLink] = {}
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(*_LINK_COLUMNS).where(AceRecordRow.id.in_(ids[start : start + CHUNK]))
        )
        for row in rows:
            found[row[0]] = _link(tuple(row))
    return found


def links_by_opportunity(
    session: Session, opportunity_ids: Iterable[str]
) -> dict[str, PartnerCentralLink]:
    ids = list(dict.fromkeys(opportunity_ids))
    found: dict[str, PartnerCentralLink] = {}
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(*_LINK_COLUMNS).where(
                AceRecordRow.pc_opportunity_id.in_(ids[start : start + CHUNK])
            )
        )
        for row in rows:
            link = _link(tuple(row))
            assert link.opportunity_id is not None
            found[link.opportunity_id] = link
    return found


def stamp_record(
    session: Session, record_id: int, *, opportunity_id: str | None, last_modified: datetime
) -> None:
    """Keep the record's Partner Central id (when first seen) and its newest snapshot time.
    Neither is part of the form, so the record's version does not move: an admin's open
    editor is not put in conflict by an import."""
    values: dict[str, object] = {"pc_last_modified": last_modified}
    if opportunity_id is not None:
        values["pc_opportunity_id"] = opportunity_id
    session.execute(
        update(AceRecordRow)
        .where(AceRecordRow.id == record_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def add_review(
    session: Session,
    *,
    record_id: int,
    partner_id: int,
    pool: str,
    entry: ReviewEntry,
) -> None:
    session.execute(
        insert(RecordReviewRow).values(
            record_id=record_id,
            partner_id=partner_id,
            pool=pool,
            review_status=entry.review_status,
            stage=entry.stage,
            closed_lost_reason=entry.closed_lost_reason,
            review_status_reason=entry.review_status_reason,
            review_comments=entry.review_comments,
            modified_at=entry.modified_at,
            recorded_at=entry.recorded_at,
            source=entry.source,
        )
    )


def record_reviews(session: Session, record_id: int) -> list[ReviewEntry]:
    """The record's review statuses, oldest first."""
    rows = session.scalars(
        select(RecordReviewRow)
        .where(RecordReviewRow.record_id == record_id)
        .order_by(RecordReviewRow.modified_at, RecordReviewRow.id)
    )
    return [
        ReviewEntry(
            row.review_status,
            row.stage,
            row.closed_lost_reason,
            row.review_status_reason,
            row.review_comments,
            row.modified_at,
            row.recorded_at,
            row.source,
        )
        for row in rows
    ]


def outcomes_updated(session: Session, partner_ids: Iterable[int]) -> dict[int, datetime]:
    """When Partner Central outcomes last reached each partner's records (partners with none
    are left out)."""
    ids = list(dict.fromkeys(partner_ids))
    found: dict[int, datetime] = {}
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(RecordReviewRow.partner_id, func.max(RecordReviewRow.recorded_at))
            .where(RecordReviewRow.partner_id.in_(ids[start : start + CHUNK]))
            .group_by(RecordReviewRow.partner_id)
        )
        found.update({partner_id: at for partner_id, at in rows if at is not None})
    return found
