"""Import ACE records kept elsewhere (``cloudroute-desk import --records FILE``).

The whole file is read and parsed before anything is written. Each row then goes in on its
own short transaction (all or nothing per row: the record and its audit event): its
inquiry and partner are resolved by external id, the partner must be the one the inquiry is
assigned to, and the form must pass the same ``validate`` the editor runs (with the same
context: the partner's tier, the customer's other records, earlier rows included). Errors
block a row; warnings do not. A row with a ``history`` then walks it through
``records.transition_in`` in the same transaction, so a year of history arrives with the
states, dates and audit rows the app itself would have written. A row whose external id is
already stored is a duplicate, so importing a file twice adds nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cloudroute_desk.db import ace_queries, audit, record_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.ace.award import Award
from cloudroute_desk.domain.ace.record_rows import (
    DuplicateRecord,
    ParsedRecordRow,
    RecordImportReport,
    RecordRow,
    parse_row,
)
from cloudroute_desk.domain.ace.rules import validate
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.intake.schema import RowError
from cloudroute_desk.domain.intake.values import show
from cloudroute_desk.services import record_context, records

MAX_FILE_BYTES = 50_000_000


class RecordFileError(Exception):
    """The file cannot be imported at all; nothing was written."""


@dataclass(frozen=True, slots=True)
class _Refusal:
    field: str
    reason: str


def read_record_file(path: Path) -> list[ParsedRecordRow]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise RecordFileError(f"{path} is larger than {MAX_FILE_BYTES:,} bytes")
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise RecordFileError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise RecordFileError(f"{path} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise RecordFileError(f"{path} is not JSON: {error}") from None
    except RecursionError:
        raise RecordFileError(f"{path} is nested too deeply") from None
    if not isinstance(data, list):
        raise RecordFileError(f"{path} must hold a JSON list of records")
    return [parse_row(index, raw) for index, raw in enumerate(data, start=1)]


def import_records(database: Database, path: Path, *, actor: str) -> RecordImportReport:
    """Raises ``RecordFileError`` when the file cannot be read (then nothing is written)."""
    parsed_rows = read_record_file(path)
    accepted = 0
    duplicates: list[DuplicateRecord] = []
    errors: list[RowError] = []
    seen: dict[str, tuple[int, str]] = {}
    for parsed in parsed_rows:
        if parsed.row is None:
            errors.extend(parsed.errors)
            continue
        row = parsed.row
        earlier = seen.get(row.external_id)
        if earlier is not None:
            item, fingerprint = earlier
            if fingerprint == row.fingerprint:
                duplicates.append(
                    DuplicateRecord(parsed.item, row.external_id, f"repeats item {item}")
                )
            else:
                errors.append(
                    RowError(
                        parsed.item,
                        "external_id",
                        f"{show(row.external_id)} is also the id of a different record "
                        f"(item {item})",
                    )
                )
            continue
        seen[row.external_id] = (parsed.item, row.fingerprint)
        outcome = _import_row(database, row, actor)
        if outcome is None:
            accepted += 1
        elif isinstance(outcome, DuplicateRecord):
            duplicates.append(DuplicateRecord(parsed.item, outcome.external_id, outcome.reason))
        else:
            errors.extend(RowError(parsed.item, r.field, r.reason) for r in outcome)
    return RecordImportReport(
        source=path.name,
        rows_read=len(parsed_rows),
        accepted=accepted,
        duplicates=tuple(duplicates),
        errors=tuple(errors),
    )


class _RowRefusedError(Exception):
    """Raised inside the row's transaction so that nothing of the row is kept."""

    def __init__(self, refusals: list[_Refusal]) -> None:
        super().__init__(refusals[0].reason)
        self.refusals = refusals


def _import_row(
    database: Database, row: RecordRow, actor: str
) -> DuplicateRecord | list[_Refusal] | None:
    """None when stored, a duplicate, or the reasons the row was refused."""
    try:
        with database.writing() as session:
            return _store(session, row, actor)
    except _RowRefusedError as refused:
        return refused.refusals
    except IntegrityError:
        # Another import stored the same external id between our check and our insert.
        with database.reading() as session:
            if ace_queries.record_id_by_external_id(session, row.external_id) is not None:
                return DuplicateRecord(0, row.external_id, "already in the database")
        return [_Refusal("row", "the database refused the record")]


def _store(session: Session, row: RecordRow, actor: str) -> DuplicateRecord | list[_Refusal] | None:
    if ace_queries.record_id_by_external_id(session, row.external_id) is not None:
        return DuplicateRecord(0, row.external_id, "already in the database")
    refusals: list[_Refusal] = []
    inquiry_id = ace_queries.inquiry_id_by_external_id(session, row.inquiry_external_id)
    partner_id = ace_queries.partner_id_by_external_id(session, row.partner_external_id)
    if inquiry_id is None:
        refusals.append(
            _Refusal("inquiry_external_id", f"no inquiry has id {show(row.inquiry_external_id)}")
        )
    if partner_id is None:
        refusals.append(
            _Refusal("partner_external_id", f"no partner has id {show(row.partner_external_id)}")
        )
    if inquiry_id is None or partner_id is None:
        return refusals
    inquiry = record_queries.load_inquiry(session, inquiry_id)
    partner = record_queries.load_partner(session, partner_id)
    assert inquiry is not None and partner is not None
    if inquiry.partner_id != partner_id:
        holder = "no partner" if inquiry.partner_id is None else "another partner"
        return [
            _Refusal(
                "partner_external_id",
                f"the inquiry is assigned to {holder}; records are filed by the inquiry's partner",
            )
        ]
    now = utcnow()
    created = row.created_at or (row.history[0].at if row.history else now)
    if created > now:
        return [_Refusal("created_at", f"{created:%Y-%m-%d %H:%M} is in the future")]
    others = record_queries.other_records(session, inquiry_id, None)
    context = record_context.build(partner, others, today=created.date())
    findings = [f for f in validate(row.form, context) if f.is_error]
    if findings:
        return [_Refusal(f"form.{f.field}", f.message) for f in findings]
    record_id = record_queries.insert_record(
        session,
        external_id=row.external_id,
        inquiry_id=inquiry_id,
        partner_id=partner_id,
        pool=row.record_pool,
        amount_requested_usd=row.form.amount_requested_usd,
        fields=row.form.model_dump(mode="json"),
        now=created,
        actor=actor,
    )
    audit.add_audit_event(
        session,
        kind="record_imported",
        actor=actor,
        at=created,
        inquiry_id=inquiry_id,
        partner_id=partner_id,
        record_id=record_id,
        detail={"external_id": row.external_id, "pool": row.record_pool.value},
    )
    _replay_history(session, record_id, row, actor)
    return None


def _replay_history(session: Session, record_id: int, row: RecordRow, actor: str) -> None:
    """Walk the imported record through its history with the editor's own transitions;
    any refused step refuses the whole row (raised, so the transaction rolls back)."""
    version = 1
    for index, step in enumerate(row.history):
        award = None
        if step.amount_awarded_usd is not None or step.credited_on is not None:
            if step.amount_awarded_usd is None or step.credited_on is None:
                refusal = _Refusal(
                    f"history[{index}]", "an award needs amount_awarded_usd and credited_on"
                )
                raise _RowRefusedError([refusal])
            award = Award(
                step.amount_awarded_usd, step.awarded_pool or row.record_pool, step.credited_on
            )
        try:
            result = records.transition_in(
                session, record_id, step.state, version, actor, award=award, at=step.at
            )
        except records.SubmissionBlockedError as error:
            raise _RowRefusedError(
                [
                    _Refusal(f"history[{index}] form.{f.field}", f.message)
                    for f in error.findings
                    if f.is_error
                ]
            ) from None
        except records.RecordError as error:
            raise _RowRefusedError([_Refusal(f"history[{index}]", str(error))]) from None
        version = result.summary.version
