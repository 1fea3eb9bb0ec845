"""The CreateOpportunity export: mapped as documented, and every payload of a valid record
passes both our service-model check and botocore's own ParamValidator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.validate import validate_parameters

from cloudroute_desk.domain.ace import api_model as ace_api_model
from cloudroute_desk.domain.ace.export import export_with_paths, to_create_opportunity
from cloudroute_desk.domain.ace.form import AceForm, CustomerPart, FormContact
from cloudroute_desk.domain.ace.rules import validate
from cloudroute_desk.domain.findings import has_errors
from tests.ace_samples import bedrock_form, context, migrate_form, portfolio_form

TOKEN = "6f1c2a9e-3d4b-4c1a-9f00-000000000001"


def _uk_customer() -> CustomerPart:
    return portfolio_form().customer.model_copy(
        update={"country_code": "GB", "postal_code": "EC1A 1BB", "state_or_region": ""}
    )


VALID_FORMS: dict[str, Callable[[], AceForm]] = {
    "portfolio": portfolio_form,
    "bedrock": bedrock_form,
    "migrate": migrate_form,
    "migrate from heroku": lambda: migrate_form(
        current_cloud="Heroku", competitor_name="*Other", other_competitor_names="Heroku"
    ),
    "greenfield account": lambda: portfolio_form(
        customer=portfolio_form().customer.model_copy(update={"aws_account_id": "GREENFIELD"})
    ),
    "uk customer": lambda: portfolio_form(customer=_uk_customer()),
    "map": lambda: migrate_form(pool="map", amount_requested_usd=0),
    "visibility only": lambda: portfolio_form(
        involvement_type="For Visibility Only", primary_needs=[]
    ),
    "rtl and emoji": lambda: portfolio_form(
        title="لومن 🚀 Portfolio", use_case="نستخدم EC2 و Bedrock لخدمة 40 عميلاً 🚀 اليوم"
    ),
    "no phone": lambda: portfolio_form(
        technical_contact=FormContact(first_name="Ada", last_name="Tech", email="a@b.example")
    ),
}


@pytest.mark.parametrize("name", list(VALID_FORMS))
def test_valid_record_exports_a_payload_both_checkers_accept(name: str) -> None:
    form = VALID_FORMS[name]()
    assert not has_errors(validate(form, context()))
    payload = to_create_opportunity(form, client_token=TOKEN)
    assert ace_api_model.check_request(payload) == []
    shape = ace_api_model.operation_model().input_shape
    validate_parameters(payload, shape)  # raises ParamValidationError on any problem


def test_mapping_follows_the_documented_table() -> None:
    payload = to_create_opportunity(portfolio_form(), client_token=TOKEN, catalog="Sandbox")
    assert payload["Catalog"] == "Sandbox"
    assert payload["ClientToken"] == TOKEN
    assert payload["Origin"] == "Partner Referral"
    account = payload["Customer"]["Account"]
    assert account == {
        "CompanyName": "Lumen Analytics Inc.",
        "WebsiteUrl": "https://lumen.example.com",
        "Industry": "Software and Internet",
        "AwsAccountId": "123456789012",
        "Address": {
            "CountryCode": "US",
            "PostalCode": "94105",
            "StateOrRegion": "California",
            "City": "San Francisco",
            "StreetAddress": "1 Market St",
        },
    }
    business, technical = payload["Customer"]["Contacts"]
    assert business == {
        "FirstName": "Bo",
        "LastName": "Founder",
        "Email": "bo@lumen.example.com",
        "Phone": "+14155550101",
        "BusinessTitle": "CEO",
    }
    assert technical["BusinessTitle"] == "CTO"
    project = payload["Project"]
    assert project["ExpectedCustomerSpend"] == [
        {"Amount": "12000", "CurrencyCode": "USD", "Frequency": "Monthly", "TargetCompany": "AWS"}
    ]
    assert project["CustomerBusinessProblem"] == portfolio_form().use_case
    assert project["CompetitorName"] == "No Competition"
    assert "OtherCompetitorNames" not in project
    assert project["OtherSolutionDescription"] == portfolio_form().partner_role
    assert payload["LifeCycle"] == {
        "Stage": "Qualified",
        "TargetCloseDate": "2027-01-15",
        "NextSteps": portfolio_form().next_steps,
    }
    assert payload["PrimaryNeedsFromAws"] == ["Co-Sell - Architectural Validation"]
    # A form on its own has no routing identity: neither member is made up.
    assert "PartnerOpportunityIdentifier" not in payload
    assert "Tags" not in payload


def test_greenfield_account_and_non_us_state_are_left_out() -> None:
    form = portfolio_form(
        customer=_uk_customer().model_copy(
            update={"aws_account_id": "GREENFIELD", "state_or_region": "London"}
        )
    )
    account = to_create_opportunity(form, client_token=TOKEN)["Customer"]["Account"]
    assert "AwsAccountId" not in account
    assert "StateOrRegion" not in account["Address"]


def test_map_pool_names_the_program() -> None:
    payload = to_create_opportunity(VALID_FORMS["map"](), client_token=TOKEN)
    assert payload["Project"]["ApnPrograms"] == ["Migration Acceleration Program"]


def test_paths_lead_back_to_form_fields() -> None:
    _, paths = export_with_paths(portfolio_form(), client_token=TOKEN)
    assert paths["Customer.Contacts[1].Email"] == "technical_contact.email"
    assert paths["Project.CustomerBusinessProblem"] == "use_case"
    assert paths["Project.SalesActivities[0]"] == "sales_activities[0]"
    form = portfolio_form()
    for field in paths.values():
        if field:
            form.value_at(field)


# What botocore's own validator lets through and our checker must not (domain/ace/api_model.py).
BOTOCORE_BLIND_SPOTS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("Origin", lambda p: p.update(Origin="Bogus"), "INVALID_ENUM_VALUE"),
    ("LifeCycle.Stage", lambda p: p["LifeCycle"].update(Stage="Won"), "INVALID_ENUM_VALUE"),
    (
        "Customer.Contacts[0].Email",
        lambda p: p["Customer"]["Contacts"][0].update(Email="Bo@Example.com"),
        "INVALID_STRING_FORMAT",
    ),
    (
        "Customer.Contacts[0].Phone",
        lambda p: p["Customer"]["Contacts"][0].update(Phone="555-1234"),
        "INVALID_STRING_FORMAT",
    ),
    (
        "Project.CustomerBusinessProblem",
        lambda p: p["Project"].update(CustomerBusinessProblem="too short"),
        "INVALID_STRING_FORMAT",
    ),
    (
        "Customer.Account.CompanyName",
        lambda p: p["Customer"]["Account"].update(CompanyName="x" * 500),
        "INVALID_STRING_FORMAT",
    ),
    (
        "OpportunityTeam",
        lambda p: p.update(OpportunityTeam=[{"FirstName": "A"}] * 11),
        "TOO_MANY_VALUES",
    ),
    (
        "LifeCycle.TargetCloseDate",
        lambda p: p["LifeCycle"].update(TargetCloseDate="2027-13-01"),
        "INVALID_STRING_FORMAT",
    ),
    (
        "Project.ExpectedCustomerSpend[0].Amount",
        lambda p: p["Project"]["ExpectedCustomerSpend"][0].update(Amount="1,000"),
        "INVALID_STRING_FORMAT",
    ),
    ("Tags", lambda p: p.update(Tags=[]), "NOT_ENOUGH_VALUES"),
    ("ClientToken", lambda p: p.pop("ClientToken"), "REQUIRED_FIELD_MISSING"),
    ("Catalog", lambda p: p.update(Catalog=123), "INVALID_VALUE"),
    ("Surprise", lambda p: p.update(Surprise="x"), "INVALID_VALUE"),
]


@pytest.mark.parametrize(
    ("path", "breaks", "code"), BOTOCORE_BLIND_SPOTS, ids=[b[0] for b in BOTOCORE_BLIND_SPOTS]
)
def test_model_checker_catches_what_botocore_lets_through(
    path: str, breaks: Callable[[dict[str, Any]], None], code: str
) -> None:
    payload = to_create_opportunity(portfolio_form(), client_token=TOKEN)
    breaks(payload)
    violations = ace_api_model.check_request(payload)
    assert any(v.path == path and v.code == code for v in violations), violations


def test_unicode_property_patterns_compile_with_the_regex_package() -> None:
    payload = to_create_opportunity(portfolio_form(), client_token=TOKEN)
    payload["Tags"] = [{"Key": "Équipe:données", "Value": "Zürich 2026"}]
    assert ace_api_model.check_request(payload) == []
    payload["Tags"] = [{"Key": "bad;key", "Value": "v"}]
    assert [v.path for v in ace_api_model.check_request(payload)] == ["Tags[0].Key"]


def test_model_is_loaded_once() -> None:
    assert ace_api_model.service_model() is ace_api_model.service_model()
    assert ace_api_model.request_checker() is ace_api_model.request_checker()
    assert len(ace_api_model.enum_values("Industry")) == 28
