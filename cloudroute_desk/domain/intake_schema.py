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
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum, StrEnum
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from pydantic import ValidationError

from cloudroute_desk.domain.catalog import (
    AWS_SERVICES,
    POOLS,
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
from cloudroute_desk.domain.partner_rules import blocking_problems
from cloudroute_desk.domain.text_safety import character_problem

E = TypeVar("E", bound=Enum)
T = TypeVar("T")

# Text limits. Those backed by a column equal its String(n) size (tests/test_import_schema.py
# checks); contact fields live in JSON columns, so theirs are ours.
EXTERNAL_ID_MAX = 64
COMPANY_NAME_MAX = 200
WEBSITE_MAX = 255
LAST_ROUND_MAX = 120
LEAD_INVESTOR_MAX = 200
SERVICE_NAME_MAX = 40
PARTNER_NAME_MAX = 200
CONTACT_NAME_MAX = 200
CONTACT_EMAIL_MAX = 254
CONTACT_PHONE_MAX = 32
CONTACT_TITLE_MAX = 120

TEAM_SIZE_MAX = 100_000
SPEND_LINE_MAX_USD = 100_000_000
"""Per service per month; far above any startup, and the sum stays inside a 32-bit column."""
SPEND_LINES_MAX = 50
OLDEST_ARRIVAL = datetime(2000, 1, 1)
FUTURE_TOLERANCE = timedelta(days=1)
"""Arrival times up to a day ahead are clock skew; later ones are typos."""

LIST_SEPARATORS = re.compile(r"[;,|]")


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


class _BadValueError(Exception):
    """One field's value is unusable; the message is the reason shown to the admin."""


def show(value: object, limit: int = 40) -> str:
    """A value quoted for a message: short, and with invisible characters made visible."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text) if isinstance(value, str) else text


def _text(value: Any, *, limit: int, required: bool = False) -> str:
    if value is None:
        text = ""
    elif isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _BadValueError(f"must be text, not {_json_type(value)}")
    else:
        text = str(value)
    # JSON's "\ud800" escapes decode to lone surrogates, so they do reach this point.
    problem = character_problem(text, controls=True)
    if problem is not None:
        raise _BadValueError(problem)
    text = text.strip()
    if required and not text:
        raise _BadValueError("is required")
    if len(text) > limit:
        raise _BadValueError(f"is {len(text):,} characters long; the limit is {limit:,}")
    return text


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _vocabulary_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def _lookup_table(enum_cls: type[E], labels: Mapping[Any, str]) -> dict[str, E]:
    table: dict[str, E] = {}
    for member in enum_cls:
        for spelling in (str(member.value), member.name, labels.get(member, "")):
            key = _vocabulary_key(spelling)
            if key and table.setdefault(key, member) is not member:
                # Two values that read alike would make an import guess; refuse at start-up.
                raise ValueError(f"{enum_cls.__name__}: {spelling!r} is ambiguous")
    # The exact spellings too, so the usual case skips normalising (keys above have no
    # capitals or punctuation, so an exact spelling never shadows a normalised key).
    for member in enum_cls:
        table.setdefault(str(member.value), member)
    return table


_POOL_LABELS = {pool: spec.label for pool, spec in POOLS.items()}
_LOOKUPS: dict[type[Enum], dict[str, Any]] = {
    FundingStage: _lookup_table(FundingStage, {}),
    Region: _lookup_table(Region, {}),
    Vertical: _lookup_table(Vertical, {}),
    ServiceProfile: _lookup_table(ServiceProfile, {}),
    EngagementType: _lookup_table(EngagementType, {}),
    CurrentCloud: _lookup_table(CurrentCloud, {}),
    Pool: _lookup_table(Pool, _POOL_LABELS),
    Tier: _lookup_table(Tier, {}),
}
_NOUNS: dict[type[Enum], str] = {
    FundingStage: "funding stage",
    Region: "region",
    Vertical: "vertical",
    ServiceProfile: "service profile",
    EngagementType: "engagement type",
    CurrentCloud: "current cloud",
    Pool: "credit pool",
    Tier: "partner tier",
}


def _choice(value: Any, enum_cls: type[E]) -> E:
    lookup = _LOOKUPS[enum_cls]
    if isinstance(value, str) and value in lookup:
        return lookup[value]  # type: ignore[no-any-return]
    text = _text(value, limit=100, required=True)
    found = lookup.get(_vocabulary_key(text))
    if found is None:
        expected = ", ".join(str(member.value) for member in enum_cls)
        raise _BadValueError(
            f"{show(text)} is not a {_NOUNS[enum_cls]}; expected one of: {expected}"
        )
    return found  # type: ignore[no-any-return]


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str):
        return [part for part in LIST_SEPARATORS.split(value) if part.strip()]
    raise _BadValueError(f"must be a list or text separated by ';', not {_json_type(value)}")


def _choices(value: Any, enum_cls: type[E]) -> tuple[E, ...]:
    chosen: list[E] = []
    for item in _items(value):
        member = _choice(item, enum_cls)
        if member not in chosen:
            chosen.append(member)
    return tuple(chosen)


_INTEGER = re.compile(r"^[+-]?\d+(\.0*)?$")


def _integer(value: Any, *, low: int, high: int, what: str) -> int:
    if isinstance(value, bool):
        raise _BadValueError(f"must be a whole number, not {_json_type(value)}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        cleaned = re.sub(r"[\s,_$]", "", value)
        if not _INTEGER.match(cleaned):
            raise _BadValueError(f"{show(value.strip())} is not a whole number")
        number = int(float(cleaned)) if "." in cleaned else int(cleaned)
    else:
        raise _BadValueError(f"must be a whole number, not {show(value)}")
    if number < low:
        adjective = "negative" if number < 0 else "too small"
        raise _BadValueError(f"{what} {number:,} is {adjective}; the minimum is {low:,}")
    if number > high:
        raise _BadValueError(f"{what} {number:,} is implausibly large; the maximum is {high:,}")
    return number


_SERVICES = {service.casefold(): service for service in AWS_SERVICES}


def _spend(value: Any) -> tuple[SpendLine, ...]:
    """``EC2=8000;Bedrock=4000``, ``{"EC2": 8000}`` or ``[{"service":..., "monthly_usd":...}]``."""
    pairs: list[tuple[Any, Any]]
    if value is None or value == "":
        return ()
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, list):
        pairs = []
        for item in value:
            if isinstance(item, Mapping):
                amount = item.get("monthly_usd", item.get("amount"))
                pairs.append((item.get("service"), amount))
            elif isinstance(item, str) and "=" in item:
                service, _, amount = item.partition("=")
                pairs.append((service, amount))
            else:
                raise _BadValueError(
                    f"spend item {show(item)} is not a service and a monthly amount"
                )
    elif isinstance(value, str):
        pairs = []
        for part in value.split(";"):
            if not part.strip():
                continue
            if "=" not in part and ":" not in part:
                raise _BadValueError(f"{show(part.strip())} is not SERVICE=AMOUNT (e.g. EC2=8000)")
            service, _, amount = part.partition("=") if "=" in part else part.partition(":")
            pairs.append((service, amount))
    else:
        raise _BadValueError(f"must be SERVICE=AMOUNT pairs, not {_json_type(value)}")
    if len(pairs) > SPEND_LINES_MAX:
        raise _BadValueError(f"has {len(pairs)} services; the limit is {SPEND_LINES_MAX}")
    lines: list[SpendLine] = []
    seen: set[str] = set()
    for raw_service, raw_amount in pairs:
        try:
            service = _text(raw_service, limit=SERVICE_NAME_MAX, required=True)
        except _BadValueError as bad:
            raise _BadValueError(f"service name {bad}") from None
        service = _SERVICES.get(service.casefold(), service)
        if service.casefold() in seen:
            raise _BadValueError(f"{service} is listed twice")
        seen.add(service.casefold())
        if raw_amount is None or (isinstance(raw_amount, str) and not raw_amount.strip()):
            raise _BadValueError(f"{service} has no monthly amount")
        try:
            amount = _integer(raw_amount, low=0, high=SPEND_LINE_MAX_USD, what="amount")
        except _BadValueError as bad:
            raise _BadValueError(f"{service} spend: {bad}") from None
        lines.append(SpendLine(service=service, monthly_usd=amount))
    return tuple(lines)


def _timestamp(value: Any, now: datetime) -> datetime:
    if not isinstance(value, str):
        raise _BadValueError(f"must be an ISO 8601 date and time, not {_json_type(value)}")
    text = _text(value, limit=64, required=True)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _BadValueError(
            f"{show(text)} is not an ISO 8601 date and time (e.g. 2026-06-01T09:30:00Z)"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    if moment < OLDEST_ARRIVAL:
        raise _BadValueError(f"{text} is before {OLDEST_ARRIVAL:%Y}")
    if moment > now + FUTURE_TOLERANCE:
        raise _BadValueError(f"{text} is in the future")
    return moment


_TRUE = {"true", "yes", "y", "1", "active", "on"}
_FALSE = {"false", "no", "n", "0", "inactive", "off"}


def _flag(value: Any) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _BadValueError(f"{show(str(value))} is not yes/no (true/false, 1/0)")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ().\-]{4,}$")


def _email(value: Any) -> str:
    text = _text(value, limit=CONTACT_EMAIL_MAX)
    if text and not _EMAIL.match(text):
        raise _BadValueError(f"{show(text)} is not an e-mail address")
    return text


def _phone(value: Any) -> str:
    text = _text(value, limit=CONTACT_PHONE_MAX)
    if text and not _PHONE.match(text):
        raise _BadValueError(f"{show(text)} is not a phone number")
    return text


def _website(value: Any) -> str:
    text = _text(value, limit=WEBSITE_MAX, required=True)
    problem = _BadValueError(f"{show(text)} is not a web address (e.g. https://example.com)")
    if _WHITESPACE.search(text):
        raise problem
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        raise problem from None
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(host):
        raise problem
    return text


_WHITESPACE = re.compile(r"\s")
_HOST = re.compile(r"(?:[0-9a-z](?:[0-9a-z\-]*[0-9a-z])?\.)+[0-9a-z\-]{2,}")


# ---- rows ------------------------------------------------------------------------------------


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
        except _BadValueError as bad:
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
        return _text(raw, limit=EXTERNAL_ID_MAX)
    except _BadValueError as bad:
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
    collector.take(f"{prefix}name", lambda v: _text(v, limit=CONTACT_NAME_MAX))
    collector.take(f"{prefix}email", _email)
    collector.take(f"{prefix}phone", _phone)
    collector.take(f"{prefix}title", lambda v: _text(v, limit=CONTACT_TITLE_MAX))


def parse_inquiry(raw: RawRow, now: datetime) -> ParsedRow[Inquiry]:
    """Validate one inquiry row; ``now`` (naive UTC) bounds plausible arrival times."""
    if raw.values is None:
        return _unusable(raw)
    row = _Collector(raw.line, raw.values, frozenset(INQUIRY_REQUIRED))
    row.take("company_name", lambda v: _text(v, limit=COMPANY_NAME_MAX, required=True))
    row.take("website", _website)
    row.take("funding_stage", lambda v: _choice(v, FundingStage))
    row.take("last_round", lambda v: _text(v, limit=LAST_ROUND_MAX))
    row.take("lead_investor", lambda v: _text(v, limit=LEAD_INVESTOR_MAX))
    row.take("region", lambda v: _choice(v, Region))
    row.take("vertical", lambda v: _choice(v, Vertical))
    row.take("service_profile", lambda v: _choice(v, ServiceProfile))
    row.take("engagement_type", lambda v: _choice(v, EngagementType))
    row.take("pools_wanted", lambda v: _choices(v, Pool))
    row.take("spend", _spend)
    row.take("team_size", lambda v: _integer(v, low=1, high=TEAM_SIZE_MAX, what="team size"))
    row.take("current_cloud", lambda v: _choice(v, CurrentCloud))
    _take_contact(row, "technical_contact_")
    _take_contact(row, "business_contact_")
    row.take("arrived_at", lambda v: _timestamp(v, now))
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
    row.take("name", lambda v: _text(v, limit=PARTNER_NAME_MAX, required=True))
    row.take("tier", lambda v: _choice(v, Tier))
    row.take("active", _flag)
    row.take("capacity", lambda v: _integer(v, low=0, high=10**6, what="capacity"))
    row.take("regions", lambda v: _choices(v, Region))
    row.take("verticals", lambda v: _choices(v, Vertical))
    row.take("service_profiles", lambda v: _choices(v, ServiceProfile))
    row.take("engagement_types", lambda v: _choices(v, EngagementType))
    row.take("stages", lambda v: _choices(v, FundingStage))
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
