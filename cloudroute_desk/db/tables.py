"""SQLAlchemy ORM tables of the core schema: inquiries, partners, assignments, ACE records,
audit. Column names are the contract with the Alembic migrations.

Times are naive UTC. Money is whole US dollars. Lists of vocabulary values (a partner's
regions, an inquiry's wanted pools) are JSON arrays: they are read whole, never queried into.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from cloudroute_desk.db.base import Base, Id


class AppMeta(Base):
    """Identifies a database as ours, whatever Alembic says: refuses foreign schemas."""

    __tablename__ = "app_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class PartnerRow(Base):
    __tablename__ = "partners"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    tier: Mapped[str] = mapped_column(String(16), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    capacity: Mapped[int] = mapped_column(Integer, default=10)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    verticals: Mapped[list[str]] = mapped_column(JSON, default=list)
    service_profiles: Mapped[list[str]] = mapped_column(JSON, default=list)
    engagement_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    stages: Mapped[list[str]] = mapped_column(JSON, default=list)
    contact: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class InquiryRow(Base):
    __tablename__ = "inquiries"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    company_name: Mapped[str] = mapped_column(String(200), index=True)
    website: Mapped[str] = mapped_column(String(255))
    funding_stage: Mapped[str] = mapped_column(String(16), index=True)
    last_round: Mapped[str] = mapped_column(String(120), default="")
    lead_investor: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str] = mapped_column(String(16), index=True)
    vertical: Mapped[str] = mapped_column(String(32), index=True)
    service_profile: Mapped[str] = mapped_column(String(32), index=True)
    engagement_type: Mapped[str] = mapped_column(String(16), index=True)
    pools_wanted: Mapped[list[str]] = mapped_column(JSON, default=list)
    monthly_spend_usd: Mapped[int] = mapped_column(Integer, default=0, index=True)
    team_size: Mapped[int] = mapped_column(Integer, default=1)
    current_cloud: Mapped[str] = mapped_column(String(16), default="none")
    technical_contact: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    business_contact: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    arrived_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="new")
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), index=True
    )
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    customer_name_key: Mapped[str] = mapped_column(String(200), index=True, default="")
    """``domain.customer.normalised_company_name(company_name)``."""
    customer_domain_key: Mapped[str] = mapped_column(String(255), index=True, default="")
    """``domain.customer.registrable_domain(website)``; "" when none."""


class InquirySpendRow(Base):
    __tablename__ = "inquiry_spend"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    service: Mapped[str] = mapped_column(String(40))
    monthly_usd: Mapped[int] = mapped_column(Integer)


class AssignmentRow(Base):
    """Every partner an inquiry has had. At most one is active, enforced by a partial index."""

    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    assigned_at: Mapped[datetime] = mapped_column(DateTime)
    assigned_by: Mapped[str] = mapped_column(String(120))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    end_reason: Mapped[str | None] = mapped_column(String(40))
    score: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index(
            "uq_assignments_one_active",
            "inquiry_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )


class AceRecordRow(Base):
    __tablename__ = "ace_records"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), index=True
    )
    pool: Mapped[str] = mapped_column(String(24), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True, default="identified")
    amount_requested_usd: Mapped[int] = mapped_column(Integer)
    amount_awarded_usd: Mapped[int | None] = mapped_column(Integer)
    awarded_pool: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    credited_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    days_to_credit: Mapped[float | None] = mapped_column(Float, index=True)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The editor's form (every ACE field not stored as its own column above)."""
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(120), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    aws_account_id: Mapped[str] = mapped_column(String(12), index=True, default="")
    """The form's 12-digit AWS account id (``domain.customer.aws_account_key``); "" if none."""
    pc_opportunity_id: Mapped[str | None] = mapped_column(String(20))
    """Partner Central's id for the opportunity (``O`` and digits), once an import or sync
    has seen it (migration 0011); unique."""
    pc_last_modified: Mapped[datetime | None] = mapped_column(DateTime)
    """LastModifiedDate of the newest Partner Central snapshot applied to the record."""

    __table_args__ = (
        Index("ix_ace_records_partner_decided", "partner_id", "decided_at"),
        Index("uq_ace_records_pc_opportunity_id", "pc_opportunity_id", unique=True),
    )


class AuditEventRow(Base):
    """Append-only: triggers refuse UPDATE and DELETE on both backends."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    inquiry_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    partner_id: Mapped[int | None] = mapped_column(BigInteger)
    record_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class InquiryTransitionRow(Base):
    """Allowed inquiry status changes, copied from the domain catalog; read by triggers."""

    __tablename__ = "inquiry_transitions"
    from_status: Mapped[str] = mapped_column(String(16), primary_key=True)
    to_status: Mapped[str] = mapped_column(String(16), primary_key=True)


class RecordTransitionRow(Base):
    """Allowed ACE record state changes, copied from the domain catalog; read by triggers."""

    __tablename__ = "record_transitions"
    from_state: Mapped[str] = mapped_column(String(16), primary_key=True)
    to_state: Mapped[str] = mapped_column(String(16), primary_key=True)
