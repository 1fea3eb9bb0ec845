"""A new record starts from the intake: nothing typed twice, seed words mapped to API values."""

from __future__ import annotations

from datetime import date

import pytest

from cloudroute_desk.domain.ace import api_model as ace_api_model
from cloudroute_desk.domain.ace import picklists as ace_picklists
from cloudroute_desk.domain.ace import vocab as ace_vocab
from cloudroute_desk.domain.ace.form import GREENFIELD_ACCOUNT, AceForm, FormSpendLine
from cloudroute_desk.domain.ace.rules import validate
from cloudroute_desk.domain.catalog import (
    CurrentCloud,
    EngagementType,
    Pool,
    Region,
    ServiceProfile,
    Vertical,
)
from cloudroute_desk.domain.entities import Contact
from cloudroute_desk.domain.findings import has_errors
from tests.ace_samples import context
from tests.factories import make_inquiry, make_partner


def test_prefill_carries_the_intake() -> None:
    inquiry = make_inquiry(
        vertical=Vertical.FINTECH,
        technical_contact=Contact(name="Ada  Lovelace King", email="Ada@Lumen.Example.com"),
    )
    form = AceForm.from_inquiry(inquiry, make_partner(), Pool.PORTFOLIO, today=date(2026, 11, 26))
    assert form.customer.company_name == inquiry.company_name
    assert form.customer.website == inquiry.website
    assert form.customer.industry == "Financial Services"
    assert form.customer.country_code == "US"
    assert form.customer.aws_account_id == GREENFIELD_ACCOUNT
    assert form.spend == [
        FormSpendLine(service="EC2", monthly_usd=8000),
        FormSpendLine(service="Bedrock", monthly_usd=4000),
    ]
    assert (form.funding_stage, form.lead_investor) == ("Series-A", "Northwind Ventures")
    assert form.pool == "portfolio"
    assert form.amount_requested_usd == 100_000
    assert form.competitor_name == "No Competition"
    assert form.technical_contact.first_name == "Ada  Lovelace"
    assert form.technical_contact.last_name == "King"
    assert form.technical_contact.email == "ada@lumen.example.com"
    assert form.target_close_date == "2026-12-14"
    assert form.customer_use_case == "AI Machine Learning and Analytics"


def test_prefilled_record_needs_only_what_the_intake_lacks() -> None:
    form = AceForm.from_inquiry(
        make_inquiry(), make_partner(), Pool.PORTFOLIO, today=date(2026, 11, 26)
    )
    missing = {f.field for f in validate(form, context()) if f.severity == "error"}
    assert missing == {
        "customer.postal_code",
        "customer.state_or_region",
        "work_start",
        "go_live",
        "use_case",
    }
    filled = (
        form.with_value("customer.postal_code", "10001")
        .with_value("customer.state_or_region", "New York")
        .with_value("work_start", "2026-12-01")
        .with_value("go_live", "2027-02-01")
        .with_value("use_case", "Lumen runs 30 forecasting models on EC2 and Bedrock.")
    )
    assert not has_errors(validate(filled, context()))


def test_migration_prefill_names_the_competitor() -> None:
    inquiry = make_inquiry(engagement_type=EngagementType.MIGRATE, current_cloud=CurrentCloud.AZURE)
    form = AceForm.from_inquiry(inquiry, make_partner(), Pool.MAP)
    assert form.competitor_name == "Microsoft Azure"
    assert form.customer_use_case == "Migration/Database Migration"
    assert form.customer.aws_account_id == ""
    assert form.amount_requested_usd == 0
    assert form.target_close_date == ""


@pytest.mark.parametrize("vertical", list(Vertical))
def test_every_vertical_maps_to_an_api_industry(vertical: Vertical) -> None:
    industry, other = ace_vocab.industry_for(vertical)
    assert industry in ace_api_model.enum_values("Industry")
    assert bool(other) == (industry == "Other")


@pytest.mark.parametrize("cloud", list(CurrentCloud))
def test_every_cloud_maps_to_an_api_competitor(cloud: CurrentCloud) -> None:
    name, _ = ace_vocab.competitor_for(cloud)
    assert name in ace_api_model.enum_values("CompetitorName")


def test_regions_and_profiles_map_to_api_values() -> None:
    for region in Region:
        code = ace_vocab.country_for(region)
        assert code == "" or code in ace_api_model.enum_values("CountryCode")
    for profile in ServiceProfile:
        assert ace_vocab.use_case_for(profile, EngagementType.BUILD) in (
            ace_picklists.CUSTOMER_USE_CASES
        )
    assert ace_vocab.MIGRATION_USE_CASE in ace_picklists.CUSTOMER_USE_CASES
    assert set(ace_vocab.DEFAULT_PRIMARY_NEEDS) <= set(
        ace_api_model.enum_values("PrimaryNeedFromAws")
    )
    assert set(ace_vocab.DEFAULT_SALES_ACTIVITIES) <= set(
        ace_api_model.enum_values("SalesActivity")
    )
    assert set(ace_vocab.DEFAULT_DELIVERY_MODELS) <= set(ace_api_model.enum_values("DeliveryModel"))


def test_field_paths_read_and_write() -> None:
    form = AceForm.from_inquiry(make_inquiry(), make_partner(), Pool.FOUNDERS)
    changed = form.with_value("spend[1].monthly_usd", 10).with_value("customer.city", "Austin")
    assert changed.value_at("spend[1].monthly_usd") == 10
    assert changed.value_at("customer.city") == "Austin"
    assert form.value_at("spend[1].monthly_usd") == 4000
    with pytest.raises(ValueError):
        form.value_at("spend[x]")


def test_form_round_trips_through_json() -> None:
    form = AceForm.from_inquiry(make_inquiry(), make_partner(), Pool.BEDROCK_POC)
    assert AceForm.model_validate(form.model_dump(mode="json")) == form
