"""A record given as JSON to ``cloudroute-desk validate``: the form plus what the validator
would otherwise read from the database (the partner's tier, the customer's other records).

Either ``{"form": {...AceForm...}, "context": {...}}`` or a bare AceForm object (then the
context defaults apply). ``docs/example-record.json`` is a complete example;
``docs/ace-record.schema.json`` is the JSON Schema, generated from these models.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.ace.rules import OtherRecord, ValidationContext
from cloudroute_desk.domain.catalog import RecordState, Tier


class DocumentContext(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner_tier: Tier = Tier.ADVANCED
    """The filing partner's APN tier."""
    record_partner_id: int = 0
    """The filing partner's id, to tell its other records from a competing partner's."""
    today: date | None = None
    """The day to judge dates against; today (UTC) when left out."""
    other_records: list[OtherRecord] = Field(default_factory=list)
    """The customer's other ACE records, on all of the customer's inquiries."""
    record_state: RecordState = RecordState.IDENTIFIED
    """The state the record is in or is about to enter (stage-dependent rules follow it)."""

    def to_context(self, today: date) -> ValidationContext:
        return ValidationContext(
            partner_tier=self.partner_tier,
            today=self.today or today,
            other_records=tuple(self.other_records),
            record_partner_id=self.record_partner_id,
            record_state=self.record_state,
        )


class RecordDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    form: AceForm
    context: DocumentContext = Field(default_factory=DocumentContext)


def parse_document(data: Any) -> RecordDocument:
    """The document in ``data`` (already JSON-decoded); raises pydantic's ValidationError."""
    if isinstance(data, dict) and "form" in data:
        return RecordDocument.model_validate(data)
    return RecordDocument(form=AceForm.model_validate(data))


def json_schema() -> dict[str, Any]:
    return RecordDocument.model_json_schema()
