"""Every demo record's form, complete and valid, as the partner filed it and keeps it.

The form starts from ``AceForm.from_inquiry`` (the editor's own prefill) and adds what an
admin types after the discovery call: the address, the AWS account, a specific use-case
paragraph, the partner's role, dates, the sales activities and next steps the record's state
implies, and a Bedrock POC plan. The same rules as the editor judge it (``domain/ace/rules``):
a demo record in any state has no errors, so it opens clean and exports.

Speed and size, at 1.4 M records: ``from_inquiry`` depends on an inquiry's identity (names,
website, contacts, spend, funding) only by copying it, and on its picklist facts (vertical,
region, cloud, engagement, profile) through the vocabulary tables. So it runs once per
combination of those facts, on the first inquiry that has it, and the identity is copied in
per inquiry (``tests/test_demo_forms.py`` checks the result equals ``from_inquiry`` field by
field). The JSON is stored sparse, members equal to the form's defaults left out, exactly as
``model_dump(exclude_defaults=True)`` writes it; ``AceForm.model_validate`` reads it back to
the same form.

Dates: Partner Central refuses a past ``TargetCloseDate`` on every create and update, and the
editor and the export judge a record against today, so a record a partner keeps current has
its target close date ahead: the demo's lie 3 to 12 months after the day it was generated
(a draft's at the end of its pool's review band, as the editor's prefill sets it).

Randomness comes from a stream of its own (``RecordForms.rng``), so inquiries, assignments
and outcomes are the same whatever the forms hold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from cloudroute_desk.demo import addresses, vocab
from cloudroute_desk.demo.partners import PartnerPlan
from cloudroute_desk.domain.ace import vocab as ace_vocab
from cloudroute_desk.domain.ace.form import GREENFIELD_ACCOUNT, AceForm, generated_title
from cloudroute_desk.domain.catalog import (
    AWARDED_STATES,
    POOLS,
    CurrentCloud,
    EngagementType,
    FundingStage,
    Pool,
    RecordState,
    Region,
    ServiceProfile,
    Vertical,
)
from cloudroute_desk.domain.entities import Contact, Inquiry, Partner, SpendLine

POC_MODELS = (
    "Anthropic Claude on Amazon Bedrock",
    "Meta Llama on Amazon Bedrock",
    "Amazon Titan Text Embeddings with Claude for generation",
    "Mistral Large on Amazon Bedrock",
)
POC_EVALUATIONS = (
    "Offline set of 500 labelled cases: answer accuracy and p95 latency against the baseline",
    "Human review of 200 sampled outputs per week plus automatic groundedness scoring",
    "A/B test with 10 pilot customers: task completion rate and cost per request",
)
OTHER_CLOUDS = ("DigitalOcean", "OVHcloud", "Hetzner", "Linode", "Vultr", "Render")
"""What an admin writes in OtherCompetitorNames when the intake only said "other"."""

_STATE = RecordState
_STARTED = ace_vocab.DEFAULT_SALES_ACTIVITIES[0]
_AGREED = "Agreed on solution to Business Problem"
SALES_ACTIVITIES: dict[str, list[str]] = {
    _STATE.IDENTIFIED.value: list(ace_vocab.DEFAULT_SALES_ACTIVITIES),
    _STATE.SUBMITTED.value: [_STARTED, "Customer has shown interest in solution"],
    _STATE.VALIDATED.value: [_STARTED, "Customer has shown interest in solution"],
    _STATE.REJECTED.value: [_STARTED, "Customer has shown interest in solution"],
    _STATE.APPROVED.value: [_STARTED, _AGREED],
    _STATE.DOWNGRADED.value: [_STARTED, _AGREED],
    _STATE.LAUNCHED.value: [_STARTED, _AGREED, "Completed Action Plan"],
    _STATE.CLOSED.value: [_STARTED, _AGREED, "SOW Signed"],
}
"""Partner Central's SalesActivities as a record's state implies them (the milestones only:
each member is stored in every one of a million forms)."""
NEXT_STEPS: dict[str, str] = {
    _STATE.IDENTIFIED.value: "Confirm the spend estimate, then submit.",
    _STATE.SUBMITTED.value: "Architecture review with the CTO.",
    _STATE.VALIDATED.value: "Architecture review with the CTO.",
    _STATE.REJECTED.value: "Review the rejection with the founder.",
    _STATE.APPROVED.value: "Start the build with the customer.",
    _STATE.DOWNGRADED.value: "Start the build with the customer.",
    _STATE.LAUNCHED.value: "Monthly cost review with the customer.",
    _STATE.CLOSED.value: "Quarterly check-in with the founder.",
}
CLOSE_DAYS_AHEAD = (90, 365)
"""A filed record's target close date, in days after the day the demo is generated."""
BAND_END_DAYS = {
    pool.value: (spec.band_days[1] if spec.band_days else 30) for pool, spec in POOLS.items()
}
"""A draft's target close date in days after its creation: the end of the pool's review band,
as ``AceForm.from_inquiry`` sets it."""

_ACCOUNT_SPACE = 9 * 10**11
_ACCOUNT_STEP = 314_159_265_359
"""Coprime with ``_ACCOUNT_SPACE``: inquiry id -> account is one-to-one, so two demo inquiries
never share an AWS account (which would make them one customer, ``domain/customer.py``)."""

_DEFAULTS: dict[str, Any] = AceForm().model_dump(mode="json")
_IDENTITY = (
    "spend", "funding_stage", "last_round", "lead_investor", "technical_contact",
    "business_contact",
)  # fmt: skip
_PER_RECORD = ("pool", "amount_requested_usd", "title", "partner_role", "target_close_date")
_CUSTOMER_IDENTITY = ("company_name", "website", "aws_account_id")

TemplateKey = tuple[str, str, str, str, str]


def account_number(inquiry_id: int) -> str:
    """The customer's 12-digit AWS account: distinct per inquiry, scattered like real ids."""
    return str(10**11 + inquiry_id * _ACCOUNT_STEP % _ACCOUNT_SPACE)


@dataclass(slots=True)
class InquiryForm:
    """The part of the form all of one inquiry's records share."""

    base: dict[str, Any]
    customer_filed: dict[str, Any]
    """``customer`` before credits land (a greenfield startup has no account yet)."""
    customer_credited: dict[str, Any]
    """``customer`` once credits landed in the account."""


class RecordForms:
    """Builds the ``fields`` JSON of each demo record; one per generator run."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.today = now.toordinal()
        self._templates: dict[TemplateKey, dict[str, Any]] = {}

    def for_inquiry(
        self, inquiry: dict[str, Any], spend: list[dict[str, Any]], partner: PartnerPlan
    ) -> InquiryForm:
        rng = self.rng
        template = self._template(inquiry, spend, partner)
        base = dict(template)
        base["use_case"] = _use_case(rng, inquiry, spend)
        base["spend"] = [
            {"service": line["service"], "monthly_usd": line["monthly_usd"]} for line in spend
        ]
        base["annual_deal_size_usd"] = round(inquiry["monthly_spend_usd"] * 12, -3)
        base["funding_stage"] = inquiry["funding_stage"]
        base["last_round"] = inquiry["last_round"]
        if inquiry["lead_investor"]:
            base["lead_investor"] = inquiry["lead_investor"]
        base["technical_contact"] = _contact(inquiry["technical_contact"])
        base["business_contact"] = _contact(inquiry["business_contact"])
        if base.get("competitor_name") == ace_vocab.OTHER_COMPETITOR and not base.get(
            "other_competitor_names"
        ):
            base["other_competitor_names"] = rng.choice(OTHER_CLOUDS)
        customer = dict(base["customer"])
        customer["company_name"] = inquiry["company_name"]
        customer["website"] = inquiry["website"]
        customer.update(addresses.address(rng, inquiry["business_contact"]["phone"]))
        account = account_number(inquiry["id"])
        credited = {**customer, "aws_account_id": account}
        greenfield = inquiry["current_cloud"] == CurrentCloud.NONE.value
        filed = {**customer, "aws_account_id": GREENFIELD_ACCOUNT} if greenfield else credited
        return InquiryForm(base, filed, credited)

    def fields(self, part: InquiryForm, record: dict[str, Any]) -> dict[str, Any]:
        """The record's form as stored: complete for its state, sparse."""
        rng = self.rng
        pool: str = record["pool"]
        state: str = record["state"]
        amount: int = record["amount_requested_usd"]
        fields = dict(part.base)
        fields["customer"] = (
            part.customer_credited if state in AWARDED_STATES else part.customer_filed
        )
        if pool != _DEFAULTS["pool"]:
            fields["pool"] = pool
        fields["amount_requested_usd"] = amount
        fields["title"] = generated_title(part.customer_filed["company_name"], Pool(pool))
        fields["partner_role"] = rng.choice(vocab.PARTNER_ROLES)
        # Day numbers and a cache of their ISO text: a million records share a few
        # thousand dates, and date arithmetic plus isoformat is most of this function.
        random_ = rng.random
        created = record["created_at"].toordinal()
        work_start = created + 10 + int(random_() * 21)
        fields["work_start"] = _iso(work_start)
        fields["go_live"] = _iso(work_start + 60 + int(random_() * 91))
        if state == RecordState.IDENTIFIED.value:
            close = created + BAND_END_DAYS[pool]
        else:
            low, high = CLOSE_DAYS_AHEAD
            close = self.today + low + int(random_() * (high - low + 1))
        fields["target_close_date"] = _iso(close)
        fields["sales_activities"] = SALES_ACTIVITIES[state]
        fields["next_steps"] = NEXT_STEPS[state]
        if pool == Pool.BEDROCK_POC.value:
            fields["poc"] = _poc_plan(rng, amount)
        return fields

    def _template(
        self, inquiry: dict[str, Any], spend: list[dict[str, Any]], partner: PartnerPlan
    ) -> dict[str, Any]:
        """``from_inquiry``'s output for the inquiry's picklist facts, identity removed."""
        key: TemplateKey = (
            inquiry["vertical"],
            inquiry["region"],
            inquiry["current_cloud"],
            inquiry["engagement_type"],
            inquiry["service_profile"],
        )
        template = self._templates.get(key)
        if template is None:
            filer = Partner(name=partner.name, tier=partner.tier)
            form = AceForm.from_inquiry(_inquiry(inquiry, spend), filer, Pool.FOUNDERS)
            template = form.model_dump(mode="json", exclude_defaults=True)
            for name in (*_IDENTITY, *_PER_RECORD):
                template.pop(name, None)
            template["customer"] = {
                name: value
                for name, value in template.get("customer", {}).items()
                if name not in _CUSTOMER_IDENTITY
            }
            self._templates[key] = template
        return template


@cache
def _iso(day: int) -> str:
    """Day number (``date.toordinal``) as ISO text."""
    return date.fromordinal(day).isoformat()


def _contact(contact: dict[str, str]) -> dict[str, str]:
    """``from_inquiry``'s contact split for a demo contact ("First Last", lower-case e-mail)."""
    first, _, last = contact["name"].rpartition(" ")
    return {
        "first_name": first,
        "last_name": last,
        "email": contact["email"],
        "phone": contact["phone"],
        "title": contact["title"],
    }


def _inquiry(inquiry: dict[str, Any], spend: list[dict[str, Any]]) -> Inquiry:
    return Inquiry(
        company_name=inquiry["company_name"],
        website=inquiry["website"],
        funding_stage=FundingStage(inquiry["funding_stage"]),
        last_round=inquiry["last_round"],
        lead_investor=inquiry["lead_investor"],
        region=Region(inquiry["region"]),
        vertical=Vertical(inquiry["vertical"]),
        service_profile=ServiceProfile(inquiry["service_profile"]),
        engagement_type=EngagementType(inquiry["engagement_type"]),
        pools_wanted=tuple(Pool(p) for p in inquiry["pools_wanted"]),
        spend=tuple(SpendLine(service=s["service"], monthly_usd=s["monthly_usd"]) for s in spend),
        team_size=inquiry["team_size"],
        current_cloud=CurrentCloud(inquiry["current_cloud"]),
        technical_contact=Contact(**inquiry["technical_contact"]),
        business_contact=Contact(**inquiry["business_contact"]),
        arrived_at=inquiry["arrived_at"],
    )


def _use_case(rng: random.Random, inquiry: dict[str, Any], spend: list[dict[str, Any]]) -> str:
    company = inquiry["company_name"].split(" ")[0]
    what = rng.choice(vocab.USE_CASE_WHAT[inquiry["vertical"]])
    services = [line["service"] for line in spend]
    listed = services[0] if len(services) == 1 else f"{', '.join(services[:-1])} and {services[-1]}"
    funds = vocab.USE_CASE_FUNDS[inquiry["service_profile"]].format(services=listed)
    cloud = inquiry["current_cloud"]
    where = (
        "The product is built on AWS from day one."
        if cloud == CurrentCloud.NONE.value
        else f"The team is moving its production workloads from {cloud} to AWS."
    )
    months = rng.choice((6, 9, 12))
    return (
        f"{company} builds {what}. {where} The credits fund {funds} for the next {months} "
        f"months, at a projected ${inquiry['monthly_spend_usd']:,} a month, while the "
        f"{inquiry['team_size']}-person team takes its first customers to production."
    )


def _poc_plan(rng: random.Random, amount: int) -> dict[str, Any]:
    """Model, evaluation and a budget that adds up to the amount requested."""
    inference = int(round(amount * rng.uniform(0.45, 0.6), -3))
    evaluation = int(round(amount * rng.uniform(0.2, 0.3), -3))
    return {
        "model": rng.choice(POC_MODELS),
        "evaluation_method": rng.choice(POC_EVALUATIONS),
        "budget": [
            {"item": "Bedrock inference (pilot traffic)", "amount_usd": inference},
            {"item": "Fine-tuning and evaluation runs", "amount_usd": evaluation},
            {
                "item": "Vector store, storage and logging",
                "amount_usd": amount - inference - evaluation,
            },
        ],
    }
