"""What Partner Central says about one opportunity, read from Partner Central's own files.

Four shapes, told apart by their members, all read into one ``PartnerCentralSnapshot``:

=======================================  ==================================================
``GetOpportunity`` response              ``Id``, ``PartnerOpportunityIdentifier``,
                                         ``LastModifiedDate``, ``LifeCycle.{ReviewStatus,
                                         Stage, ClosedLostReason, ReviewStatusReason,
                                         ReviewComments}``, ``Customer.Account.CompanyName``
``ListOpportunities`` page               ``OpportunitySummaries[]``: the same members
                                         (``LifeCycleSummary``), one snapshot per summary
``GetAwsOpportunitySummary`` response    ``RelatedOpportunityId`` (the partner opportunity),
                                         ``LifeCycle.{Stage, ClosedLostReason}`` (AWS's own
                                         stages); its time is the newest
                                         ``LifeCycle.NextStepsHistory[].Time``, since the
                                         shape has no LastModifiedDate
bulk-export CSV (``Opportunity-Fields``)  ``partnerCrmUniqueIdentifier``,
                                         ``apnCrmUniqueIdentifier``, ``status`` (``Draft``
                                         is read as Pending Submission), ``stage``,
                                         ``closedLostReason``, ``apnReviewerComments``,
                                         ``lastModifiedDate``, ``customerCompanyName``; the
                                         sheet has no ReviewStatusReason column (a
                                         ``reviewStatusReason`` column is read if present)
=======================================  ==================================================

A JSON file holds one response, an array of them, or one per line (JSON Lines). Times are
ISO 8601 text (any offset) or epoch seconds, as botocore's JSON protocol sends them; they are
kept as naive UTC. Enum members are checked against botocore's ``partnercentral-selling``
model. A malformed entry becomes a ``SnapshotProblem`` naming where it is ("page 2,
OpportunitySummaries[5]", "line 17") and why; the others are still read. A file that is not
one of the shapes at all raises ``PartnerCentralFileError`` with one sentence.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, Final

from cloudroute_desk.domain.ace import api_model
from cloudroute_desk.domain.text_safety import text_problem

MAX_FILE_BYTES: Final = 512 * 1024 * 1024
"""A bulk export of every opportunity a partner has is a few hundred MB at most."""
MAX_REASON_CHARS: Final = 255
_OPPORTUNITY_ID = re.compile(r"O[0-9]{1,19}", re.ASCII)
_EPOCH_RANGE = (0.0, 253_402_300_799.0)  # 1970 .. 9999-12-31T23:59:59
_CSV_REVIEW_STATUS_ALIASES: Final = {"Draft": "Pending Submission"}
"""The S3-era bulk export says Draft where the API says Pending Submission."""


class PartnerCentralFileError(ValueError):
    """The file is not a Partner Central response or export at all; ``str`` is a sentence."""


@dataclass(frozen=True, slots=True)
class PartnerCentralSnapshot:
    """One opportunity as Partner Central reported it at ``last_modified``."""

    where: str
    """Where in the file, for the report: "OpportunitySummaries[3]", "line 12"."""
    opportunity_id: str | None
    """Partner Central's id (``O`` and digits)."""
    partner_opportunity_identifier: str | None
    review_status: str | None
    stage: str | None
    closed_lost_reason: str | None
    review_status_reason: str | None
    review_comments: str | None
    last_modified: datetime | None
    customer_name: str | None
    aws_view: bool = False
    """From GetAwsOpportunitySummary: ``stage`` is AWS's seller stage, not the partner's."""


@dataclass(frozen=True, slots=True)
class SnapshotProblem:
    where: str
    message: str


@dataclass(frozen=True, slots=True)
class ParsedFile:
    snapshots: tuple[PartnerCentralSnapshot, ...]
    problems: tuple[SnapshotProblem, ...]


class _EntryError(ValueError):
    """One entry is malformed; ``str`` says how (the entry's place is added)."""


@cache
def _enum(shape: str) -> frozenset[str]:
    return frozenset(api_model.enum_values(shape))


def parse_partner_central_file(data: bytes) -> ParsedFile:
    """Every snapshot in a Partner Central JSON or bulk-export CSV file."""
    if len(data) > MAX_FILE_BYTES:
        raise PartnerCentralFileError(
            f"The file is {len(data):,} bytes; a Partner Central export is at most "
            f"{MAX_FILE_BYTES:,}."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PartnerCentralFileError(
            f"The file is not UTF-8 text (byte {error.start:,} cannot be read)."
        ) from None
    if "\x00" in text:
        raise PartnerCentralFileError("The file holds NUL characters: it is not a text export.")
    head = text.lstrip()[:1]
    if head in ("{", "["):
        return _parse_json(text)
    if not head:
        raise PartnerCentralFileError("The file is empty.")
    return _parse_csv(text)


# --- JSON ---------------------------------------------------------------------------------


def _parse_json(text: str) -> ParsedFile:
    snapshots: list[PartnerCentralSnapshot] = []
    problems: list[SnapshotProblem] = []
    documents = list(_json_documents(text))
    many = len(documents) > 1
    for label, document in documents:
        where = label if many else ""
        if isinstance(document, _EntryError):
            problems.append(SnapshotProblem(where or "file", str(document)))
            continue
        if not isinstance(document, Mapping):
            problems.append(SnapshotProblem(where or "file", "is not a JSON object"))
            continue
        _read_document(document, where, snapshots, problems)
    if not snapshots and not problems:
        raise PartnerCentralFileError("The file holds no Partner Central opportunities.")
    return ParsedFile(tuple(snapshots), tuple(problems))


def _json_documents(text: str) -> Iterator[tuple[str, Any]]:
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as error:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            raise PartnerCentralFileError(
                f"The file is not valid JSON (line {error.lineno}, column {error.colno}: "
                f"{error.msg})."
            ) from None
        yield from _json_lines(text)
        return
    except RecursionError:
        raise PartnerCentralFileError("The file's JSON is nested too deeply to read.") from None
    if isinstance(whole, list):
        for index, item in enumerate(whole):
            yield f"item {index + 1}", item
    else:
        yield "", whole


def _json_lines(text: str) -> Iterator[tuple[str, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            yield f"line {number}", _EntryError("is not valid JSON")


def _join(where: str, member: str) -> str:
    return f"{where}, {member}" if where else member


def _read_document(
    document: Mapping[str, Any],
    where: str,
    snapshots: list[PartnerCentralSnapshot],
    problems: list[SnapshotProblem],
) -> None:
    if "OpportunitySummaries" in document:
        summaries = document["OpportunitySummaries"]
        if not isinstance(summaries, list):
            problems.append(SnapshotProblem(_join(where, "OpportunitySummaries"), "is not a list"))
            return
        for index, summary in enumerate(summaries):
            _read_one(
                _from_opportunity,
                summary,
                _join(where, f"OpportunitySummaries[{index}]"),
                snapshots,
                problems,
            )
    elif "RelatedOpportunityId" in document or (
        "Id" not in document and ("Insights" in document or "InvolvementType" in document)
    ):
        _read_one(
            _from_aws_summary, document, where or "GetAwsOpportunitySummary", snapshots, problems
        )
    elif "Id" in document or "PartnerOpportunityIdentifier" in document:
        _read_one(_from_opportunity, document, where or "GetOpportunity", snapshots, problems)
    else:
        problems.append(
            SnapshotProblem(
                where or "file",
                "is not a GetOpportunity, ListOpportunities or GetAwsOpportunitySummary response",
            )
        )


def _read_one(
    reader: Any,
    item: Any,
    where: str,
    snapshots: list[PartnerCentralSnapshot],
    problems: list[SnapshotProblem],
) -> None:
    try:
        if not isinstance(item, Mapping):
            raise _EntryError("is not a JSON object")
        snapshots.append(reader(item, where))
    except _EntryError as error:
        problems.append(SnapshotProblem(where, str(error)))


def _from_opportunity(item: Mapping[str, Any], where: str) -> PartnerCentralSnapshot:
    life = _mapping(item.get("LifeCycle"), "LifeCycle")
    customer = _mapping(item.get("Customer"), "Customer")
    account = _mapping(customer.get("Account"), "Customer.Account")
    snapshot = PartnerCentralSnapshot(
        where=where,
        opportunity_id=_opportunity_id(item.get("Id"), "Id"),
        partner_opportunity_identifier=_text(
            item.get("PartnerOpportunityIdentifier"), "PartnerOpportunityIdentifier", 64
        ),
        review_status=_member(life.get("ReviewStatus"), "LifeCycle.ReviewStatus", "ReviewStatus"),
        stage=_member(life.get("Stage"), "LifeCycle.Stage", "Stage"),
        closed_lost_reason=_member(
            life.get("ClosedLostReason"), "LifeCycle.ClosedLostReason", "ClosedLostReason"
        ),
        review_status_reason=_text(
            life.get("ReviewStatusReason"), "LifeCycle.ReviewStatusReason", MAX_REASON_CHARS
        ),
        review_comments=_text(life.get("ReviewComments"), "LifeCycle.ReviewComments"),
        last_modified=_time(item.get("LastModifiedDate"), "LastModifiedDate"),
        customer_name=_text(account.get("CompanyName"), "Customer.Account.CompanyName", 120),
    )
    return _checked(snapshot)


def _from_aws_summary(item: Mapping[str, Any], where: str) -> PartnerCentralSnapshot:
    life = _mapping(item.get("LifeCycle"), "LifeCycle")
    history = life.get("NextStepsHistory")
    times: list[datetime] = []
    if history is not None:
        if not isinstance(history, list):
            raise _EntryError("LifeCycle.NextStepsHistory is not a list")
        for index, step in enumerate(history):
            step = _mapping(step, f"LifeCycle.NextStepsHistory[{index}]")
            moment = _time(step.get("Time"), f"LifeCycle.NextStepsHistory[{index}].Time")
            if moment is not None:
                times.append(moment)
    snapshot = PartnerCentralSnapshot(
        where=where,
        opportunity_id=_opportunity_id(item.get("RelatedOpportunityId"), "RelatedOpportunityId"),
        partner_opportunity_identifier=None,
        review_status=None,
        stage=_member(life.get("Stage"), "LifeCycle.Stage", "AwsOpportunityStage"),
        closed_lost_reason=_member(
            life.get("ClosedLostReason"), "LifeCycle.ClosedLostReason", "AwsClosedLostReason"
        ),
        review_status_reason=None,
        review_comments=None,
        last_modified=max(times) if times else None,
        customer_name=None,
        aws_view=True,
    )
    return _checked(snapshot)


def _checked(snapshot: PartnerCentralSnapshot) -> PartnerCentralSnapshot:
    if snapshot.opportunity_id is None and snapshot.partner_opportunity_identifier is None:
        raise _EntryError("has neither an opportunity Id nor a PartnerOpportunityIdentifier")
    if snapshot.last_modified is None:
        raise _EntryError(
            "has no LastModifiedDate, so it cannot be ordered against what is stored"
            if not snapshot.aws_view
            else "has no NextStepsHistory time, so it cannot be ordered against what is stored"
        )
    if snapshot.review_status is None and snapshot.stage is None:
        raise _EntryError("has neither a ReviewStatus nor a Stage")
    return snapshot


# --- CSV ----------------------------------------------------------------------------------

_CSV_COLUMNS: Final = {
    "partnercrmuniqueidentifier": "partner_opportunity_identifier",
    "apncrmuniqueidentifier": "opportunity_id",
    "status": "review_status",
    "stage": "stage",
    "closedlostreason": "closed_lost_reason",
    "reviewstatusreason": "review_status_reason",
    "apnreviewercomments": "review_comments",
    "lastmodifieddate": "last_modified",
    "customercompanyname": "customer_name",
}


def _parse_csv(text: str) -> ParsedFile:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as error:
        raise PartnerCentralFileError(
            f"The file is neither JSON nor readable CSV ({error})."
        ) from None
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _CSV_COLUMNS.get(name.strip().lower())
        if key is not None and key not in columns:
            columns[key] = index
    if (
        "last_modified" not in columns
        or not ({"partner_opportunity_identifier", "opportunity_id"} & columns.keys())
        or not ({"review_status", "stage"} & columns.keys())
    ):
        raise PartnerCentralFileError(
            "The file is neither Partner Central JSON nor a bulk-export CSV: it needs the "
            "columns lastModifiedDate, partnerCrmUniqueIdentifier or apnCrmUniqueIdentifier, "
            "and status or stage."
        )
    snapshots: list[PartnerCentralSnapshot] = []
    problems: list[SnapshotProblem] = []
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(SnapshotProblem(f"line {reader.line_num}", f"is not CSV ({error})"))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        where = f"line {line}"
        try:
            snapshots.append(_from_csv_row(row, columns, where))
        except _EntryError as error:
            problems.append(SnapshotProblem(where, str(error)))
    if not snapshots and not problems:
        raise PartnerCentralFileError("The file holds no Partner Central opportunities.")
    return ParsedFile(tuple(snapshots), tuple(problems))


def _from_csv_row(row: list[str], columns: dict[str, int], where: str) -> PartnerCentralSnapshot:
    def cell(key: str) -> str | None:
        index = columns.get(key)
        if index is None or index >= len(row):
            return None
        value = row[index].strip()
        return value or None

    status = cell("review_status")
    status = _CSV_REVIEW_STATUS_ALIASES.get(status, status) if status else None
    reason = cell("closed_lost_reason")
    snapshot = PartnerCentralSnapshot(
        where=where,
        opportunity_id=_opportunity_id(cell("opportunity_id"), "apnCrmUniqueIdentifier"),
        partner_opportunity_identifier=_text(
            cell("partner_opportunity_identifier"), "partnerCrmUniqueIdentifier", 64
        ),
        review_status=_member(status, "status", "ReviewStatus"),
        stage=_member(cell("stage"), "stage", "Stage"),
        # The sheet's picklist spells "Lost to Competitor – Google" with an en dash.
        closed_lost_reason=_member(
            reason.replace("\u2013", "-") if reason else None,
            "closedLostReason",
            "ClosedLostReason",
        ),
        review_status_reason=_text(
            cell("review_status_reason"), "reviewStatusReason", MAX_REASON_CHARS
        ),
        review_comments=_text(cell("review_comments"), "apnReviewerComments"),
        last_modified=_time(cell("last_modified"), "lastModifiedDate"),
        customer_name=_text(cell("customer_name"), "customerCompanyName", 120),
    )
    return _checked(snapshot)


# --- members ------------------------------------------------------------------------------


def _mapping(value: Any, name: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _EntryError(f"{name} is not an object")
    return value


def _shown(value: str) -> str:
    shown = value if len(value) <= 40 else value[:39] + "…"
    return json.dumps(shown, ensure_ascii=True)


def _text(value: Any, name: str, limit: int | None = None) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _EntryError(f"{name} is not text")
    problem = text_problem(value)
    if problem is not None:
        raise _EntryError(f"{name} {problem}")
    if limit is not None and len(value) > limit:
        raise _EntryError(
            f"{name} is {len(value):,} characters long; Partner Central allows {limit}"
        )
    return value


def _member(value: Any, name: str, shape: str) -> str | None:
    text = _text(value, name)
    if text is None:
        return None
    if text not in _enum(shape):
        raise _EntryError(f"{name} {_shown(text)} is not one of Partner Central's {shape} values")
    return text


def _opportunity_id(value: Any, name: str) -> str | None:
    text = _text(value, name)
    if text is None:
        return None
    if _OPPORTUNITY_ID.fullmatch(text) is None:
        raise _EntryError(
            f"{name} {_shown(text)} is not a Partner Central opportunity id (O and digits)"
        )
    return text


def _time(value: Any, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _EntryError(f"{name} is not a time")
    if isinstance(value, int | float):
        seconds = float(value)
        if not math.isfinite(seconds) or not _EPOCH_RANGE[0] <= seconds <= _EPOCH_RANGE[1]:
            raise _EntryError(f"{name} {value!r} is not a time")
        return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
    if not isinstance(value, str) or len(value) > 40:
        raise _EntryError(f"{name} is not a time")
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise _EntryError(f"{name} {_shown(value)} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        return moment  # taken as UTC, as Partner Central's own exports are
    return moment.astimezone(UTC).replace(tzinfo=None)
