"""Random edits, hostile text included, never make the validator or the exporter raise, and
every finding points at a real form field."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudroute_desk.domain.ace import api_model as ace_api_model
from cloudroute_desk.domain.ace.export import to_create_opportunity
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.ace.rules import OtherRecord, validate
from cloudroute_desk.domain.catalog import Pool, RecordState, Tier
from cloudroute_desk.domain.findings import Finding
from cloudroute_desk.domain.text_safety import iter_text
from tests.ace_samples import TODAY, bedrock_form, context, portfolio_form

TEXT_PATHS = [path for path, _ in iter_text(bedrock_form())]
INT_PATHS = [
    "amount_requested_usd",
    "annual_deal_size_usd",
    "spend[0].monthly_usd",
    "spend[1].monthly_usd",
    "poc.budget[0].amount_usd",
]
LIST_PATHS = ["delivery_models", "primary_needs", "sales_activities"]

HOSTILE = st.sampled_from(
    [
        "",
        "x" * 100_000,
        "\x00",
        "a\x00b",
        "\ud800",
        "\udfff tail",
        "مرحبا بالعالم",
        "\u202eevil\u202c",
        "🚀👩‍💻🇺🇸",
        "Robert'); DROP TABLE ace_records;--",
        "' OR 1=1 --",
        "2027-02-30",
        "9999-99-99",
        "+14155550100",
        "ADA@EXAMPLE.COM",
        "(" * 5_000,
        "." * 300,
        "a." * 5_000 + "!",
    ]
)
ANY_TEXT = st.one_of(
    HOSTILE,
    st.text(st.characters(codec=None, exclude_categories=()), max_size=300),
    st.sampled_from(
        ace_api_model.enum_values("Industry") + ace_api_model.enum_values("CountryCode")
    ),
)
EDIT = st.one_of(
    st.tuples(st.sampled_from(TEXT_PATHS), ANY_TEXT),
    st.tuples(st.sampled_from(INT_PATHS), st.integers(min_value=-(10**12), max_value=10**12)),
    st.tuples(st.sampled_from(LIST_PATHS), st.lists(ANY_TEXT, max_size=12)),
    st.tuples(st.just("pool"), st.sampled_from([*(p.value for p in Pool), "", "??"])),
)
OTHERS = st.lists(
    st.builds(
        OtherRecord,
        partner_id=st.integers(1, 9),
        pool=st.sampled_from(list(Pool)),
        amount_requested_usd=st.integers(0, 200_000),
        amount_awarded_usd=st.none() | st.integers(0, 200_000),
        state=st.sampled_from(list(RecordState)),
    ),
    max_size=5,
).map(tuple)


def _check(form: AceForm, findings: list[Finding]) -> None:
    for finding in findings:
        assert isinstance(finding, Finding)
        form.value_at(finding.field)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(EDIT, max_size=8),
    tier=st.sampled_from(list(Tier)),
    others=OTHERS,
    start=st.sampled_from([portfolio_form, bedrock_form, AceForm]),
)
def test_random_edits_never_raise(
    edits: list[tuple[str, Any]], tier: Tier, others: tuple[OtherRecord, ...], start: Any
) -> None:
    form = start()
    for path, value in edits:
        try:
            form.value_at(path)
        except IndexError:
            continue  # the empty form has no spend line 0
        form = form.with_value(path, value)
    findings = validate(form, context(tier, others, TODAY))
    _check(form, findings)
    to_create_opportunity(form, client_token="t")


def test_hostile_values_everywhere_are_findings() -> None:
    form = bedrock_form()
    for index, path in enumerate(TEXT_PATHS):
        form = form.with_value(path, ["\x00", "\ud800", "x" * 100_000][index % 3])
    findings = validate(form, context())
    flagged = {f.field for f in findings if f.rule == "text"}
    assert flagged == set(TEXT_PATHS)
    _check(form, findings)
