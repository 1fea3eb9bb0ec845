"""``cloudroute-desk validate`` and ``cloudroute-desk export`` end to end."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.validate import validate_parameters
from sqlalchemy import select, update

from cloudroute_desk import cli
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.tables import AceRecordRow, AssignmentRow
from cloudroute_desk.domain.ace import api_model as ace_api_model
from cloudroute_desk.domain.ace.export import RoutingIdentity
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.ace.partner_central_ids import (
    CloudRouteOpportunityId,
    parse_cloudroute_opportunity_id,
)
from cloudroute_desk.domain.ace.rules import validate
from cloudroute_desk.domain.catalog import Pool, RecordState
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.findings import has_errors
from cloudroute_desk.services import assignment, records
from cloudroute_desk.services.ace_export_service import client_token, export_record
from tests.ace_samples import context, portfolio_form
from tests.factories import add_inquiry, add_partner, add_record

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _current_form(**overrides: Any) -> AceForm:
    """The sample record with a target close date that stays in the future."""
    close = (utcnow().date() + timedelta(days=60)).isoformat()
    values: dict[str, Any] = {"target_close_date": close}
    values.update(overrides)
    return portfolio_form(**values)


def _write(tmp_path: Path, data: Any, name: str = "record.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_example_record_validates_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", str(DOCS / "example-record.json")]) == 0
    assert capsys.readouterr().out == ""


def test_errors_print_field_severity_message_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form = _current_form(amount_requested_usd=150_000, use_case="A SaaS platform on AWS.")
    doc = {"form": form.model_dump(mode="json"), "context": {"partner_tier": "Advanced"}}
    assert cli.main(["validate", _write(tmp_path, doc)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "amount_requested_usd\terror\tActivate Portfolio takes $50,000 to $100,000" in "\n".join(
        lines
    )
    assert any(line.startswith("use_case\twarning\t") for line in lines)
    assert all(len(line.split("\t")) == 3 for line in lines)


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = {
        "form": _current_form().model_dump(mode="json"),
        "context": {
            "partner_tier": "Select",
            "record_partner_id": 1,
            "today": "2026-11-26",
            "other_records": [{"partner_id": 2, "pool": "founders", "amount_requested_usd": 10000}],
        },
    }
    assert cli.main(["validate", _write(tmp_path, doc), "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    by_field = {(f["field"], f["severity"]) for f in findings}
    assert ("pool", "error") in by_field
    assert ("customer.company_name", "error") in by_field
    assert all({"field", "severity", "message"} <= set(f) for f in findings)


def test_bare_form_is_accepted_and_warnings_exit_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form = _current_form(annual_deal_size_usd=0)
    assert cli.main(["validate", _write(tmp_path, form.model_dump(mode="json"))]) == 0
    assert capsys.readouterr().out.startswith("annual_deal_size_usd\twarning\t")


def test_hostile_text_is_reported_not_crashed_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _current_form().model_dump(mode="json")
    data["customer"]["company_name"] = "Lumen\u0000"
    data["title"] = "\ud800 broken"
    data["customer"]["state_or_region"] = "\u202eCalifornia\ud83d"
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data), encoding="ascii")
    assert cli.main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "customer.company_name\terror\tText contains a NUL character" in out
    assert "title\terror\tText contains an unpaired surrogate" in out
    assert cli.main(["validate", str(path), "--json"]) == 1
    json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"form": {"amount_requested_usd": "lots"}}',
        '{"form": {}, "context": {"partner_tier": "Diamond"}}',
        '{"surprise": 1}',
        "[" * 100_000 + "]" * 100_000,
    ],
    ids=["syntax", "type", "tier", "unknown key", "deep"],
)
def test_unparseable_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 2
    assert "cloudroute-desk validate:" in capsys.readouterr().err


def test_a_list_of_non_records_gives_an_error_result_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON array is many records (docs/cli.md): each value gets its own result."""
    path = tmp_path / "bad.json"
    path.write_text("[1, 2]", encoding="utf-8")
    assert cli.main(["validate", str(path), "--json"]) == 1
    results = json.loads(capsys.readouterr().out)["results"]
    assert [(r["index"], r["error"].startswith("not an ACE record")) for r in results] == [
        (0, True),
        (1, True),
    ]


def test_missing_or_binary_file_exits_2(tmp_path: Path) -> None:
    assert cli.main(["validate", str(tmp_path / "nope.json")]) == 2
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert cli.main(["validate", str(binary)]) == 2


def _record_with_form(database: Database, form: AceForm, **overrides: Any) -> int:
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database, partner_id=partner_id)
    record_id = add_record(
        database,
        inquiry_id,
        partner_id,
        pool=Pool(form.pool),
        state=RecordState.IDENTIFIED,
        amount_requested_usd=form.amount_requested_usd,
        amount_awarded_usd=None,
        submitted_at=None,
        decided_at=None,
        credited_at=None,
        **overrides,
    )
    with database.writing() as session:
        session.execute(
            update(AceRecordRow)
            .where(AceRecordRow.id == record_id)
            .values(fields=form.model_dump(mode="json"))
        )
    return record_id


def test_export_writes_the_create_opportunity_request(
    database: Database, db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record_id = _record_with_form(database, _current_form())
    out = tmp_path / "opportunity.json"
    assert (
        cli.main(["export", "--db", db_target, "--record", str(record_id), "--out", str(out)]) == 0
    )
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["Customer"]["Account"]["CompanyName"] == "Lumen Analytics Inc."
    assert ace_api_model.check_request(payload) == []
    validate_parameters(payload, ace_api_model.operation_model().input_shape)
    # Same saved version, same idempotency key.
    assert cli.main(["export", "--db", db_target, "--record", str(record_id)]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["ClientToken"] == payload["ClientToken"]


def test_export_refuses_a_record_with_errors(
    database: Database, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    record_id = _record_with_form(database, _current_form(use_case="short"))
    assert cli.main(["export", "--db", db_target, "--record", str(record_id), "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["field"] for f in findings if f["severity"] == "error"] == ["use_case"]


def test_export_unknown_record_exits_2(
    database: Database, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["export", "--db", db_target, "--record", "999"]) == 2
    assert "999" in capsys.readouterr().err


def test_the_client_token_is_a_function_of_the_exported_request(database: Database) -> None:
    saved = _current_form()
    record_id = _record_with_form(database, saved)
    first = export_record(database, record_id).payload
    again = export_record(database, record_id).payload
    assert first is not None and again is not None
    assert first == again, "the same request, the same idempotency key"
    # Unsaved edits of the same saved version: a different request, so a different key
    # (the editor once reused the saved version's key for whatever was on screen).
    edited = export_record(
        database, record_id, form=saved.model_copy(update={"next_steps": "Kick-off on Monday."})
    ).payload
    other_edit = export_record(
        database, record_id, form=saved.model_copy(update={"next_steps": "Kick-off on Friday."})
    ).payload
    sandbox = export_record(database, record_id, catalog="Sandbox").payload
    assert edited is not None and other_edit is not None and sandbox is not None
    tokens = {p["ClientToken"] for p in (first, edited, other_edit, sandbox)}
    assert len(tokens) == 4
    # The editor showing exactly the saved form sends exactly what the command line sends.
    assert export_record(database, record_id, form=saved).payload == first
    for payload in (first, edited, other_edit, sandbox):
        assert payload["ClientToken"] == client_token(record_id, payload)
        assert ace_api_model.check_request(payload) == []


def test_export_carries_the_routing_identity_the_model_accepts(database: Database) -> None:
    record_id = _record_with_form(database, _current_form())
    opened = records.open_record(database, record_id)
    payload = export_record(database, record_id).payload
    assert payload is not None
    inquiry_id = opened.summary.inquiry_id
    assert payload["PartnerOpportunityIdentifier"] == f"CR-I{inquiry_id}-R{record_id}"
    assert parse_cloudroute_opportunity_id(payload["PartnerOpportunityIdentifier"]) == (
        CloudRouteOpportunityId(inquiry_id, record_id)
    )
    tags = {tag["Key"]: tag["Value"] for tag in payload["Tags"]}
    assert tags == {
        "cloudroute:inquiry": str(inquiry_id),
        "cloudroute:record": str(record_id),
        "cloudroute:partner": str(opened.summary.partner_id),
        "cloudroute:pool": "portfolio",
    }, "no assignment row in this fixture: no assignment tag rather than an empty one"
    assert ace_api_model.check_request(payload) == []
    validate_parameters(payload, ace_api_model.operation_model().input_shape)


def test_the_assignment_tag_names_the_partners_assignment(database: Database) -> None:
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database)
    assignment.assign(database, inquiry_id, partner_id, "alice")
    opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
    records.save_form(
        database,
        opened.record_id,
        _current_form(title=opened.form.title),
        opened.version,
        "alice",
    )
    payload = export_record(database, opened.record_id).payload
    assert payload is not None, export_record(database, opened.record_id).findings
    with database.reading() as session:
        assignment_id = session.scalar(
            select(AssignmentRow.id).where(AssignmentRow.inquiry_id == inquiry_id)
        )
    tags = {tag["Key"]: tag["Value"] for tag in payload["Tags"]}
    assert tags["cloudroute:assignment"] == str(assignment_id)


def test_identity_is_checked_by_the_editors_validator() -> None:
    # A pool value Partner Central's TagValue pattern refuses ("!" is not in its class) is
    # found by validate(), the same call the editor makes, on the request member.
    identity = RoutingIdentity(inquiry_id=1, record_id=2, partner_id=3, pool="bad!pool")
    found = validate(_current_form(), context().model_copy(update={"identity": identity}))
    assert [(f.field, f.rule) for f in found if f.is_error] == [
        ("Tags[3].Value", "api.invalid_string_format")
    ]
    fine = identity.model_copy(update={"pool": "portfolio"})
    assert not has_errors(
        validate(_current_form(), context().model_copy(update={"identity": fine}))
    )


def test_a_form_saved_with_the_old_typed_partner_id_still_opens() -> None:
    data = _current_form().model_dump(mode="json")
    data["partner_opportunity_identifier"] = "CR-2026-000123"
    assert AceForm.model_validate(data) == _current_form()
