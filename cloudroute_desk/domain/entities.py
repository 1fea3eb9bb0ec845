"""Plain domain values passed between the layers: what the database stores, what panes show.

These are pydantic models so the importer, the CLI and the services share one shape and one
set of type checks. They carry no behaviour that needs Qt or SQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from cloudroute_desk.domain.catalog import (
    ROUTING_SLA_HOURS,
    CurrentCloud,
    EngagementType,
    FundingStage,
    InquiryStatus,
    Pool,
    RecordState,
    Region,
    ServiceProfile,
    Tier,
    Vertical,
)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Contact(Frozen):
    name: str = ""
    email: str = ""
    phone: str = ""
    title: str = ""


class SpendLine(Frozen):
    service: str
    monthly_usd: int = Field(ge=0)


class Inquiry(Frozen):
    id: int | None = None
    external_id: str | None = None
    company_name: str
    website: str
    funding_stage: FundingStage
    last_round: str = ""
    lead_investor: str = ""
    region: Region
    vertical: Vertical
    service_profile: ServiceProfile
    engagement_type: EngagementType
    pools_wanted: tuple[Pool, ...] = ()
    spend: tuple[SpendLine, ...] = ()
    team_size: int = Field(default=1, ge=1)
    current_cloud: CurrentCloud = CurrentCloud.NONE
    technical_contact: Contact = Contact()
    business_contact: Contact = Contact()
    arrived_at: datetime
    status: InquiryStatus = InquiryStatus.NEW
    partner_id: int | None = None
    assigned_at: datetime | None = None
    version: int = 1

    @property
    def monthly_spend_usd(self) -> int:
        return sum(line.monthly_usd for line in self.spend)

    @property
    def sla_deadline(self) -> datetime:
        return self.arrived_at + timedelta(hours=ROUTING_SLA_HOURS)


class Partner(Frozen):
    id: int | None = None
    external_id: str | None = None
    name: str
    tier: Tier
    active: bool = True
    capacity: int = Field(default=10, ge=0)
    """Open engagements the partner can carry at once (each ACE record costs 1-3 hours)."""
    regions: tuple[Region, ...] = ()
    verticals: tuple[Vertical, ...] = ()
    service_profiles: tuple[ServiceProfile, ...] = ()
    engagement_types: tuple[EngagementType, ...] = ()
    stages: tuple[FundingStage, ...] = ()
    contact: Contact = Contact()
    version: int = 1


class AceRecordSummary(Frozen):
    """The columns of an ACE record the queue, router and charts need, without the form."""

    id: int | None = None
    external_id: str | None = None
    inquiry_id: int
    partner_id: int
    pool: Pool
    state: RecordState = RecordState.IDENTIFIED
    amount_requested_usd: int = Field(ge=0)
    amount_awarded_usd: int | None = None
    awarded_pool: Pool | None = None
    created_at: datetime
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    """When the reviewer approved, downgraded or rejected it."""
    credited_at: datetime | None = None
    """When credits landed (approved or downgraded records only)."""
    version: int = 1

    @property
    def days_to_credit(self) -> float | None:
        if self.submitted_at is None or self.credited_at is None:
            return None
        return (self.credited_at - self.submitted_at).total_seconds() / 86_400


class PocPlan(Frozen):
    model: str = ""
    evaluation_method: str = ""
    budget: tuple[SpendLine, ...] = ()
