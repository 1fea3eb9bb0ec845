"""Every ACE rule both ways: the sample records pass clean, and breaking one thing draws that
rule's finding with its message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.ace.rules import OtherRecord, validate
from cloudroute_desk.domain.catalog import Pool, RecordState, Tier
from cloudroute_desk.domain.findings import Finding, Severity, has_errors
from tests.ace_samples import (
    PARTNER_ID,
    bedrock_form,
    context,
    migrate_form,
    portfolio_form,
)


@pytest.mark.parametrize("make", [portfolio_form, bedrock_form, migrate_form])
def test_sample_records_pass_without_findings(make: Callable[[], AceForm]) -> None:
    assert validate(make(), context()) == []


@dataclass(frozen=True)
class Case:
    name: str
    edits: dict[str, Any]
    rule: str
    field: str
    message: str
    severity: Severity = Severity.ERROR
    base: Callable[[], AceForm] = portfolio_form
    tier: Tier = Tier.ADVANCED
    others: tuple[OtherRecord, ...] = ()
    today: date = field(default=date(2026, 11, 26))


def _other(partner_id: int, pool: Pool, amount: int, state: RecordState, **kw: Any) -> OtherRecord:
    return OtherRecord(
        partner_id=partner_id, pool=pool, amount_requested_usd=amount, state=state, **kw
    )


CASES = [
    Case(
        "amount above pool",
        {"amount_requested_usd": 120_000},
        "amount.range",
        "amount_requested_usd",
        "Activate Portfolio takes $50,000 to $100,000; $120,000 requested",
    ),
    Case(
        "amount below pool",
        {"amount_requested_usd": 10_000},
        "amount.range",
        "amount_requested_usd",
        "$10,000 requested",
    ),
    Case(
        "tier may not file pool",
        {},
        "pool.tier",
        "pool",
        "A Select partner may not file Activate Portfolio",
        tier=Tier.SELECT,
    ),
    Case(
        "self-serve pool",
        {"pool": "founders_self_serve", "amount_requested_usd": 5_000},
        "pool.known",
        "pool",
        "self-serve",
    ),
    Case("unknown pool", {"pool": "moonshot"}, "pool.known", "pool", "Choose a funding pool"),
    Case(
        "portfolio without lead investor",
        {"lead_investor": " "},
        "portfolio.vouch",
        "lead_investor",
        "name the round's lead investor",
    ),
    Case(
        "portfolio without round",
        {"last_round": ""},
        "portfolio.vouch",
        "last_round",
        "name the most recent priced round",
    ),
    Case(
        "portfolio on pre-seed",
        {"funding_stage": "pre-seed"},
        "portfolio.vouch",
        "funding_stage",
        "a priced round (seed or later), not pre-seed",
    ),
    Case(
        "unknown funding stage",
        {"funding_stage": "Series-Z"},
        "funding_stage",
        "funding_stage",
        "Funding stage must be one of",
    ),
    Case(
        "bedrock without model",
        {"poc.model": ""},
        "bedrock.model",
        "poc.model",
        "needs the model choice",
        base=bedrock_form,
    ),
    Case(
        "bedrock without evaluation",
        {"poc.evaluation_method": ""},
        "bedrock.evaluation",
        "poc.evaluation_method",
        "needs an evaluation method",
        base=bedrock_form,
    ),
    Case(
        "bedrock without budget",
        {"poc.budget": []},
        "bedrock.budget",
        "poc.budget",
        "needs an itemized budget",
        base=bedrock_form,
    ),
    Case(
        "bedrock budget does not add up",
        {"poc.budget[1].amount_usd": 5_000},
        "bedrock.budget",
        "poc.budget",
        "adds up to $20,000, not the $25,000 requested",
        base=bedrock_form,
    ),
    Case(
        "bedrock budget line unnamed",
        {"poc.budget[0].item": ""},
        "bedrock.budget",
        "poc.budget[0].item",
        "Name what this budget line pays for",
        base=bedrock_form,
    ),
    Case(
        "migrate without competitor",
        {"competitor_name": "No Competition"},
        "migrate.competitor",
        "competitor_name",
        "needs the competing cloud",
        base=migrate_form,
    ),
    Case(
        "migrate from nothing",
        {"current_cloud": "none"},
        "migrate.competitor",
        "current_cloud",
        "needs a current cloud",
        base=migrate_form,
    ),
    Case(
        "greenfield names a competitor",
        {"competitor_name": "Microsoft Azure"},
        "greenfield.competitor",
        "competitor_name",
        "greenfield build has no competing cloud",
    ),
    Case(
        "other competitor unnamed",
        {"competitor_name": "*Other", "current_cloud": "Heroku"},
        "competitor.other",
        "other_competitor_names",
        "Name the competitor",
        base=migrate_form,
    ),
    Case(
        "account id short",
        {"customer.aws_account_id": "12345"},
        "customer.aws_account_id",
        "customer.aws_account_id",
        "must be 12 digits, or GREENFIELD",
    ),
    Case(
        "account id with a space",
        {"customer.aws_account_id": "123456789012 "},
        "customer.aws_account_id",
        "customer.aws_account_id",
        "must be 12 digits",
    ),
    Case(
        "website with a space",
        {"customer.website": " https://lumen.example.com"},
        "customer.website",
        "customer.website",
        "well-formed URL",
    ),
    Case(
        "account id empty",
        {"customer.aws_account_id": ""},
        "customer.aws_account_id",
        "customer.aws_account_id",
        "must be 12 digits",
    ),
    Case(
        "website malformed",
        {"customer.website": "lumen dot com"},
        "customer.website",
        "customer.website",
        "well-formed URL",
    ),
    Case(
        "website missing",
        {"customer.website": ""},
        "customer.website",
        "customer.website",
        "Corporate website is required",
    ),
    Case(
        "company missing",
        {"customer.company_name": ""},
        "customer.company_name",
        "customer.company_name",
        "Customer legal name is required",
    ),
    Case(
        "email upper case",
        {"technical_contact.email": "Ada@Lumen.example.com"},
        "contact.email",
        "technical_contact.email",
        "only accepts lower-case",
    ),
    Case(
        "email malformed",
        {"business_contact.email": "bo@"},
        "contact.email",
        "business_contact.email",
        "Not a valid e-mail address",
    ),
    Case(
        "email missing",
        {"business_contact.email": ""},
        "contact.email",
        "business_contact.email",
        "needs an e-mail address",
    ),
    Case(
        "phone not E.164",
        {"technical_contact.phone": "415-555-0100"},
        "contact.phone",
        "technical_contact.phone",
        "international E.164",
    ),
    Case(
        "phone without plus",
        {"business_contact.phone": "4155550100"},
        "contact.phone",
        "business_contact.phone",
        "E.164",
    ),
    Case(
        "contact without last name",
        {"technical_contact.last_name": ""},
        "contact.required",
        "technical_contact.last_name",
        "needs a first and last name",
    ),
    Case(
        "impossible date",
        {"go_live": "2027-02-30"},
        "date.real",
        "go_live",
        "2027-02-30 is not a real calendar date",
    ),
    Case("date not ISO", {"work_start": "01/12/2026"}, "date.real", "work_start", "YYYY-MM-DD"),
    Case(
        "go-live before start",
        {"go_live": "2026-11-30"},
        "date.order",
        "go_live",
        "Go-live 2026-11-30 is before work start 2026-12-01",
    ),
    Case(
        "target close in the past",
        {"target_close_date": "2026-11-25"},
        "date.past",
        "target_close_date",
        "is in the past",
    ),
    Case(
        "target close too far",
        {"target_close_date": "2086-11-27"},
        "date.far",
        "target_close_date",
        "more than 60 years",
    ),
    Case(
        "target close missing",
        {"target_close_date": ""},
        "date.required",
        "target_close_date",
        "Target close date is required",
    ),
    Case(
        "use case short",
        {"use_case": "EC2 for ML."},
        "use_case.length",
        "use_case",
        "at least 20 characters (has 11)",
    ),
    Case(
        "use case long",
        {"use_case": "EC2 " * 501},
        "use_case.length",
        "use_case",
        "at most 2,000 characters (has 2,004)",
    ),
    Case(
        "use case generic",
        {"use_case": "A SaaS platform on AWS for our customers."},
        "use_case.generic",
        "use_case",
        "reads as generic",
        severity=Severity.WARNING,
    ),
    Case("no spend lines", {"spend": []}, "spend.none", "spend", "projected monthly AWS spend"),
    Case(
        "spend line zero",
        {"spend[1].monthly_usd": 0},
        "spend.line",
        "spend[1].monthly_usd",
        "must be above $0",
    ),
    Case(
        "spend line unnamed",
        {"spend[0].service": ""},
        "spend.line",
        "spend[0].service",
        "Name the AWS service",
    ),
    Case(
        "credits exceed spend",
        {"spend": [{"service": "EC2", "monthly_usd": 1_000}]},
        "spend.plausibility",
        "amount_requested_usd",
        "$100,000 requested is more than 12 months of the projected $1,000/month ($12,000)",
        severity=Severity.WARNING,
    ),
    Case(
        "deal size missing",
        {"annual_deal_size_usd": 0},
        "deal_size",
        "annual_deal_size_usd",
        "Estimate the annual deal size",
        severity=Severity.WARNING,
    ),
    Case(
        "stacked ceiling",
        {},
        "ceiling.stacked",
        "amount_requested_usd",
        "add up to $165,000 ($65,000 elsewhere), over the $150,000 stacked ceiling",
        others=(
            OtherRecord(
                partner_id=PARTNER_ID,
                pool=Pool.BUILD_FOR_STARTUPS,
                amount_requested_usd=25_000,
                amount_awarded_usd=25_000,
                state=RecordState.APPROVED,
            ),
            OtherRecord(
                partner_id=PARTNER_ID,
                pool=Pool.BEDROCK_POC,
                amount_requested_usd=40_000,
                state=RecordState.SUBMITTED,
            ),
        ),
    ),
    Case(
        "competing partner",
        {},
        "customer.competing_partner",
        "customer.company_name",
        "Another partner already has an open record for this customer",
        others=(
            OtherRecord(
                partner_id=99,
                pool=Pool.FOUNDERS,
                amount_requested_usd=10_000,
                state=RecordState.IDENTIFIED,
            ),
        ),
    ),
    Case(
        "second record for the pool",
        {},
        "pool.duplicate",
        "pool",
        "file one record per pool",
        severity=Severity.WARNING,
        others=(
            OtherRecord(
                partner_id=PARTNER_ID,
                pool=Pool.PORTFOLIO,
                amount_requested_usd=0,
                state=RecordState.IDENTIFIED,
            ),
        ),
    ),
    Case(
        "postal code format",
        {"customer.postal_code": "9410"},
        "customer.postal_code",
        "customer.postal_code",
        "United States postal code must be in 99999 OR 99999-9999",
    ),
    Case(
        "postal code where none exist",
        {
            "customer.country_code": "BO",
            "customer.postal_code": "123",
            "customer.state_or_region": "",
        },
        "customer.postal_code",
        "customer.postal_code",
        "Bolivia has no postal codes",
    ),
    Case(
        "postal code missing",
        {"customer.postal_code": ""},
        "customer.postal_code",
        "customer.postal_code",
        "Postal code is required for United States",
    ),
    Case(
        "country unknown",
        {"customer.country_code": "XX"},
        "customer.country_code",
        "customer.country_code",
        "ISO 3166 two-letter code",
    ),
    Case(
        "country missing",
        {"customer.country_code": ""},
        "customer.country_code",
        "customer.country_code",
        "Country is required",
    ),
    Case(
        "US state missing",
        {"customer.state_or_region": ""},
        "customer.state_or_region",
        "customer.state_or_region",
        "State is required for US customers",
    ),
    Case(
        "US state misspelt",
        {"customer.state_or_region": "Calif."},
        "customer.state_or_region",
        "customer.state_or_region",
        "is not a US state",
    ),
    Case(
        "state outside US",
        {"customer.country_code": "GB", "customer.postal_code": "SW1A 1AA"},
        "customer.state_or_region",
        "customer.state_or_region",
        "only sent for US customers",
        severity=Severity.WARNING,
    ),
    Case(
        "industry seed word",
        {"customer.industry": "fintech"},
        "customer.industry",
        "customer.industry",
        "one of Partner Central's 28 industries",
    ),
    Case(
        "industry other unnamed",
        {"customer.industry": "Other"},
        "customer.other_industry",
        "customer.other_industry",
        "Name the industry",
    ),
    Case(
        "national security outside government",
        {"national_security": "Yes"},
        "national_security",
        "national_security",
        "must have the Government industry",
    ),
    Case("title missing", {"title": ""}, "title", "title", "Project title is required"),
    Case(
        "partner role missing",
        {"partner_role": ""},
        "partner_role",
        "partner_role",
        "Describe the partner's role",
    ),
    Case(
        "use case picklist",
        {"customer_use_case": "Fintech stuff"},
        "submit.customer_use_case",
        "customer_use_case",
        "one of Partner Central's values",
    ),
    Case(
        "no delivery model",
        {"delivery_models": []},
        "submit.delivery_models",
        "delivery_models",
        "at least one delivery model",
    ),
    Case(
        "no sales activity",
        {"sales_activities": []},
        "submit.sales_activities",
        "sales_activities",
        "at least one sales activity",
    ),
    Case(
        "co-sell without needs",
        {"primary_needs": []},
        "submit.involvement",
        "primary_needs",
        "Co-Sell needs at least one primary need",
    ),
    Case(
        "visibility only with needs",
        {"involvement_type": "For Visibility Only"},
        "submit.involvement",
        "primary_needs",
        "For Visibility Only cannot ask AWS",
    ),
    Case(
        "co-sell without next steps",
        {"next_steps": " "},
        "submit.next_steps",
        "next_steps",
        "Co-Sell support needs next steps",
        severity=Severity.WARNING,
    ),
    Case(
        "engagement unknown",
        {"engagement_type": "Lift"},
        "engagement_type",
        "engagement_type",
        "Build or Migrate",
    ),
    # The botocore model's own enums, patterns and lengths, on the fields they came from.
    Case(
        "API: sales activity plural",
        {"sales_activities": ["Finalized Deployment Needs"]},
        "api.invalid_enum_value",
        "sales_activities[0]",
        "'Finalized Deployment Needs' is not one of the API's SalesActivity values",
    ),
    Case(
        "API: delivery model",
        {"delivery_models": ["Consulting"]},
        "api.invalid_enum_value",
        "delivery_models[0]",
        "DeliveryModel values",
    ),
    Case(
        "API: primary need",
        {"primary_needs": ["Help"]},
        "api.invalid_enum_value",
        "primary_needs[0]",
        "PrimaryNeedFromAws values",
    ),
    Case(
        "API: title length",
        {"title": "T" * 256},
        "api.invalid_string_format",
        "title",
        "Project.Title: must be at most 255 characters (has 256)",
    ),
    Case(
        "API: company length",
        {"customer.company_name": "C" * 121},
        "api.invalid_string_format",
        "customer.company_name",
        "at most 120 characters",
    ),
    Case(
        "API: partner role length",
        {"partner_role": "r" * 256},
        "api.invalid_string_format",
        "partner_role",
        "Project.OtherSolutionDescription: must be at most 255",
    ),
    Case(
        "API: next steps",
        {"next_steps": "n" * 256},
        "api.invalid_string_format",
        "next_steps",
        "LifeCycle.NextSteps",
    ),
    Case(
        "API: contact name length",
        {"business_contact.first_name": "B" * 81},
        "api.invalid_string_format",
        "business_contact.first_name",
        "at most 80",
    ),
    Case(
        "API: other competitor length",
        {
            "competitor_name": "*Other",
            "current_cloud": "Heroku",
            "other_competitor_names": "h" * 256,
        },
        "api.invalid_string_format",
        "other_competitor_names",
        "at most 255",
        base=migrate_form,
    ),
    Case(
        "API: opportunity type",
        {"opportunity_type": "Upsell"},
        "api.invalid_enum_value",
        "opportunity_type",
        "OpportunityType values",
    ),
    Case(
        "API: national security value",
        {"national_security": "Maybe"},
        "api.invalid_enum_value",
        "national_security",
        "NationalSecurity values",
    ),
    Case(
        "API: additional comments",
        {"additional_comments": "c" * 256},
        "api.invalid_string_format",
        "additional_comments",
        "at most 255",
    ),
    Case(
        "API: city length",
        {"customer.city": "c" * 256},
        "api.invalid_string_format",
        "customer.city",
        "Address.City",
    ),
    # The one text boundary: NUL, broken Unicode and giant pastes.
    Case(
        "NUL",
        {"customer.company_name": "Lumen\x00Inc"},
        "text",
        "customer.company_name",
        "NUL character",
    ),
    Case(
        "unpaired surrogate",
        {"use_case": "EC2 for 40 customers \ud800 and more"},
        "text",
        "use_case",
        "unpaired surrogate",
    ),
    Case(
        "100 kB paste",
        {"partner_role": "x" * 100_000},
        "text",
        "partner_role",
        "100,000 characters long",
    ),
]


def _apply(form: AceForm, edits: dict[str, Any]) -> AceForm:
    for path, value in edits.items():
        form = form.with_value(path, value)
    return form


def _matching(findings: list[Finding], case: Case) -> list[Finding]:
    return [f for f in findings if f.rule == case.rule and f.field == case.field]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_fails_with_its_message(case: Case) -> None:
    findings = validate(
        _apply(case.base(), case.edits), context(case.tier, case.others, case.today)
    )
    hits = _matching(findings, case)
    assert hits, f"no {case.rule} on {case.field}; got {findings}"
    assert any(case.message in f.message for f in hits), [f.message for f in hits]
    assert {f.severity for f in hits} == {case.severity}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_passes_on_the_unbroken_record(case: Case) -> None:
    assert _matching(validate(case.base(), context()), case) == []


@pytest.mark.parametrize(
    ("edits", "others"),
    [
        ({"customer.aws_account_id": "GREENFIELD"}, ()),
        ({"customer.website": "lumen.example.com"}, ()),
        ({"customer.website": "http://www.lumen.example.co.uk/about?x=1"}, ()),
        (
            {
                "customer.country_code": "GB",
                "customer.postal_code": "SW1A 1AA",
                "customer.state_or_region": "",
            },
            (),
        ),
        (
            {
                "customer.country_code": "BO",
                "customer.postal_code": "",
                "customer.state_or_region": "",
            },
            (),
        ),
        (
            {
                "customer.country_code": "IN",
                "customer.postal_code": "560 001",
                "customer.state_or_region": "",
            },
            (),
        ),
        (
            {"customer.state_or_region": "Dist. of Columbia", "customer.postal_code": "20001-1234"},
            (),
        ),
        ({"go_live": "2026-12-01"}, ()),
        ({"target_close_date": "2026-11-26"}, ()),
        ({"target_close_date": "2086-11-26"}, ()),
        ({"use_case": "Lumen forecasts retail demand; credits fund the training cluster."}, ()),
        ({"amount_requested_usd": 50_000}, ()),
        ({"involvement_type": "For Visibility Only", "primary_needs": []}, ()),
        ({"customer.industry": "Other", "customer.other_industry": "Deep tech"}, ()),
        # A rejected competitor and a closed engagement are history, not competition.
        (
            {},
            (
                OtherRecord(
                    partner_id=99,
                    pool=Pool.FOUNDERS,
                    amount_requested_usd=25_000,
                    state=RecordState.REJECTED,
                ),
                OtherRecord(
                    partner_id=98,
                    pool=Pool.FOUNDERS,
                    amount_requested_usd=25_000,
                    amount_awarded_usd=25_000,
                    state=RecordState.CLOSED,
                ),
            ),
        ),
        # Exactly at the ceiling is allowed; a rejected record takes nothing from it.
        (
            {},
            (
                OtherRecord(
                    partner_id=PARTNER_ID,
                    pool=Pool.BUILD_FOR_STARTUPS,
                    amount_requested_usd=25_000,
                    state=RecordState.IDENTIFIED,
                ),
                OtherRecord(
                    partner_id=PARTNER_ID,
                    pool=Pool.FOUNDERS,
                    amount_requested_usd=25_000,
                    state=RecordState.REJECTED,
                ),
            ),
        ),
        # A downgrade counts what landed, not what was asked.
        (
            {},
            (
                OtherRecord(
                    partner_id=PARTNER_ID,
                    pool=Pool.BEDROCK_POC,
                    amount_requested_usd=50_000,
                    amount_awarded_usd=20_000,
                    state=RecordState.DOWNGRADED,
                ),
            ),
        ),
    ],
)
def test_valid_variations_have_no_errors(
    edits: dict[str, Any], others: tuple[OtherRecord, ...]
) -> None:
    findings = validate(_apply(portfolio_form(), edits), context(others=others))
    assert not has_errors(findings), findings


def test_hostile_text_that_is_valid_data_passes() -> None:
    form = portfolio_form(
        customer=portfolio_form().customer.model_copy(
            update={"company_name": "شركة لومن 🚀 Robert'); DROP TABLE ace_records;--"}
        ),
        use_case="نستخدم EC2 و Bedrock لخدمة 40 عميلاً 🚀 -- '; SELECT * FROM partners; --",
    )
    assert validate(form, context()) == []


def test_every_finding_names_a_real_form_field() -> None:
    form = AceForm()
    findings = validate(form, context())
    assert has_errors(findings)
    for finding in findings:
        form.value_at(finding.field)


def test_empty_form_lists_what_is_missing() -> None:
    rules = {f.rule for f in validate(AceForm(), context())}
    assert {"customer.company_name", "spend.none", "use_case.length", "date.required"} <= rules
