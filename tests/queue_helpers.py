"""Shared data for the queue tests: a small, varied queue inserted in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.mapping import inquiry_columns
from cloudroute_desk.db.tables import InquiryRow
from cloudroute_desk.domain.catalog import (
    EngagementType,
    FundingStage,
    InquiryStatus,
    Region,
    ServiceProfile,
    Vertical,
)
from cloudroute_desk.domain.entities import Contact, SpendLine
from tests.factories import make_inquiry

NOW = datetime(2026, 6, 10, 12, 0, 0)
STATUSES = (
    InquiryStatus.NEW,
    InquiryStatus.ASSIGNED,
    InquiryStatus.CONNECTED,
    InquiryStatus.FILED,
    InquiryStatus.CREDITED,
    InquiryStatus.REROUTE,
    InquiryStatus.DECLINED,
)


def seed_queue(database: Database, count: int, partner_id: int | None = None) -> list[int]:
    """``count`` inquiries, one hour apart ending at NOW, cycling through the vocabularies."""
    regions, stages, verticals = list(Region), list(FundingStage), list(Vertical)
    profiles, engagements = list(ServiceProfile), list(EngagementType)
    values = []
    for i in range(count):
        status = STATUSES[i % len(STATUSES)]
        assigned = status not in (InquiryStatus.NEW, InquiryStatus.REROUTE)
        arrived = NOW - timedelta(hours=count - i)
        inquiry = make_inquiry(
            company_name=f"Company {i:04d} {'Lumen' if i % 5 == 0 else 'Quartz'}",
            website=f"https://c{i}.example.com",
            funding_stage=stages[i % len(stages)],
            region=regions[i % len(regions)],
            vertical=verticals[(i // 2) % len(verticals)],
            service_profile=profiles[i % len(profiles)],
            engagement_type=engagements[i % 2],
            spend=(SpendLine(service="EC2", monthly_usd=(i * 37) % 1000),),
            technical_contact=Contact(name=f"Tech {i}", email=f"tech{i}@c{i}.example.com"),
            business_contact=Contact(name=f"Boss {i}", email=f"boss{i}@c{i}.example.com"),
            arrived_at=arrived,
            status=status,
            partner_id=partner_id if assigned else None,
            assigned_at=arrived + timedelta(hours=3) if assigned and partner_id else None,
        )
        values.append(inquiry_columns(inquiry))
    with database.writing() as session:
        ids = session.execute(insert(InquiryRow).returning(InquiryRow.id), values).scalars()
        return sorted(int(i) for i in ids)
