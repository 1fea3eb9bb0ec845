"""The emulator's state: opportunities per catalog and what the service does to them.

Each operation takes the request as decoded by ``wire.decode`` (already checked against the
model) and returns the answer's members; the wire projects it through the output shape.
What the service decides lives here: ids and times, idempotent creates (``ClientToken``),
optimistic locking on ``LastModifiedDate``, full-replace updates, the review lock, submission,
and the review a test or the demo plays as AWS (``review``). Loadable from and savable to JSON.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from cloudroute_desk.domain.ace.api_model import enum_values, operation_model
from cloudroute_desk.partner_central_emulator import wire
from cloudroute_desk.partner_central_emulator.errors import (
    ServiceError,
    business_error,
    conflict,
    not_found,
)

CATALOGS: Final = ("AWS", "Sandbox")
ACCOUNT_ID: Final = "123456789012"
DEFAULT_PAGE_SIZE: Final = 20
STATE_VERSION: Final = 1

PENDING: Final = "Pending Submission"
SUBMITTED: Final = "Submitted"
IN_REVIEW: Final = "In review"
APPROVED: Final = "Approved"
REJECTED: Final = "Rejected"
ACTION_REQUIRED: Final = "Action Required"

REVIEW_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    PENDING: frozenset({SUBMITTED}),
    SUBMITTED: frozenset({IN_REVIEW, APPROVED, REJECTED, ACTION_REQUIRED}),
    IN_REVIEW: frozenset({APPROVED, REJECTED, ACTION_REQUIRED}),
    ACTION_REQUIRED: frozenset({SUBMITTED}),
    APPROVED: frozenset(),
    REJECTED: frozenset(),
}
"""Partner Central's review path (ACE data model): Pending Submission → Submitted → (In
review →) Approved | Rejected | Action Required, and Action Required → Submitted again."""

LOCKED_FOR_EDITS: Final = frozenset({SUBMITTED, IN_REVIEW, REJECTED})
""""After submission, you can't edit the opportunity until the review is complete"; a
rejected one stays read-only."""

_REVIEW_MEMBERS: Final = ("ReviewStatus", "ReviewStatusReason", "ReviewComments")
_SERVER_MEMBERS: Final = frozenset(
    {"Catalog", "Id", "Arn", "CreatedDate", "LastModifiedDate", "RelatedEntityIdentifiers"}
)
_NOT_STORED_ON_CREATE: Final = frozenset({"Catalog", "ClientToken", "Origin", "Tags"})
_NOT_STORED_ON_UPDATE: Final = frozenset({"Catalog", "Identifier", "LastModifiedDate"})


@dataclass(slots=True)
class Opportunity:
    catalog: str
    id: str
    fields: dict[str, Any]
    """The partner's members as last sent (Create, then each full-replace Update)."""
    created: datetime
    modified: datetime
    review: dict[str, str] = field(default_factory=lambda: {"ReviewStatus": PENDING})
    origin: str = "Partner Referral"
    tags: list[dict[str, str]] = field(default_factory=list)
    submission: dict[str, str] | None = None
    """InvolvementType and Visibility once submitted."""
    aws_lifecycle: dict[str, str] = field(default_factory=dict)
    """AWS's side of the life cycle (GetAwsOpportunitySummary), set by ``review``."""

    @property
    def review_status(self) -> str:
        return self.review["ReviewStatus"]

    @property
    def arn(self) -> str:
        return (
            f"arn:aws:partnercentral:us-east-1:{ACCOUNT_ID}:catalog/{self.catalog}"
            f"/opportunity/{self.id}"
        )

    def view(self) -> dict[str, Any]:
        """The GetOpportunity answer's members (the wire drops what an answer lacks)."""
        life_cycle = {**self.fields.get("LifeCycle", {}), **self.review}
        return {
            **self.fields,
            "Catalog": self.catalog,
            "Id": self.id,
            "Arn": self.arn,
            "CreatedDate": self.created,
            "LastModifiedDate": self.modified,
            "RelatedEntityIdentifiers": {},
            "LifeCycle": life_cycle,
        }


@dataclass(frozen=True, slots=True)
class _Created:
    digest: str
    answer: dict[str, Any]


def _now() -> datetime:
    return datetime.now(UTC)


def _body_digest(params: Mapping[str, Any]) -> str:
    body = {key: value for key, value in params.items() if key != "ClientToken"}
    canonical = json.dumps(body, sort_keys=True, default=_json_default, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return wire.format_time(value)
    raise TypeError(type(value).__name__)


def _id_number(identifier: str) -> int:
    return int(identifier[1:])


class PartnerCentralState:
    def __init__(self, *, clock: Callable[[], datetime] = _now, first_id: int = 1_000_001) -> None:
        self._lock = threading.RLock()
        self._clock = clock
        self._opportunities: dict[tuple[str, str], Opportunity] = {}
        self._created: dict[tuple[str, str], _Created] = {}
        self._next_id = first_id
        self._last_stamp: datetime | None = None
        self.on_change: Callable[[], None] | None = None
        """Called after every change (the command saves its state file here)."""

    # -- the service's operations ---------------------------------------------------------

    def create_opportunity(self, params: dict[str, Any]) -> dict[str, Any]:
        catalog = self._catalog(params)
        with self._lock:
            token_key = (catalog, params["ClientToken"])
            digest = _body_digest(params)
            earlier = self._created.get(token_key)
            if earlier is not None:
                if earlier.digest != digest:
                    raise conflict("Conflicting client token submitted for a new request body.")
                return deepcopy(earlier.answer)
            origin = params.get("Origin", "Partner Referral")
            if catalog == "AWS" and origin == "AWS Referral":
                raise business_error(
                    "Origin",
                    "INVALID_VALUE",
                    "Origin 'AWS Referral' is only allowed in the Sandbox catalog.",
                )
            stamp = self._stamp()
            identifier = f"O{self._next_id}"
            self._next_id += 1
            fields = {k: v for k, v in params.items() if k not in _NOT_STORED_ON_CREATE}
            opportunity = Opportunity(
                catalog=catalog,
                id=identifier,
                fields=_without_review(fields),
                created=stamp,
                modified=stamp,
                origin=origin,
                tags=list(params.get("Tags", [])),
            )
            self._opportunities[(catalog, identifier)] = opportunity
            answer = {
                "Id": identifier,
                "PartnerOpportunityIdentifier": params.get("PartnerOpportunityIdentifier"),
                "LastModifiedDate": stamp,
            }
            self._created[token_key] = _Created(digest, answer)
            self._changed()
            return deepcopy(answer)

    def update_opportunity(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            opportunity = self._find(params, "Identifier")
            sent = params["LastModifiedDate"]
            if sent != opportunity.modified:
                raise conflict(
                    f"Opportunity {opportunity.id} was modified at "
                    f"{wire.format_time(opportunity.modified)}, not at "
                    f"{wire.format_time(sent)}; get it again and resend the whole payload."
                )
            if opportunity.review_status in LOCKED_FOR_EDITS:
                raise business_error(
                    "LifeCycle.ReviewStatus",
                    "INVALID_RESOURCE_STATE",
                    f"Opportunity {opportunity.id} is {opportunity.review_status!r} and "
                    "can't be updated until its review is complete.",
                )
            # A full replace: what is not sent becomes null; the team is set on create only.
            fields = {k: v for k, v in params.items() if k not in _NOT_STORED_ON_UPDATE}
            if "OpportunityTeam" in opportunity.fields:
                fields["OpportunityTeam"] = opportunity.fields["OpportunityTeam"]
            opportunity.fields = _without_review(fields)
            if opportunity.review_status == ACTION_REQUIRED:
                # The fixed record goes back into AWS's validation.
                opportunity.review = {"ReviewStatus": SUBMITTED}
            opportunity.modified = self._stamp()
            self._changed()
            return {"Id": opportunity.id, "LastModifiedDate": opportunity.modified}

    def get_opportunity(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return deepcopy(self._find(params, "Identifier").view())

    def submit_opportunity(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            opportunity = self._find(params, "Identifier")
            if opportunity.review_status != PENDING:
                raise business_error(
                    "Identifier",
                    "INVALID_RESOURCE_STATE",
                    f"Opportunity {opportunity.id} is {opportunity.review_status!r}; only an "
                    f"opportunity in {PENDING!r} can be submitted.",
                )
            opportunity.submission = {
                "InvolvementType": params["InvolvementType"],
                "Visibility": params.get("Visibility", "Full"),
            }
            opportunity.review = {"ReviewStatus": SUBMITTED}
            opportunity.modified = self._stamp()
            self._changed()
            return {}

    def get_aws_opportunity_summary(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            opportunity = self._find(params, "RelatedOpportunityIdentifier")
            if opportunity.submission is None:
                raise not_found(
                    f"Opportunity {opportunity.id} has not been submitted to AWS; there is "
                    "no AWS summary yet."
                )
            project = opportunity.fields.get("Project", {})
            contacts = opportunity.fields.get("Customer", {}).get("Contacts", [])
            life_cycle = {
                "TargetCloseDate": opportunity.fields.get("LifeCycle", {}).get("TargetCloseDate"),
                **opportunity.aws_lifecycle,
            }
            return deepcopy(
                {
                    "Catalog": opportunity.catalog,
                    "RelatedOpportunityId": opportunity.id,
                    "Origin": opportunity.origin,
                    **opportunity.submission,
                    "LifeCycle": life_cycle,
                    "Customer": {"Contacts": contacts},
                    "Project": {"ExpectedCustomerSpend": project.get("ExpectedCustomerSpend")},
                }
            )

    def list_opportunities(self, params: dict[str, Any]) -> dict[str, Any]:
        catalog = self._catalog(params)
        sort = params.get("Sort", {"SortBy": "LastModifiedDate", "SortOrder": "DESCENDING"})
        sort_by, descending = sort["SortBy"], sort["SortOrder"] == "DESCENDING"
        query = _query_digest(params)
        page_size = params.get("MaxResults", DEFAULT_PAGE_SIZE)
        with self._lock:
            chosen = [
                opportunity.view()
                for (in_catalog, _), opportunity in self._opportunities.items()
                if in_catalog == catalog and _matches(opportunity, params)
            ]
        keyed = sorted(
            ((_sort_key(view, sort_by), view) for view in chosen),
            key=lambda pair: pair[0],
            reverse=descending,
        )
        if "NextToken" in params:
            after = _read_token(params["NextToken"], query)
            keyed = [pair for pair in keyed if (pair[0] < after if descending else pair[0] > after)]
        page = keyed[:page_size]
        answer: dict[str, Any] = {"OpportunitySummaries": [view for _, view in page]}
        if len(keyed) > page_size:
            answer["NextToken"] = _write_token(page[-1][0], query)
        return deepcopy(answer)

    # -- playing AWS's side ---------------------------------------------------------------

    def review(
        self,
        catalog: str,
        identifier: str,
        status: str,
        *,
        reason: str | None = None,
        comments: str | None = None,
        aws_stage: str | None = None,
    ) -> Opportunity:
        """Move an opportunity along AWS's review, as AWS would (a submitted record can go
        straight to Approved: "In review" is optional). Raises ``ServiceError``."""
        if status not in enum_values("ReviewStatus"):
            raise business_error(
                "ReviewStatus", "INVALID_ENUM_VALUE", f"{status!r} is not a ReviewStatus."
            )
        if aws_stage is not None and aws_stage not in enum_values("AwsOpportunityStage"):
            raise business_error(
                "Stage", "INVALID_ENUM_VALUE", f"{aws_stage!r} is not an AwsOpportunityStage."
            )
        with self._lock:
            opportunity = self._find({"Catalog": catalog, "Identifier": identifier}, "Identifier")
            current = opportunity.review_status
            if status not in REVIEW_TRANSITIONS[current]:
                raise business_error(
                    "ReviewStatus",
                    "INVALID_RESOURCE_STATE",
                    f"Cannot transition opportunity from status '{current}' to '{status}'",
                )
            if status == SUBMITTED and opportunity.submission is None:
                opportunity.submission = {"InvolvementType": "Co-Sell", "Visibility": "Full"}
            opportunity.review = {"ReviewStatus": status}
            if reason is not None:
                opportunity.review["ReviewStatusReason"] = reason
            if comments is not None:
                opportunity.review["ReviewComments"] = comments
            if aws_stage is not None:
                opportunity.aws_lifecycle["Stage"] = aws_stage
            opportunity.modified = self._stamp()
            self._changed()
            return deepcopy(opportunity)

    def opportunities(self, catalog: str | None = None) -> list[Opportunity]:
        with self._lock:
            return [
                deepcopy(opportunity)
                for (in_catalog, _), opportunity in self._opportunities.items()
                if catalog is None or in_catalog == catalog
            ]

    # -- JSON -----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        get = operation_model("GetOpportunity")
        created = operation_model("CreateOpportunity")
        with self._lock:
            return {
                "version": STATE_VERSION,
                "next_id": self._next_id,
                "opportunities": [
                    {
                        "opportunity": wire.output(get, o.view()),
                        "origin": o.origin,
                        "tags": o.tags,
                        "submission": o.submission,
                        "aws_lifecycle": o.aws_lifecycle,
                    }
                    for o in self._opportunities.values()
                ],
                "client_tokens": [
                    {
                        "catalog": catalog,
                        "token": token,
                        "digest": entry.digest,
                        "answer": wire.output(created, entry.answer),
                    }
                    for (catalog, token), entry in self._created.items()
                ],
            }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], **kwargs: Any) -> PartnerCentralState:
        """Raises ``ValueError`` with one sentence for a file that is not a state file."""
        if not isinstance(data, Mapping) or data.get("version") != STATE_VERSION:
            raise ValueError(f"not a Partner Central emulator state file (version {STATE_VERSION})")
        get_shape = operation_model("GetOpportunity").output_shape
        create_shape = operation_model("CreateOpportunity").output_shape
        assert get_shape is not None and create_shape is not None
        state = cls(**kwargs)
        try:
            state._next_id = int(data["next_id"])
            for entry in data["opportunities"]:
                state.put_opportunity(
                    wire.decode(entry["opportunity"], get_shape),
                    origin=entry.get("origin", "Partner Referral"),
                    tags=list(entry.get("tags", [])),
                    submission=entry.get("submission"),
                    aws_lifecycle=dict(entry.get("aws_lifecycle", {})),
                )
            for entry in data["client_tokens"]:
                state._created[(entry["catalog"], entry["token"])] = _Created(
                    entry["digest"], wire.decode(entry["answer"], create_shape)
                )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"the emulator state file is damaged ({error!r})") from None
        return state

    def put_opportunity(
        self,
        view: Mapping[str, Any],
        *,
        origin: str = "Partner Referral",
        tags: list[dict[str, str]] | None = None,
        submission: dict[str, str] | None = None,
        aws_lifecycle: dict[str, str] | None = None,
    ) -> Opportunity:
        """Hold an opportunity as Partner Central reported it (a GetOpportunity answer or a
        ListOpportunities summary, timestamps decoded), its id and times kept: how a saved
        state or another tool's file (the demo's Partner Central file) is served."""
        life_cycle = dict(view.get("LifeCycle") or {})
        review = {k: life_cycle.pop(k) for k in _REVIEW_MEMBERS if k in life_cycle}
        fields = {k: v for k, v in view.items() if k not in _SERVER_MEMBERS}
        if life_cycle:
            fields["LifeCycle"] = life_cycle
        else:
            fields.pop("LifeCycle", None)
        review = review or {"ReviewStatus": PENDING}
        if submission is None and review["ReviewStatus"] != PENDING:
            submission = {"InvolvementType": "Co-Sell", "Visibility": "Full"}
        modified = view["LastModifiedDate"]
        opportunity = Opportunity(
            catalog=view["Catalog"],
            id=view["Id"],
            fields=fields,
            created=view.get("CreatedDate") or modified,
            modified=modified,
            review=review,
            origin=origin,
            tags=tags or [],
            submission=submission,
            aws_lifecycle=aws_lifecycle or {},
        )
        with self._lock:
            self._opportunities[(opportunity.catalog, opportunity.id)] = opportunity
            self._next_id = max(self._next_id, _id_number(opportunity.id) + 1)
            if self._last_stamp is None or modified > self._last_stamp:
                self._last_stamp = modified
        return opportunity

    # -- helpers --------------------------------------------------------------------------

    def _catalog(self, params: Mapping[str, Any]) -> str:
        catalog = str(params["Catalog"])
        if catalog not in CATALOGS:
            raise ServiceError(
                "AccessDeniedException",
                f"Catalog {catalog!r} is not available to this account; use AWS or Sandbox.",
            )
        return catalog

    def _find(self, params: Mapping[str, Any], member: str) -> Opportunity:
        catalog = self._catalog(params)
        identifier = params[member]
        opportunity = self._opportunities.get((catalog, identifier))
        if opportunity is None:
            raise not_found(f"Opportunity {identifier} was not found in catalog {catalog}.")
        return opportunity

    def _stamp(self) -> datetime:
        """Now, to the millisecond as the service reports it, and always later than the last
        stamp, so two writes never share a LastModifiedDate."""
        now = self._clock().astimezone(UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if self._last_stamp is not None and now <= self._last_stamp:
            now = self._last_stamp + timedelta(milliseconds=1)
        self._last_stamp = now
        return now

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()


def _without_review(fields: dict[str, Any]) -> dict[str, Any]:
    """The review members belong to AWS: what a partner sends in them is ignored."""
    life_cycle = fields.get("LifeCycle")
    if isinstance(life_cycle, dict):
        fields = {
            **fields,
            "LifeCycle": {k: v for k, v in life_cycle.items() if k not in _REVIEW_MEMBERS},
        }
    return fields


def _matches(opportunity: Opportunity, params: Mapping[str, Any]) -> bool:
    modified = params.get("LastModifiedDate", {})
    if "AfterLastModifiedDate" in modified and not (
        opportunity.modified > modified["AfterLastModifiedDate"]
    ):
        return False
    if "BeforeLastModifiedDate" in modified and not (
        opportunity.modified < modified["BeforeLastModifiedDate"]
    ):
        return False
    created = params.get("CreatedDate", {})
    if "AfterCreatedDate" in created and not opportunity.created > created["AfterCreatedDate"]:
        return False
    if "BeforeCreatedDate" in created and not opportunity.created < created["BeforeCreatedDate"]:
        return False
    life_cycle = opportunity.fields.get("LifeCycle", {})
    close = params.get("TargetCloseDate", {})
    target = life_cycle.get("TargetCloseDate")
    if close and target is None:
        return False
    if "AfterTargetCloseDate" in close and not target > close["AfterTargetCloseDate"]:
        return False
    if "BeforeTargetCloseDate" in close and not target < close["BeforeTargetCloseDate"]:
        return False
    company = opportunity.fields.get("Customer", {}).get("Account", {}).get("CompanyName")
    return all(
        not params.get(member) or value in params[member]
        for member, value in (
            ("Identifier", opportunity.id),
            ("LifeCycleStage", life_cycle.get("Stage")),
            ("LifeCycleReviewStatus", opportunity.review_status),
            ("CustomerCompanyName", company),
        )
    )


def _sort_key(view: Mapping[str, Any], sort_by: str) -> tuple[str | int, int]:
    """The sort value, then the id, so every order is total and a page token is a position."""
    value: str | int
    if sort_by == "Identifier":
        value = _id_number(view["Id"])
    elif sort_by in ("LastModifiedDate", "CreatedDate"):
        value = wire.format_time(view[sort_by])
    elif sort_by == "CustomerCompanyName":
        value = view.get("Customer", {}).get("Account", {}).get("CompanyName") or ""
    else:
        value = view.get("LifeCycle", {}).get("TargetCloseDate") or ""
    return (value, _id_number(view["Id"]))


def _query_digest(params: Mapping[str, Any]) -> str:
    query = {k: v for k, v in params.items() if k not in ("NextToken", "MaxResults")}
    canonical = json.dumps(query, sort_keys=True, default=_json_default, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _write_token(key: tuple[str | int, int], query: str) -> str:
    text = json.dumps({"q": query, "k": list(key)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode()


def _read_token(token: str, query: str) -> tuple[str | int, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        if data["q"] != query:
            raise ValueError("query changed")
        value, number = data["k"]
        if not isinstance(value, str | int) or not isinstance(number, int):
            raise ValueError("bad key")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise business_error(
            "NextToken",
            "INVALID_VALUE",
            "The NextToken is not valid for this request; start again without it.",
        ) from None
    return (value, number)
