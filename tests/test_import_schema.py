"""The intake row schema: each field's parsing and each reason a row is refused."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import String

from cloudroute_desk.db.tables import InquiryRow, InquirySpendRow, PartnerRow
from cloudroute_desk.domain.catalog import (
    CurrentCloud,
    EngagementType,
    FundingStage,
    Pool,
    Region,
    ServiceProfile,
    Tier,
    Vertical,
)
from cloudroute_desk.domain.entities import SpendLine
from cloudroute_desk.domain.intake import schema
from cloudroute_desk.domain.intake import values as limits
from cloudroute_desk.domain.intake.schema import RawRow, RowError, parse_inquiry, parse_partner

NOW = datetime(2026, 11, 26, 12, 0, 0)


def inquiry_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "external_id": "web-1",
        "company_name": "Lumen Analytics Inc.",
        "website": "https://lumen.example.com",
        "funding_stage": "Series-A",
        "region": "US-East",
        "vertical": "B2B SaaS",
        "service_profile": "AI-heavy",
        "engagement_type": "Build",
        "pools_wanted": "portfolio;bedrock_poc",
        "spend": "EC2=8000;Bedrock=4000",
        "team_size": "18",
        "arrived_at": "2026-11-24T09:15:00Z",
    }
    values.update(overrides)
    return values


def errors_of(**overrides: Any) -> list[RowError]:
    return list(parse_inquiry(RawRow(7, inquiry_values(**overrides)), NOW).errors)


def only_error(field: str, **overrides: Any) -> str:
    errors = errors_of(**overrides)
    assert [e.field for e in errors] == [field], errors
    assert errors[0].line == 7
    return errors[0].reason


def test_a_good_row_becomes_an_inquiry() -> None:
    parsed = parse_inquiry(RawRow(2, inquiry_values()), NOW)
    assert parsed.ok and parsed.errors == ()
    inquiry = parsed.value
    assert inquiry is not None
    assert inquiry.external_id == "web-1"
    assert inquiry.funding_stage is FundingStage.SERIES_A
    assert inquiry.pools_wanted == (Pool.PORTFOLIO, Pool.BEDROCK_POC)
    assert inquiry.spend == (
        SpendLine(service="EC2", monthly_usd=8000),
        SpendLine(service="Bedrock", monthly_usd=4000),
    )
    assert inquiry.monthly_spend_usd == 12_000
    assert inquiry.team_size == 18
    assert inquiry.current_cloud is CurrentCloud.NONE
    assert inquiry.arrived_at == datetime(2026, 11, 24, 9, 15)


@pytest.mark.parametrize(
    ("column", "spelling", "expected"),
    [
        ("funding_stage", "series a", FundingStage.SERIES_A),
        ("funding_stage", "SERIES_A", FundingStage.SERIES_A),
        ("funding_stage", "Pre Seed", FundingStage.PRE_SEED),
        ("region", "us east", Region.US_EAST),
        ("region", "india", Region.INDIA),
        ("vertical", "b2b saas", Vertical.B2B_SAAS),
        ("vertical", "ECOMMERCE", Vertical.ECOMMERCE),
        ("service_profile", "ai heavy", ServiceProfile.AI),
        ("service_profile", "COMPUTE", ServiceProfile.COMPUTE),
        ("engagement_type", "migrate", EngagementType.MIGRATE),
        ("current_cloud", "gcp", CurrentCloud.GCP),
    ],
)
def test_vocabularies_accept_values_names_and_labels_in_any_case(
    column: str, spelling: str, expected: object
) -> None:
    inquiry = parse_inquiry(RawRow(2, inquiry_values(**{column: spelling})), NOW).value
    assert inquiry is not None
    assert getattr(inquiry, column) is expected


def test_pools_accept_their_human_labels() -> None:
    parsed = parse_inquiry(
        RawRow(2, inquiry_values(pools_wanted="Activate Portfolio; Founders (partner-filed)")), NOW
    )
    assert parsed.value is not None
    assert parsed.value.pools_wanted == (Pool.PORTFOLIO, Pool.FOUNDERS)


def test_unknown_vocabulary_value_names_the_choices() -> None:
    reason = only_error("funding_stage", funding_stage="Series C")
    assert "'Series C' is not a funding stage" in reason
    assert "Series-A" in reason


def test_missing_required_values_are_reported_per_field() -> None:
    errors = errors_of(company_name="  ", region=None)
    assert {(e.field, e.reason) for e in errors} == {
        ("company_name", "is required"),
        ("region", "is required"),
    }


@pytest.mark.parametrize(
    ("arrived_at", "expected"),
    [
        ("2026-11-24T09:15:00+02:00", datetime(2026, 11, 24, 7, 15)),
        ("2026-11-24T09:15:00-05:00", datetime(2026, 11, 24, 14, 15)),
        ("2026-11-24 09:15:00", datetime(2026, 11, 24, 9, 15)),
        ("2026-11-24", datetime(2026, 11, 24)),
    ],
)
def test_arrival_times_convert_to_naive_utc(arrived_at: str, expected: datetime) -> None:
    inquiry = parse_inquiry(RawRow(2, inquiry_values(arrived_at=arrived_at)), NOW).value
    assert inquiry is not None
    assert inquiry.arrived_at == expected
    assert inquiry.arrived_at.tzinfo is None


@pytest.mark.parametrize(
    ("arrived_at", "fragment"),
    [
        ("2026-13-01T00:00:00", "is not an ISO 8601 date and time"),
        ("yesterday", "is not an ISO 8601 date and time"),
        ("24/11/2026 09:15", "is not an ISO 8601 date and time"),
        ("1999-12-31T23:00:00", "is before 2000"),
        ("2027-06-01T00:00:00", "is in the future"),
        (1732440900, "must be an ISO 8601 date and time, not int"),
    ],
)
def test_bad_dates_are_rejected(arrived_at: object, fragment: str) -> None:
    assert fragment in only_error("arrived_at", arrived_at=arrived_at)


@pytest.mark.parametrize(
    ("spend", "fragment"),
    [
        ("EC2=-500", "EC2 spend: amount -500 is negative"),
        ("EC2=lots", "EC2 spend: 'lots' is not a whole number"),
        ("EC2=12.5", "is not a whole number"),
        ("EC2", "is not SERVICE=AMOUNT"),
        ("EC2=", "EC2 has no monthly amount"),
        ("EC2=100;ec2=200", "EC2 is listed twice"),
        ("=100", "service name is required"),
        ("EC2=999999999999", "implausibly large"),
        ({"EC2": -1}, "is negative"),
        ({"EC2": True}, "must be a whole number"),
        ([{"service": "EC2", "monthly_usd": "x"}], "'x' is not a whole number"),
        (42, "must be SERVICE=AMOUNT pairs"),
    ],
)
def test_bad_spend_is_rejected(spend: object, fragment: str) -> None:
    assert fragment in only_error("spend", spend=spend)


def test_spend_accepts_dollar_signs_commas_objects_and_lists() -> None:
    for spend in (
        "ec2 = $8,000 ; bedrock=4000",
        {"EC2": 8000, "Bedrock": 4000.0},
        [{"service": "EC2", "monthly_usd": 8000}, "Bedrock=4000"],
    ):
        inquiry = parse_inquiry(RawRow(2, inquiry_values(spend=spend)), NOW).value
        assert inquiry is not None, spend
        assert inquiry.spend == (
            SpendLine(service="EC2", monthly_usd=8000),
            SpendLine(service="Bedrock", monthly_usd=4000),
        )


def test_total_spend_must_fit_the_column() -> None:
    spend = ";".join(f"S{i}=90000000" for i in range(30))
    assert "total" in only_error("spend", spend=spend)


@pytest.mark.parametrize(
    "column", ["company_name", "last_round", "lead_investor", "technical_contact_name"]
)
def test_hundred_kilobyte_strings_are_rejected_by_length(column: str) -> None:
    reason = only_error(column, **{column: "x" * 100_000})
    assert reason.startswith("is 100,000 characters long; the limit is ")


def test_hundred_kilobyte_website_is_rejected() -> None:
    reason = only_error("website", website="https://" + "a" * 100_000 + ".com")
    assert "characters long; the limit is 255" in reason


def test_nul_bytes_are_rejected() -> None:
    reason = only_error("company_name", company_name="Lumen\x00 Inc")
    assert "NUL" in reason


def test_unpaired_surrogates_are_rejected() -> None:
    reason = only_error("lead_investor", lead_investor="North\ud800wind")
    assert "unpaired surrogate (U+D800)" in reason


def test_control_characters_are_rejected_but_newlines_are_text() -> None:
    assert "control character (U+0007)" in only_error("last_round", last_round="A\x07")
    assert errors_of(last_round="Series A,\nled by Northwind") == []


def test_text_that_looks_like_sql_is_just_text() -> None:
    name = "Robert'); DROP TABLE inquiries;--"
    inquiry = parse_inquiry(RawRow(2, inquiry_values(company_name=name)), NOW).value
    assert inquiry is not None
    assert inquiry.company_name == name


@pytest.mark.parametrize(
    "website", ["not a url", "ftp://files.example.com", "localhost", "http://"]
)
def test_bad_websites_are_rejected(website: str) -> None:
    assert "is not a web address" in only_error("website", website=website)


def test_bad_contacts_are_rejected() -> None:
    errors = errors_of(technical_contact_email="ada-at-lumen", business_contact_phone="call me")
    assert {e.field for e in errors} == {"technical_contact_email", "business_contact_phone"}


def test_team_size_must_be_a_positive_whole_number() -> None:
    assert "is too small" in only_error("team_size", team_size="0")
    assert "is not a whole number" in only_error("team_size", team_size="ten")
    assert "must be a whole number" in only_error("team_size", team_size=True)


def test_json_text_fields_refuse_objects() -> None:
    assert "must be text, not an object" in only_error("company_name", company_name={"a": 1})


def test_every_bad_field_of_a_row_is_reported_at_once() -> None:
    errors = errors_of(region="Mars", spend="EC2=-1", arrived_at="soon")
    assert [e.field for e in errors] == ["region", "spend", "arrived_at"]


def test_a_row_without_an_id_gets_a_stable_content_id() -> None:
    values = inquiry_values(external_id="")
    first = parse_inquiry(RawRow(2, values), NOW)
    again = parse_inquiry(RawRow(9, dict(values)), NOW)
    respelled = parse_inquiry(RawRow(3, {**values, "funding_stage": "series a"}), NOW)
    other = parse_inquiry(RawRow(4, {**values, "company_name": "Other"}), NOW)
    assert first.external_id is not None and first.external_id.startswith("sha256:")
    assert len(first.external_id) <= limits.EXTERNAL_ID_MAX
    assert first.external_id == again.external_id == respelled.external_id
    assert other.external_id != first.external_id


def test_external_id_is_limited_to_the_column() -> None:
    assert "limit is 64" in only_error("external_id", external_id="x" * 65)


def test_limits_match_the_table_columns() -> None:
    def size(column: object) -> int:
        column_type = column.type  # type: ignore[attr-defined]
        assert isinstance(column_type, String)
        assert column_type.length is not None
        return column_type.length

    assert size(InquiryRow.external_id) == limits.EXTERNAL_ID_MAX
    assert size(InquiryRow.company_name) == limits.COMPANY_NAME_MAX
    assert size(InquiryRow.website) == limits.WEBSITE_MAX
    assert size(InquiryRow.last_round) == limits.LAST_ROUND_MAX
    assert size(InquiryRow.lead_investor) == limits.LEAD_INVESTOR_MAX
    assert size(InquirySpendRow.service) == limits.SERVICE_NAME_MAX
    assert size(PartnerRow.name) == limits.PARTNER_NAME_MAX
    assert size(PartnerRow.external_id) == limits.EXTERNAL_ID_MAX


def test_column_names_are_normalised() -> None:
    assert schema.column_key(" Company Name ") == "company_name"
    assert schema.column_key("ID") == "external_id"
    assert schema.column_key("technical-contact.email") == "technical_contact_email"


def test_nested_contacts_spread_into_columns() -> None:
    flat = schema.flatten({"Technical Contact": {"Name": "Ada", "email": "a@b.io"}, "id": 5})
    assert flat == {
        "technical_contact_name": "Ada",
        "technical_contact_email": "a@b.io",
        "external_id": 5,
    }


# ---- partners --------------------------------------------------------------------------------


def partner_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "external_id": "apn-1",
        "name": "Cirrus Forge",
        "tier": "premier",
        "active": "yes",
        "capacity": "25",
        "regions": "US-East; us west",
        "verticals": "B2B SaaS;fintech",
        "service_profiles": "AI-heavy",
        "engagement_types": "build;MIGRATE",
        "stages": "seed;series a",
        "contact_name": "Pat Partner",
        "contact_email": "pat@cirrus.example.com",
    }
    values.update(overrides)
    return values


def test_a_good_partner_row() -> None:
    partner = parse_partner(RawRow(2, partner_values())).value
    assert partner is not None
    assert partner.tier is Tier.PREMIER
    assert partner.regions == (Region.US_EAST, Region.US_WEST)
    assert partner.engagement_types == (EngagementType.BUILD, EngagementType.MIGRATE)
    assert partner.stages == (FundingStage.SEED, FundingStage.SERIES_A)
    assert partner.capacity == 25 and partner.active
    assert partner.contact.email == "pat@cirrus.example.com"


def test_partner_defaults_when_columns_are_blank() -> None:
    partner = parse_partner(RawRow(2, {"name": "Small Co", "tier": "Advanced"})).value
    assert partner is not None
    assert partner.active and partner.capacity == 10 and partner.regions == ()


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"tier": "Gold"}, "tier", "is not a partner tier"),
        ({"active": "maybe"}, "active", "is not yes/no"),
        ({"capacity": "-3"}, "capacity", "is negative"),
        ({"capacity": "5000"}, "capacity", "typo"),
        ({"regions": "US-East;Atlantis"}, "regions", "'Atlantis' is not a region"),
        ({"contact_email": "pat"}, "contact_email", "is not an e-mail address"),
        ({"contact_phone": "415 555 0100"}, "contact_phone", "E.164"),
        ({"name": "n" * 100_000}, "name", "the limit is 200"),
    ],
)
def test_bad_partner_rows(overrides: dict[str, Any], field: str, fragment: str) -> None:
    errors = parse_partner(RawRow(5, partner_values(**overrides))).errors
    assert [e.field for e in errors] == [field], errors
    assert fragment in errors[0].reason
