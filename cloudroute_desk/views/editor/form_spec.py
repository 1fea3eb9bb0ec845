"""Which AceForm field goes in which section, with its label and the kind of editor it gets.

The labels are the editor's words for field paths; the findings summary uses them too.
Picklists come from the botocore service model (``ace_api_model.enum_values``) and the
catalog, never from lists typed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cloudroute_desk.domain.ace import api_model as ace_api_model
from cloudroute_desk.domain.ace import picklists as ace_picklists
from cloudroute_desk.domain.ace import rules as ace_rules
from cloudroute_desk.domain.ace import submission_rules as ace_submission_rules
from cloudroute_desk.domain.catalog import (
    POOLS,
    CurrentCloud,
    EngagementType,
    FundingStage,
)
from cloudroute_desk.domain.formatting import NO_VALUE
from cloudroute_desk.views.editor.fields import (
    ChecklistField,
    ChoiceField,
    DateField,
    FieldEditor,
    LineField,
    LinesField,
    MoneyField,
    TextField,
)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    path: str
    label: str
    make: Callable[[], FieldEditor]
    wide: bool = False
    """Spans both columns of the section (long text, tables, checklists)."""


@dataclass(frozen=True, slots=True)
class SectionSpec:
    key: str
    title: str
    fields: tuple[FieldSpec, ...]


def _pairs(
    values: tuple[str, ...] | list[str], blank: str | None = NO_VALUE
) -> list[tuple[str, str]]:
    pairs = [(v, v) for v in values]
    return [("", blank), *pairs] if blank is not None else pairs


def _enum(shape: str, blank: str | None = NO_VALUE) -> Callable[[], FieldEditor]:
    # The values are read when the list is first needed, not when the editor is built.
    return lambda: ChoiceField(lambda: _pairs(ace_api_model.enum_values(shape), blank))


def _choices(pairs: list[tuple[str, str]]) -> Callable[[], FieldEditor]:
    return lambda: ChoiceField(pairs)


def _line(placeholder: str = "") -> Callable[[], FieldEditor]:
    return lambda: LineField(placeholder)


def _text(lines: int = 4) -> Callable[[], FieldEditor]:
    return lambda: TextField(lines)


def _contact(prefix: str, who: str) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(f"{prefix}.first_name", f"{who} first name", _line()),
        FieldSpec(f"{prefix}.last_name", f"{who} last name", _line()),
        FieldSpec(f"{prefix}.title", f"{who} title", _line("CTO, VP Engineering, CEO…")),
        FieldSpec(f"{prefix}.email", f"{who} e-mail", _line("name@company.com (lower case)")),
        FieldSpec(f"{prefix}.phone", f"{who} phone", _line("+14155550100 (E.164)")),
    )


POOL_CHOICES = [(pool.value, spec.label) for pool, spec in POOLS.items() if spec.partner_filed]
US_STATES = sorted(ace_picklists.US_STATES_AND_TERRITORIES)

SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "customer",
        "Customer",
        (
            FieldSpec("customer.company_name", "Legal name", _line()),
            FieldSpec("customer.website", "Website", _line("https://company.com")),
            FieldSpec("customer.industry", "Industry", _enum("Industry")),
            FieldSpec("customer.other_industry", "Other industry", _line()),
            FieldSpec(
                "customer.aws_account_id",
                "AWS account ID",
                _line("12 digits, or GREENFIELD"),
            ),
            FieldSpec("customer.country_code", "Country", _enum("CountryCode")),
            FieldSpec("customer.state_or_region", "State (US)", _choices(_pairs(US_STATES))),
            FieldSpec("customer.postal_code", "Postal code", _line()),
            FieldSpec("customer.city", "City", _line()),
            FieldSpec("customer.street_address", "Street address", _line()),
        ),
    ),
    SectionSpec(
        "use_case",
        "Use case && spend",
        (
            FieldSpec("title", "Opportunity title", _line(), wide=True),
            FieldSpec("use_case", "Use case (1-3 paragraphs)", _text(6), wide=True),
            FieldSpec(
                "customer_use_case",
                "Use case picklist",
                _choices(_pairs(ace_picklists.CUSTOMER_USE_CASES)),
                wide=True,
            ),
            FieldSpec(
                "spend",
                "Projected monthly AWS spend",
                lambda: LinesField("service", "monthly_usd", ("Service", "Monthly USD")),
                wide=True,
            ),
        ),
    ),
    SectionSpec(
        "funding",
        "Funding",
        (
            FieldSpec("pool", "Pool", _choices(POOL_CHOICES)),
            FieldSpec("amount_requested_usd", "Amount requested", MoneyField),
            FieldSpec(
                "funding_stage",
                "Funding stage",
                _choices(_pairs([s.value for s in FundingStage])),
            ),
            FieldSpec("last_round", "Most recent round", _line("$8M Series A (priced)")),
            FieldSpec("lead_investor", "Lead investor", _line()),
        ),
    ),
    SectionSpec(
        "engagement",
        "Engagement",
        (
            FieldSpec(
                "engagement_type",
                "Engagement type",
                _choices(_pairs([e.value for e in EngagementType], blank=None)),
            ),
            FieldSpec(
                "engagement_subtype",
                "Sub-type",
                _choices([(v, v or NO_VALUE) for v in ace_rules.ENGAGEMENT_SUBTYPES]),
            ),
            FieldSpec("work_start", "Work starts", _line("YYYY-MM-DD")),
            FieldSpec("go_live", "Customer go-live", _line("YYYY-MM-DD")),
            FieldSpec(
                "current_cloud",
                "Current cloud",
                _choices(_pairs([c.value for c in CurrentCloud], blank=None)),
            ),
            FieldSpec("competitor_name", "Competing cloud (API)", _enum("CompetitorName")),
            FieldSpec("other_competitor_names", "Other competitor", _line()),
            FieldSpec("annual_deal_size_usd", "Annual deal size after credits", MoneyField),
            FieldSpec("partner_role", "Partner role", _text(3), wide=True),
        ),
    ),
    SectionSpec(
        "contacts",
        "Contacts",
        _contact("technical_contact", "Technical") + _contact("business_contact", "Business"),
    ),
    SectionSpec(
        "poc",
        "Bedrock POC plan",
        (
            FieldSpec("poc.model", "Model", _line("e.g. Claude on Bedrock")),
            FieldSpec("poc.evaluation_method", "Evaluation method", _text(3), wide=True),
            FieldSpec(
                "poc.budget",
                "Budget itemization",
                lambda: LinesField("item", "amount_usd", ("Item", "USD")),
                wide=True,
            ),
        ),
    ),
    SectionSpec(
        "partner_central",
        "Partner Central",
        (
            FieldSpec("target_close_date", "Target close date", DateField),
            FieldSpec("opportunity_type", "Opportunity type", _enum("OpportunityType", None)),
            FieldSpec("related_opportunity_identifier", "Renews opportunity", _line("O…")),
            FieldSpec(
                "involvement_type",
                "Involvement type",
                _choices(_pairs(list(ace_submission_rules.INVOLVEMENT_TYPES), blank=None)),
            ),
            FieldSpec("national_security", "National security", _enum("NationalSecurity", None)),
            FieldSpec(
                "delivery_models",
                "Delivery models",
                lambda: ChecklistField(lambda: ace_api_model.enum_values("DeliveryModel")),
                wide=True,
            ),
            FieldSpec(
                "primary_needs",
                "Primary needs from AWS",
                lambda: ChecklistField(lambda: ace_api_model.enum_values("PrimaryNeedFromAws")),
                wide=True,
            ),
            FieldSpec(
                "sales_activities",
                "Sales activities",
                lambda: ChecklistField(lambda: ace_api_model.enum_values("SalesActivity")),
                wide=True,
            ),
            FieldSpec("next_steps", "Next steps", _text(2), wide=True),
            FieldSpec("additional_comments", "Additional comments", _text(2), wide=True),
        ),
    ),
)

LABELS: dict[str, str] = {spec.path: spec.label for s in SECTIONS for spec in s.fields}


def owner_path(field: str) -> str | None:
    """The form row showing a finding on ``field``: itself, or the nearest listed parent
    (``spend[2].monthly_usd`` shows under ``spend``)."""
    candidate = field
    while candidate:
        if candidate in LABELS:
            return candidate
        cut = max(candidate.rfind("."), candidate.rfind("["))
        if cut <= 0:
            return None
        candidate = candidate[:cut]
    return None


def label_for(field: str) -> str:
    owner = owner_path(field)
    if owner is None:
        return field
    label = LABELS[owner]
    rest = field[len(owner) :]
    if rest.startswith("["):
        line = rest[1 : rest.index("]")]
        label = f"{label}, line {int(line) + 1}"
    return label
