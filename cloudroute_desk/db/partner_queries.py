"""Partner repository: the SQL behind listing, reading, adding and editing partners."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from cloudroute_desk.db.mapping import partner_columns, partner_from_row
from cloudroute_desk.db.tables import AssignmentRow, PartnerRow
from cloudroute_desk.domain.entities import Partner


def list_partners(session: Session, *, include_inactive: bool = True) -> list[Partner]:
    query = select(PartnerRow).order_by(func.lower(PartnerRow.name), PartnerRow.id)
    if not include_inactive:
        query = query.where(PartnerRow.active.is_(True))
    return [partner_from_row(row) for row in session.scalars(query)]


def get_partner(session: Session, partner_id: int) -> Partner | None:
    # populate_existing: an UPDATE earlier in the same session must not read back stale.
    row = session.get(PartnerRow, partner_id, populate_existing=True)
    return partner_from_row(row) if row is not None else None


def partner_version(session: Session, partner_id: int) -> int | None:
    version = session.scalar(select(PartnerRow.version).where(PartnerRow.id == partner_id))
    return int(version) if version is not None else None


def external_id_taken(session: Session, external_id: str, *, other_than: int | None) -> bool:
    query = select(PartnerRow.id).where(PartnerRow.external_id == external_id)
    if other_than is not None:
        query = query.where(PartnerRow.id != other_than)
    return session.scalar(query.limit(1)) is not None


def active_load(session: Session, partner_id: int) -> int:
    """Inquiries the partner holds right now (its active assignments)."""
    count = session.scalar(
        select(func.count())
        .select_from(AssignmentRow)
        .where(AssignmentRow.partner_id == partner_id, AssignmentRow.active.is_(True))
    )
    return int(count or 0)


def insert_partner(session: Session, partner: Partner, *, created_at: datetime) -> int:
    columns = partner_columns(partner)
    columns["version"] = 1
    return int(
        session.execute(
            insert(PartnerRow).values(**columns, created_at=created_at).returning(PartnerRow.id)
        ).scalar_one()
    )


def update_partner_if_version(session: Session, partner: Partner, expected_version: int) -> bool:
    """Write ``partner`` over its row only if nobody changed the row since ``expected_version``.

    The version test is in the UPDATE itself, so two admins saving at once cannot both win.
    """
    assert partner.id is not None
    columns = partner_columns(partner)
    columns["version"] = expected_version + 1
    result = session.execute(
        update(PartnerRow)
        .where(PartnerRow.id == partner.id, PartnerRow.version == expected_version)
        .values(**columns)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)
