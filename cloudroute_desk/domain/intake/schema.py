"""The row schema of an inquiry and a partner as they arrive in an import file.

One raw row (column name -> raw value: a string from CSV, any JSON value from JSON) becomes
either a validated ``Inquiry``/``Partner`` or a list of ``RowError(line, field, reason)``.
Every field is checked here, before anything touches the database, so a row is accepted or
rejected whole. Vocabulary values are matched case-insensitively on their value, their enum
name or their human label, ignoring spaces and punctuation ("series a", "SERIES_A" and
"Series-A" all mean Series-A). Text limits match the table's ``String(n)`` sizes (a test
checks they agree), and text PostgreSQL cannot store (NUL) or UTF-8 cannot encode (unpaired
surrogates) is refused with a reason instead of failing the insert.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from cloudroute_desk.domain.catalog import (
    CurrentCloud,
    EngagementType,
    FundingStage,
    Pool,
    Region,
    ServiceProfile,
    Tier,
    Vertical,
)
from cloudroute_desk.domain.entities import Contact, Inquiry, Partner, SpendLine
from cloudroute_desk.domain.intake import values
from cloudroute_desk.domain.intake.values import (
    COMPANY_NAME_MAX,
    CONTACT_NAME_MAX,
    CONTACT_TITLE_MAX,
    EXTERNAL_ID_MAX,
    LAST_ROUND_MAX,
    LEAD_INVESTOR_MAX,
    PARTNER_NAME_MAX,
    SPEND_LINE_MAX_USD,
    TEAM_SIZE_MAX,
)
from cloudroute_desk.domain.partner_rules import blocking_problems

E = TypeVar("E", bound=Enum)
T = TypeVar("T")


@dataclass(frozen=True, slots=True, order=True)
class RowError:
    line: int
    """Line in the file where the row starts (1-based; the CSV header is line 1)."""
    field: str
    """The column at fault, or ``row`` when the row as a whole is unusable."""
    reason: str


class RowKind(StrEnum):
    INQUIRY = "inquiry"
    PARTNER = "partner"


@dataclass(frozen=True, slots=True)
class RawRow:
    line: int
    values: Mapping[str, Any] | None
    """Normalised column name -> raw value; None when the item is not a row at all."""
    problem: str = ""
    """Why ``values`` is None (e.g. a JSON array item that is not an object)."""


@dataclass(frozen=True, slots=True)
class ParsedRow(Generic[T]):
    line: int
    value: T | None
    errors: tuple[RowError, ...]
    external_id: str | None
    """The row's id: its own ``external_id`` column, or a hash of its content."""
    fingerprint: str
    """A hash of the row's validated content, to tell repeats from id clashes."""

    @property
    def ok(self) -> bool:
        return self.value is not None


# ---- columns ---------------------------------------------------------------------------------

INQUIRY_COLUMNS: tuple[str, ...] = (
    "external_id",
    "company_name",
    "website",
    "funding_stage",
    "last_round",
    "lead_investor",
    "region",
    "vertical",
    "service_profile",
    "engagement_type",
    "pools_wanted",
    "spend",
    "team_size",
    "current_cloud",
    "technical_contact_name",
    "technical_contact_email",
    "technical_contact_phone",
    "technical_contact_title",
    "business_contact_name",
    "business_contact_email",
    "business_contact_phone",
    "business_contact_title",
    "arrived_at",
)
INQUIRY_REQUIRED: tuple[str, ...] = (
    "company_name",
    "website",
    "funding_stage",
    "region",
    "vertical",
    "service_profile",
    "engagement_type",
    "arrived_at",
)
PARTNER_COLUMNS: tuple[str, ...] = (
    "external_id",
    "name",
    "tier",
    "active",
    "capacity",
    "regions",
    "verticals",
    "service_profiles",
    "engagement_types",
    "stages",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_title",
)
PARTNER_REQUIRED: tuple[str, ...] = ("name", "tier")

COLUMNS: dict[RowKind, tuple[str, ...]] = {
    RowKind.INQUIRY: INQUIRY_COLUMNS,
    RowKind.PARTNER: PARTNER_COLUMNS,
}
REQUIRED: dict[RowKind, tuple[str, ...]] = {
    RowKind.INQUIRY: INQUIRY_REQUIRED,
    RowKind.PARTNER: PARTNER_REQUIRED,
}

_ALIASES = {"id": "external_id"}
_NESTED = {
    "technical_contact": "technical_contact_",
    "business_contact": "business_contact_",
    "contact": "contact_",
}
"""JSON objects that spread into flat columns (``{"contact": {"email": ...}}``)."""


def column_key(name: str) -> str:
    """A header as the schema knows it: trimmed, lower case, words joined by ``_``."""
    key = re.sub(r"[\s\-.]+", "_", name.strip().casefold()).strip("_")
    return _ALIASES.get(key, key)


def flatten(item: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON object's keys as columns, with nested contact objects spread out."""
    flat: dict[str, Any] = {}
    for raw_key, value in item.items():
        key = column_key(str(raw_key))
        if key in _NESTED and isinstance(value, Mapping):
            for sub_key, sub_value in value.items():
                flat[_NESTED[key] + column_key(str(sub_key))] = sub_value
        else:
            flat[key] = value
    return flat


def missing_columns(kind: RowKind, present: set[str]) -> list[str]:
    return [name for name in REQUIRED[kind] if name not in present]


def unknown_columns(kind: RowKind, present: set[str]) -> list[str]:
    known = set(COLUMNS[kind])
    return sorted(name for name in present if name not in known)


# ---- value parsers ---------------------------------------------------------------------------


class _InvalidRowError(Exception):
    """The assembled row breaks a rule that spans fields: (field, reason) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass
class _Collector:
    line: int
    values: Mapping[str, Any]
    required: frozenset[str]
    errors: list[RowError] = field(default_factory=list)
    parsed: dict[str, Any] = field(default_factory=dict)

    def take(self, column: str, parse: Callable[[Any], Any]) -> None:
        """Parse ``column`` into ``parsed``; a blank optional column keeps the default."""
        raw = self.values.get(column)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if column in self.required:
                self.errors.append(RowError(self.line, column, "is required"))
            return
        try:
            self.parsed[column] = parse(raw)
        except values.BadValueError as bad:
            self.errors.append(RowError(self.line, column, str(bad)))


def _canonical(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + "\x1e".join(_canonical(item) for item in value) + "]"
    if isinstance(value, SpendLine):
        return f"{value.service}={value.monthly_usd}"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _fingerprint(parsed: Mapping[str, Any]) -> str:
    """A hash of the validated values: equal for rows that differ only in spelling."""
    canonical = "\x1f".join(f"{key}\x1d{_canonical(parsed[key])}" for key in sorted(parsed))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def content_external_id(fingerprint: str) -> str:
    """The id of a row that brings none: stable for the same content, 47 characters."""
    return f"sha256:{fingerprint[:40]}"


def _external_id(collector: _Collector) -> str | None:
    raw = collector.values.get("external_id")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return values.text_value(raw, limit=EXTERNAL_ID_MAX)
    except values.BadValueError as bad:
        collector.errors.append(RowError(collector.line, "external_id", str(bad)))
        return None


def _finish(collector: _Collector, build: Callable[[dict[str, Any]], T]) -> ParsedRow[T]:
    external_id = _external_id(collector)
    fingerprint = _fingerprint(collector.parsed)
    if collector.errors:
        return ParsedRow(collector.line, None, tuple(collector.errors), external_id, fingerprint)
    external_id = external_id or content_external_id(fingerprint)
    try:
        value = build({**collector.parsed, "external_id": external_id})
    except ValidationError as error:
        errors = tuple(
            RowError(collector.line, ".".join(str(p) for p in issue["loc"]) or "row", issue["msg"])
            for issue in error.errors()
        )
        return ParsedRow(collector.line, None, errors, external_id, fingerprint)
    except _InvalidRowError as invalid:
        errors = tuple(RowError(collector.line, f, reason) for f, reason in invalid.problems)
        return ParsedRow(collector.line, None, errors, external_id, fingerprint)
    return ParsedRow(collector.line, value, (), external_id, fingerprint)


def _unusable(raw: RawRow) -> ParsedRow[Any]:
    reason = raw.problem or "is not a row"
    return ParsedRow(raw.line, None, (RowError(raw.line, "row", reason),), None, "")


def _contact(parsed: Mapping[str, Any], prefix: str) -> Contact:
    return Contact(
        name=parsed.get(f"{prefix}name", ""),
        email=parsed.get(f"{prefix}email", ""),
        phone=parsed.get(f"{prefix}phone", ""),
        title=parsed.get(f"{prefix}title", ""),
    )


def _take_contact(collector: _Collector, prefix: str) -> None:
    collector.take(f"{prefix}name", lambda v: values.text_value(v, limit=CONTACT_NAME_MAX))
    collector.take(f"{prefix}email", values.email)
    collector.take(f"{prefix}phone", values.phone)
    collector.take(f"{prefix}title", lambda v: values.text_value(v, limit=CONTACT_TITLE_MAX))


def parse_inquiry(raw: RawRow, now: datetime) -> ParsedRow[Inquiry]:
    """Validate one inquiry row; ``now`` (naive UTC) bounds plausible arrival times."""
    if raw.values is None:
        return _unusable(raw)
    row = _Collector(raw.line, raw.values, frozenset(INQUIRY_REQUIRED))
    row.take("company_name", lambda v: values.text_value(v, limit=COMPANY_NAME_MAX, required=True))
    row.take("website", values.website)
    row.take("funding_stage", lambda v: values.choice(v, FundingStage))
    row.take("last_round", lambda v: values.text_value(v, limit=LAST_ROUND_MAX))
    row.take("lead_investor", lambda v: values.text_value(v, limit=LEAD_INVESTOR_MAX))
    row.take("region", lambda v: values.choice(v, Region))
    row.take("vertical", lambda v: values.choice(v, Vertical))
    row.take("service_profile", lambda v: values.choice(v, ServiceProfile))
    row.take("engagement_type", lambda v: values.choice(v, EngagementType))
    row.take("pools_wanted", lambda v: values.choices(v, Pool))
    row.take("spend", values.spend)
    row.take("team_size", lambda v: values.integer(v, low=1, high=TEAM_SIZE_MAX, what="team size"))
    row.take("current_cloud", lambda v: values.choice(v, CurrentCloud))
    _take_contact(row, "technical_contact_")
    _take_contact(row, "business_contact_")
    row.take("arrived_at", lambda v: values.timestamp(v, now))
    if "spend" in row.parsed:
        total = sum(line.monthly_usd for line in row.parsed["spend"])
        if total > SPEND_LINE_MAX_USD:
            row.errors.append(
                RowError(
                    raw.line,
                    "spend",
                    f"total {total:,} a month is implausibly large; "
                    f"the maximum is {SPEND_LINE_MAX_USD:,}",
                )
            )

    def build(parsed: dict[str, Any]) -> Inquiry:
        plain = {k: v for k, v in parsed.items() if "contact_" not in k}
        return Inquiry(
            **plain,
            technical_contact=_contact(parsed, "technical_contact_"),
            business_contact=_contact(parsed, "business_contact_"),
        )

    return _finish(row, build)


def parse_partner(raw: RawRow) -> ParsedRow[Partner]:
    """Validate one partner row with the same rules as the partner dialog."""
    if raw.values is None:
        return _unusable(raw)
    row = _Collector(raw.line, raw.values, frozenset(PARTNER_REQUIRED))
    row.take("name", lambda v: values.text_value(v, limit=PARTNER_NAME_MAX, required=True))
    row.take("tier", lambda v: values.choice(v, Tier))
    row.take("active", values.flag)
    row.take("capacity", lambda v: values.integer(v, low=0, high=10**6, what="capacity"))
    row.take("regions", lambda v: values.choices(v, Region))
    row.take("verticals", lambda v: values.choices(v, Vertical))
    row.take("service_profiles", lambda v: values.choices(v, ServiceProfile))
    row.take("engagement_types", lambda v: values.choices(v, EngagementType))
    row.take("stages", lambda v: values.choices(v, FundingStage))
    _take_contact(row, "contact_")

    def build(parsed: dict[str, Any]) -> Partner:
        plain = {k: v for k, v in parsed.items() if not k.startswith("contact_")}
        partner = Partner(**plain, contact=_contact(parsed, "contact_"))
        problems = blocking_problems(partner)
        if problems:
            raise _InvalidRowError([(p.field.replace(".", "_"), p.message) for p in problems])
        return partner

    return _finish(row, build)


PARSERS: dict[RowKind, Callable[[RawRow, datetime], ParsedRow[Any]]] = {
    RowKind.INQUIRY: parse_inquiry,
    RowKind.PARTNER: lambda raw, _now: parse_partner(raw),
}
