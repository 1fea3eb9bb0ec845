"""Complete, valid ACE record forms for the validation and export tests, and the context they
pass in. Each test breaks one thing on a copy."""

from __future__ import annotations

from datetime import date
from typing import Any

from cloudroute_desk.domain.ace.form import (
    AceForm,
    BudgetLine,
    CustomerPart,
    FormContact,
    FormPocPlan,
    FormSpendLine,
)
from cloudroute_desk.domain.ace.rules import OtherRecord, ValidationContext
from cloudroute_desk.domain.catalog import Tier

TODAY = date(2026, 11, 26)
PARTNER_ID = 7


def portfolio_form(**overrides: Any) -> AceForm:
    values: dict[str, Any] = {
        "customer": CustomerPart(
            company_name="Lumen Analytics Inc.",
            website="https://lumen.example.com",
            industry="Software and Internet",
            country_code="US",
            postal_code="94105",
            state_or_region="California",
            city="San Francisco",
            street_address="1 Market St",
            aws_account_id="123456789012",
        ),
        "use_case": (
            "Lumen builds forecasting for mid-market retailers. The credits fund EC2 training "
            "jobs and Bedrock inference for 40 pilot customers over 9 months."
        ),
        "spend": [
            FormSpendLine(service="EC2", monthly_usd=8_000),
            FormSpendLine(service="Bedrock", monthly_usd=4_000),
        ],
        "engagement_type": "Build",
        "annual_deal_size_usd": 180_000,
        "partner_role": "Architecture review and Well-Architected remediation",
        "pool": "portfolio",
        "amount_requested_usd": 100_000,
        "funding_stage": "Series-A",
        "last_round": "Series A, $12M priced",
        "lead_investor": "Northwind Ventures",
        "work_start": "2026-12-01",
        "go_live": "2027-03-01",
        "current_cloud": "none",
        "competitor_name": "No Competition",
        "technical_contact": FormContact(
            first_name="Ada",
            last_name="Tech",
            email="ada@lumen.example.com",
            phone="+14155550100",
            title="CTO",
        ),
        "business_contact": FormContact(
            first_name="Bo",
            last_name="Founder",
            email="bo@lumen.example.com",
            phone="+14155550101",
            title="CEO",
        ),
        "title": "Lumen Analytics - Activate Portfolio",
        "customer_use_case": "AI Machine Learning and Analytics",
        "delivery_models": ["Professional Services"],
        "primary_needs": ["Co-Sell - Architectural Validation"],
        "sales_activities": ["Initialized discussions with customer"],
        "target_close_date": "2027-01-15",
        "next_steps": "Architecture review with the CTO, then the Portfolio application",
    }
    values.update(overrides)
    return AceForm(**values)


def bedrock_form(**overrides: Any) -> AceForm:
    values: dict[str, Any] = {
        "pool": "bedrock_poc",
        "amount_requested_usd": 25_000,
        "poc": FormPocPlan(
            model="Anthropic Claude on Amazon Bedrock",
            evaluation_method="Answer accuracy on 500 labelled support tickets, human-graded",
            budget=[
                BudgetLine(item="Bedrock inference", amount_usd=15_000),
                BudgetLine(item="Evaluation runs", amount_usd=10_000),
            ],
        ),
    }
    values.update(overrides)
    return portfolio_form(**values)


def migrate_form(**overrides: Any) -> AceForm:
    values: dict[str, Any] = {
        "engagement_type": "Migrate",
        "current_cloud": "GCP",
        "competitor_name": "Google Cloud Platform",
        "customer_use_case": "Migration/Database Migration",
    }
    values.update(overrides)
    return portfolio_form(**values)


def context(
    tier: Tier = Tier.ADVANCED, others: tuple[OtherRecord, ...] = (), today: date = TODAY
) -> ValidationContext:
    return ValidationContext(
        partner_tier=tier, today=today, other_records=others, record_partner_id=PARTNER_ID
    )
