"""Export an ACE record as the Partner Central ``CreateOpportunity`` request.

The record is validated with the same rules and context the editor uses (the filing partner's
tier, the customer's other records); a record with errors is not exported. The ClientToken is
derived from the record id and version, so exporting the same saved version twice gives the
same idempotency key and an edited record a new one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.ace.export import to_create_opportunity
from cloudroute_desk.domain.ace.rules import validate
from cloudroute_desk.domain.findings import Finding, has_errors
from cloudroute_desk.services import records

_TOKEN_NAMESPACE = uuid.UUID("4f0d7c52-1b8e-4b8e-9a53-2f5c0e7d6a10")


@dataclass(frozen=True, slots=True)
class ExportResult:
    record_id: int
    findings: list[Finding]
    payload: dict[str, Any] | None
    """None when the record has errors."""

    @property
    def ok(self) -> bool:
        return self.payload is not None


def client_token(record_id: int, version: int) -> str:
    return str(uuid.uuid5(_TOKEN_NAMESPACE, f"ace-record:{record_id}:v{version}"))


def export_record(
    database: Database, record_id: int, *, catalog: str = "AWS", today: date | None = None
) -> ExportResult:
    """Raises ``records.RecordNotFoundError`` for an unknown id."""
    opened = records.open_record(database, record_id)
    context = opened.context
    if today is not None:
        context = context.model_copy(update={"today": today})
    findings = validate(opened.form, context)
    if has_errors(findings):
        return ExportResult(record_id, findings, None)
    payload = to_create_opportunity(
        opened.form, client_token=client_token(record_id, opened.version), catalog=catalog
    )
    return ExportResult(record_id, findings, payload)
