"""Conversions between ORM rows and domain values, in one place for every repository."""

from __future__ import annotations

from typing import Any

from cloudroute_desk.db.tables import AceRecordRow, InquiryRow, PartnerRow
from cloudroute_desk.domain.catalog import (
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
from cloudroute_desk.domain.customer import normalised_company_name, registrable_domain
from cloudroute_desk.domain.entities import AceRecordSummary, Contact, Inquiry, Partner, SpendLine


def inquiry_from_row(row: InquiryRow, spend: list[SpendLine] | None = None) -> Inquiry:
    return Inquiry(
        id=row.id,
        external_id=row.external_id,
        company_name=row.company_name,
        website=row.website,
        funding_stage=FundingStage(row.funding_stage),
        last_round=row.last_round,
        lead_investor=row.lead_investor,
        region=Region(row.region),
        vertical=Vertical(row.vertical),
        service_profile=ServiceProfile(row.service_profile),
        engagement_type=EngagementType(row.engagement_type),
        pools_wanted=tuple(Pool(v) for v in row.pools_wanted),
        spend=tuple(spend or ()),
        team_size=row.team_size,
        current_cloud=CurrentCloud(row.current_cloud),
        technical_contact=Contact(**row.technical_contact),
        business_contact=Contact(**row.business_contact),
        arrived_at=row.arrived_at,
        status=InquiryStatus(row.status),
        partner_id=row.partner_id,
        assigned_at=row.assigned_at,
        version=row.version,
    )


def inquiry_columns(inquiry: Inquiry) -> dict[str, Any]:
    """Column values for inserting ``inquiry`` (without ``id``); spend lines go separately."""
    return {
        "external_id": inquiry.external_id,
        "company_name": inquiry.company_name,
        "website": inquiry.website,
        "funding_stage": inquiry.funding_stage.value,
        "last_round": inquiry.last_round,
        "lead_investor": inquiry.lead_investor,
        "region": inquiry.region.value,
        "vertical": inquiry.vertical.value,
        "service_profile": inquiry.service_profile.value,
        "engagement_type": inquiry.engagement_type.value,
        "pools_wanted": [p.value for p in inquiry.pools_wanted],
        "monthly_spend_usd": inquiry.monthly_spend_usd,
        "team_size": inquiry.team_size,
        "current_cloud": inquiry.current_cloud.value,
        "technical_contact": inquiry.technical_contact.model_dump(),
        "business_contact": inquiry.business_contact.model_dump(),
        "arrived_at": inquiry.arrived_at,
        "status": inquiry.status.value,
        "partner_id": inquiry.partner_id,
        "assigned_at": inquiry.assigned_at,
        "version": inquiry.version,
        **customer_columns(inquiry.company_name, inquiry.website),
    }


def customer_columns(company_name: str, website: str) -> dict[str, str]:
    """The stored customer keys of an inquiry (see ``domain.customer``)."""
    return {
        "customer_name_key": normalised_company_name(company_name),
        "customer_domain_key": registrable_domain(website),
    }


def partner_from_row(row: PartnerRow) -> Partner:
    return Partner(
        id=row.id,
        external_id=row.external_id,
        name=row.name,
        tier=Tier(row.tier),
        active=row.active,
        capacity=row.capacity,
        regions=tuple(Region(v) for v in row.regions),
        verticals=tuple(Vertical(v) for v in row.verticals),
        service_profiles=tuple(ServiceProfile(v) for v in row.service_profiles),
        engagement_types=tuple(EngagementType(v) for v in row.engagement_types),
        stages=tuple(FundingStage(v) for v in row.stages),
        contact=Contact(**row.contact),
        version=row.version,
    )


def partner_columns(partner: Partner) -> dict[str, Any]:
    return {
        "external_id": partner.external_id,
        "name": partner.name,
        "tier": partner.tier.value,
        "active": partner.active,
        "capacity": partner.capacity,
        "regions": [v.value for v in partner.regions],
        "verticals": [v.value for v in partner.verticals],
        "service_profiles": [v.value for v in partner.service_profiles],
        "engagement_types": [v.value for v in partner.engagement_types],
        "stages": [v.value for v in partner.stages],
        "contact": partner.contact.model_dump(),
        "version": partner.version,
    }


def record_summary_from_row(row: AceRecordRow) -> AceRecordSummary:
    return AceRecordSummary(
        id=row.id,
        external_id=row.external_id,
        inquiry_id=row.inquiry_id,
        partner_id=row.partner_id,
        pool=Pool(row.pool),
        state=RecordState(row.state),
        amount_requested_usd=row.amount_requested_usd,
        amount_awarded_usd=row.amount_awarded_usd,
        awarded_pool=Pool(row.awarded_pool) if row.awarded_pool else None,
        created_at=row.created_at,
        submitted_at=row.submitted_at,
        credited_at=row.credited_at,
        decided_at=row.decided_at,
        version=row.version,
    )


def record_summary_columns(record: AceRecordSummary) -> dict[str, Any]:
    """Columns for an ACE record row; ``days_to_credit`` is stored so charts can index it."""
    return {
        "external_id": record.external_id,
        "inquiry_id": record.inquiry_id,
        "partner_id": record.partner_id,
        "pool": record.pool.value,
        "state": record.state.value,
        "amount_requested_usd": record.amount_requested_usd,
        "amount_awarded_usd": record.amount_awarded_usd,
        "awarded_pool": record.awarded_pool.value if record.awarded_pool else None,
        "created_at": record.created_at,
        "submitted_at": record.submitted_at,
        "credited_at": record.credited_at,
        "decided_at": record.decided_at,
        "days_to_credit": record.days_to_credit,
        "version": record.version,
    }
