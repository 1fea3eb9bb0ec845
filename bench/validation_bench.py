"""How long one ACE record takes to validate, against the issue's 5 ms budget.

Run: ``python bench/validation_bench.py [--runs 2000] [--repeat 5]``

Times ``ace_rules.validate`` (text boundary, seed and Partner Central rules, and the botocore
model check over the exported request) on two records:

* realistic: a complete Activate Portfolio record, as an admin files it;
* worst case: every text field 10,000 characters of mixed Arabic, emoji and SQL-looking text
  (the longest the text boundary accepts), 10 spend lines, a 50-line POC budget, 12 invalid
  values in every picklist, and 25 other records of the same customer.

Prints, per record, the median and 95th percentile of ``--runs`` validations (median of
``--repeat`` rounds), the number of findings, and the one-off cost of the first validation in
the process (botocore loads and compiles the service model then).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from cloudroute_desk.domain.ace.form import (
    AceForm,
    BudgetLine,
    CustomerPart,
    FormContact,
    FormPocPlan,
    FormSpendLine,
)
from cloudroute_desk.domain.ace.rules import OtherRecord, ValidationContext, validate
from cloudroute_desk.domain.catalog import Pool, RecordState, Tier
from cloudroute_desk.domain.text_safety import MAX_TEXT_CHARS, iter_text

BUDGET_MS = 5.0
TODAY = date(2026, 11, 26)


def realistic() -> tuple[AceForm, ValidationContext]:
    contact = FormContact(first_name="Ada", last_name="Tech", email="ada@lumen.example.com")
    form = AceForm(
        customer=CustomerPart(
            company_name="Lumen Analytics Inc.",
            website="https://lumen.example.com",
            industry="Software and Internet",
            country_code="US",
            postal_code="94105",
            state_or_region="California",
            city="San Francisco",
            aws_account_id="123456789012",
        ),
        use_case=(
            "Lumen builds demand forecasting for mid-market retailers. The credits fund EC2 "
            "GPU training jobs, Bedrock inference and an OpenSearch cluster for 40 pilot "
            "customers over nine months, moving from a single-tenant prototype to SaaS."
        ),
        spend=[
            FormSpendLine(service="EC2", monthly_usd=6_000),
            FormSpendLine(service="Bedrock", monthly_usd=3_000),
            FormSpendLine(service="OpenSearch", monthly_usd=1_500),
            FormSpendLine(service="S3", monthly_usd=800),
            FormSpendLine(service="RDS", monthly_usd=700),
        ],
        annual_deal_size_usd=180_000,
        partner_role="Architecture review and Well-Architected remediation",
        pool="portfolio",
        amount_requested_usd=100_000,
        funding_stage="Series-A",
        last_round="Series A, $12M priced",
        lead_investor="Northwind Ventures",
        work_start="2026-12-01",
        go_live="2027-03-01",
        competitor_name="No Competition",
        technical_contact=contact,
        business_contact=contact.model_copy(update={"first_name": "Bo", "email": "bo@l.io"}),
        title="Lumen Analytics - Activate Portfolio",
        customer_use_case="AI Machine Learning and Analytics",
        delivery_models=["Professional Services"],
        primary_needs=["Co-Sell - Architectural Validation"],
        sales_activities=["Initialized discussions with customer"],
        target_close_date="2027-01-15",
        next_steps="Architecture review with the CTO, then the Portfolio application",
    )
    others = (
        OtherRecord(
            partner_id=7,
            pool=Pool.BUILD_FOR_STARTUPS,
            amount_requested_usd=25_000,
            amount_awarded_usd=25_000,
            state=RecordState.APPROVED,
        ),
    )
    return form, ValidationContext(
        partner_tier=Tier.ADVANCED, today=TODAY, other_records=others, record_partner_id=7
    )


def worst_case() -> tuple[AceForm, ValidationContext]:
    chunk = "مرحبا 🚀 Robert'); DROP TABLE ace_records;-- ‮rtl‬ "
    long_text = (chunk * (MAX_TEXT_CHARS // len(chunk) + 1))[:MAX_TEXT_CHARS]
    form, _ = realistic()
    form = form.model_copy(
        update={
            "spend": [FormSpendLine(service=f"EC2 {i}", monthly_usd=100) for i in range(10)],
            "pool": "bedrock_poc",
            "poc": FormPocPlan(
                model=long_text,
                evaluation_method=long_text,
                budget=[BudgetLine(item=f"line {i}", amount_usd=1_000) for i in range(50)],
            ),
            "delivery_models": [f"bogus {i}" for i in range(12)],
            "primary_needs": [f"bogus {i}" for i in range(12)],
            "sales_activities": [f"bogus {i}" for i in range(12)],
        }
    )
    for path, _ in list(iter_text(form)):
        if path.startswith(("delivery_models", "primary_needs", "sales_activities")):
            continue
        form = form.with_value(path, long_text)
    others = tuple(
        OtherRecord(
            partner_id=i % 4,
            pool=list(Pool)[i % len(Pool)],
            amount_requested_usd=20_000,
            state=list(RecordState)[i % len(RecordState)],
        )
        for i in range(25)
    )
    return form, ValidationContext(
        partner_tier=Tier.SELECT, today=TODAY, other_records=others, record_partner_id=1
    )


def _time_runs(form: AceForm, context: ValidationContext, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        validate(form, context)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    cases = {"realistic": realistic(), "worst case": worst_case()}
    start = time.perf_counter()
    validate(*cases["realistic"])
    print(
        f"first validation in the process (loads the botocore model): "
        f"{(time.perf_counter() - start) * 1000:.1f} ms"
    )
    print(f"budget: {BUDGET_MS:.1f} ms per record; {args.runs} validations x {args.repeat} rounds")
    for name, (form, context) in cases.items():
        medians, p95s = [], []
        for _ in range(args.repeat):
            samples = sorted(_time_runs(form, context, args.runs))
            medians.append(statistics.median(samples))
            p95s.append(samples[int(len(samples) * 0.95) - 1])
        median = statistics.median(medians)
        verdict = "within" if median <= BUDGET_MS else "OVER"
        findings = validate(form, context)
        print(
            f"{name:>10}: median {median:.3f} ms, p95 {statistics.median(p95s):.3f} ms "
            f"({len(findings)} findings) -> {verdict} the {BUDGET_MS:.0f} ms budget "
            f"({BUDGET_MS / median:.0f}x headroom)"
        )


if __name__ == "__main__":
    main()
