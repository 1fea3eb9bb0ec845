"""Export an ACE record as the Partner Central ``CreateOpportunity`` request.

The command line (``cloudroute-desk export``) and the editor's "Export to Partner Central…"
both run ``export_record``: the record's form (the saved one, or the editor's unsaved edits)
is validated with the same rules and context the editor uses (the filing partner's tier, the
customer's other records, the record's routing identity), and a form with errors is not
exported. The request carries CloudRoute's id for the record as PartnerOpportunityIdentifier
(``domain/ace/partner_central_ids.py``) and ``cloudroute:*`` Tags naming the inquiry, record,
assignment, partner and pool; the service model's checks run over them as over the form.

The ClientToken is Partner Central's idempotency key, so it is derived from the record id and
the exact request sent: exporting the same request twice gives the same key, and any change
to what is sent (an edit, saved or not, another catalog) gives a new one.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.ace.export import to_create_opportunity
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.ace.rules import validate
from cloudroute_desk.domain.findings import Finding, has_errors
from cloudroute_desk.services import records

_TOKEN_NAMESPACE = uuid.UUID("4f0d7c52-1b8e-4b8e-9a53-2f5c0e7d6a10")
TOKEN_MEMBER = "ClientToken"


@dataclass(frozen=True, slots=True)
class ExportResult:
    record_id: int
    findings: list[Finding]
    payload: dict[str, Any] | None
    """None when the record has errors."""

    @property
    def ok(self) -> bool:
        return self.payload is not None


def client_token(record_id: int, payload: Mapping[str, Any]) -> str:
    """The idempotency key for sending ``payload`` (its own ClientToken aside) for the record."""
    body = {key: value for key, value in payload.items() if key != TOKEN_MEMBER}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
    return str(uuid.uuid5(_TOKEN_NAMESPACE, f"ace-record:{record_id}:{digest}"))


def export_record(
    database: Database,
    record_id: int,
    *,
    form: AceForm | None = None,
    catalog: str = "AWS",
    today: date | None = None,
) -> ExportResult:
    """The request for the record's saved form, or for ``form`` (unsaved edits of it).
    Raises ``records.RecordNotFoundError`` for an unknown id."""
    opened = records.open_record(database, record_id)
    context = opened.context
    if today is not None:
        context = context.model_copy(update={"today": today})
    exported = opened.form if form is None else form
    findings = validate(exported, context)
    if has_errors(findings):
        return ExportResult(record_id, findings, None)
    payload = to_create_opportunity(
        exported, client_token="", catalog=catalog, identity=context.identity
    )
    payload[TOKEN_MEMBER] = client_token(record_id, payload)
    return ExportResult(record_id, findings, payload)


def request_text(payload: Mapping[str, Any]) -> str:
    """The request as the JSON file Partner Central is sent."""
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def write_request(payload: Mapping[str, Any], path: Path) -> None:
    """Write the request to ``path``; raises ``OSError``."""
    path.write_text(request_text(payload), encoding="utf-8")
