"""Queries over Partner Central's side of a record: its opportunity id, the newest snapshot
applied, the review statuses reported (``record_reviews``) and how fresh each partner's are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from cloudroute_desk.db.chart_queries import record_conditions
from cloudroute_desk.db.chart_tables import ChartRecordFactRow
from cloudroute_desk.db.customer_queries import CHUNK
from cloudroute_desk.db.review_tables import RecordReviewRow
from cloudroute_desk.db.tables import AceRecordRow
from cloudroute_desk.domain.chart_data import ChartFilter


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


_STAMP = (
    update(AceRecordRow)
    .where(AceRecordRow.id == bindparam("record_id"))
    .values(pc_last_modified=bindparam("last_modified"))
    .execution_options(synchronize_session=False)
)
_STAMP_WITH_ID = _STAMP.values(pc_opportunity_id=bindparam("opportunity_id"))


def stamp_record(
    session: Session, record_id: int, *, opportunity_id: str | None, last_modified: datetime
) -> None:
    """Keep the record's Partner Central id (when first seen) and its newest snapshot time.
    Neither is part of the form, so the record's version does not move: an admin's open
    editor is not put in conflict by an import. (Statements built once: an import runs this
    for every snapshot.)"""
    params = {"record_id": record_id, "last_modified": last_modified}
    if opportunity_id is None:
        session.execute(_STAMP, params)
    else:
        session.execute(_STAMP_WITH_ID, {**params, "opportunity_id": opportunity_id})


def forget_days_to_credit(session: Session, record_id: int) -> None:
    """The record's submission-to-credit time is not known (see the Partner Central import)."""
    session.execute(
        update(AceRecordRow)
        .where(AceRecordRow.id == record_id)
        .values(days_to_credit=None)
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
        _INSERT_REVIEW,
        {
            "record_id": record_id,
            "partner_id": partner_id,
            "pool": pool,
            "review_status": entry.review_status,
            "stage": entry.stage,
            "closed_lost_reason": entry.closed_lost_reason,
            "review_status_reason": entry.review_status_reason,
            "review_comments": entry.review_comments,
            "modified_at": entry.modified_at,
            "recorded_at": entry.recorded_at,
            "source": entry.source,
        },
    )


_INSERT_REVIEW = insert(RecordReviewRow)


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


ReviewKey = tuple[str | None, str | None, str | None, str | None, str | None]
"""What a kept review says: (status, stage, closed-lost reason, status reason, comments)."""


def latest_reviews(session: Session, record_ids: Iterable[int]) -> dict[int, ReviewKey]:
    """The newest kept review of each record (records with none are left out)."""
    ids = list(dict.fromkeys(record_ids))
    found: dict[int, ReviewKey] = {}
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(
                RecordReviewRow.record_id,
                RecordReviewRow.review_status,
                RecordReviewRow.stage,
                RecordReviewRow.closed_lost_reason,
                RecordReviewRow.review_status_reason,
                RecordReviewRow.review_comments,
            )
            .where(RecordReviewRow.record_id.in_(ids[start : start + CHUNK]))
            .order_by(RecordReviewRow.record_id, RecordReviewRow.modified_at)
        )
        for record_id, *key in rows:
            found[record_id] = (key[0], key[1], key[2], key[3], key[4])
    return found


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


@dataclass(frozen=True, slots=True)
class ReviewStepRow:
    record_id: int
    partner_id: int
    pool: str
    submitted_at: datetime | None
    review_status: str | None
    review_status_reason: str | None
    modified_at: datetime


def review_steps(session: Session, chart_filter: ChartFilter) -> list[ReviewStepRow]:
    """Every review status of the records the chart filter selects (arrival, region,
    vertical through the chart projection; pool and partner on record_reviews itself), by
    record, oldest first. record_reviews drives the query in its (record, time) or
    (partner, record, time) index order, so nothing is sorted."""
    conditions: list[ColumnElement[bool]] = []
    if chart_filter.pool is not None:
        conditions.append(RecordReviewRow.pool == chart_filter.pool.value)
    if chart_filter.partner_id is not None:
        conditions.append(RecordReviewRow.partner_id == chart_filter.partner_id)
    inquiry_side = record_conditions(replace(chart_filter, pool=None, partner_id=None))
    if inquiry_side:
        # Per review row, a look-up of its record's projection row by key: the cost follows
        # the reviews, not the million records an IN (SELECT ...) would walk for a region.
        of_record = select(ChartRecordFactRow.record_id).where(
            ChartRecordFactRow.record_id == RecordReviewRow.record_id, *inquiry_side
        )
        conditions.append(of_record.exists())
    return _steps(session, conditions)


def _steps(session: Session, conditions: list[ColumnElement[bool]]) -> list[ReviewStepRow]:
    submitted = (
        select(AceRecordRow.submitted_at)
        .where(AceRecordRow.id == RecordReviewRow.record_id)
        .scalar_subquery()
    )
    statement = (
        select(
            RecordReviewRow.record_id,
            RecordReviewRow.partner_id,
            RecordReviewRow.pool,
            submitted,
            RecordReviewRow.review_status,
            RecordReviewRow.review_status_reason,
            RecordReviewRow.modified_at,
        )
        .where(*conditions)
        .order_by(RecordReviewRow.record_id, RecordReviewRow.modified_at)
    )
    return [ReviewStepRow(*row) for row in session.execute(statement)]


def partner_review_steps(session: Session, partner_id: int) -> list[ReviewStepRow]:
    """Every review status of one partner's records, by record, oldest first."""
    return _steps(session, [RecordReviewRow.partner_id == partner_id])
