"""Parsing one field of an import row: text, vocabulary, numbers, money, times, contacts.

Each parser turns a raw value (a CSV string or any JSON value) into a typed value or raises
``BadValueError`` with the reason shown to the admin. ``intake_schema`` assembles them into
whole rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import urlsplit

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
from cloudroute_desk.domain.entities import SpendLine
from cloudroute_desk.domain.text_safety import character_problem

E = TypeVar("E", bound=Enum)

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


class BadValueError(Exception):
    """One field's value is unusable; the message is the reason shown to the admin."""


def show(value: object, limit: int = 40) -> str:
    """A value quoted for a message: short, and with invisible characters made visible."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text) if isinstance(value, str) else text


def text_value(value: Any, *, limit: int, required: bool = False) -> str:
    if value is None:
        text = ""
    elif isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadValueError(f"must be text, not {_json_type(value)}")
    else:
        text = str(value)
    # JSON's "\ud800" escapes decode to lone surrogates, so they do reach this point.
    problem = character_problem(text, controls=True)
    if problem is not None:
        raise BadValueError(problem)
    text = text.strip()
    if required and not text:
        raise BadValueError("is required")
    if len(text) > limit:
        raise BadValueError(f"is {len(text):,} characters long; the limit is {limit:,}")
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


def choice(value: Any, enum_cls: type[E]) -> E:
    lookup = _LOOKUPS[enum_cls]
    if isinstance(value, str) and value in lookup:
        return lookup[value]  # type: ignore[no-any-return]
    text = text_value(value, limit=100, required=True)
    found = lookup.get(_vocabulary_key(text))
    if found is None:
        expected = ", ".join(str(member.value) for member in enum_cls)
        raise BadValueError(
            f"{show(text)} is not a {_NOUNS[enum_cls]}; expected one of: {expected}"
        )
    return found  # type: ignore[no-any-return]


def items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str):
        return [part for part in LIST_SEPARATORS.split(value) if part.strip()]
    raise BadValueError(f"must be a list or text separated by ';', not {_json_type(value)}")


def choices(value: Any, enum_cls: type[E]) -> tuple[E, ...]:
    chosen: list[E] = []
    for item in items(value):
        member = choice(item, enum_cls)
        if member not in chosen:
            chosen.append(member)
    return tuple(chosen)


_INTEGER = re.compile(r"^[+-]?\d+(\.0*)?$")


def integer(value: Any, *, low: int, high: int, what: str) -> int:
    if isinstance(value, bool):
        raise BadValueError(f"must be a whole number, not {_json_type(value)}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        cleaned = re.sub(r"[\s,_$]", "", value)
        if not _INTEGER.match(cleaned):
            raise BadValueError(f"{show(value.strip())} is not a whole number")
        number = int(float(cleaned)) if "." in cleaned else int(cleaned)
    else:
        raise BadValueError(f"must be a whole number, not {show(value)}")
    if number < low:
        adjective = "negative" if number < 0 else "too small"
        raise BadValueError(f"{what} {number:,} is {adjective}; the minimum is {low:,}")
    if number > high:
        raise BadValueError(f"{what} {number:,} is implausibly large; the maximum is {high:,}")
    return number


_SERVICES = {service.casefold(): service for service in AWS_SERVICES}


def spend(value: Any) -> tuple[SpendLine, ...]:
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
                raise BadValueError(
                    f"spend item {show(item)} is not a service and a monthly amount"
                )
    elif isinstance(value, str):
        pairs = []
        for part in value.split(";"):
            if not part.strip():
                continue
            if "=" not in part and ":" not in part:
                raise BadValueError(f"{show(part.strip())} is not SERVICE=AMOUNT (e.g. EC2=8000)")
            service, _, amount = part.partition("=") if "=" in part else part.partition(":")
            pairs.append((service, amount))
    else:
        raise BadValueError(f"must be SERVICE=AMOUNT pairs, not {_json_type(value)}")
    if len(pairs) > SPEND_LINES_MAX:
        raise BadValueError(f"has {len(pairs)} services; the limit is {SPEND_LINES_MAX}")
    lines: list[SpendLine] = []
    seen: set[str] = set()
    for raw_service, raw_amount in pairs:
        try:
            service = text_value(raw_service, limit=SERVICE_NAME_MAX, required=True)
        except BadValueError as bad:
            raise BadValueError(f"service name {bad}") from None
        service = _SERVICES.get(service.casefold(), service)
        if service.casefold() in seen:
            raise BadValueError(f"{service} is listed twice")
        seen.add(service.casefold())
        if raw_amount is None or (isinstance(raw_amount, str) and not raw_amount.strip()):
            raise BadValueError(f"{service} has no monthly amount")
        try:
            amount = integer(raw_amount, low=0, high=SPEND_LINE_MAX_USD, what="amount")
        except BadValueError as bad:
            raise BadValueError(f"{service} spend: {bad}") from None
        lines.append(SpendLine(service=service, monthly_usd=amount))
    return tuple(lines)


def timestamp(value: Any, now: datetime) -> datetime:
    if not isinstance(value, str):
        raise BadValueError(f"must be an ISO 8601 date and time, not {_json_type(value)}")
    text = text_value(value, limit=64, required=True)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadValueError(
            f"{show(text)} is not an ISO 8601 date and time (e.g. 2026-06-01T09:30:00Z)"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    if moment < OLDEST_ARRIVAL:
        raise BadValueError(f"{text} is before {OLDEST_ARRIVAL:%Y}")
    if moment > now + FUTURE_TOLERANCE:
        raise BadValueError(f"{text} is in the future")
    return moment


_TRUE = {"true", "yes", "y", "1", "active", "on"}
_FALSE = {"false", "no", "n", "0", "inactive", "off"}


def flag(value: Any) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValueError(f"{show(str(value))} is not yes/no (true/false, 1/0)")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ().\-]{4,}$")


def email(value: Any) -> str:
    text = text_value(value, limit=CONTACT_EMAIL_MAX)
    if text and not _EMAIL.match(text):
        raise BadValueError(f"{show(text)} is not an e-mail address")
    return text


def phone(value: Any) -> str:
    text = text_value(value, limit=CONTACT_PHONE_MAX)
    if text and not _PHONE.match(text):
        raise BadValueError(f"{show(text)} is not a phone number")
    return text


def website(value: Any) -> str:
    text = text_value(value, limit=WEBSITE_MAX, required=True)
    problem = BadValueError(f"{show(text)} is not a web address (e.g. https://example.com)")
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
