"""Partner Central's conditional rules the editor, ``validate`` and the export share, each
written from ../shared/ace/ace_data_model_rules.md and Opportunity-Fields.csv."""

from __future__ import annotations

import pytest

from cloudroute_desk.domain.ace.export import to_create_opportunity
from cloudroute_desk.domain.ace.rules import validate
from cloudroute_desk.domain.catalog import RecordState
from tests.ace_samples import context, portfolio_form


def _rules(form, ctx=None):  # type: ignore[no-untyped-def]
    return {(f.rule, f.severity.value) for f in validate(form, ctx or context())}


def _government(**overrides: object):  # type: ignore[no-untyped-def]
    form = portfolio_form(national_security="Yes", **overrides)
    customer = form.customer.model_copy(update={"industry": "Government"})
    return form.model_copy(update={"customer": customer})


def test_national_security_for_visibility_only_is_refused() -> None:
    """NationalSecurity: "When National Security is 'Yes', PrimaryNeedsFromAws MUST NOT Be
    Donot Need Support from Aws" (the API's For Visibility Only)."""
    form = _government(involvement_type="For Visibility Only", primary_needs=[])
    assert ("national_security.co_sell", "error") in _rules(form)


def test_national_security_with_co_sell_and_government_passes() -> None:
    rules = _rules(_government())
    assert not {r for r, severity in rules if severity == "error"}


def test_national_security_needs_the_government_industry() -> None:
    assert ("national_security", "error") in _rules(portfolio_form(national_security="Yes"))


def test_not_national_security_may_be_visibility_only() -> None:
    form = portfolio_form(involvement_type="For Visibility Only", primary_needs=[])
    assert "national_security.co_sell" not in {r for r, _ in _rules(form)}


def test_other_competitor_names_without_other_warn_and_stay_out_of_the_export() -> None:
    form = portfolio_form(
        engagement_type="Migrate",
        current_cloud="Azure",
        competitor_name="Microsoft Azure",
        other_competitor_names="Render.com",
        customer_use_case="Migration/Database Migration",
    )
    rules = _rules(form)
    assert ("competitor.other_dropped", "warning") in rules
    assert not {r for r, severity in rules if severity == "error"}
    assert "OtherCompetitorNames" not in to_create_opportunity(form, client_token="t")["Project"]


def test_other_competitor_names_with_other_are_exported_without_warning() -> None:
    form = portfolio_form(
        engagement_type="Migrate",
        current_cloud="Heroku",
        competitor_name="*Other",
        other_competitor_names="Heroku",
        customer_use_case="Migration/Database Migration",
    )
    assert "competitor.other_dropped" not in {r for r, _ in _rules(form)}
    project = to_create_opportunity(form, client_token="t")["Project"]
    assert project["OtherCompetitorNames"] == "Heroku"


def test_other_without_names_is_an_error() -> None:
    form = portfolio_form(
        engagement_type="Migrate",
        current_cloud="Heroku",
        competitor_name="*Other",
        customer_use_case="Migration/Database Migration",
    )
    assert ("competitor.other", "error") in _rules(form)


def test_flat_renewal_needs_the_related_opportunity() -> None:
    """Opportunity-Fields.csv, parentOppId: "When Opportunity Type is set to Flat Renewal"."""
    assert ("submit.related_opportunity", "error") in _rules(
        portfolio_form(opportunity_type="Flat Renewal")
    )
    renewal = portfolio_form(opportunity_type="Flat Renewal", related_opportunity_identifier="O42")
    assert not {r for r, severity in _rules(renewal) if severity == "error"}
    assert (
        to_create_opportunity(renewal, client_token="t")["Project"]["RelatedOpportunityIdentifier"]
        == "O42"
    )
    badly = portfolio_form(opportunity_type="Flat Renewal", related_opportunity_identifier="42")
    (error,) = [f for f in validate(badly, context()) if f.is_error]
    assert (error.rule, error.field) == (
        "api.invalid_string_format",
        "related_opportunity_identifier",
    )


@pytest.mark.parametrize("state", [RecordState.LAUNCHED, RecordState.CLOSED])
def test_launched_stage_needs_a_12_digit_account(state: RecordState) -> None:
    """Customer.Account.AwsAccountId: "Required for Launch for Consulting Partners"."""
    greenfield = portfolio_form()
    customer = greenfield.customer.model_copy(update={"aws_account_id": "GREENFIELD"})
    greenfield = greenfield.model_copy(update={"customer": customer})
    launched = context().model_copy(update={"record_state": state})
    assert ("stage.launched_account", "error") in _rules(greenfield, launched)
    assert "stage.launched_account" not in {r for r, _ in _rules(portfolio_form(), launched)}


@pytest.mark.parametrize(
    "state", [RecordState.IDENTIFIED, RecordState.SUBMITTED, RecordState.APPROVED]
)
def test_before_launch_a_placeholder_account_is_fine(state: RecordState) -> None:
    greenfield = portfolio_form()
    customer = greenfield.customer.model_copy(update={"aws_account_id": "GREENFIELD"})
    greenfield = greenfield.model_copy(update={"customer": customer})
    ctx = context().model_copy(update={"record_state": state})
    assert "stage.launched_account" not in {r for r, _ in _rules(greenfield, ctx)}
