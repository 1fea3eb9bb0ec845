"""Reading Partner Central's own shapes into snapshots: each shape, the bulk-export CSV, and
malformed or hostile input reported per entry (or, for a file that is no export, refused)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from cloudroute_desk.domain.ace import api_model
from cloudroute_desk.domain.ace.partner_central_snapshot import (
    PartnerCentralFileError,
    parse_partner_central_file,
)
from cloudroute_desk.domain.catalog import (
    PARTNER_CENTRAL_REVIEW_STATES,
    PARTNER_CENTRAL_STAGE_STATES,
    RecordState,
    partner_central_outcome,
)

GET = {
    "Catalog": "AWS",
    "Id": "O1234567",
    "PartnerOpportunityIdentifier": "CR-I42-R1337",
    "LastModifiedDate": "2026-11-30T09:15:00.123Z",
    "CreatedDate": "2026-11-20T08:00:00Z",
    "RelatedEntityIdentifiers": {},
    "Customer": {"Account": {"CompanyName": "Lumen Analytics Inc."}},
    "LifeCycle": {
        "ReviewStatus": "Action Required",
        "Stage": "Qualified",
        "ReviewStatusReason": "Clarify Revenue",
        "ReviewComments": "Monthly spend looks off.",
    },
    "ResponseMetadata": {"RequestId": "abc", "HTTPStatusCode": 200},
}


def _json(data: object) -> bytes:
    return json.dumps(data).encode()


def test_get_opportunity() -> None:
    parsed = parse_partner_central_file(_json(GET))
    assert parsed.problems == ()
    (snapshot,) = parsed.snapshots
    assert snapshot.opportunity_id == "O1234567"
    assert snapshot.partner_opportunity_identifier == "CR-I42-R1337"
    assert snapshot.review_status == "Action Required"
    assert snapshot.stage == "Qualified"
    assert snapshot.review_status_reason == "Clarify Revenue"
    assert snapshot.review_comments == "Monthly spend looks off."
    assert snapshot.customer_name == "Lumen Analytics Inc."
    assert snapshot.last_modified == datetime(2026, 11, 30, 9, 15, 0, 123000)


def test_list_pages_with_epoch_times_and_offsets() -> None:
    first = dict(GET, LastModifiedDate=1764494100.5)  # botocore's JSON protocol: seconds
    second = dict(GET, Id="O2", LastModifiedDate="2026-11-30T10:15:00+01:00")
    pages = [
        {"OpportunitySummaries": [first], "NextToken": "t1"},
        {"OpportunitySummaries": [second]},
    ]
    parsed = parse_partner_central_file(_json(pages))
    assert parsed.problems == ()
    assert [s.where for s in parsed.snapshots] == [
        "item 1, OpportunitySummaries[0]",
        "item 2, OpportunitySummaries[0]",
    ]
    assert parsed.snapshots[0].last_modified == datetime(2025, 11, 30, 9, 15, 0, 500000)
    assert parsed.snapshots[1].last_modified == datetime(2026, 11, 30, 9, 15)


def test_json_lines() -> None:
    text = json.dumps(GET) + "\n\n" + json.dumps(dict(GET, Id="O9")) + "\n"
    parsed = parse_partner_central_file(text.encode())
    assert [s.opportunity_id for s in parsed.snapshots] == ["O1234567", "O9"]
    assert [s.where for s in parsed.snapshots] == ["line 1", "line 3"]


def test_aws_opportunity_summary() -> None:
    summary = {
        "Catalog": "AWS",
        "RelatedOpportunityId": "O1234567",
        "Origin": "Partner Referral",
        "InvolvementType": "Co-Sell",
        "LifeCycle": {
            "Stage": "Closed Lost",
            "ClosedLostReason": "Customer Deficiency",
            "NextStepsHistory": [
                {"Value": "Call", "Time": "2026-11-01T10:00:00Z"},
                {"Value": "Closed", "Time": "2026-11-28T10:00:00Z"},
            ],
        },
    }
    (snapshot,) = parse_partner_central_file(_json(summary)).snapshots
    assert snapshot.aws_view and snapshot.review_status is None
    assert snapshot.opportunity_id == "O1234567"
    assert snapshot.stage == "Closed Lost"
    assert snapshot.closed_lost_reason == "Customer Deficiency"
    assert snapshot.last_modified == datetime(2026, 11, 28, 10)
    no_time = dict(summary, LifeCycle={"Stage": "Launched"})
    parsed = parse_partner_central_file(_json(no_time))
    assert parsed.snapshots == ()
    assert "NextStepsHistory time" in parsed.problems[0].message


BULK_HEADER = (
    "partnerCrmUniqueIdentifier,apnCrmUniqueIdentifier,customerCompanyName,status,stage,"
    "closedLostReason,apnReviewerComments,lastModifiedDate,partnerProjectTitle\n"
)


def test_bulk_export_csv() -> None:
    text = (
        "\ufeff"
        + BULK_HEADER
        + "CR-I42-R1337,O1234567,Lumen,Approved,Committed,,,2026-11-30T09:15:00Z,A\n"
        + 'CR-I43-R1338,O7654321,"Zeta, Inc.",Rejected,Closed Lost,'
        + 'Lost to Competitor \u2013 Google,"Duplicate, see O1",2026-11-29T09:00:00Z,B\n'
        + ",O1,Gamma,Draft,Prospect,,,2026-11-29T09:00:00Z,C\n"
    )
    parsed = parse_partner_central_file(text.encode())
    assert parsed.problems == ()
    approved, rejected, draft = parsed.snapshots
    assert approved.where == "line 2" and approved.review_status == "Approved"
    assert rejected.customer_name == "Zeta, Inc."
    assert rejected.closed_lost_reason == "Lost to Competitor - Google"  # en dash read
    assert rejected.review_comments == "Duplicate, see O1"
    assert draft.review_status == "Pending Submission"
    assert draft.partner_opportunity_identifier is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Id": "1234"}, 'Id "1234" is not a Partner Central opportunity id'),
        ({"Id": 1234}, "Id is not text"),
        ({"LastModifiedDate": "yesterday"}, "is not an ISO 8601 time"),
        ({"LastModifiedDate": 1e300}, "is not a time"),
        ({"LastModifiedDate": float("nan")}, "is not a time"),
        ({"LastModifiedDate": True}, "is not a time"),
        ({"LastModifiedDate": None}, "has no LastModifiedDate"),
        ({"LifeCycle": {"ReviewStatus": "Won"}}, "not one of Partner Central's ReviewStatus"),
        ({"LifeCycle": {"Stage": "Won"}}, "not one of Partner Central's Stage"),
        ({"LifeCycle": {}}, "neither a ReviewStatus nor a Stage"),
        ({"LifeCycle": "Approved"}, "LifeCycle is not an object"),
        (
            {"LifeCycle": {"ReviewStatus": "Approved", "ReviewComments": "bad\x00text"}},
            "NUL character",
        ),
        (
            {"LifeCycle": {"ReviewStatus": "Approved", "ReviewComments": "\ud800"}},
            "unpaired surrogate",
        ),
        (
            {"LifeCycle": {"ReviewStatus": "Approved", "ReviewStatusReason": "r" * 300}},
            "300 characters long",
        ),
        ({"PartnerOpportunityIdentifier": "P" * 65}, "Partner Central allows 64"),
        ({"Id": None, "PartnerOpportunityIdentifier": None}, "neither an opportunity Id"),
    ],
)
def test_a_malformed_entry_is_reported_and_its_neighbours_read(
    change: dict[str, object], message: str
) -> None:
    bad = dict(GET, **change)
    page = {"OpportunitySummaries": [GET, bad, "not an object", dict(GET, Id="O2")]}
    parsed = parse_partner_central_file(json.dumps(page).encode("utf-8", "surrogatepass"))
    assert [s.opportunity_id for s in parsed.snapshots] == ["O1234567", "O2"]
    where = [p.where for p in parsed.problems]
    assert where == ["OpportunitySummaries[1]", "OpportunitySummaries[2]"]
    assert message in parsed.problems[0].message, parsed.problems[0].message
    assert parsed.problems[1].message == "is not a JSON object"


def test_hostile_text_is_quoted_short_and_escaped() -> None:
    bad = dict(GET, LifeCycle={"ReviewStatus": '=HYPERLINK("evil")\u202e' + "x" * 500})
    problem = parse_partner_central_file(_json(bad)).problems[0].message
    assert len(problem) < 150
    assert "\u202e" not in problem


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b'{"OpportunitySummaries": [', "not valid JSON"),
        (b"[]", "no Partner Central opportunities"),
        (b"name,city\nLumen,Paris\n", "bulk-export CSV"),
        (b"a\x00b", "NUL"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_a_file_that_is_no_export_is_refused_in_one_sentence(data: bytes, message: str) -> None:
    with pytest.raises(PartnerCentralFileError, match=message) as raised:
        parse_partner_central_file(data)
    assert str(raised.value).endswith(".")
    assert "\n" not in str(raised.value)


def test_an_unknown_json_object_is_a_problem_not_a_crash() -> None:
    parsed = parse_partner_central_file(_json([{"Hello": "world"}, GET]))
    assert len(parsed.snapshots) == 1
    assert parsed.problems[0].where == "item 1"
    assert "is not a GetOpportunity" in parsed.problems[0].message


def test_csv_with_a_bad_row_reports_its_line() -> None:
    text = BULK_HEADER + "CR-I1-R1,O1,A,Approved,,,,2026-11-30,A\nCR-I1-R2,O2,B,Maybe,,,,,B\n"
    parsed = parse_partner_central_file(text.encode())
    assert len(parsed.snapshots) == 1
    assert parsed.problems[0].where == "line 3"


def test_the_mapping_table_covers_every_review_status_in_the_model() -> None:
    assert set(PARTNER_CENTRAL_REVIEW_STATES) == set(api_model.enum_values("ReviewStatus"))
    assert set(PARTNER_CENTRAL_STAGE_STATES) <= set(api_model.enum_values("Stage"))
    assert set(PARTNER_CENTRAL_STAGE_STATES) <= set(api_model.enum_values("AwsOpportunityStage"))


@pytest.mark.parametrize(
    ("review_status", "stage", "state", "hands_back"),
    [
        ("Pending Submission", "Prospect", RecordState.IDENTIFIED, False),
        ("Submitted", "Qualified", RecordState.SUBMITTED, False),
        ("In review", "Technical Validation", RecordState.VALIDATED, False),
        ("Action Required", "Qualified", RecordState.IDENTIFIED, True),
        ("Approved", "Committed", RecordState.APPROVED, False),
        ("Approved", "Launched", RecordState.LAUNCHED, False),
        ("Rejected", "Closed Lost", RecordState.REJECTED, False),
        ("Approved", "Closed Lost", RecordState.REJECTED, False),
        (None, "Launched", RecordState.LAUNCHED, False),
    ],
)
def test_mapping(
    review_status: str | None, stage: str, state: RecordState, hands_back: bool
) -> None:
    outcome = partner_central_outcome(review_status, stage)
    assert outcome is not None
    assert (outcome.state, outcome.hands_back) == (state, hands_back)


def test_an_in_between_stage_alone_decides_nothing() -> None:
    assert partner_central_outcome(None, "Committed") is None
