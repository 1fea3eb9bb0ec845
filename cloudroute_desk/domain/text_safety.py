"""The one boundary every piece of typed text crosses before it is stored or exported.

SQLite stores a NUL character or a 100 kB string without complaint; PostgreSQL refuses NUL in
text and JSON, and nobody can encode an unpaired surrogate as UTF-8. Checking here, once, for
every text field of a form means both backends see the same accepted values and a hostile
paste becomes a finding instead of a crash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from cloudroute_desk.domain.findings import Finding, Severity

MAX_TEXT_CHARS = 10_000
"""Longest text any form field may hold. The longest API field (CustomerBusinessProblem) takes
2,000 characters; this cap only stops pastes that no field can use from reaching storage."""


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL (PostgreSQL cannot store it) and lone surrogates (UTF-8 cannot encode them)."""

_UNSTORABLE_OR_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""The above plus the C0/C1 control characters other than tab and line breaks."""


def character_problem(value: str, *, controls: bool = False) -> str | None:
    """Why a character of ``value`` cannot be stored, or None. With ``controls``, control
    characters other than tab and line breaks are refused too (one-line intake fields)."""
    if not controls and "\x00" not in value and (value.isascii() or _encodes(value)):
        return None  # the common case, answered at C speed even for a 100 kB paste
    found = (_UNSTORABLE_OR_CONTROL if controls else _UNSTORABLE).search(value)
    if found is None:
        return None
    code = ord(found.group())
    if code == 0:
        return "contains a NUL character (U+0000), which the database cannot store"
    if 0xD800 <= code <= 0xDFFF:
        return f"contains an unpaired surrogate (U+{code:04X}), which cannot be stored"
    return f"contains a control character (U+{code:04X})"


def _encodes(value: str) -> bool:
    # The UTF-8 codec rejects exactly the lone surrogates.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as is, or None when it can."""
    if len(value) > MAX_TEXT_CHARS:
        return f"is {len(value):,} characters long; the most any field takes is {MAX_TEXT_CHARS:,}"
    return character_problem(value)


def iter_text(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(field path, text) for every string in a form, nested parts and lists included."""
    for name in type(model).model_fields:
        yield from _iter_value(getattr(model, name), f"{prefix}{name}")


def _iter_value(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        yield from iter_text(value, path + ".")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _iter_value(item, f"{path}[{index}]")


def check_text(model: BaseModel) -> list[Finding]:
    findings: list[Finding] = []
    for path, text in iter_text(model):
        problem = text_problem(text)
        if problem is not None:
            findings.append(
                Finding(
                    field=path, severity=Severity.ERROR, message=f"Text {problem}.", rule="text"
                )
            )
    return findings


def unsafe_fields(model: BaseModel) -> set[str]:
    return {path for path, text in iter_text(model) if text_problem(text) is not None}
