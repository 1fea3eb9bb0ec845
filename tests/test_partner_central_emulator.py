"""The Partner Central emulator, through a real botocore client pointed at it: round trips in
the service's own protocol, the model's checks, idempotency, optimistic locking, the review
path, quotas, paging, faults, its state file and its command."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, ParamValidationError
from botocore.validate import ParamValidator

from cloudroute_desk.domain.ace.api_model import operation_model
from cloudroute_desk.partner_central_emulator.errors import ServiceError
from cloudroute_desk.partner_central_emulator.server import EmulatorServer
from cloudroute_desk.partner_central_emulator.service import Emulator
from cloudroute_desk.partner_central_emulator.store import PartnerCentralState
from cloudroute_desk.partner_central_emulator.throttle import Rates, Throttle
from tests.partner_central import create_request, emulator_client


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(Emulator(rates=Rates.unlimited())) as running:
        yield running


@pytest.fixture
def client(server: EmulatorServer) -> Any:
    return emulator_client(server.endpoint_url)


def _answer(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _assert_fits_output(operation: str, answer: dict[str, Any]) -> None:
    shape = operation_model(operation).output_shape
    assert shape is not None
    report = ParamValidator().validate(answer, shape)
    assert not report.has_errors(), report.generate_report()


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_an_exported_record_round_trips_through_create_get_and_list(client: Any) -> None:
    request = create_request(1)
    created = client.create_opportunity(**request)
    assert created["Id"].startswith("O")
    assert created["PartnerOpportunityIdentifier"] == "cr-test-1"

    got = _answer(client.get_opportunity(Catalog="Sandbox", Identifier=created["Id"]))
    _assert_fits_output("GetOpportunity", got)
    assert got["LastModifiedDate"] == created["LastModifiedDate"]
    assert got["Customer"] == request["Customer"]
    assert got["Project"] == request["Project"]
    assert got["LifeCycle"] == {**request["LifeCycle"], "ReviewStatus": "Pending Submission"}
    assert "Origin" not in got and "ClientToken" not in got  # Get has no such members

    listed = _answer(client.list_opportunities(Catalog="Sandbox"))
    _assert_fits_output("ListOpportunities", listed)
    (summary,) = listed["OpportunitySummaries"]
    assert summary["Id"] == created["Id"]
    assert summary["LifeCycle"]["ReviewStatus"] == "Pending Submission"
    assert "Contacts" not in summary["Customer"]  # a summary carries the summary shape only
    assert client.list_opportunities(Catalog="AWS")["OpportunitySummaries"] == []


def test_requests_are_checked_against_the_service_model(server: EmulatorServer) -> None:
    raw = emulator_client(server.endpoint_url, validate_params=False)
    bad = create_request(1, Origin="Bogus")
    bad["Customer"]["Account"]["CompanyName"] = "x" * 121
    bad["Customer"]["Contacts"][0]["Phone"] = "555-1234"
    bad["OpportunityTeam"] = [{"FirstName": "A"}] * 11
    del bad["Project"]["ExpectedCustomerSpend"][0]["CurrencyCode"]
    with pytest.raises(ClientError) as error:
        raw.create_opportunity(**bad)
    assert _code(error) == "ValidationException"
    assert error.value.response["Reason"] == "REQUEST_VALIDATION_FAILED"
    found = {(e["FieldName"], e["Code"]) for e in error.value.response["ErrorList"]}
    assert found == {
        ("Project.ExpectedCustomerSpend[0].CurrencyCode", "REQUIRED_FIELD_MISSING"),
        ("Origin", "INVALID_ENUM_VALUE"),
        ("Customer.Account.CompanyName", "INVALID_STRING_FORMAT"),
        ("Customer.Contacts[0].Phone", "INVALID_STRING_FORMAT"),
        ("OpportunityTeam", "TOO_MANY_VALUES"),
    }
    assert server.emulator.state.opportunities() == []

    with pytest.raises(ClientError) as error:
        raw.list_opportunities(Catalog="Sandbox", MaxResults=101)
    assert error.value.response["ErrorList"][0]["Code"] == "VALUE_OUT_OF_RANGE"
    with pytest.raises(ClientError) as error:
        raw.list_opportunities(Catalog="Sandbox", Sort={"SortBy": "Stage"})
    codes = {(e["FieldName"], e["Code"]) for e in error.value.response["ErrorList"]}
    assert codes == {
        ("Sort.SortOrder", "REQUIRED_FIELD_MISSING"),
        ("Sort.SortBy", "INVALID_ENUM_VALUE"),
    }


def test_a_body_that_is_not_a_json_object_is_a_validation_error(server: EmulatorServer) -> None:
    reply = server.emulator.handle("AWSPartnerCentralSelling.ListOpportunities", b"[1, 2]")
    assert reply.status == 400 and reply.body["__type"] == "ValidationException"
    reply = server.emulator.handle("AWSPartnerCentralSelling.ListOpportunities", b"{not json")
    assert reply.status == 400 and reply.body["__type"] == "ValidationException"
    reply = server.emulator.handle("AWSPartnerCentralSelling.DeleteResourceSnapshotJob", b"{}")
    assert reply.body["__type"] == "UnknownOperationException"


def test_the_client_token_makes_create_idempotent(client: Any, server: EmulatorServer) -> None:
    first = client.create_opportunity(**create_request(1))
    again = client.create_opportunity(**create_request(1))
    assert (again["Id"], again["LastModifiedDate"]) == (first["Id"], first["LastModifiedDate"])
    assert len(server.emulator.state.opportunities()) == 1

    changed = create_request(1)
    changed["Project"]["Title"] = "Another title"
    with pytest.raises(ClientError) as error:
        client.create_opportunity(**changed)
    assert _code(error) == "ConflictException"
    assert "Conflicting client token" in error.value.response["Error"]["Message"]
    # The same token in the other catalog is another request.
    client.create_opportunity(**create_request(1, catalog="AWS"))
    assert len(server.emulator.state.opportunities()) == 2


def test_a_stale_last_modified_date_is_a_conflict(client: Any) -> None:
    created = client.create_opportunity(**create_request(1))
    body = {k: v for k, v in create_request(1).items() if k not in ("ClientToken", "Origin")}
    updated = client.update_opportunity(
        **body, Identifier=created["Id"], LastModifiedDate=created["LastModifiedDate"]
    )
    assert updated["LastModifiedDate"] > created["LastModifiedDate"]
    with pytest.raises(ClientError) as error:
        client.update_opportunity(
            **body, Identifier=created["Id"], LastModifiedDate=created["LastModifiedDate"]
        )
    assert _code(error) == "ConflictException"
    with pytest.raises(ClientError) as error:
        client.update_opportunity(
            Catalog="Sandbox", Identifier="O999", LastModifiedDate=created["LastModifiedDate"]
        )
    assert _code(error) == "ResourceNotFoundException"


def test_update_replaces_the_whole_opportunity(client: Any) -> None:
    created = client.create_opportunity(**create_request(1))
    client.update_opportunity(
        Catalog="Sandbox",
        Identifier=created["Id"],
        LastModifiedDate=created["LastModifiedDate"],
        LifeCycle={"Stage": "Committed", "ReviewStatus": "Approved"},
    )
    got = client.get_opportunity(Catalog="Sandbox", Identifier=created["Id"])
    assert "Customer" not in got and "Project" not in got
    # ReviewStatus belongs to AWS: a partner cannot approve its own record.
    assert got["LifeCycle"] == {"Stage": "Committed", "ReviewStatus": "Pending Submission"}


def test_the_review_path(client: Any, server: EmulatorServer) -> None:
    state = server.emulator.state
    created = client.create_opportunity(**create_request(1))
    identifier = created["Id"]
    with pytest.raises(ClientError) as error:
        client.get_aws_opportunity_summary(
            Catalog="Sandbox", RelatedOpportunityIdentifier=identifier
        )
    assert _code(error) == "ResourceNotFoundException"

    client.submit_opportunity(Catalog="Sandbox", Identifier=identifier, InvolvementType="Co-Sell")
    got = client.get_opportunity(Catalog="Sandbox", Identifier=identifier)
    assert got["LifeCycle"]["ReviewStatus"] == "Submitted"
    assert got["LastModifiedDate"] > created["LastModifiedDate"]
    with pytest.raises(ClientError) as error:
        client.submit_opportunity(
            Catalog="Sandbox", Identifier=identifier, InvolvementType="Co-Sell"
        )
    assert error.value.response["ErrorList"][0]["Code"] == "INVALID_RESOURCE_STATE"
    body = {k: v for k, v in create_request(1).items() if k not in ("ClientToken", "Origin")}
    with pytest.raises(ClientError) as error:  # locked while AWS reviews it
        client.update_opportunity(
            **body, Identifier=identifier, LastModifiedDate=got["LastModifiedDate"]
        )
    assert error.value.response["Reason"] == "BUSINESS_VALIDATION_FAILED"

    state.review(
        "Sandbox",
        identifier,
        "Action Required",
        reason="Clarify Revenue",
        comments="Monthly spend looks high for a pilot.",
    )
    got = client.get_opportunity(Catalog="Sandbox", Identifier=identifier)
    assert got["LifeCycle"]["ReviewStatus"] == "Action Required"
    assert got["LifeCycle"]["ReviewStatusReason"] == "Clarify Revenue"
    assert got["LifeCycle"]["ReviewComments"] == "Monthly spend looks high for a pilot."
    summary = client.list_opportunities(Catalog="Sandbox")["OpportunitySummaries"][0]
    assert summary["LifeCycle"]["ReviewStatusReason"] == "Clarify Revenue"

    # Fixing the record sends it back into AWS's validation.
    client.update_opportunity(
        **body, Identifier=identifier, LastModifiedDate=got["LastModifiedDate"]
    )
    assert state.opportunities()[0].review_status == "Submitted"
    with pytest.raises(ServiceError) as refused:
        state.review("Sandbox", identifier, "Pending Submission")
    assert "Cannot transition opportunity from status 'Submitted' to 'Pending Submission'" in str(
        refused.value
    )
    state.review("Sandbox", identifier, "Approved", aws_stage="Committed")
    aws = _answer(
        client.get_aws_opportunity_summary(
            Catalog="Sandbox", RelatedOpportunityIdentifier=identifier
        )
    )
    _assert_fits_output("GetAwsOpportunitySummary", aws)
    assert aws["InvolvementType"] == "Co-Sell" and aws["Visibility"] == "Full"
    assert aws["LifeCycle"]["Stage"] == "Committed"
    assert aws["Origin"] == "Partner Referral"
    with pytest.raises(ServiceError):
        state.review("Sandbox", identifier, "Rejected")  # Approved is final


def test_the_admin_endpoint_reviews_over_http(client: Any, server: EmulatorServer) -> None:
    identifier = client.create_opportunity(**create_request(1))["Id"]

    def post(action: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(
            f"{server.endpoint_url}/_emulator/{action}", data=json.dumps(body).encode()
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    status, answer = post(
        "review", {"Catalog": "Sandbox", "Identifier": identifier, "ReviewStatus": "Approved"}
    )
    assert status == 400 and "from status 'Pending Submission'" in answer["Message"]
    for step in ("Submitted", "Rejected"):
        status, answer = post(
            "review",
            {
                "Catalog": "Sandbox",
                "Identifier": identifier,
                "ReviewStatus": step,
                "ReviewStatusReason": "Other",
            },
        )
        assert status == 200 and answer["ReviewStatus"] == step
    got = client.get_opportunity(Catalog="Sandbox", Identifier=identifier)
    assert got["LifeCycle"]["ReviewStatus"] == "Rejected"
    assert post("nonsense", {})[0] == 400


def test_calls_faster_than_the_quota_are_throttled(server: EmulatorServer, client: Any) -> None:
    server.emulator.throttle.set_rates(Rates(reads=0.01, writes=None))  # one read per 100 s
    client.list_opportunities(Catalog="Sandbox")
    with pytest.raises(ClientError) as error:
        client.list_opportunities(Catalog="Sandbox")
    assert _code(error) == "ThrottlingException"
    client.create_opportunity(**create_request(1))  # writes have their own bucket
    assert server.emulator.throttle.refused == 1


def test_the_bucket_refills_at_the_rate() -> None:
    now = [0.0]
    throttle = Throttle(Rates(reads=10.0, writes=1.0), clock=lambda: now[0])
    assert throttle.admit("CreateOpportunity")
    assert not throttle.admit("CreateOpportunity")
    now[0] = 0.9
    assert not throttle.admit("UpdateOpportunity")
    now[0] = 1.0
    assert throttle.admit("UpdateOpportunity")
    assert throttle.admit("GetOpportunity")
    now[0] = 1.05
    assert not throttle.admit("ListOpportunities")
    now[0] = 1.1
    assert throttle.admit("ListOpportunities")
    assert throttle.refused == 3


def test_list_pages_through_the_last_modified_filter(client: Any, server: EmulatorServer) -> None:
    stamps = [client.create_opportunity(**create_request(n))["LastModifiedDate"] for n in range(45)]
    since = stamps[9]
    pages: list[list[str]] = []
    token: dict[str, str] = {}
    query = {
        "Catalog": "Sandbox",
        "MaxResults": 20,
        "LastModifiedDate": {"AfterLastModifiedDate": since},
        "Sort": {"SortBy": "LastModifiedDate", "SortOrder": "ASCENDING"},
    }
    while True:
        page = client.list_opportunities(**query, **token)
        pages.append([s["PartnerOpportunityIdentifier"] for s in page["OpportunitySummaries"]])
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    assert [len(page) for page in pages] == [20, 15]
    assert [pid for page in pages for pid in page] == [f"cr-test-{n}" for n in range(10, 45)]

    with pytest.raises(ClientError) as error:
        client.list_opportunities(**{**query, "MaxResults": 5}, NextToken="garbage")
    assert error.value.response["ErrorList"][0]["FieldName"] == "NextToken"
    first = client.list_opportunities(**{**query, "MaxResults": 5})
    with pytest.raises(ClientError):  # a token belongs to the query it came from
        client.list_opportunities(Catalog="Sandbox", MaxResults=5, NextToken=first["NextToken"])

    descending = client.list_opportunities(
        Catalog="Sandbox", MaxResults=3, Sort={"SortBy": "Identifier", "SortOrder": "DESCENDING"}
    )
    ids = [s["Id"] for s in descending["OpportunitySummaries"]]
    assert ids == sorted(ids, key=lambda i: int(i[1:]), reverse=True)
    filtered = client.list_opportunities(
        Catalog="Sandbox",
        CustomerCompanyName=["Lumen 3"],
        LifeCycleReviewStatus=["Pending Submission"],
    )
    assert [s["PartnerOpportunityIdentifier"] for s in filtered["OpportunitySummaries"]] == [
        "cr-test-3"
    ]


def test_an_opportunity_changed_while_paging_comes_again_at_the_end(
    client: Any, server: EmulatorServer
) -> None:
    created = [client.create_opportunity(**create_request(n)) for n in range(4)]
    query = {
        "Catalog": "Sandbox",
        "MaxResults": 2,
        "Sort": {"SortBy": "LastModifiedDate", "SortOrder": "ASCENDING"},
    }
    first = client.list_opportunities(**query)
    server.emulator.state.review("Sandbox", created[0]["Id"], "Submitted")
    rest = client.list_opportunities(**query, NextToken=first["NextToken"])
    assert [s["Id"] for s in rest["OpportunitySummaries"]] == [created[2]["Id"], created[3]["Id"]]
    assert rest["NextToken"]
    last = client.list_opportunities(**query, NextToken=rest["NextToken"])
    assert [s["Id"] for s in last["OpportunitySummaries"]] == [created[0]["Id"]]


def test_injected_faults_are_server_errors(client: Any, server: EmulatorServer) -> None:
    server.emulator.fail_next(1)
    server.emulator.fail_next(1, "ServiceUnavailableException")
    with pytest.raises(ClientError) as error:
        client.list_opportunities(Catalog="Sandbox")
    assert _code(error) == "InternalServerException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    with pytest.raises(ClientError) as error:
        client.list_opportunities(Catalog="Sandbox")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert client.list_opportunities(Catalog="Sandbox")["OpportunitySummaries"] == []


def test_unsigned_requests_are_refused(server: EmulatorServer) -> None:
    request = urllib.request.Request(
        server.endpoint_url,
        data=b'{"Catalog": "AWS"}',
        headers={"X-Amz-Target": "AWSPartnerCentralSelling.ListOpportunities"},
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    assert error.value.code == 403
    assert json.loads(error.value.read())["__type"] == "AccessDeniedException"


def test_an_unknown_catalog_is_refused(client: Any) -> None:
    with pytest.raises(ClientError) as error:
        client.list_opportunities(Catalog="Elsewhere")
    assert _code(error) == "AccessDeniedException"
    with pytest.raises(ParamValidationError):  # botocore itself still checks types
        client.list_opportunities(Catalog=5)


def test_only_loopback_is_served() -> None:
    with pytest.raises(ValueError, match="loopback"):
        EmulatorServer(host="0.0.0.0")


def test_the_state_survives_json(client: Any, server: EmulatorServer) -> None:
    state = server.emulator.state
    first = client.create_opportunity(**create_request(1))["Id"]
    client.create_opportunity(**create_request(2))
    client.submit_opportunity(Catalog="Sandbox", Identifier=first, InvolvementType="Co-Sell")
    state.review("Sandbox", first, "Rejected", reason="Other", comments="Duplicate")
    saved = json.loads(json.dumps(state.to_json()))
    restored = PartnerCentralState.from_json(saved)
    assert restored.to_json() == saved
    assert [o.view() for o in restored.opportunities()] == [o.view() for o in state.opportunities()]
    # The token and the numbering carry over too.
    with EmulatorServer(Emulator(restored, Rates.unlimited())) as again:
        other = emulator_client(again.endpoint_url)
        assert other.create_opportunity(**create_request(2))["Id"] == "O1000002"
        assert other.create_opportunity(**create_request(3))["Id"] == "O1000003"
    with pytest.raises(ValueError, match="not a Partner Central emulator state file"):
        PartnerCentralState.from_json({"opportunities": []})
    with pytest.raises(ValueError, match="damaged"):
        PartnerCentralState.from_json({"version": 1, "next_id": 1, "opportunities": [{}]})


def test_stamps_only_move_forward() -> None:
    fixed = datetime(2026, 12, 1, 12, 0, 0, 123456, tzinfo=UTC)
    state = PartnerCentralState(clock=lambda: fixed)
    stamps = [state.create_opportunity(create_request(n))["LastModifiedDate"] for n in range(3)]
    assert stamps == [
        fixed.replace(microsecond=123000) + timedelta(milliseconds=n) for n in range(3)
    ]


def test_the_command_serves_and_keeps_its_state_file(tmp_path: Path) -> None:
    request_files = [tmp_path / "record7.json", tmp_path / "record8.json"]
    for number, path in zip((7, 8), request_files, strict=True):
        path.write_text(json.dumps(create_request(number)), encoding="utf-8")
    answers = tmp_path / "answers.json"
    summary = {
        "Catalog": "Sandbox",
        "Id": "O42",
        "LastModifiedDate": "2026-11-01T09:00:00.000Z",
        "PartnerOpportunityIdentifier": "CR-I1-R2",
        "LifeCycle": {"ReviewStatus": "Approved", "ReviewStatusReason": "Other"},
    }
    answers.write_text(json.dumps([{"OpportunitySummaries": [summary]}]), encoding="utf-8")
    state_file = tmp_path / "pc.json"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cloudroute_desk",
            "partner-central-emulator",
            "--port",
            "0",
            "--state",
            str(state_file),
            "--create",
            *map(str, request_files),
            "--load",
            str(answers),
        ],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stderr is not None
        lines = [process.stderr.readline() for _ in range(4)]
        assert "1 opportunity loaded" in lines[0], lines
        # Loading is not a client's call: two creates in a row pass the 1/s write quota.
        assert "created O1000001" in lines[1] and "created O1000002" in lines[2], lines
        url = lines[3].split(" on ")[1].split(" ")[0]
        client = emulator_client(url)
        summaries = client.list_opportunities(
            Catalog="Sandbox", Sort={"SortBy": "Identifier", "SortOrder": "ASCENDING"}
        )["OpportunitySummaries"]
        assert [s["Id"] for s in summaries] == ["O42", "O1000001", "O1000002"]
        assert summaries[0]["LifeCycle"] == summary["LifeCycle"]
        client.submit_opportunity(
            Catalog="Sandbox", Identifier="O1000001", InvolvementType="Co-Sell"
        )
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert process.returncode == 0
    saved = PartnerCentralState.from_json(json.loads(state_file.read_text(encoding="utf-8")))
    assert [o.review_status for o in saved.opportunities()] == [
        "Approved",
        "Submitted",
        "Pending Submission",
    ]


def test_the_command_refuses_a_damaged_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "pc.json"
    state_file.write_text("{ not json", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cloudroute_desk",
            "partner-central-emulator",
            "--state",
            str(state_file),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(
        "cloudroute-desk partner-central-emulator: cannot read the state file"
    )
    assert state_file.read_text(encoding="utf-8") == "{ not json"
