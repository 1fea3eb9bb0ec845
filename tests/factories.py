"""Small hand-made data for tests: build domain values, insert them, get ids back."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.mapping import inquiry_columns, partner_columns, record_summary_columns
from cloudroute_desk.db.tables import AceRecordRow, InquiryRow, InquirySpendRow, PartnerRow
from cloudroute_desk.domain.catalog import (
    EngagementType,
    FundingStage,
    Pool,
    RecordState,
    Region,
    ServiceProfile,
    Tier,
    Vertical,
)
from cloudroute_desk.domain.entities import AceRecordSummary, Contact, Inquiry, Partner, SpendLine

T0 = datetime(2026, 6, 1, 9, 0, 0)


def make_partner(**overrides: Any) -> Partner:
    values: dict[str, Any] = {
        "name": "Acme Cloud Partners",
        "tier": Tier.ADVANCED,
        "capacity": 10,
        "regions": (Region.US_EAST,),
        "verticals": (Vertical.B2B_SAAS,),
        "service_profiles": (ServiceProfile.AI,),
        "engagement_types": (EngagementType.BUILD,),
        "stages": (FundingStage.SERIES_A,),
        "contact": Contact(name="Pat Partner", email="pat@acme.example"),
    }
    values.update(overrides)
    return Partner(**values)


def make_inquiry(**overrides: Any) -> Inquiry:
    values: dict[str, Any] = {
        "company_name": "Lumen Analytics Inc.",
        "website": "https://lumen.example.com",
        "funding_stage": FundingStage.SERIES_A,
        "last_round": "Series A, $12M",
        "lead_investor": "Northwind Ventures",
        "region": Region.US_EAST,
        "vertical": Vertical.B2B_SAAS,
        "service_profile": ServiceProfile.AI,
        "engagement_type": EngagementType.BUILD,
        "pools_wanted": (Pool.PORTFOLIO,),
        "spend": (
            SpendLine(service="EC2", monthly_usd=8000),
            SpendLine(service="Bedrock", monthly_usd=4000),
        ),
        "team_size": 18,
        "technical_contact": Contact(
            name="Ada Tech", email="ada@lumen.example.com", phone="+14155550100"
        ),
        "business_contact": Contact(
            name="Bo Founder", email="bo@lumen.example.com", phone="+14155550101"
        ),
        "arrived_at": T0,
    }
    values.update(overrides)
    return Inquiry(**values)


def make_record(inquiry_id: int, partner_id: int, **overrides: Any) -> AceRecordSummary:
    values: dict[str, Any] = {
        "inquiry_id": inquiry_id,
        "partner_id": partner_id,
        "pool": Pool.PORTFOLIO,
        "state": RecordState.APPROVED,
        "amount_requested_usd": 100_000,
        "amount_awarded_usd": 100_000,
        "created_at": T0,
        "submitted_at": T0 + timedelta(days=2),
        "decided_at": T0 + timedelta(days=16),
        "credited_at": T0 + timedelta(days=16),
    }
    values.update(overrides)
    return AceRecordSummary(**values)


def add_partner(database: Database, partner: Partner | None = None, **overrides: Any) -> int:
    partner = partner or make_partner(**overrides)
    with database.writing() as session:
        return int(
            session.execute(
                insert(PartnerRow)
                .values(**partner_columns(partner), created_at=T0)
                .returning(PartnerRow.id)
            ).scalar_one()
        )


def add_inquiry(database: Database, inquiry: Inquiry | None = None, **overrides: Any) -> int:
    inquiry = inquiry or make_inquiry(**overrides)
    with database.writing() as session:
        inquiry_id = int(
            session.execute(
                insert(InquiryRow).values(**inquiry_columns(inquiry)).returning(InquiryRow.id)
            ).scalar_one()
        )
        for line in inquiry.spend:
            session.execute(
                insert(InquirySpendRow).values(
                    inquiry_id=inquiry_id, service=line.service, monthly_usd=line.monthly_usd
                )
            )
        return inquiry_id


def add_record(database: Database, inquiry_id: int, partner_id: int, **overrides: Any) -> int:
    record = make_record(inquiry_id, partner_id, **overrides)
    with database.writing() as session:
        return int(
            session.execute(
                insert(AceRecordRow)
                .values(**record_summary_columns(record), updated_at=record.created_at)
                .returning(AceRecordRow.id)
            ).scalar_one()
        )
