"""Every rule an ACE record must pass, in one place: the editor, the CLI, the importer and the
exporter all call ``validate``.

Three layers, cheapest first: the text boundary (``text_safety``), the seed's business rules
and Partner Central's server-side rules written out below, then the botocore service model's
enums, patterns and lengths run over the exported request (``ace_api_model``) and reported
on the form field each request member came from.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from pydantic import BaseModel, ConfigDict

from cloudroute_desk.domain.ace import address as ace_address
from cloudroute_desk.domain.ace import api_model as ace_api_model
from cloudroute_desk.domain.ace import picklists as ace_picklists
from cloudroute_desk.domain.ace import vocab as ace_vocab
from cloudroute_desk.domain.ace.export import RoutingIdentity
from cloudroute_desk.domain.ace.form import GREENFIELD_ACCOUNT, AceForm, FormContact
from cloudroute_desk.domain.ace.stage_rules import stage_rules
from cloudroute_desk.domain.ace.submission_rules import (
    api_model_findings,
    submission_rules,
)
from cloudroute_desk.domain.catalog import (
    AWARDED_STATES,
    AWS_SERVICES,
    CREDIT_POOLS,
    POOLS,
    PRICED_ROUNDS,
    STACKED_CEILING_USD,
    CurrentCloud,
    EngagementType,
    FundingStage,
    Pool,
    RecordState,
    Tier,
    tier_may_file,
)
from cloudroute_desk.domain.findings import Finding, FindingCollector
from cloudroute_desk.domain.formatting import money
from cloudroute_desk.domain.text_safety import check_text

SPEND_HORIZON_MONTHS: Final = 12
"""Credits asked for beyond this many months of projected spend read as implausible."""
TARGET_CLOSE_MAX_YEARS: Final = 60
USE_CASE_MIN: Final = 20
USE_CASE_MAX: Final = 2000

ENGAGEMENT_SUBTYPES: Final = ("", "Modernize", "Optimize")
OPEN_STATES: Final = frozenset(RecordState) - {RecordState.REJECTED, RecordState.CLOSED}
"""Another partner's record in one of these states competes with this one; a rejected or
closed engagement is history, not competition."""

_AWS_SERVICE_WORDS: Final = (
    *AWS_SERVICES,
    "SQS",
    "SNS",
    "API Gateway",
    "Fargate",
    "Step Functions",
    "Athena",
    "Glue",
    "EMR",
    "Cognito",
    "CloudWatch",
    "Route 53",
    "ECR",
    "Neptune",
    "Timestream",
    "IoT Core",
    "Rekognition",
    "Textract",
    "Comprehend",
    "Transcribe",
    "Amplify",
    "AppSync",
    "MSK",
    "Batch",
    "Elastic Beanstalk",
    "Lightsail",
    "EBS",
    "EFS",
    "Elasticsearch",
)
_SERVICE_MENTION = re.compile(
    r"\b(?:" + "|".join(re.escape(word) for word in _AWS_SERVICE_WORDS) + r")\b", re.IGNORECASE
)
_FIGURE = re.compile(r"\d")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ACCOUNT_ID = re.compile(r"\d{12}")
_PHONE = re.compile(r"\+[1-9]\d{1,14}")
_EMAIL = ace_api_model.compile_pattern(
    r"(?=.{0,80}$)[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@"
    r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
)
# Scheme optional, dotted host with a letter TLD, optional port and path; no whitespace.
_WEBSITE = re.compile(
    r"(?:https?://)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?(?:[/?#]\S*)?",
    re.IGNORECASE,
)


class OtherRecord(BaseModel):
    """Another ACE record of the same customer, as far as the cross-record rules need it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    record_id: int | None = None
    partner_id: int
    pool: Pool
    amount_requested_usd: int = 0
    amount_awarded_usd: int | None = None
    state: RecordState = RecordState.IDENTIFIED

    @property
    def stacked_usd(self) -> int:
        """What the record takes out of the customer's ceiling: the award once decided, the
        request while pending, nothing once rejected."""
        if self.pool not in CREDIT_POOLS or self.state is RecordState.REJECTED:
            return 0
        if self.state in AWARDED_STATES and self.amount_awarded_usd is not None:
            return self.amount_awarded_usd
        return self.amount_requested_usd


class ValidationContext(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    partner_tier: Tier
    today: date
    other_records: tuple[OtherRecord, ...] = ()
    record_partner_id: int = 0
    record_state: RecordState = RecordState.IDENTIFIED
    """The state the record is in, or is about to enter: stage-dependent rules follow it."""
    identity: RoutingIdentity | None = None
    """The stored record's routing ids, exported as PartnerOpportunityIdentifier and Tags
    (and checked with the rest); None for a form judged on its own."""


def validate(form: AceForm, context: ValidationContext) -> list[Finding]:
    """All findings for ``form``, errors and warnings: text boundary first, then the business
    rules, then the service-model checks. Never raises."""
    findings = check_text(form)
    unsafe = {f.field for f in findings}
    out = FindingCollector(unsafe)
    _customer_rules(form, out)
    _pool_rules(form, context, out)
    _vouch_rules(form, out)
    _poc_rules(form, out)
    _engagement_rules(form, out)
    _contact_rules(form, out)
    _date_rules(form, context.today, out)
    _use_case_rules(form, out)
    _spend_rules(form, out)
    _cross_record_rules(form, context, out)
    submission_rules(form, out)
    stage_rules(form, context.record_state, out)
    findings.extend(out.findings)
    findings.extend(api_model_findings(form, findings, context.identity))
    return findings


def _customer_rules(form: AceForm, out: FindingCollector) -> None:
    customer = form.customer
    national_security = form.national_security == "Yes"
    if not customer.company_name.strip() and not national_security:
        out.error(
            "customer.company_name", "customer.company_name", "Customer legal name is required."
        )
    website = customer.website
    if not website.strip():
        if not national_security:
            out.error("customer.website", "customer.website", "Corporate website is required.")
    elif not 4 <= len(website) <= 255 or _WEBSITE.fullmatch(website) is None:
        out.error(
            "customer.website",
            "customer.website",
            "Website must be a well-formed URL such as https://example.com.",
        )
    industries = ace_api_model.enum_values("Industry")
    if not customer.industry:
        out.error("customer.industry", "customer.industry", "Industry is required.")
    elif customer.industry not in industries:
        out.error(
            "customer.industry",
            "customer.industry",
            f"Industry must be one of Partner Central's {len(industries)} industries.",
        )
    elif customer.industry == ace_vocab.OTHER_INDUSTRY and not customer.other_industry.strip():
        out.error(
            "customer.other_industry",
            "customer.other_industry",
            "Name the industry when it is Other.",
        )
    if national_security and customer.industry != "Government":
        out.error(
            "national_security",
            "national_security",
            "National security opportunities must have the Government industry.",
        )
    # Not stripped: the exporter sends the value as typed, and the API refuses a space.
    account = customer.aws_account_id
    if account != GREENFIELD_ACCOUNT and _ACCOUNT_ID.fullmatch(account) is None:
        out.error(
            "customer.aws_account_id",
            "customer.aws_account_id",
            f"AWS account ID must be 12 digits, or {GREENFIELD_ACCOUNT} for a new account.",
        )
    _address_rules(form, national_security, out)


def _address_rules(form: AceForm, national_security: bool, out: FindingCollector) -> None:
    customer = form.customer
    country = customer.country_code
    if not country:
        out.error("customer.country_code", "customer.country_code", "Country is required.")
        return
    if country not in ace_api_model.enum_values("CountryCode"):
        out.error(
            "customer.country_code",
            "customer.country_code",
            "Country must be an ISO 3166 two-letter code such as US or GB.",
        )
        return
    problem = ace_address.postal_code_problem(country, customer.postal_code)
    if problem is not None:
        out.error("customer.postal_code", "customer.postal_code", problem)
    state = customer.state_or_region.strip()
    if country == "US":
        if not state and not national_security:
            out.error(
                "customer.state_or_region",
                "customer.state_or_region",
                "State is required for US customers.",
            )
        elif state and state not in ace_picklists.US_STATES_AND_TERRITORIES:
            out.error(
                "customer.state_or_region",
                "customer.state_or_region",
                f"{state[:40]!r} is not a US state or territory as Partner Central spells it "
                "(e.g. California, Dist. of Columbia).",
            )
    elif state:
        out.warning(
            "customer.state_or_region",
            "customer.state_or_region",
            "State is only sent for US customers; it will be left out.",
        )


def _pool_rules(form: AceForm, context: ValidationContext, out: FindingCollector) -> None:
    try:
        pool = Pool(form.pool)
    except ValueError:
        out.error("pool", "pool.known", "Choose a funding pool.")
        return
    spec = POOLS[pool]
    if not spec.partner_filed:
        out.error(
            "pool", "pool.known", f"{spec.label} is self-serve; partners do not file it in ACE."
        )
        return
    if not tier_may_file(context.partner_tier, pool):
        out.error(
            "pool",
            "pool.tier",
            f"A {context.partner_tier.value} partner may not file {spec.label}; "
            "it needs an Advanced or Premier partner.",
        )
    amount = form.amount_requested_usd
    if spec.min_usd is not None and spec.max_usd is not None:
        if not spec.min_usd <= amount <= spec.max_usd:
            out.error(
                "amount_requested_usd",
                "amount.range",
                f"{spec.label} takes {money(spec.min_usd)} to {money(spec.max_usd)}; "
                f"{money(amount)} requested.",
            )
    elif amount < 0:
        out.error("amount_requested_usd", "amount.range", "The amount cannot be negative.")


def _vouch_rules(form: AceForm, out: FindingCollector) -> None:
    stage = form.funding_stage
    if not stage:
        out.error("funding_stage", "funding_stage", "Funding stage is required.")
    elif stage not in {s.value for s in FundingStage}:
        out.error(
            "funding_stage",
            "funding_stage",
            "Funding stage must be one of: " + ", ".join(s.value for s in FundingStage) + ".",
        )
    if form.pool != Pool.PORTFOLIO.value:
        return
    if stage in {s.value for s in FundingStage} and FundingStage(stage) not in PRICED_ROUNDS:
        out.error(
            "funding_stage",
            "portfolio.vouch",
            "Activate Portfolio needs the institutional vouch: a priced round (seed or later), "
            f"not {stage}.",
        )
    if not form.last_round.strip():
        out.error(
            "last_round",
            "portfolio.vouch",
            "Activate Portfolio needs the institutional vouch: name the most recent priced round.",
        )
    if not form.lead_investor.strip():
        out.error(
            "lead_investor",
            "portfolio.vouch",
            "Activate Portfolio needs the institutional vouch: name the round's lead investor.",
        )


def _poc_rules(form: AceForm, out: FindingCollector) -> None:
    if form.pool != Pool.BEDROCK_POC.value:
        return
    poc = form.poc
    if not poc.model.strip():
        out.error("poc.model", "bedrock.model", "A Bedrock POC needs the model choice.")
    if not poc.evaluation_method.strip():
        out.error(
            "poc.evaluation_method",
            "bedrock.evaluation",
            "A Bedrock POC needs an evaluation method.",
        )
    if not poc.budget:
        out.error("poc.budget", "bedrock.budget", "A Bedrock POC needs an itemized budget.")
        return
    for index, line in enumerate(poc.budget):
        if not line.item.strip():
            out.error(
                f"poc.budget[{index}].item",
                "bedrock.budget",
                "Name what this budget line pays for.",
            )
        if line.amount_usd <= 0:
            out.error(
                f"poc.budget[{index}].amount_usd",
                "bedrock.budget",
                "Budget lines must be positive amounts.",
            )
    total = poc.budget_total_usd
    if total != form.amount_requested_usd:
        out.error(
            "poc.budget",
            "bedrock.budget",
            f"The POC budget adds up to {money(total)}, not the {money(form.amount_requested_usd)} "
            "requested.",
        )


def _engagement_rules(form: AceForm, out: FindingCollector) -> None:
    engagement = form.engagement_type
    if engagement not in {e.value for e in EngagementType}:
        out.error("engagement_type", "engagement_type", "Engagement type must be Build or Migrate.")
    if form.engagement_subtype not in ENGAGEMENT_SUBTYPES:
        out.error(
            "engagement_subtype",
            "engagement_type",
            "Sub-type must be Modernize, Optimize or empty.",
        )
    if form.current_cloud not in {c.value for c in CurrentCloud}:
        out.error(
            "current_cloud",
            "current_cloud",
            "Current cloud must be one of: " + ", ".join(c.value for c in CurrentCloud) + ".",
        )
    competitor = form.competitor_name
    if competitor and competitor not in ace_api_model.enum_values("CompetitorName"):
        out.error(
            "competitor_name",
            "competitor.known",
            "Competitor must be one of Partner Central's values.",
        )
        return
    if engagement == EngagementType.MIGRATE.value:
        if competitor in ("", ace_vocab.NO_COMPETITION):
            out.error(
                "competitor_name",
                "migrate.competitor",
                "A migration needs the competing cloud it migrates from.",
            )
        if form.current_cloud == CurrentCloud.NONE.value:
            out.error(
                "current_cloud",
                "migrate.competitor",
                "A migration needs a current cloud to migrate from, not none.",
            )
    elif form.is_greenfield and competitor not in ("", ace_vocab.NO_COMPETITION):
        out.error(
            "competitor_name",
            "greenfield.competitor",
            f"A greenfield build has no competing cloud: choose {ace_vocab.NO_COMPETITION}.",
        )
    if not competitor:
        out.error("competitor_name", "competitor.known", "Competing cloud presence is required.")
    elif competitor == ace_vocab.OTHER_COMPETITOR and not form.other_competitor_names.strip():
        out.error(
            "other_competitor_names",
            "competitor.other",
            "Name the competitor when it is *Other.",
        )
    elif competitor != ace_vocab.OTHER_COMPETITOR and form.other_competitor_names.strip():
        # Partner Central reads OtherCompetitorNames only beside *Other; the export leaves the
        # names out rather than send a member the server ignores, so say so.
        out.warning(
            "other_competitor_names",
            "competitor.other_dropped",
            f"Other competitor names go to Partner Central only with the "
            f"{ace_vocab.OTHER_COMPETITOR} competitor: choose it, or the names are left out "
            "of the export.",
        )


def _contact_rules(form: AceForm, out: FindingCollector) -> None:
    for field, label, contact in (
        ("technical_contact", "Technical contact", form.technical_contact),
        ("business_contact", "Business contact", form.business_contact),
    ):
        _one_contact(field, label, contact, out)


def _one_contact(field: str, label: str, contact: FormContact, out: FindingCollector) -> None:
    if not contact.first_name.strip() or not contact.last_name.strip():
        missing = "first_name" if not contact.first_name.strip() else "last_name"
        out.error(f"{field}.{missing}", "contact.required", f"{label} needs a first and last name.")
    email = contact.email
    if not email:
        out.error(f"{field}.email", "contact.email", f"{label} needs an e-mail address.")
    elif _EMAIL.fullmatch(email) is None:
        if email != email.lower() and _EMAIL.fullmatch(email.lower()) is not None:
            out.error(
                f"{field}.email",
                "contact.email",
                f"Partner Central only accepts lower-case e-mail addresses: {email.lower()[:80]}",
            )
        else:
            out.error(
                f"{field}.email",
                "contact.email",
                "Not a valid e-mail address (80 characters at most).",
            )
    if contact.phone and _PHONE.fullmatch(contact.phone) is None:
        out.error(
            f"{field}.phone",
            "contact.phone",
            "Phone must be in international E.164 form: + and up to 15 digits, no spaces "
            "(e.g. +14155550100).",
        )


def _parse_date(
    form: AceForm, field: str, label: str, out: FindingCollector, *, required: bool
) -> date | None:
    text = str(form.value_at(field))
    if not text:
        if required:
            out.error(field, "date.required", f"{label} is required.")
        return None
    if _ISO_DATE.fullmatch(text) is None:
        out.error(field, "date.real", f"{label} must be a date written YYYY-MM-DD.")
        return None
    try:
        return date(int(text[:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        out.error(field, "date.real", f"{label} {text} is not a real calendar date.")
        return None


def _date_rules(form: AceForm, today: date, out: FindingCollector) -> None:
    start = _parse_date(form, "work_start", "Work start", out, required=True)
    go_live = _parse_date(form, "go_live", "Go-live", out, required=True)
    if start is not None and go_live is not None and go_live < start:
        out.error("go_live", "date.order", f"Go-live {go_live} is before work start {start}.")
    close = _parse_date(form, "target_close_date", "Target close date", out, required=True)
    if close is None:
        return
    if close < today:
        out.error("target_close_date", "date.past", f"Target close date {close} is in the past.")
    elif close.year - today.year > TARGET_CLOSE_MAX_YEARS or (
        close.year - today.year == TARGET_CLOSE_MAX_YEARS
        and (close.month, close.day) > (today.month, today.day)
    ):
        out.error(
            "target_close_date",
            "date.far",
            f"Target close date is more than {TARGET_CLOSE_MAX_YEARS} years in the future.",
        )


def _use_case_rules(form: AceForm, out: FindingCollector) -> None:
    text = form.use_case.strip()
    if len(text) < USE_CASE_MIN:
        out.error(
            "use_case",
            "use_case.length",
            f"Use case must be at least {USE_CASE_MIN} characters (has {len(text)}).",
        )
        return
    if len(form.use_case) > USE_CASE_MAX:
        out.error(
            "use_case",
            "use_case.length",
            f"Use case must be at most {USE_CASE_MAX:,} characters (has {len(form.use_case):,}).",
        )
        return
    if _SERVICE_MENTION.search(text) is None and _FIGURE.search(text) is None:
        out.warning(
            "use_case",
            "use_case.generic",
            "Use case reads as generic: name the AWS services and the figures the credits fund.",
        )


def _spend_rules(form: AceForm, out: FindingCollector) -> None:
    if not form.spend:
        out.error("spend", "spend.none", "Add the projected monthly AWS spend by service.")
        return
    for index, line in enumerate(form.spend):
        if not line.service.strip():
            out.error(f"spend[{index}].service", "spend.line", "Name the AWS service.")
        if line.monthly_usd <= 0:
            out.error(
                f"spend[{index}].monthly_usd", "spend.line", "Monthly spend must be above $0."
            )
    monthly = form.monthly_spend_usd
    horizon = monthly * SPEND_HORIZON_MONTHS
    if monthly > 0 and form.amount_requested_usd > horizon:
        out.warning(
            "amount_requested_usd",
            "spend.plausibility",
            f"{money(form.amount_requested_usd)} requested is more than "
            f"{SPEND_HORIZON_MONTHS} months of the projected {money(monthly)}/month "
            f"({money(horizon)}); reviewers check the amount against the spend.",
        )
    if form.annual_deal_size_usd < 0:
        out.error("annual_deal_size_usd", "deal_size", "Annual deal size cannot be negative.")
    elif form.annual_deal_size_usd == 0:
        out.warning(
            "annual_deal_size_usd", "deal_size", "Estimate the annual deal size after credits."
        )


def _cross_record_rules(form: AceForm, context: ValidationContext, out: FindingCollector) -> None:
    competing = sorted(
        {
            r.partner_id
            for r in context.other_records
            if r.partner_id != context.record_partner_id and r.state in OPEN_STATES
        }
    )
    if competing:
        out.error(
            "customer.company_name",
            "customer.competing_partner",
            "Another partner already has an open record for this customer; AWS rejects both "
            "competing records automatically.",
        )
    same_pool = [
        r
        for r in context.other_records
        if r.partner_id == context.record_partner_id
        and r.pool.value == form.pool
        and r.state is not RecordState.REJECTED
    ]
    if same_pool:
        out.warning(
            "pool",
            "pool.duplicate",
            "This partner already has a record for this pool and customer; "
            "file one record per pool.",
        )
    if form.pool not in {p.value for p in CREDIT_POOLS}:
        return
    others = sum(r.stacked_usd for r in context.other_records)
    total = others + max(form.amount_requested_usd, 0)
    if total > STACKED_CEILING_USD:
        out.error(
            "amount_requested_usd",
            "ceiling.stacked",
            f"The customer's records add up to {money(total)} ({money(others)} elsewhere), "
            "over the "
            f"{money(STACKED_CEILING_USD)} stacked ceiling.",
        )
