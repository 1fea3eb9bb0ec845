"""The one boundary every piece of typed text crosses before it is stored or exported.

SQLite stores a NUL character or a 100 kB string without complaint; PostgreSQL refuses NUL in
text and JSON, and nobody can encode an unpaired surrogate as UTF-8. Checking here, once, for
every text field of a form means both backends see the same accepted values and a hostile
paste becomes a finding instead of a crash.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from cloudroute_desk.domain.findings import Finding, Severity

MAX_TEXT_CHARS = 10_000
"""Longest text any form field may hold. The longest API field (CustomerBusinessProblem) takes
2,000 characters; this cap only stops pastes that no field can use from reaching storage."""


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as is, or None when it can."""
    if len(value) > MAX_TEXT_CHARS:
        return f"is {len(value):,} characters long; the most any field takes is {MAX_TEXT_CHARS:,}"
    if "\x00" in value:
        return "contains a NUL character, which the database cannot store"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            # The UTF-8 codec rejects exactly the surrogates, and does so at C speed.
            return "contains an unpaired surrogate (broken Unicode), which cannot be stored"
    return None


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
