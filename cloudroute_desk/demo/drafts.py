"""The editor's form for demo records still in draft, filled as an admin would have it.

Only ``identified`` records get a form: submitted and decided ones are locked in the editor,
and a million forms would double the database for nothing. The form starts from
``AceForm.from_inquiry`` (the editor's own prefill) and adds what an admin types after the
discovery call: a specific use-case paragraph, the partner's role, dates, the account.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from cloudroute_desk.demo import vocab
from cloudroute_desk.demo.partners import PartnerPlan
from cloudroute_desk.domain.ace.form import GREENFIELD_ACCOUNT, AceForm, BudgetLine, FormPocPlan
from cloudroute_desk.domain.catalog import (
    CurrentCloud,
    EngagementType,
    FundingStage,
    Pool,
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


def draft_fields(
    rng: random.Random,
    inquiry: dict[str, Any],
    spend: list[dict[str, Any]],
    partner: PartnerPlan,
    record: dict[str, Any],
) -> dict[str, Any]:
    """The ``fields`` JSON of a draft record (``AceForm`` dumped as the editor stores it)."""
    created = record["created_at"].date()
    form = AceForm.from_inquiry(
        _inquiry(inquiry, spend),
        Partner(name=partner.name, tier=partner.tier),
        Pool(record["pool"]),
        today=created,
    )
    account = form.customer.aws_account_id
    if account != GREENFIELD_ACCOUNT:
        account = str(rng.randrange(10**11, 10**12))
    work_start = created + timedelta(days=rng.randint(10, 30))
    form = form.model_copy(
        update={
            "customer": form.customer.model_copy(update={"aws_account_id": account}),
            "use_case": _use_case(rng, inquiry, spend),
            "amount_requested_usd": record["amount_requested_usd"],
            "annual_deal_size_usd": round(inquiry["monthly_spend_usd"] * 12, -3),
            "partner_role": f"{partner.name}: {rng.choice(vocab.PARTNER_ROLES)}",
            "work_start": work_start.isoformat(),
            "go_live": (work_start + timedelta(days=rng.randint(60, 150))).isoformat(),
            "partner_opportunity_identifier": f"CR-{created.year}-{record['id']:06d}",
        }
    )
    if record["pool"] == Pool.BEDROCK_POC.value:
        form = form.model_copy(update={"poc": _poc_plan(rng, record["amount_requested_usd"])})
    return form.model_dump(mode="json")


def _poc_plan(rng: random.Random, amount: int) -> FormPocPlan:
    """Model, evaluation and a budget that adds up to the amount requested."""
    inference = int(round(amount * rng.uniform(0.45, 0.6), -3))
    evaluation = int(round(amount * rng.uniform(0.2, 0.3), -3))
    return FormPocPlan(
        model=rng.choice(POC_MODELS),
        evaluation_method=rng.choice(POC_EVALUATIONS),
        budget=[
            BudgetLine(item="Bedrock inference (pilot traffic)", amount_usd=inference),
            BudgetLine(item="Fine-tuning and evaluation runs", amount_usd=evaluation),
            BudgetLine(
                item="Vector store, storage and logging", amount_usd=amount - inference - evaluation
            ),
        ],
    )
