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
