"""Demo records are real records: every one passes the editor's rules and exports, its form is
the editor's prefill plus what the partner added, and it is stored sparse."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cloudroute_desk.cli import main
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.tables import AceRecordRow
from cloudroute_desk.demo import addresses, vocab
from cloudroute_desk.demo.generator import generate_demo
from cloudroute_desk.demo.record_forms import CLOSE_DAYS_AHEAD
from cloudroute_desk.domain.ace import address as ace_address
from cloudroute_desk.domain.ace import api_model, picklists
from cloudroute_desk.domain.ace.form import GREENFIELD_ACCOUNT, AceForm
from cloudroute_desk.domain.catalog import AWARDED_STATES, Pool, RecordState
from cloudroute_desk.services import records
from cloudroute_desk.services.ace_export_service import export_record

NOW = datetime(2026, 11, 20, 15, 30, 0)

ADDED_BY_THE_PARTNER = {
    "use_case",
    "amount_requested_usd",
    "annual_deal_size_usd",
    "partner_role",
    "work_start",
    "go_live",
    "target_close_date",
    "poc",
    "sales_activities",
    "next_steps",
    "other_competitor_names",
}
"""Form members the demo fills beyond ``AceForm.from_inquiry`` (each checked below)."""
ADDRESS = {"country_code", "postal_code", "state_or_region", "city", "street_address"}


def _records(database: Database) -> list[Any]:
    """Plain (never expiring) rows, in id order."""
    table = AceRecordRow.__table__
    with database.reading() as session:
        return list(session.execute(select(table).order_by(table.c.id)).all())


def test_every_demo_record_validates_without_errors_and_exports(database: Database) -> None:
    generate_demo(database, inquiries=500, partners=30, seed=4, now=NOW)
    rows = _records(database)
    states = Counter(RecordState(row.state) for row in rows)
    assert set(states) >= set(RecordState) - {RecordState.IDENTIFIED, RecordState.SUBMITTED}
    accounts: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        result = export_record(database, row.id, today=NOW.date())
        errors = [f"{f.field}: {f.message}" for f in result.findings if f.is_error]
        assert errors == [] and result.payload is not None, (row.id, row.state, errors)
        account = result.payload["Customer"]["Account"]
        assert account["CompanyName"] and account["WebsiteUrl"] and account["Address"]
        assert result.payload["Customer"]["Contacts"]
        assert 20 <= len(result.payload["Project"]["CustomerBusinessProblem"]) <= 2000
        if RecordState(row.state) in AWARDED_STATES:
            assert re.fullmatch(r"[0-9]{12}", row.aws_account_id), "credits land in an account"
        accounts[row.aws_account_id].add(row.inquiry_id)
    accounts.pop("", None)  # the column's key for a greenfield placeholder
    assert all(len(inquiries) == 1 for inquiries in accounts.values()), "one account, one customer"


def test_cli_exports_every_demo_record_past_identified(
    db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "answers.json"
    args = ["demo", "--db", db_target, "--inquiries", "60", "--partners", "8"]
    assert main([*args, "--partner-central", str(answers)]) == 0
    assert answers.exists()
    database = open_database(db_target)
    try:
        filed = [row for row in _records(database) if row.state != RecordState.IDENTIFIED]
    finally:
        database.dispose()
    assert len(filed) > 20
    capsys.readouterr()
    for row in filed:
        out = tmp_path / f"record-{row.id}.json"
        assert (
            main(["export", "--db", db_target, "--record", str(row.id), "--out", str(out)]) == 0
        ), capsys.readouterr().err
        request = json.loads(out.read_text(encoding="utf-8"))
        assert request["Customer"]["Account"]["CompanyName"]
        assert api_model.check_request(request) == []


def test_forms_are_the_editors_prefill_plus_what_the_partner_added(database: Database) -> None:
    generate_demo(database, inquiries=400, partners=30, seed=9, now=NOW)
    for row in _records(database):
        opened = records.open_record(database, row.id)
        prefill = AceForm.from_inquiry(
            opened.inquiry, opened.partner, Pool(row.pool), today=row.created_at.date()
        ).model_dump(mode="json")
        form = opened.form.model_dump(mode="json")
        for name, value in prefill.items():
            if name == "customer":
                for part, expected in value.items():
                    if (part in ADDRESS and expected == "") or part == "aws_account_id":
                        continue
                    assert form["customer"][part] == expected, (row.id, part)
            elif name not in ADDED_BY_THE_PARTNER:
                assert form[name] == value, (row.id, name)
        assert form["customer"]["country_code"], "multi-country regions get a real country"
        assert form["customer"]["city"]
        if prefill["other_competitor_names"]:
            assert form["other_competitor_names"] == prefill["other_competitor_names"]
        elif form["competitor_name"] == "*Other":
            assert form["other_competitor_names"], "the admin names the other cloud"
        account = form["customer"]["aws_account_id"]
        greenfield = prefill["customer"]["aws_account_id"] == GREENFIELD_ACCOUNT
        if greenfield and row.state not in AWARDED_STATES:
            assert account == GREENFIELD_ACCOUNT, "no account until the credits land"
        else:
            assert re.fullmatch(r"[0-9]{12}", account)
        state = RecordState(row.state)
        close = datetime.fromisoformat(form["target_close_date"]).date()
        if state is RecordState.IDENTIFIED:
            assert form["target_close_date"] == prefill["target_close_date"]
        else:
            low, high = CLOSE_DAYS_AHEAD
            assert low <= (close - NOW.date()).days <= high
        assert set(prefill["sales_activities"]) <= set(form["sales_activities"])
        assert opened.inquiry.company_name.split(" ")[0] in form["use_case"]
        if row.pool == Pool.BEDROCK_POC:
            assert opened.form.poc.budget_total_usd == row.amount_requested_usd


def test_forms_are_stored_sparse_and_read_back_whole(database: Database) -> None:
    generate_demo(database, inquiries=300, partners=20, seed=2, now=NOW)
    rows = _records(database)
    assert rows
    for row in rows:
        form = AceForm.model_validate(row.fields)
        assert form.model_dump(mode="json", exclude_defaults=True) == row.fields
        assert "partner_opportunity_identifier" not in row.fields


def test_states_show_in_the_form(database: Database) -> None:
    generate_demo(database, inquiries=400, partners=30, seed=5, now=NOW)
    activities: dict[str, set[int]] = defaultdict(set)
    for row in _records(database):
        activities[row.state].add(len(row.fields["sales_activities"]))
        assert row.fields["next_steps"]
    assert max(activities[RecordState.IDENTIFIED]) < min(activities[RecordState.APPROVED])
    assert max(activities[RecordState.APPROVED]) < min(activities[RecordState.CLOSED])


def test_every_demo_phone_area_has_a_city_with_valid_postal_codes() -> None:
    prefixes = {prefix for formats in vocab.PHONE_FORMATS.values() for prefix, _ in formats}
    assert prefixes == set(addresses.CITY_BY_PHONE_PREFIX)
    countries = set(api_model.enum_values("CountryCode"))
    for prefix in prefixes:
        city = addresses.city_for(prefix + "1234567")
        assert city is addresses.CITY_BY_PHONE_PREFIX[prefix]
        assert city.country_code in countries
        assert ace_address.has_postal_codes(city.country_code) == bool(city.postal_codes)
        for code in city.postal_codes or ("",):
            assert ace_address.postal_code_problem(city.country_code, code) is None, (prefix, code)
        if city.country_code == "US":
            assert city.state in picklists.US_STATES_AND_TERRITORIES
        else:
            assert city.state == ""
