"""What a validator says about one field of a record: an error blocks submission, a warning
does not. The editor shows findings inline, the CLI prints them, the exporter refuses errors."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    """The AceForm attribute path, e.g. ``customer.website`` or ``spend[2].monthly_usd``."""
    severity: Severity
    message: str
    rule: str
    """A stable identifier of the rule that produced the finding (tests and filters use it)."""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(finding.is_error for finding in findings)


def for_field(findings: Iterable[Finding], field: str) -> list[Finding]:
    """Findings on ``field`` itself or on anything nested under it (``spend`` covers
    ``spend[0].service``)."""
    return [
        f
        for f in findings
        if f.field == field or f.field.startswith(field + ".") or f.field.startswith(field + "[")
    ]


class FindingCollector:
    """Gathers a validator's findings, leaving out fields already flagged as unsafe text."""

    def __init__(self, unsafe: set[str]) -> None:
        self.findings: list[Finding] = []
        self._unsafe = unsafe

    def error(self, field: str, rule: str, message: str) -> None:
        self._add(field, Severity.ERROR, rule, message)

    def warning(self, field: str, rule: str, message: str) -> None:
        self._add(field, Severity.WARNING, rule, message)

    def _add(self, field: str, severity: Severity, rule: str, message: str) -> None:
        # A field that failed the text boundary already says why; pattern rules on a NUL
        # or a 100 kB paste would only repeat it less clearly.
        if field not in self._unsafe:
            self.findings.append(
                Finding(field=field, severity=severity, message=message, rule=rule)
            )
