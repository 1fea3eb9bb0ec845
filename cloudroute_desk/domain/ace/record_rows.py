"""One row of an ACE record import file, and the report of what the import did with each.

The file is a JSON list; each item is an object::

    {"external_id": "rec-0001",            # this record's id elsewhere (idempotency key)
     "inquiry_external_id": "inq-0042",    # the customer's inquiry, already imported
     "partner_external_id": "apn-0007",    # the filing partner: the inquiry's partner
     "pool": "portfolio",                  # optional; must agree with form.pool
     "form": {...},                        # the record, as in docs/example-record.json
     "created_at": "2025-11-02T09:00",     # optional: when the draft was filed (UTC)
     "history": [                          # optional: its lifecycle since, oldest first
         {"state": "submitted", "at": "2025-11-03T10:00"},
         {"state": "validated", "at": "2025-11-05T08:00"},
         {"state": "approved", "at": "2025-11-14T16:00",
          "amount_awarded_usd": 90000, "credited_on": "2025-11-14"}]}

A record arrives as a draft (state Identified) and then walks its history through the same
transitions, rules and audit rows as the editor's buttons (``records.transition_in``): a step
the lifecycle does not allow, an award that does not fit, a time out of order or a
submission with errors refuses the whole row. Errors name the item (1-based), the field and
the reason.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.catalog import Pool, RecordState
from cloudroute_desk.domain.intake.schema import RowError
from cloudroute_desk.domain.intake.values import show
from cloudroute_desk.domain.text_safety import check_text, text_problem


def _naive_utc(moment: datetime) -> datetime:
    """The database stores naive UTC; an offset given in the file is honoured."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


UtcTime = Annotated[datetime, AfterValidator(_naive_utc)]


class HistoryStep(BaseModel):
    """One step of an imported record's lifecycle."""

    model_config = ConfigDict(extra="forbid")

    state: RecordState
    at: UtcTime
    amount_awarded_usd: int | None = None
    """Approved / downgraded: the award (with ``credited_on``)."""
    awarded_pool: Pool | None = None
    """A downgrade to another pool; the record's pool when left out."""
    credited_on: date | None = None


class RecordRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_id: str = Field(min_length=1, max_length=64)
    inquiry_external_id: str = Field(min_length=1, max_length=64)
    partner_external_id: str = Field(min_length=1, max_length=64)
    pool: Pool | None = None
    form: AceForm
    created_at: UtcTime | None = None
    """When the draft was filed; the first step's time, or now, when left out."""
    history: list[HistoryStep] = Field(default_factory=list, max_length=20)

    @property
    def record_pool(self) -> Pool:
        return Pool(self.form.pool)

    @property
    def fingerprint(self) -> str:
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode("ascii")).hexdigest()


@dataclass(frozen=True, slots=True)
class ParsedRecordRow:
    item: int
    row: RecordRow | None
    errors: tuple[RowError, ...]


def parse_row(item: int, raw: Any) -> ParsedRecordRow:
    """The row in ``raw`` (a decoded JSON value), or every reason it is not one."""
    if not isinstance(raw, dict):
        return ParsedRecordRow(item, None, (RowError(item, "row", "not a JSON object"),))
    try:
        row = RecordRow.model_validate(raw)
    except ValidationError as error:
        errors = tuple(
            RowError(item, _loc(detail["loc"]) or "row", detail["msg"])
            for detail in error.errors(include_url=False)
        )
        return ParsedRecordRow(item, None, errors)
    problems: list[RowError] = []
    for name in ("external_id", "inquiry_external_id", "partner_external_id"):
        problem = text_problem(getattr(row, name))
        if problem is not None:
            problems.append(RowError(item, name, f"Text {problem}."))
    problems.extend(
        RowError(item, f"form.{finding.field}", finding.message) for finding in check_text(row.form)
    )
    try:
        form_pool = row.record_pool
    except ValueError:
        problems.append(RowError(item, "form.pool", f"{show(row.form.pool)} is not a pool"))
    else:
        if row.pool is not None and row.pool is not form_pool:
            problems.append(
                RowError(
                    item, "pool", f"{row.pool.value} disagrees with form.pool {form_pool.value}"
                )
            )
    if problems:
        return ParsedRecordRow(item, None, tuple(problems))
    return ParsedRecordRow(item, row, ())


def _loc(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True, slots=True)
class DuplicateRecord:
    item: int
    external_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class RecordImportReport:
    source: str
    rows_read: int
    accepted: int
    duplicates: tuple[DuplicateRecord, ...]
    errors: tuple[RowError, ...]

    @property
    def rejected(self) -> int:
        return len({error.line for error in self.errors})

    @property
    def complete(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"{self.rows_read:,} rows read: {self.accepted:,} ACE records imported, "
            f"{len(self.duplicates):,} already present, {self.rejected:,} rejected"
        )

    def render_text(self) -> str:
        lines = [f"Import of ACE records from {self.source}", self.summary()]
        if self.errors:
            lines.append("")
            lines.append("Rejected rows (item, field, reason):")
            width = max(len(error.field) for error in self.errors)
            for error in sorted(self.errors):
                lines.append(f"  item {error.line:>6}  {error.field:<{width}}  {error.reason}")
        return "\n".join(lines) + "\n"
