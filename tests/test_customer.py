"""One notion of "the customer" (DOMAIN.md: the customer, not the inquiry, competes): the
domain rule, the stored keys, and every user of the customer's records across inquiries."""

from __future__ import annotations

import os
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from cloudroute_desk.db import customer_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.tables import AceRecordRow, InquiryRow
from cloudroute_desk.domain.ace.rules import validate
from cloudroute_desk.domain.catalog import Pool, RecordState, Tier
from cloudroute_desk.domain.customer import (
    aws_account_key,
    customer_key,
    normalised_company_name,
    registrable_domain,
    same_customer,
)
from cloudroute_desk.services import queue, records
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.queue import InquiryDetailPanel
from tests.factories import add_inquiry, add_partner, add_record


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme Robotics, Inc.", "ACME ROBOTICS LLC"),
        ("Açaí Labs GmbH", "Acai Labs"),
        ("The Orbit Company", "Orbit Co."),
        ("Smith & Co. Ltd", "smith"),
        ("Kite Pte. Ltd.", "KITE"),
        ("Nova-Pay S.A.", "Nova Pay"),
        ("Zeta Pvt Ltd", "Zeta Private Limited"),
    ],
)
def test_spellings_of_one_company_normalise_alike(a: str, b: str) -> None:
    assert normalised_company_name(a) == normalised_company_name(b)


@pytest.mark.parametrize(
    ("a", "b"), [("Acme Robotics", "Acme Robotic"), ("Kite Pay", "Kite Health"), ("Inc.", "LLC")]
)
def test_different_companies_stay_different(a: str, b: str) -> None:
    assert normalised_company_name(a) != normalised_company_name(b)


@pytest.mark.parametrize(
    ("website", "domain"),
    [
        ("https://www.Acme.io/pricing", "acme.io"),
        ("app.acme.io", "acme.io"),
        ("http://shop.acme.co.uk:8080/x?y", "acme.co.uk"),
        ("https://acme.github.io", "acme.github.io"),  # a private suffix: each site its own
        ("https://www.linkedin.com/company/acme", ""),  # a profile page identifies nobody
        ("https://lumen.example.com", ""),  # RFC 2606 documentation domain
        ("localhost", ""),
        ("", ""),
        ("https://bücher.de", "xn--bcher-kva.de"),
    ],
)
def test_registrable_domain(website: str, domain: str) -> None:
    assert registrable_domain(website) == domain


def test_only_a_real_account_id_identifies() -> None:
    assert aws_account_key(" 123456789012 ") == "123456789012"
    assert aws_account_key("NEW-ACCOUNT") == ""
    assert aws_account_key("12345678901") == ""


def test_any_one_match_makes_the_same_customer() -> None:
    by_name = customer_key("Acme Inc.", "https://acme.io"), customer_key("ACME", "https://a.dev")
    by_domain = customer_key("Acme", "https://acme.io"), customer_key("Acme AI", "acme.io/x")
    by_account = (
        customer_key("Acme", "https://acme.io", frozenset({"123456789012"})),
        customer_key("Zed", "https://zed.dev", frozenset({"123456789012"})),
    )
    for a, b in (by_name, by_domain, by_account):
        assert same_customer(a, b)
    assert not same_customer(customer_key("Acme", "acme.io"), customer_key("Beam", "beam.io"))
    assert not same_customer(customer_key("", ""), customer_key("", ""))


def _assigned(database: Database, partner_id: int, **inquiry: object) -> int:
    return add_inquiry(database, partner_id=partner_id, status="assigned", **inquiry)


def test_keys_are_stored_with_each_inquiry(database: Database) -> None:
    inquiry = add_inquiry(database, company_name="Açme Robotics, Inc.", website="www.acme.io/x")
    with database.reading() as session:
        row = session.get(InquiryRow, inquiry)
        assert row is not None
        assert (row.customer_name_key, row.customer_domain_key) == ("acme robotics", "acme.io")


def test_customer_records_gather_every_inquiry_of_the_customer(database: Database) -> None:
    partner = add_partner(database)
    first = add_inquiry(database, company_name="Orbit Labs Ltd", website="https://orbit.dev")
    by_domain = add_inquiry(database, company_name="Orbit", website="https://app.orbit.dev")
    stranger = add_inquiry(database, company_name="Beam", website="https://beam.dev")
    own = add_record(database, first, partner)
    other = add_record(database, by_domain, partner)
    add_record(database, stranger, partner)
    with database.reading() as session:
        row = session.get(InquiryRow, first)
        assert row is not None
        customer = customer_queries.customer_records(session, row)
    assert customer.same_customer == {by_domain: "same website domain orbit.dev"}
    assert customer.record_ids == (own, other)
    with database.reading() as session:
        assert customer_queries.same_customer_inquiries(session, by_domain) == {
            first: "same website domain orbit.dev"
        }


def test_an_aws_account_id_links_otherwise_unrelated_inquiries(database: Database) -> None:
    partner = add_partner(database)
    first = add_inquiry(database, company_name="Orbit Labs", website="https://orbit.dev")
    renamed = add_inquiry(database, company_name="Helio Systems", website="https://helio.ai")
    a = add_record(database, first, partner)
    b = add_record(database, renamed, partner)
    with database.writing() as session:
        for record_id in (a, b):
            record = session.get(AceRecordRow, record_id)
            assert record is not None
            record.aws_account_id = "123456789012"
    with database.reading() as session:
        row = session.get(InquiryRow, renamed)
        assert row is not None
        customer = customer_queries.customer_records(session, row)
    assert customer.same_customer == {first: "same AWS account 123456789012"}
    assert set(customer.record_ids) == {a, b}


def test_saving_a_form_stores_its_account_id(database: Database) -> None:
    partner = add_partner(database)
    inquiry = _assigned(database, partner)
    opened, _ = records.create_record(database, inquiry, Pool.PORTFOLIO, "alice")
    form = opened.form.model_copy(
        update={
            "customer": opened.form.customer.model_copy(update={"aws_account_id": "210987654321"})
        }
    )
    records.save_form(database, opened.record_id, form, 1, "alice")
    with database.reading() as session:
        stored = session.scalar(select(AceRecordRow.aws_account_id))
    assert stored == "210987654321"


def test_the_stacked_ceiling_counts_the_customers_other_inquiries(database: Database) -> None:
    """The issue's case: $100K + $25K approved on one inquiry, $50K more requested on the
    other inquiry of the same customer is $175K, over the $150K ceiling."""
    partner = add_partner(database, tier=Tier.ADVANCED)
    first = _assigned(database, partner, company_name="Lumen Analytics Inc.")
    second = _assigned(database, partner, company_name="Lumen Analytics")
    add_record(database, first, partner, pool=Pool.PORTFOLIO)
    add_record(
        database,
        first,
        partner,
        pool=Pool.BUILD_FOR_STARTUPS,
        amount_requested_usd=25_000,
        amount_awarded_usd=25_000,
    )
    opened, _ = records.create_record(database, second, Pool.BEDROCK_POC, "alice")
    form = opened.form.model_copy(update={"amount_requested_usd": 50_000})
    findings = validate(form, records.validation_context(database, opened.record_id))
    ceiling = [f for f in findings if f.rule == "ceiling.stacked"]
    assert ceiling and ceiling[0].is_error
    assert "$175,000" in ceiling[0].message
    within = form.model_copy(update={"amount_requested_usd": 25_000})
    assert not [f for f in validate(within, opened.context) if f.rule == "ceiling.stacked"]


def test_a_second_partner_on_another_inquiry_of_the_customer_is_competing(
    database: Database,
) -> None:
    holder = add_partner(database, name="Holder")
    second = add_partner(database, name="Second")
    first = _assigned(database, holder, company_name="Kite Pay", website="https://kite.io")
    again = _assigned(database, second, company_name="Kite Payments", website="https://kite.io")
    add_record(database, first, holder, state=RecordState.SUBMITTED, decided_at=None,
               credited_at=None, amount_awarded_usd=None)  # fmt: skip
    opened, _ = records.create_record(database, again, Pool.FOUNDERS, "alice")
    rules = {f.rule for f in validate(opened.form, opened.context) if f.is_error}
    assert "customer.competing_partner" in rules


def test_the_inquiry_detail_names_the_same_customers_other_inquiries(database: Database) -> None:
    first = add_inquiry(database, company_name="Orbit Labs Ltd", website="https://orbit.dev")
    second = add_inquiry(database, company_name="ORBIT LABS", website="https://orbit-labs.io")
    add_inquiry(database, company_name="Beam", website="https://beam.dev")
    detail = queue.inquiry_detail(database, second)
    assert detail is not None
    assert detail.same_customer == ((first, "same company name (orbit labs)"),)


def test_the_detail_panel_shows_same_customer_as_inquiry(qtbot: Any, database: Database) -> None:
    first = add_inquiry(database, company_name="Orbit Labs Ltd", website="https://orbit.dev")
    second = add_inquiry(database, company_name="Orbit", website="https://www.orbit.dev/app")
    executor = DbExecutor(database)
    try:
        panel = InquiryDetailPanel(executor)
        qtbot.addWidget(panel)
        with qtbot.waitSignal(panel.detail_loaded, timeout=10_000):
            panel.show_inquiry(second)
        texts = [label.text() for label in panel.findChildren(QLabel)]
        assert f"Same customer as inquiry #{first} (same website domain orbit.dev)" in texts
        if os.environ.get("CLOUDROUTE_SHOT_DIR"):
            panel.resize(420, 520)
            panel.grab().save(os.path.join(os.environ["CLOUDROUTE_SHOT_DIR"], "same-customer.png"))
    finally:
        executor.shutdown()
