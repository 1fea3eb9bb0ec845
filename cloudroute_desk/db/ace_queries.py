"""Repository functions the ACE record import needs beyond ``record_queries``: resolving
external ids and inserting a record that keeps its external id."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloudroute_desk.db.tables import AceRecordRow, InquiryRow, PartnerRow


def record_id_by_external_id(session: Session, external_id: str) -> int | None:
    return session.scalar(select(AceRecordRow.id).where(AceRecordRow.external_id == external_id))


def inquiry_id_by_external_id(session: Session, external_id: str) -> int | None:
    return session.scalar(select(InquiryRow.id).where(InquiryRow.external_id == external_id))


def partner_id_by_external_id(session: Session, external_id: str) -> int | None:
    return session.scalar(select(PartnerRow.id).where(PartnerRow.external_id == external_id))
