"""The demo's Partner Central file: AWS's answers about part of the demo's records.

``cloudroute-desk demo`` writes it beside the database (``NAME-partner-central.json``), so
File → Import from Partner Central… (or ``cloudroute-desk import FILE --partner-central``)
can be tried at once. It holds what a partner's ``ListOpportunities`` calls return: a JSON
array of response pages (``OpportunitySummaries``, ``NextToken``), each summary as botocore's
``partnercentral-selling`` output shape has it (``tests/test_demo_partner_central.py`` checks
every member against the model). The reviews in it came back after the demo was generated:

- up to ``MAX_REVIEWS`` of the records waiting for review (Submitted, Validated), each with
  AWS's decision: Approved, Action Required (handed back to the partner with what to fix) or
  Rejected (Closed Lost, with ``ClosedLostReason``), with ``ReviewStatusReason`` and
  ``ReviewComments``;
- ``UNMATCHED`` opportunities the partners filed outside CloudRoute (their own CRM ids), which
  the import reports as unmatched rather than guess.

Each summary names its record by ``PartnerOpportunityIdentifier`` (CloudRoute's id,
``domain/ace/partner_central_ids``) and by ``Id`` (the record's Partner Central id). Its
customer and project parts are the record's own export (``domain/ace/export``) cut to the
summary's shape. The choice and the outcomes draw on a random stream of their own: the same
seed gives the same file.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from cloudroute_desk.demo.sampling import WeightedChoice
from cloudroute_desk.domain.ace import api_model
from cloudroute_desk.domain.ace.export import to_create_opportunity
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.ace.partner_central_ids import cloudroute_opportunity_id
from cloudroute_desk.domain.catalog import API_STAGE_AND_REVIEW, RecordState

MAX_REVIEWS: Final = 1_000
"""Enough to see the queue, the charts and the ranking move; small enough to read."""
REVIEWED_SHARE: Final = 0.6
"""Of the records waiting for review, this share has an answer in the file."""
PAGE_SIZE: Final = 100
"""``ListOpportunities``' largest ``MaxResults``."""
CATALOG: Final = "AWS"
ACCOUNT: Final = "123456789012"
"""The partner account in the summaries' ARNs (the emulator's, ``partner_central_emulator``)."""
ARN_PREFIX: Final = f"arn:aws:partnercentral:us-east-1:{ACCOUNT}:catalog/{CATALOG}/opportunity/"

APPROVED: Final = "Approved"
ACTION_REQUIRED: Final = "Action Required"
REJECTED: Final = "Rejected"
DECISIONS: Final = WeightedChoice((APPROVED, ACTION_REQUIRED, REJECTED), (60, 22, 18))

APPROVED_COMMENTS: Final = (
    "Approved as submitted.",
    "Approved: spend projection and use case are consistent.",
    "Approved; credits will be issued to the customer's account.",
)
ACTION_REQUIRED_REVIEWS: Final = (
    (
        "Insufficient customer information",
        "Please add the customer's AWS account ID and confirm the go-live date.",
    ),
    (
        "Business problem unclear",
        "Describe the workload the credits fund and the services it runs on.",
    ),
    (
        "Spend estimate missing detail",
        "Break the projected monthly spend down by service and attach a pricing estimate.",
    ),
)
REJECTED_REVIEWS: Final = (
    ("Customer problem unclear", "Customer Deficiency",
     "The business problem does not describe a workload on AWS."),
    ("Duplicate of Partner Referral", "No Opportunity",
     "Another opportunity for this customer is already under review."),
    ("Unable to support", "Delay / Cancellation of Project",
     "The customer has paused the project; file again when it resumes."),
)  # fmt: skip
"""(ReviewStatusReason, ClosedLostReason, ReviewComments)."""

UNMATCHED: Final = (
    ("SF-0061A00001XyZ", "Hollowmere Robotics Inc.", "https://www.hollowmere-robotics.com"),
    ("HS-88120455", "Quillstone Analytics Ltd", "https://quillstone-analytics.co.uk"),
)
"""(the partner's own CRM id, company, website) of opportunities CloudRoute never routed."""


@dataclass(frozen=True, slots=True)
class PendingRecord:
    """What the file needs of a record waiting for review."""

    record_id: int
    inquiry_id: int
    opportunity_id: str
    state: str
    submitted_at: datetime
    last_change: datetime
    fields: Mapping[str, Any]


class ReviewPicker:
    """Chooses, as the demo is generated, which waiting records the file answers for."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(f"partner-central:{seed}")
        self.now = now
        self.picked: list[PendingRecord] = []
        self._pages: list[dict[str, Any]] | None = None

    def take(self, candidates: Iterable[PendingRecord]) -> None:
        """Keep a chunk's candidates (``waiting_records``), chunks in order, up to the limit."""
        room = MAX_REVIEWS - len(self.picked)
        if room > 0:
            self.picked.extend(list(candidates)[:room])

    def pages(self) -> list[dict[str, Any]]:
        """The file's content: ``ListOpportunities`` response pages, in order; none when no
        record waits for review. Built once (the answers draw on the stream)."""
        if self._pages is None:
            self._pages = self._build(self.now) if self.picked else []
        return self._pages

    def _build(self, now: datetime) -> list[dict[str, Any]]:
        rng = self.rng
        summaries = [_review(rng, record, now) for record in self.picked]
        summaries.extend(_unmatched(rng, index, now) for index in range(len(UNMATCHED)))
        pages: list[dict[str, Any]] = []
        for start in range(0, len(summaries), PAGE_SIZE):
            page: dict[str, Any] = {"OpportunitySummaries": summaries[start : start + PAGE_SIZE]}
            if start + PAGE_SIZE < len(summaries):
                page["NextToken"] = _token(start + PAGE_SIZE)
            pages.append(page)
        return pages


_WAITING = frozenset({RecordState.SUBMITTED.value, RecordState.VALIDATED.value})


def file_text(pages: list[dict[str, Any]]) -> str:
    return json.dumps(pages, indent=1, ensure_ascii=False) + "\n"


def _review(rng: random.Random, record: PendingRecord, now: datetime) -> dict[str, Any]:
    decision = DECISIONS.pick(rng)
    # The answer came back after the record's last change and before the demo's "now".
    span = max((now - record.last_change).total_seconds(), 60.0)
    answered = record.last_change + timedelta(seconds=span * rng.uniform(0.2, 0.95))
    form = AceForm.model_validate(record.fields)
    request = to_create_opportunity(form, client_token="demo", catalog=CATALOG)
    life_cycle: dict[str, Any] = {}
    if decision == APPROVED:
        stage, status = API_STAGE_AND_REVIEW[RecordState.APPROVED]
        life_cycle.update(Stage=stage, ReviewStatus=status)
        life_cycle["ReviewComments"] = rng.choice(APPROVED_COMMENTS)
    elif decision == REJECTED:
        stage, status = API_STAGE_AND_REVIEW[RecordState.REJECTED]
        reason, closed_lost, comments = rng.choice(REJECTED_REVIEWS)
        life_cycle.update(Stage=stage, ReviewStatus=status, ClosedLostReason=closed_lost)
        life_cycle.update(ReviewStatusReason=reason, ReviewComments=comments)
    else:
        stage = API_STAGE_AND_REVIEW[RecordState(record.state)][0]
        reason, comments = rng.choice(ACTION_REQUIRED_REVIEWS)
        life_cycle.update(Stage=stage, ReviewStatus=ACTION_REQUIRED)
        life_cycle.update(ReviewStatusReason=reason, ReviewComments=comments)
    life_cycle["TargetCloseDate"] = request["LifeCycle"]["TargetCloseDate"]
    if "NextSteps" in request["LifeCycle"]:
        life_cycle["NextSteps"] = request["LifeCycle"]["NextSteps"]
    return {
        "Catalog": CATALOG,
        "Id": record.opportunity_id,
        "Arn": _arn(record.opportunity_id),
        "PartnerOpportunityIdentifier": cloudroute_opportunity_id(
            record.inquiry_id, record.record_id
        ),
        "OpportunityType": request.get("OpportunityType", "Net New Business"),
        "LastModifiedDate": _time(answered),
        "CreatedDate": _time(record.submitted_at),
        "LifeCycle": life_cycle,
        "Customer": api_model.shaped(request["Customer"], "CustomerSummary"),
        "Project": api_model.shaped(request["Project"], "ProjectSummary"),
    }


def _unmatched(rng: random.Random, index: int, now: datetime) -> dict[str, Any]:
    identifier, company, website = UNMATCHED[index]
    opportunity_id = f"O{9_100_000 + index}"
    stage, status = API_STAGE_AND_REVIEW[RecordState.APPROVED]
    return {
        "Catalog": CATALOG,
        "Id": opportunity_id,
        "Arn": _arn(opportunity_id),
        "PartnerOpportunityIdentifier": identifier,
        "OpportunityType": "Net New Business",
        "LastModifiedDate": _time(now - timedelta(hours=rng.uniform(2.0, 48.0))),
        "CreatedDate": _time(now - timedelta(days=rng.uniform(10.0, 20.0))),
        "LifeCycle": {"Stage": stage, "ReviewStatus": status},
        "Customer": {"Account": {"CompanyName": company, "WebsiteUrl": website}},
    }


def _arn(opportunity_id: str) -> str:
    return f"{ARN_PREFIX}{opportunity_id}"


def _time(moment: datetime) -> str:
    """ISO 8601 in UTC, as the AWS CLI prints a response's timestamps."""
    return moment.replace(microsecond=0, tzinfo=UTC).isoformat()


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def waiting_records(
    seed: int, chunk: int, records: Iterable[Mapping[str, Any]]
) -> list[PendingRecord]:
    """Of one chunk's record rows (dicts as the bulk loader writes them), those the file may
    answer for: waiting for review, each kept with ``REVIEWED_SHARE``. A stream per chunk, so
    any process can choose for its chunk; ``ReviewPicker.take`` keeps the first ones."""
    rng = random.Random(f"partner-central:{seed}:{chunk}")
    return [
        PendingRecord(
            record_id=row["id"],
            inquiry_id=row["inquiry_id"],
            opportunity_id=row["external_id"],
            state=row["state"],
            submitted_at=row["submitted_at"],
            last_change=row["updated_at"],
            fields=row["fields"],
        )
        for row in records
        if row["state"] in _WAITING and rng.random() < REVIEWED_SHARE
    ]
