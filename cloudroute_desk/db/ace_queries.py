"""Repository functions the ACE record import needs beyond ``record_queries``: resolving
external ids and inserting a record that keeps its external id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cloudroute_desk.db.tables import AceRecordRow, InquiryRow, PartnerRow
from cloudroute_desk.domain.catalog import Pool, RecordState


def record_id_by_external_id(session: Session, external_id: str) -> int | None:
    return session.scalar(select(AceRecordRow.id).where(AceRecordRow.external_id == external_id))


def inquiry_id_by_external_id(session: Session, external_id: str) -> int | None:
    return session.scalar(select(InquiryRow.id).where(InquiryRow.external_id == external_id))


def partner_id_by_external_id(session: Session, external_id: str) -> int | None:
    return session.scalar(select(PartnerRow.id).where(PartnerRow.external_id == external_id))


def insert_imported_record(
    session: Session,
    *,
    external_id: str,
    inquiry_id: int,
    partner_id: int,
    pool: Pool,
    amount_requested_usd: int,
    fields: dict[str, Any],
    now: datetime,
    actor: str,
) -> int:
    """A new draft record; the unique ``external_id`` makes a second import of it fail."""
    return int(
        session.execute(
            insert(AceRecordRow)
            .values(
                external_id=external_id,
                inquiry_id=inquiry_id,
                partner_id=partner_id,
                pool=pool.value,
                state=RecordState.IDENTIFIED.value,
                amount_requested_usd=amount_requested_usd,
                created_at=now,
                fields=fields,
                updated_at=now,
                updated_by=actor,
                version=1,
            )
            .returning(AceRecordRow.id)
        ).scalar_one()
    )
