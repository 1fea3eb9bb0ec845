"""Copying server rows into the local working copy (``offline_copy``), a closure at a time.

A record is only useful offline with what its review needs: its inquiry (spend lines,
routing history), the partners involved, the customer's other records on every inquiry of
the same customer (the $150K stacked ceiling and the competing-record rules read them), and
its audit history. ``mirror`` copies that closure for some records and inquiries, upserting
by primary key, so copying a row twice is harmless and a refresh is the same call as a take.
Records with offline edits still waiting to sync are not overwritten: the copy keeps the
admin's version and the base it started from until the sync has settled them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from cloudroute_desk.db import offline_copy
from cloudroute_desk.db.customer_queries import CHUNK, customer_records_for
from cloudroute_desk.db.tables import (
    AceRecordRow,
    AssignmentRow,
    AuditEventRow,
    InquiryRow,
    InquirySpendRow,
    PartnerRow,
)
from cloudroute_desk.domain.catalog import EDITABLE_STATES

_PARTNERS: Table = PartnerRow.__table__  # type: ignore[assignment]
_INQUIRIES: Table = InquiryRow.__table__  # type: ignore[assignment]
_SPEND: Table = InquirySpendRow.__table__  # type: ignore[assignment]
_ASSIGNMENTS: Table = AssignmentRow.__table__  # type: ignore[assignment]
_RECORDS: Table = AceRecordRow.__table__  # type: ignore[assignment]
_AUDIT: Table = AuditEventRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Mirrored:
    records: int
    inquiries: int
    partners: int


def chunks(ids: Collection[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _rows(
    session: Session, table: Table, column: str, ids: Collection[int]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for chunk in chunks(ids):
        result = session.execute(select(table).where(table.c[column].in_(chunk)))
        out.extend(dict(row) for row in result.mappings())
    return out


def _upsert(copy: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Update the rows the copy has and insert the others: plain UPDATE and INSERT, so the
    copy's own triggers (search, chart facts) keep their projections as on any database."""
    if not rows:
        return
    have = copied_ids(copy, table, [row["id"] for row in rows])
    changed = [{f"b_{k}": v for k, v in row.items()} for row in rows if row["id"] in have]
    if changed:
        columns = [c.name for c in table.columns if c.name != "id"]
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({name: bindparam(f"b_{name}") for name in columns})
        )
        copy.connection().execute(statement, changed)
    new = [row for row in rows if row["id"] not in have]
    for start in range(0, len(new), 200):
        copy.execute(insert(table).values(new[start : start + 200]))


def _insert_new(copy: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Append-only rows (audit): insert those not there yet, never update."""
    for start in range(0, len(rows), 200):
        statement = sqlite_insert(table).values(rows[start : start + 200])
        copy.execute(statement.on_conflict_do_nothing(index_elements=["id"]))


def editable_record_ids(server: Session, after_id: int, limit: int) -> list[int]:
    """Records in an editable state (drafts, and records sent back for action), by id."""
    states = [state.value for state in EDITABLE_STATES]
    return list(
        server.scalars(
            select(AceRecordRow.id)
            .where(AceRecordRow.state.in_(states), AceRecordRow.id > after_id)
            .order_by(AceRecordRow.id)
            .limit(limit)
        )
    )


def mirror(
    server: Session,
    copy: Session,
    record_ids: Collection[int] = (),
    inquiry_ids: Collection[int] = (),
    partner_ids: Collection[int] = (),
) -> Mirrored:
    """Copy these records and inquiries with their closure (see the module docstring), and
    these partners; rows gone from the server are removed from the copy."""
    records = _rows(server, _RECORDS, "id", record_ids)
    gone_records = set(record_ids) - {row["id"] for row in records}
    inquiry_set = set(inquiry_ids) | {row["inquiry_id"] for row in records}
    inquiry_rows = _inquiry_rows(server, inquiry_set)
    gone_inquiries = set(inquiry_ids) - {row.id for row in inquiry_rows}
    # The customer's other records, on every inquiry of the same customer.
    customer_ids: set[int] = set()
    for start in range(0, len(inquiry_rows), CHUNK):
        for found in customer_records_for(server, inquiry_rows[start : start + CHUNK]).values():
            customer_ids.update(found.record_ids)
    known = {row["id"] for row in records}
    records.extend(_rows(server, _RECORDS, "id", customer_ids - known))
    inquiry_set |= {row["inquiry_id"] for row in records}
    inquiries = _rows(server, _INQUIRIES, "id", inquiry_set)
    assignments = _rows(server, _ASSIGNMENTS, "inquiry_id", inquiry_set)
    spend = _rows(server, _SPEND, "inquiry_id", inquiry_set)
    partner_set = set(partner_ids) | {row["partner_id"] for row in records}
    partner_set |= {row["partner_id"] for row in inquiries if row["partner_id"] is not None}
    partner_set |= {row["partner_id"] for row in assignments}
    partners = _rows(server, _PARTNERS, "id", partner_set)
    audit = _rows(server, _AUDIT, "record_id", {row["id"] for row in records})
    audit += _rows(server, _AUDIT, "inquiry_id", inquiry_set)

    held = offline_copy.pending_records(copy)
    _upsert(copy, _PARTNERS, partners)
    _upsert(copy, _INQUIRIES, inquiries)
    for chunk in chunks(inquiry_set):
        copy.execute(delete(_SPEND).where(_SPEND.c.inquiry_id.in_(chunk)))
    _upsert(copy, _SPEND, spend)
    _upsert(copy, _ASSIGNMENTS, assignments)
    fresh = [row for row in records if row["id"] not in held]
    _upsert(copy, _RECORDS, fresh)
    for row in fresh:
        offline_copy.set_base(copy, row["id"], row["version"], row["fields"])
    _insert_new(copy, _AUDIT, list({row["id"]: row for row in audit}.values()))
    _remove(copy, gone_records - held, gone_inquiries)
    return Mirrored(len(records), len(inquiries), len(partners))


def _inquiry_rows(server: Session, ids: Collection[int]) -> list[InquiryRow]:
    rows: list[InquiryRow] = []
    for chunk in chunks(ids):
        rows.extend(server.scalars(select(InquiryRow).where(InquiryRow.id.in_(chunk))))
    return rows


def _remove(copy: Session, record_ids: Collection[int], inquiry_ids: Collection[int]) -> None:
    for chunk in chunks(record_ids):
        copy.execute(delete(_RECORDS).where(_RECORDS.c.id.in_(chunk)))
    for chunk in chunks(inquiry_ids):
        copy.execute(delete(_INQUIRIES).where(_INQUIRIES.c.id.in_(chunk)))


def copied_ids(copy: Session, table: Table, ids: Collection[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(ids):
        found.update(copy.scalars(select(table.c.id).where(table.c.id.in_(chunk))))
    return found


def copied_records_of(copy: Session, inquiry_ids: Collection[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(inquiry_ids):
        found.update(
            copy.scalars(select(AceRecordRow.id).where(AceRecordRow.inquiry_id.in_(chunk)))
        )
    return found


RECORDS_TABLE = _RECORDS
INQUIRIES_TABLE = _INQUIRIES
PARTNERS_TABLE = _PARTNERS
