"""The ACE opportunity record as the editor's form holds it.

Every field of an ACE opportunity record (``docs/ace-records.md``) plus the Partner Central
fields a valid ``CreateOpportunity`` needs. Values are what a form widget holds: text as
``str`` (dates as ISO ``YYYY-MM-DD`` text, empty when unset, so an impossible date such as
2025-02-30 is a finding rather than a parse failure), money as whole USD ``int``, picklists as
the API's exact strings. Nothing here validates beyond types: the rules live in ``ace_rules``
so a half-typed draft can always be built, stored and shown with its findings.

Field paths (``customer.website``, ``spend[2].monthly_usd``) name the attributes below; the
findings, the editor and the exporter all use them.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cloudroute_desk.domain.ace import vocab as ace_vocab
from cloudroute_desk.domain.catalog import POOLS, CurrentCloud, EngagementType, Pool
from cloudroute_desk.domain.entities import Contact, Inquiry, Partner

GREENFIELD_ACCOUNT = "GREENFIELD"
LEGACY_PARTNER_ID = "partner_opportunity_identifier"
"""A form field that no longer exists: Partner Central's PartnerOpportunityIdentifier."""
"""What the AWS account ID field holds when the customer has no AWS account yet."""


class _FormPart(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FormContact(_FormPart):
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    """E.164, e.g. +14155550100."""
    title: str = ""

    def is_blank(self) -> bool:
        return not (self.first_name or self.last_name or self.email or self.phone or self.title)


class FormSpendLine(_FormPart):
    service: str = ""
    monthly_usd: int = 0


class BudgetLine(_FormPart):
    item: str = ""
    amount_usd: int = 0


class FormPocPlan(_FormPart):
    """Bedrock POC only: which model, how it is judged, and what the credits pay for."""

    model: str = ""
    evaluation_method: str = ""
    budget: list[BudgetLine] = Field(default_factory=list)

    @property
    def budget_total_usd(self) -> int:
        return sum(line.amount_usd for line in self.budget)


class CustomerPart(_FormPart):
    company_name: str = ""
    website: str = ""
    industry: str = ""
    """One of the API's 28 Industry values."""
    other_industry: str = ""
    """Required when ``industry`` is Other."""
    country_code: str = ""
    """ISO 3166 alpha-2 (the API's CountryCode enum)."""
    postal_code: str = ""
    state_or_region: str = ""
    """A US state or territory as the API spells it; only for US customers."""
    city: str = ""
    street_address: str = ""
    aws_account_id: str = ""
    """12 digits, or GREENFIELD_ACCOUNT when the customer has no AWS account yet."""


class AceForm(_FormPart):
    # Customer (seed VII.1, VII.8, VII.11; API Customer.Account)
    customer: CustomerPart = Field(default_factory=CustomerPart)
    # What the credits fund (seed VII.2, VII.3, VII.4, VII.5, VII.6)
    use_case: str = ""
    """1-3 paragraphs; exported as Project.CustomerBusinessProblem (20-2,000 characters)."""
    spend: list[FormSpendLine] = Field(default_factory=list)
    """Projected monthly AWS spend by service."""
    engagement_type: str = EngagementType.BUILD.value
    engagement_subtype: str = ""
    """Optional: Modernize or Optimize."""
    annual_deal_size_usd: int = 0
    """Estimated annual deal size after credits."""
    partner_role: str = ""
    # Funding source (seed VII.7)
    pool: str = Pool.FOUNDERS.value
    amount_requested_usd: int = 0
    # The institutional vouch (seed VII.9)
    funding_stage: str = ""
    last_round: str = ""
    """The most recent round, e.g. "$8M Series A (priced)"."""
    lead_investor: str = ""
    # Timeline (seed VII.10; ISO dates, empty when unset)
    work_start: str = ""
    go_live: str = ""
    # Competing cloud presence (seed VII.12)
    current_cloud: str = CurrentCloud.NONE.value
    """The intake's word (none, GCP, Azure, Heroku, on-prem, other)."""
    competitor_name: str = ""
    """The API's CompetitorName value."""
    other_competitor_names: str = ""
    # Contacts (seed VII.13)
    technical_contact: FormContact = Field(default_factory=FormContact)
    business_contact: FormContact = Field(default_factory=FormContact)
    # Bedrock POC plan
    poc: FormPocPlan = Field(default_factory=FormPocPlan)
    # Partner Central fields with no seed counterpart
    title: str = ""
    customer_use_case: str = ""
    """The API's CustomerUseCase picklist (39 values)."""
    delivery_models: list[str] = Field(default_factory=list)
    primary_needs: list[str] = Field(default_factory=list)
    sales_activities: list[str] = Field(default_factory=list)
    target_close_date: str = ""
    involvement_type: str = ace_vocab.DEFAULT_INVOLVEMENT_TYPE
    opportunity_type: str = "Net New Business"
    related_opportunity_identifier: str = ""
    """Partner Central id (O...) of the opportunity a Flat Renewal renews."""
    national_security: str = "No"
    next_steps: str = ""
    additional_comments: str = ""

    @model_validator(mode="before")
    @classmethod
    def _forget_typed_partner_id(cls, data: Any) -> Any:
        # Forms saved before issue 15 held a typed "Partner CRM ID"; the identifier Partner
        # Central gets is now derived from the record's ids (``partner_central_ids``), so
        # the old value is dropped on reading rather than refused.
        if isinstance(data, dict) and LEGACY_PARTNER_ID in data:
            data = {key: value for key, value in data.items() if key != LEGACY_PARTNER_ID}
        return data

    @property
    def monthly_spend_usd(self) -> int:
        return sum(line.monthly_usd for line in self.spend)

    @property
    def is_greenfield(self) -> bool:
        """Build with no current cloud: nothing to migrate from."""
        return (
            self.engagement_type == EngagementType.BUILD.value
            and self.current_cloud == CurrentCloud.NONE.value
        )

    @classmethod
    def from_inquiry(
        cls, inquiry: Inquiry, partner: Partner, pool: Pool, *, today: date | None = None
    ) -> AceForm:
        """A new record prefilled from the intake so nothing is typed twice.

        ``today`` (when given) sets the target close date to the end of the pool's expected
        review band; without it the date stays empty for the admin to choose.
        """
        industry, other_industry = ace_vocab.industry_for(inquiry.vertical)
        competitor, other_competitor = ace_vocab.competitor_for(inquiry.current_cloud)
        spec = POOLS[pool]
        target_close = ""
        if today is not None:
            band_high = spec.band_days[1] if spec.band_days else 30
            target_close = (today + timedelta(days=band_high)).isoformat()
        return cls(
            customer=CustomerPart(
                company_name=inquiry.company_name,
                website=inquiry.website,
                industry=industry,
                other_industry=other_industry,
                country_code=ace_vocab.country_for(inquiry.region),
                aws_account_id=GREENFIELD_ACCOUNT
                if inquiry.current_cloud == CurrentCloud.NONE
                else "",
            ),
            spend=[
                FormSpendLine(service=s.service, monthly_usd=s.monthly_usd) for s in inquiry.spend
            ],
            engagement_type=inquiry.engagement_type.value,
            pool=pool.value,
            amount_requested_usd=spec.max_usd or 0,
            funding_stage=inquiry.funding_stage.value,
            last_round=inquiry.last_round,
            lead_investor=inquiry.lead_investor,
            current_cloud=inquiry.current_cloud.value,
            competitor_name=competitor,
            other_competitor_names=other_competitor,
            technical_contact=_form_contact(inquiry.technical_contact),
            business_contact=_form_contact(inquiry.business_contact),
            title=generated_title(inquiry.company_name, pool),
            customer_use_case=ace_vocab.use_case_for(
                inquiry.service_profile, inquiry.engagement_type
            ),
            delivery_models=list(ace_vocab.DEFAULT_DELIVERY_MODELS),
            primary_needs=list(ace_vocab.DEFAULT_PRIMARY_NEEDS),
            sales_activities=list(ace_vocab.DEFAULT_SALES_ACTIVITIES),
            target_close_date=target_close,
            partner_role=f"{partner.name}: architecture review and credit application",
        )

    def value_at(self, path: str) -> Any:
        """The value at a field path such as ``spend[2].monthly_usd``."""
        target: Any = self
        for name, index in _split_path(path):
            target = getattr(target, name)
            if index is not None:
                target = target[index]
        return target

    def with_value(self, path: str, value: Any) -> AceForm:
        """A copy with the field at ``path`` replaced (the editor's one way to write)."""
        data = self.model_dump()
        parts = _split_path(path)
        container: Any = data
        for name, index in parts[:-1]:
            container = container[name]
            if index is not None:
                container = container[index]
        last_name, last_index = parts[-1]
        if last_index is None:
            container[last_name] = value
        else:
            container[last_name][last_index] = value
        if path == "pool" and self.title == generated_title(
            self.customer.company_name, _pool_or_none(self.pool)
        ):
            # The title was never edited: it follows the pool, so an export never names a
            # pool the record is not for.
            data["title"] = generated_title(self.customer.company_name, _pool_or_none(value))
        return AceForm.model_validate(data)


def generated_title(company_name: str, pool: Pool | None) -> str:
    """The opportunity title a new record starts with: "<company> - <pool label>"."""
    label = POOLS[pool].label if pool is not None else ""
    return f"{company_name} - {label}"[:255]


def _pool_or_none(value: object) -> Pool | None:
    try:
        return Pool(str(value))
    except ValueError:
        return None


_PATH_PART = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def _split_path(path: str) -> list[tuple[str, int | None]]:
    parts: list[tuple[str, int | None]] = []
    for piece in path.split("."):
        match = _PATH_PART.fullmatch(piece)
        if match is None:
            raise ValueError(f"not a form field path: {path!r}")
        parts.append((match[1], int(match[2]) if match[2] is not None else None))
    return parts


def _form_contact(contact: Contact) -> FormContact:
    first, _, last = contact.name.strip().rpartition(" ")
    if not first:
        first, last = last, ""
    return FormContact(
        first_name=first,
        last_name=last,
        email=contact.email.strip().lower(),
        phone=contact.phone.strip(),
        title=contact.title,
    )
