"""Repository functions for ACE records: list, load, insert, save with a version check, and
state transitions. Every write bumps ``version`` so two admins never overwrite each other
silently; the state triggers of migration 0001 refuse transitions the catalog does not allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from cloudroute_desk.db.customer_queries import customer_records
from cloudroute_desk.db.mapping import inquiry_from_row, partner_from_row, record_summary_from_row
from cloudroute_desk.db.queue_queries import inquiry_row_with_spend
from cloudroute_desk.db.tables import (
    AceRecordRow,
    AssignmentRow,
    AuditEventRow,
    InquiryRow,
    PartnerRow,
)
from cloudroute_desk.domain.ace.export import RoutingIdentity
from cloudroute_desk.domain.catalog import Pool, RecordState
from cloudroute_desk.domain.customer import aws_account_key
from cloudroute_desk.domain.entities import AceRecordSummary, Inquiry, Partner


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """One ACE record row: its summary columns, the editor's form as stored, who saved last."""

    summary: AceRecordSummary
    fields: dict[str, Any]
    updated_at: datetime
    updated_by: str

    @property
    def id(self) -> int:
        assert self.summary.id is not None
        return self.summary.id

    @property
    def version(self) -> int:
        return self.summary.version


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a reviewer decided, stored with the transition that records it."""

    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    credited_at: datetime | None = None
    amount_awarded_usd: int | None = None
    awarded_pool: Pool | None = None
    days_to_credit: float | None = None


def _stored(row: AceRecordRow) -> StoredRecord:
    return StoredRecord(
        summary=record_summary_from_row(row),
        fields=dict(row.fields or {}),
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def list_records(session: Session, inquiry_id: int) -> list[StoredRecord]:
    rows = session.scalars(
        select(AceRecordRow)
        .where(AceRecordRow.inquiry_id == inquiry_id)
        .order_by(AceRecordRow.created_at, AceRecordRow.id)
    )
    return [_stored(row) for row in rows]


def load_record(session: Session, record_id: int) -> StoredRecord | None:
    row = session.get(AceRecordRow, record_id, populate_existing=True)
    return _stored(row) if row is not None else None


def other_records(session: Session, inquiry_id: int, exclude_id: int | None) -> list[StoredRecord]:
    """The customer's other records, on this inquiry and on every other inquiry of the same
    customer (``customer_queries``), for the stacked ceiling and the competing-partner rules."""
    inquiry = session.get(InquiryRow, inquiry_id)
    if inquiry is None:
        return []
    rows = [
        r for r in customer_records(session, inquiry, with_rows=True).rows if r.id != exclude_id
    ]
    return [_stored(row) for row in sorted(rows, key=lambda r: (r.created_at, r.id))]


def routing_identity(session: Session, record: StoredRecord) -> RoutingIdentity:
    """The record's ids as exported to Partner Central: the assignment is the latest one of
    the record's partner to its inquiry."""
    summary = record.summary
    assignment_id = session.scalar(
        select(AssignmentRow.id)
        .where(
            AssignmentRow.inquiry_id == summary.inquiry_id,
            AssignmentRow.partner_id == summary.partner_id,
        )
        .order_by(AssignmentRow.assigned_at.desc(), AssignmentRow.id.desc())
        .limit(1)
    )
    return RoutingIdentity(
        inquiry_id=summary.inquiry_id,
        record_id=record.id,
        partner_id=summary.partner_id,
        assignment_id=assignment_id,
        pool=summary.pool.value,
    )


def account_id_column(fields: dict[str, Any]) -> str:
    """The stored ``aws_account_id`` of a record with these form fields."""
    customer = fields.get("customer")
    value = customer.get("aws_account_id") if isinstance(customer, dict) else None
    return aws_account_key(value if isinstance(value, str) else None)


def load_inquiry(session: Session, inquiry_id: int) -> Inquiry | None:
    found = inquiry_row_with_spend(session, inquiry_id)
    return inquiry_from_row(*found) if found is not None else None


def load_partner(session: Session, partner_id: int) -> Partner | None:
    row = session.get(PartnerRow, partner_id)
    return partner_from_row(row) if row is not None else None


def insert_record(
    session: Session,
    *,
    external_id: str | None = None,
    inquiry_id: int,
    partner_id: int,
    pool: Pool,
    amount_requested_usd: int,
    fields: dict[str, Any],
    now: datetime,
    actor: str,
) -> int:
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
                aws_account_id=account_id_column(fields),
                updated_at=now,
                updated_by=actor,
                version=1,
            )
            .returning(AceRecordRow.id)
        ).scalar_one()
    )


def save_fields(
    session: Session,
    record_id: int,
    *,
    expected_version: int,
    fields: dict[str, Any],
    pool: Pool,
    amount_requested_usd: int,
    now: datetime,
    actor: str,
) -> bool:
    """Write the form only if nobody saved since ``expected_version``; False on a conflict.

    Only drafts (Identified) are written: a record locked for review never changes under
    the reviewer, whatever an old editor window sends.
    """
    result = session.execute(
        update(AceRecordRow)
        .where(
            AceRecordRow.id == record_id,
            AceRecordRow.version == expected_version,
            AceRecordRow.state == RecordState.IDENTIFIED.value,
        )
        .values(
            fields=fields,
            aws_account_id=account_id_column(fields),
            pool=pool.value,
            amount_requested_usd=amount_requested_usd,
            version=AceRecordRow.version + 1,
            updated_at=now,
            updated_by=actor,
        )
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def set_state(
    session: Session,
    record_id: int,
    *,
    expected_version: int,
    old_state: RecordState,
    new_state: RecordState,
    outcome: Outcome,
    now: datetime,
    actor: str,
) -> bool:
    """Move a record to ``new_state`` if it is still at ``expected_version``; False otherwise.

    The database trigger refuses a transition the catalog does not list (IntegrityError or
    DBAPIError from the driver). ``days_to_credit`` is stored as a number for the charts.
    """
    values: dict[str, Any] = {
        "state": new_state.value,
        "version": AceRecordRow.version + 1,
        "updated_at": now,
        "updated_by": actor,
    }
    if outcome.submitted_at is not None:
        values["submitted_at"] = outcome.submitted_at
    if outcome.decided_at is not None:
        values["decided_at"] = outcome.decided_at
    if outcome.credited_at is not None:
        values["credited_at"] = outcome.credited_at
    if outcome.amount_awarded_usd is not None:
        values["amount_awarded_usd"] = outcome.amount_awarded_usd
    if outcome.awarded_pool is not None:
        values["awarded_pool"] = outcome.awarded_pool.value
    if outcome.days_to_credit is not None:
        values["days_to_credit"] = outcome.days_to_credit
    if new_state is RecordState.IDENTIFIED:
        # Handed back for changes ("Action Required"): the next submission starts the clock.
        values["submitted_at"] = None
    result = session.execute(
        update(AceRecordRow)
        .where(
            AceRecordRow.id == record_id,
            AceRecordRow.version == expected_version,
            AceRecordRow.state == old_state.value,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def record_audit_events(
    session: Session, record_id: int
) -> list[tuple[datetime, str, str, dict[str, Any]]]:
    """(time, actor, kind, detail) for one record, oldest first: the record's history."""
    rows = session.execute(
        select(AuditEventRow.at, AuditEventRow.actor, AuditEventRow.kind, AuditEventRow.detail)
        .where(AuditEventRow.record_id == record_id)
        .order_by(AuditEventRow.at, AuditEventRow.id)
    )
    return [(at, actor, kind, dict(detail or {})) for at, actor, kind, detail in rows]


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0))
