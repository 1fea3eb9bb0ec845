"""An ACE record form as the Partner Central ``CreateOpportunity`` request.

Mapping (form field -> request member):

=================================  =====================================================
customer.company_name              Customer.Account.CompanyName
customer.website                   Customer.Account.WebsiteUrl
customer.industry / other_industry Customer.Account.Industry / OtherIndustry (Other only)
customer.aws_account_id            Customer.Account.AwsAccountId (left out for GREENFIELD)
customer.country_code ...          Customer.Account.Address.{CountryCode, PostalCode,
                                   StateOrRegion (US only), City, StreetAddress}
business_contact, technical_contact Customer.Contacts[0], [1] (blank contacts left out)
use_case                           Project.CustomerBusinessProblem
spend (sum of monthly_usd)         Project.ExpectedCustomerSpend[0] (USD, Monthly, AWS):
                                   the API has no per-service breakdown
title, customer_use_case           Project.Title, Project.CustomerUseCase
delivery_models, sales_activities  Project.DeliveryModels, Project.SalesActivities
competitor_name / other_...        Project.CompetitorName / OtherCompetitorNames (*Other)
partner_role                       Project.OtherSolutionDescription (the partner's offer
                                   until a Partner Central solution is associated)
additional_comments                Project.AdditionalComments
pool = map                         Project.ApnPrograms = [Migration Acceleration Program]
primary_needs                      PrimaryNeedsFromAws
national_security                  NationalSecurity
(the record's identity)            PartnerOpportunityIdentifier = CloudRoute's id
                                   (``partner_central_ids``), Tags = cloudroute:inquiry,
                                   cloudroute:record, cloudroute:assignment,
                                   cloudroute:partner, cloudroute:pool
opportunity_type                   OpportunityType
related_opportunity_identifier     Project.RelatedOpportunityIdentifier (Flat Renewal)
target_close_date, next_steps      LifeCycle.TargetCloseDate, LifeCycle.NextSteps
(the draft's state)                LifeCycle.Stage = Qualified (catalog.API_STAGE_AND_REVIEW)
(constant)                         Origin = Partner Referral; Marketing.Source = None
=================================  =====================================================

Pool, amount requested, funding round, lead investor, timeline and POC plan have no
CreateOpportunity member; they travel with the credit application, not the opportunity.
The identity is derived from the database ids, never typed: with no identity (a form
validated on its own, ``cloudroute-desk validate``) neither member is sent.
Empty optional text is left out rather than sent as "" (the API treats a present member as
a value to check).
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel, ConfigDict

from cloudroute_desk.domain.ace import vocab as ace_vocab
from cloudroute_desk.domain.ace.form import GREENFIELD_ACCOUNT, AceForm, FormContact
from cloudroute_desk.domain.ace.partner_central_ids import cloudroute_opportunity_id
from cloudroute_desk.domain.catalog import API_STAGE_AND_REVIEW, Pool, RecordState

ORIGIN: Final = "Partner Referral"
CURRENCY: Final = "USD"
TAG_PREFIX: Final = "cloudroute:"


class RoutingIdentity(BaseModel):
    """Where a record sits in CloudRoute's routing: exported as its PartnerOpportunityIdentifier
    and Tags, so Partner Central's answers (and anyone reading them) lead back to the routing
    decision."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inquiry_id: int
    record_id: int
    partner_id: int
    assignment_id: int | None = None
    """The assignment of the record's partner to the inquiry; None for an imported record
    whose partner never held it through CloudRoute."""
    pool: str

    @property
    def opportunity_identifier(self) -> str:
        return cloudroute_opportunity_id(self.inquiry_id, self.record_id)

    def tags(self) -> list[dict[str, str]]:
        """The request's Tags: one ``cloudroute:*`` key per routing fact."""
        values = {
            "inquiry": str(self.inquiry_id),
            "record": str(self.record_id),
            "assignment": "" if self.assignment_id is None else str(self.assignment_id),
            "partner": str(self.partner_id),
            "pool": self.pool,
        }
        return [{"Key": TAG_PREFIX + key, "Value": value} for key, value in values.items() if value]


def to_create_opportunity(
    form: AceForm,
    *,
    client_token: str,
    catalog: str = "AWS",
    identity: RoutingIdentity | None = None,
) -> dict[str, Any]:
    """The ``CreateOpportunity`` request body for ``form``."""
    return export_with_paths(form, client_token=client_token, catalog=catalog, identity=identity)[0]


def export_with_paths(
    form: AceForm,
    *,
    client_token: str,
    catalog: str = "AWS",
    identity: RoutingIdentity | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The request body plus, for each request member path, the form field it came from, so an
    API-model violation can be shown on the field the admin typed into."""
    paths: dict[str, str] = {"Catalog": "", "ClientToken": ""}
    customer = form.customer

    account: dict[str, Any] = {}
    _put(
        account,
        "CompanyName",
        customer.company_name,
        paths,
        "Customer.Account",
        "customer.company_name",
        keep_empty=True,
    )
    _put(account, "WebsiteUrl", customer.website, paths, "Customer.Account", "customer.website")
    _put(account, "Industry", customer.industry, paths, "Customer.Account", "customer.industry")
    if customer.industry == ace_vocab.OTHER_INDUSTRY:
        _put(
            account,
            "OtherIndustry",
            customer.other_industry,
            paths,
            "Customer.Account",
            "customer.other_industry",
        )
    if customer.aws_account_id != GREENFIELD_ACCOUNT:
        _put(
            account,
            "AwsAccountId",
            customer.aws_account_id,
            paths,
            "Customer.Account",
            "customer.aws_account_id",
        )
    address: dict[str, Any] = {}
    prefix = "Customer.Account.Address"
    _put(address, "CountryCode", customer.country_code, paths, prefix, "customer.country_code")
    _put(address, "PostalCode", customer.postal_code, paths, prefix, "customer.postal_code")
    if customer.country_code == "US":
        _put(
            address,
            "StateOrRegion",
            customer.state_or_region,
            paths,
            prefix,
            "customer.state_or_region",
        )
    _put(address, "City", customer.city, paths, prefix, "customer.city")
    _put(
        address, "StreetAddress", customer.street_address, paths, prefix, "customer.street_address"
    )
    if address:
        account["Address"] = address

    contacts: list[dict[str, str]] = []
    for field_name, contact in (
        ("business_contact", form.business_contact),
        ("technical_contact", form.technical_contact),
    ):
        if not contact.is_blank():
            contacts.append(
                _contact(contact, f"Customer.Contacts[{len(contacts)}]", field_name, paths)
            )
    customer_body: dict[str, Any] = {"Account": account}
    if contacts:
        customer_body["Contacts"] = contacts

    project: dict[str, Any] = {}
    _put_list(project, "DeliveryModels", form.delivery_models, paths, "Project", "delivery_models")
    project["ExpectedCustomerSpend"] = [
        {
            "Amount": str(form.monthly_spend_usd),
            "CurrencyCode": CURRENCY,
            "Frequency": "Monthly",
            "TargetCompany": "AWS",
        }
    ]
    paths["Project.ExpectedCustomerSpend"] = "spend"
    paths["Project.ExpectedCustomerSpend[0].Amount"] = "spend"
    _put(project, "Title", form.title, paths, "Project", "title")
    if form.pool == Pool.MAP.value:
        project["ApnPrograms"] = [ace_vocab.APN_PROGRAM_BY_POOL[Pool.MAP]]
        paths["Project.ApnPrograms"] = "pool"
    _put(project, "CustomerBusinessProblem", form.use_case, paths, "Project", "use_case")
    _put(project, "CustomerUseCase", form.customer_use_case, paths, "Project", "customer_use_case")
    _put_list(
        project, "SalesActivities", form.sales_activities, paths, "Project", "sales_activities"
    )
    _put(project, "CompetitorName", form.competitor_name, paths, "Project", "competitor_name")
    if form.competitor_name == ace_vocab.OTHER_COMPETITOR:
        _put(
            project,
            "OtherCompetitorNames",
            form.other_competitor_names,
            paths,
            "Project",
            "other_competitor_names",
        )
    _put(project, "OtherSolutionDescription", form.partner_role, paths, "Project", "partner_role")
    _put(
        project,
        "RelatedOpportunityIdentifier",
        form.related_opportunity_identifier,
        paths,
        "Project",
        "related_opportunity_identifier",
    )
    _put(
        project,
        "AdditionalComments",
        form.additional_comments,
        paths,
        "Project",
        "additional_comments",
    )

    life_cycle: dict[str, Any] = {"Stage": API_STAGE_AND_REVIEW[RecordState.IDENTIFIED][0]}
    _put(
        life_cycle,
        "TargetCloseDate",
        form.target_close_date,
        paths,
        "LifeCycle",
        "target_close_date",
    )
    _put(life_cycle, "NextSteps", form.next_steps, paths, "LifeCycle", "next_steps")

    payload: dict[str, Any] = {"Catalog": catalog, "ClientToken": client_token}
    _put_list(payload, "PrimaryNeedsFromAws", form.primary_needs, paths, "", "primary_needs")
    _put(payload, "NationalSecurity", form.national_security, paths, "", "national_security")
    if identity is not None:
        # Mapped to no form field: a violation here names the request member itself.
        payload["PartnerOpportunityIdentifier"] = identity.opportunity_identifier
        paths["PartnerOpportunityIdentifier"] = ""
    payload["Customer"] = customer_body
    payload["Project"] = project
    _put(payload, "OpportunityType", form.opportunity_type, paths, "", "opportunity_type")
    payload["Marketing"] = {"Source": "None"}
    payload["LifeCycle"] = life_cycle
    payload["Origin"] = ORIGIN
    if identity is not None:
        payload["Tags"] = identity.tags()
        paths["Tags"] = ""
    return payload, paths


def form_field_for(api_path: str, paths: dict[str, str]) -> str:
    """The form field behind a request path; the nearest mapped ancestor when the path itself
    was not mapped (e.g. a missing required member of a structure)."""
    candidate = api_path
    while candidate:
        if candidate in paths:
            return paths[candidate] or api_path
        cut = max(candidate.rfind("."), candidate.rfind("["))
        candidate = candidate[:cut] if cut > 0 else ""
    return api_path


def _put(
    body: dict[str, Any],
    member: str,
    value: str,
    paths: dict[str, str],
    prefix: str,
    field: str,
    *,
    keep_empty: bool = False,
) -> None:
    if value or keep_empty:
        body[member] = value
        paths[f"{prefix}.{member}" if prefix else member] = field


def _put_list(
    body: dict[str, Any],
    member: str,
    values: list[str],
    paths: dict[str, str],
    prefix: str,
    field: str,
) -> None:
    if values:
        body[member] = list(values)
        path = f"{prefix}.{member}" if prefix else member
        paths[path] = field
        for index in range(len(values)):
            paths[f"{path}[{index}]"] = f"{field}[{index}]"


def _contact(contact: FormContact, path: str, field: str, paths: dict[str, str]) -> dict[str, str]:
    body: dict[str, str] = {}
    _put(body, "FirstName", contact.first_name, paths, path, f"{field}.first_name")
    _put(body, "LastName", contact.last_name, paths, path, f"{field}.last_name")
    _put(body, "Email", contact.email, paths, path, f"{field}.email")
    _put(body, "Phone", contact.phone, paths, path, f"{field}.phone")
    _put(body, "BusinessTitle", contact.title, paths, path, f"{field}.title")
    paths[path] = field
    return body
