"""What the validator needs to know beyond the form itself, read from the database: the
filing partner's tier and the same customer's other records. Kept here so the editor (which
validates live on the GUI thread) and the submit transition (which re-validates in the
database transaction) build exactly the same context.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from cloudroute_desk.db.record_queries import StoredRecord
from cloudroute_desk.domain.ace.export import RoutingIdentity
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.ace.rules import OtherRecord, ValidationContext
from cloudroute_desk.domain.ace.rules import validate as validate_form
from cloudroute_desk.domain.ace.stage_rules import stage_rules
from cloudroute_desk.domain.catalog import RecordState
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.entities import Partner
from cloudroute_desk.domain.findings import Finding, FindingCollector


def build(
    partner: Partner,
    others: Iterable[StoredRecord],
    today: date | None = None,
    record_state: RecordState = RecordState.IDENTIFIED,
    identity: RoutingIdentity | None = None,
) -> ValidationContext:
    return ValidationContext(
        partner_tier=partner.tier,
        today=today or utcnow().date(),
        other_records=tuple(
            OtherRecord(
                record_id=record.summary.id,
                partner_id=record.summary.partner_id,
                pool=record.summary.pool,
                amount_requested_usd=record.summary.amount_requested_usd,
                amount_awarded_usd=record.summary.amount_awarded_usd,
                state=record.summary.state,
            )
            for record in others
        ),
        record_partner_id=partner.id or 0,
        record_state=record_state,
        identity=identity,
    )


def stage_findings(form: AceForm, state: RecordState) -> list[Finding]:
    """Only the stage-dependent rules for a record about to enter ``state`` (a historical
    record's other fields were judged when it was submitted)."""
    out = FindingCollector(set())
    stage_rules(form, state, out)
    return out.findings


def validate(form: AceForm, context: ValidationContext) -> list[Finding]:
    return validate_form(form, context)
