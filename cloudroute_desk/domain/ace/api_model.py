"""Checks generated from botocore's ``partnercentral-selling`` service model.

botocore's own ParamValidator checks required members, types and ``min`` only; the model
expresses lengths as regexes (``(?s).{0,120}``) and lists picklists as enums, and nothing on
the client enforces either. This module walks an operation's input shape once, compiles every
enum, pattern and bound into a small checker tree, and runs it over a request dict.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape

SERVICE_NAME: Final = "partnercentral-selling"
CREATE_OPPORTUNITY: Final = "CreateOpportunity"

# A length-only pattern reads better as a length message than as a regex.
_LENGTH_PATTERN = re.compile(r"(\(\?s\))?\.\{(\d+),(\d+)\}")


@dataclass(frozen=True, slots=True)
class ApiViolation:
    path: str
    """Where in the request, e.g. ``Customer.Contacts[0].Email``."""
    code: str
    """One of the API's ValidationException error codes."""
    message: str


class _Matcher(Protocol):
    def fullmatch(self, string: str) -> object | None: ...


@cache
def service_model() -> ServiceModel:
    """The service model, loaded once per process (botocore parses ~1 MB of JSON).

    botocore is imported here, on first use, not at start-up: it costs a tenth of a second
    and the first window paint does not need it. Only the loader and the model classes: a
    bundle ships this one service's data and nothing of botocore's clients."""
    from botocore.loaders import create_loader
    from botocore.model import ServiceModel

    loader = create_loader()
    return ServiceModel(loader.load_service_model(SERVICE_NAME, "service-2"), SERVICE_NAME)


def operation_model(operation: str = CREATE_OPPORTUNITY) -> OperationModel:
    return service_model().operation_model(operation)


def enum_values(shape_name: str) -> tuple[str, ...]:
    """The values of one of the model's enum shapes, e.g. ``Industry`` or ``CountryCode``."""
    return _enum_values(shape_name)


@cache
def _enum_values(shape_name: str) -> tuple[str, ...]:
    return tuple(service_model().shape_for(shape_name).enum)


def compile_pattern(pattern: str) -> _Matcher:
    """``re`` where it can; the ``regex`` package for the two ``\\p{L}`` patterns."""
    try:
        return re.compile(pattern)
    except re.error:
        import regex

        return regex.compile(pattern)  # type: ignore[no-any-return]


Check = Callable[[Any, str, list[ApiViolation]], None]


@cache
def request_checker(operation: str = CREATE_OPPORTUNITY) -> Check:
    shape = operation_model(operation).input_shape
    if shape is None:
        raise ValueError(f"{operation} takes no input")
    return _compile(shape, {})


def check_request(
    payload: Mapping[str, Any], operation: str = CREATE_OPPORTUNITY
) -> list[ApiViolation]:
    """Every way ``payload`` breaks the operation's input shape: unknown or missing members,
    wrong types, enum values, patterns (full match), list and string bounds."""
    violations: list[ApiViolation] = []
    request_checker(operation)(payload, "", violations)
    return violations


@cache
def response_checker(operation: str) -> Check:
    shape = operation_model(operation).output_shape
    if shape is None:
        raise ValueError(f"{operation} returns nothing")
    return _compile(shape, {})


def check_response(payload: Mapping[str, Any], operation: str) -> list[ApiViolation]:
    """Every way ``payload`` breaks the operation's output shape (a response a file claims
    Partner Central sent), with the same checks as ``check_request``."""
    violations: list[ApiViolation] = []
    response_checker(operation)(payload, "", violations)
    return violations


def shaped(value: Any, shape_name: str) -> Any:
    """``value`` with only the members the shape ``shape_name`` has, at every depth: a
    request's part as a response's smaller shape carries it (e.g. ``Customer`` as
    ``CustomerSummary``). Values are not checked; ``check_response`` does that."""
    return _shaped(value, service_model().shape_for(shape_name))


def _shaped(value: Any, shape: Shape) -> Any:
    if shape.type_name == "structure" and isinstance(value, Mapping):
        members = shape.members
        return {
            name: _shaped(item, members[name]) for name, item in value.items() if name in members
        }
    if shape.type_name == "list" and isinstance(value, list | tuple):
        return [_shaped(item, shape.member) for item in value]
    return value


def _compile(shape: Shape, memo: dict[str, Check]) -> Check:
    if shape.name in memo:
        return memo[shape.name]
    checker: Check
    if shape.type_name == "structure":
        # Placeholder first so a recursive shape refers to itself instead of looping.
        slot: list[Check] = []
        memo[shape.name] = lambda value, path, out: slot[0](value, path, out)
        checker = _structure_checker(shape, memo)
        slot.append(checker)
    elif shape.type_name == "list":
        checker = _list_checker(shape, memo)
    elif shape.type_name == "string":
        checker = _string_checker(shape)
    elif shape.type_name == "timestamp":
        checker = _type_checker((str, datetime), "a timestamp")
    elif shape.type_name in ("integer", "long"):
        checker = _integer_checker(shape)
    elif shape.type_name == "boolean":
        checker = _type_checker((bool,), "true or false")
    elif shape.type_name in ("double", "float"):
        checker = _type_checker((int, float), "a number")
    else:
        checker = _type_checker((object,), shape.type_name)
    memo[shape.name] = checker
    return checker


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _structure_checker(shape: Shape, memo: dict[str, Check]) -> Check:
    members = {name: _compile(sub, memo) for name, sub in shape.members.items()}
    required = tuple(shape.required_members)

    def check(value: Any, path: str, out: list[ApiViolation]) -> None:
        if not isinstance(value, Mapping):
            out.append(ApiViolation(path, "INVALID_VALUE", "must be an object"))
            return
        for name in required:
            if name not in value:
                out.append(
                    ApiViolation(_join(path, name), "REQUIRED_FIELD_MISSING", f"{name} is required")
                )
        for name, item in value.items():
            member = members.get(name)
            if member is None:
                out.append(
                    ApiViolation(
                        _join(path, str(name)), "INVALID_VALUE", f"{name} is not a known member"
                    )
                )
            else:
                member(item, _join(path, name), out)

    return check


def _list_checker(shape: Shape, memo: dict[str, Check]) -> Check:
    member = _compile(shape.member, memo)
    low: int | None = shape.metadata.get("min")
    high: int | None = shape.metadata.get("max")

    def check(value: Any, path: str, out: list[ApiViolation]) -> None:
        if not isinstance(value, list | tuple):
            out.append(ApiViolation(path, "INVALID_VALUE", "must be a list"))
            return
        if low is not None and len(value) < low:
            out.append(ApiViolation(path, "NOT_ENOUGH_VALUES", f"needs at least {low} item(s)"))
        if high is not None and len(value) > high:
            out.append(
                ApiViolation(
                    path, "TOO_MANY_VALUES", f"takes at most {high} items (has {len(value)})"
                )
            )
        for index, item in enumerate(value):
            member(item, f"{path}[{index}]", out)

    return check


def _string_checker(shape: Shape) -> Check:
    enum = frozenset(getattr(shape, "enum", None) or ())
    pattern_text: str | None = shape.metadata.get("pattern")
    min_len: int | None = shape.metadata.get("min")
    max_len: int | None = shape.metadata.get("max")
    length_only = _LENGTH_PATTERN.fullmatch(pattern_text) if pattern_text else None
    if length_only is not None:
        min_len = max(min_len or 0, int(length_only[2]))
        max_len = int(length_only[3]) if max_len is None else min(max_len, int(length_only[3]))
        dot_all = length_only[1] is not None
        pattern: _Matcher | None = None if dot_all else compile_pattern(pattern_text or "")
    else:
        pattern = compile_pattern(pattern_text) if pattern_text else None
    shape_name = shape.name

    def check(value: Any, path: str, out: list[ApiViolation]) -> None:
        if not isinstance(value, str):
            out.append(ApiViolation(path, "INVALID_VALUE", "must be text"))
            return
        if enum and value not in enum:
            out.append(
                ApiViolation(
                    path,
                    "INVALID_ENUM_VALUE",
                    f"{_shorten(value)!r} is not one of the API's {shape_name} values",
                )
            )
            return
        if min_len is not None and len(value) < min_len:
            out.append(
                ApiViolation(
                    path,
                    "INVALID_STRING_FORMAT",
                    f"must be at least {min_len} characters (has {len(value)})",
                )
            )
            return
        if max_len is not None and len(value) > max_len:
            out.append(
                ApiViolation(
                    path,
                    "INVALID_STRING_FORMAT",
                    f"must be at most {max_len} characters (has {len(value):,})",
                )
            )
            return
        if pattern is not None and pattern.fullmatch(value) is None:
            out.append(
                ApiViolation(
                    path,
                    "INVALID_STRING_FORMAT",
                    f"{_shorten(value)!r} does not match the API pattern {pattern_text}",
                )
            )

    return check


def _integer_checker(shape: Shape) -> Check:
    """Type and both bounds: botocore's client checks ``min`` only (``MaxResults`` 1..100)."""
    is_integer = _type_checker((int,), "an integer")
    low: int | None = shape.metadata.get("min")
    high: int | None = shape.metadata.get("max")

    def check(value: Any, path: str, out: list[ApiViolation]) -> None:
        before = len(out)
        is_integer(value, path, out)
        if len(out) > before:
            return
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"{'' if low is None else low}..{'' if high is None else high}"
            out.append(
                ApiViolation(path, "VALUE_OUT_OF_RANGE", f"must be in {bounds} (is {value})")
            )

    return check


def _type_checker(types: tuple[type, ...], label: str) -> Check:
    def check(value: Any, path: str, out: list[ApiViolation]) -> None:
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            out.append(ApiViolation(path, "INVALID_VALUE", f"must be {label}"))

    return check


def _shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
