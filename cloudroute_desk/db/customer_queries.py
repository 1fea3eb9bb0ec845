"""The customer's inquiries and ACE records, across all of their inquiries.

One query shape serves the router (whose record competes), the record rules (the $150K
stacked ceiling, the competing partner), export, import and the inquiry detail panel. "Same
customer" is ``domain.customer``'s rule; the stored keys (migration 0006) turn it into indexed
lookups: inquiries sharing the normalised name or the registrable domain, then every record
on them, then the records elsewhere that carry one of those records' AWS account ids.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import zip_longest

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cloudroute_desk.db.tables import AceRecordRow, InquiryRow
from cloudroute_desk.domain.customer import CustomerKey, match_reason

CHUNK = 500
"""Keys per IN list."""


@dataclass(frozen=True, slots=True)
class CustomerRecords:
    """One inquiry's customer: the other inquiries that are the same customer (with why) and
    the record ids of the customer's records on every one of its inquiries."""

    inquiry_id: int
    same_customer: dict[int, str]
    """Other inquiry id -> why it is the same customer."""
    record_ids: tuple[int, ...]
    rows: tuple[AceRecordRow, ...] = ()
    """The rows of ``record_ids`` in id order, when asked for (``with_rows``)."""


def _key(row: InquiryRow, accounts: Collection[str] = ()) -> CustomerKey:
    return CustomerKey(row.customer_name_key, row.customer_domain_key, frozenset(accounts))


def _chunks(values: Sequence[str]) -> list[list[str]]:
    return [list(values[i : i + CHUNK]) for i in range(0, len(values), CHUNK)]


def _inquiries_sharing_keys(session: Session, inquiries: Sequence[InquiryRow]) -> list[InquiryRow]:
    names = _chunks(sorted({i.customer_name_key for i in inquiries if i.customer_name_key}))
    domains = _chunks(sorted({i.customer_domain_key for i in inquiries if i.customer_domain_key}))
    found: dict[int, InquiryRow] = {i.id: i for i in inquiries}
    # Name and domain keys in one query per chunk pair: one round trip for one inquiry.
    none: list[str] = []
    for name_chunk, domain_chunk in zip_longest(names, domains, fillvalue=none):
        matches = [
            column.in_(chunk)
            for column, chunk in (
                (InquiryRow.customer_name_key, name_chunk),
                (InquiryRow.customer_domain_key, domain_chunk),
            )
            if chunk
        ]
        for row in session.scalars(select(InquiryRow).where(or_(*matches))):
            found.setdefault(row.id, row)
    return list(found.values())


def _records_of_customer(
    session: Session, inquiry_ids: Collection[int], *, with_rows: bool
) -> tuple[list[tuple[int, int, str]], dict[int, AceRecordRow]]:
    """``(record id, inquiry id, account id)`` of records on ``inquiry_ids`` and of records
    elsewhere carrying one of their AWS account ids: one query per chunk of ids. With
    ``with_rows`` the same query reads the whole rows too (record id -> row)."""
    found: dict[int, tuple[int, int, str]] = {}
    rows: dict[int, AceRecordRow] = {}
    ids = sorted(inquiry_ids)
    record = AceRecordRow
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        accounts = (
            select(record.aws_account_id)
            .where(record.inquiry_id.in_(chunk), record.aws_account_id != "")
            .scalar_subquery()
        )
        whose = or_(record.inquiry_id.in_(chunk), record.aws_account_id.in_(accounts))
        if with_rows:
            for row in session.scalars(select(record).where(whose)):
                found[row.id] = (row.id, row.inquiry_id, row.aws_account_id or "")
                rows[row.id] = row
            continue
        for rid, iid, account in session.execute(
            select(record.id, record.inquiry_id, record.aws_account_id).where(whose)
        ):
            found[int(rid)] = (int(rid), int(iid), str(account or ""))
    return list(found.values()), rows


def customer_records_for(
    session: Session, inquiries: Sequence[InquiryRow], *, with_rows: bool = False
) -> dict[int, CustomerRecords]:
    """Each inquiry's customer (inquiry id -> its ``CustomerRecords``), in a few queries.

    ``with_rows``: the records' whole rows as well, read by the same query (a caller that
    needs them saves a round trip; the router over many inquiries needs only the ids)."""
    if not inquiries:
        return {}
    candidates = _inquiries_sharing_keys(session, inquiries)
    records, rows = _records_of_customer(session, [c.id for c in candidates], with_rows=with_rows)
    by_id = {c.id: c for c in candidates}
    missing = {iid for _, iid, _ in records} - by_id.keys()
    for start in range(0, len(sorted(missing)), CHUNK):
        chunk = sorted(missing)[start : start + CHUNK]
        for row in session.scalars(select(InquiryRow).where(InquiryRow.id.in_(chunk))):
            by_id[row.id] = row
    accounts_of: dict[int, set[str]] = {}
    for _, iid, account in records:
        if account:
            accounts_of.setdefault(iid, set()).add(account)
    keys = {iid: _key(row, accounts_of.get(iid, ())) for iid, row in by_id.items()}
    result: dict[int, CustomerRecords] = {}
    for inquiry in inquiries:
        own = _key(inquiry)
        same = {
            iid: why
            for iid, key in keys.items()
            if iid != inquiry.id and (why := match_reason(own, key)) is not None
        }
        # One more hop through the AWS account ids of the records found so far.
        reached = {inquiry.id, *same}
        own_accounts = set().union(*(accounts_of.get(iid, set()) for iid in reached))
        if own_accounts:
            own = _key(inquiry, own_accounts)
            for iid, key in keys.items():
                if iid not in reached and (why := match_reason(own, key)) is not None:
                    same[iid] = why
            reached |= same.keys()
        ids = tuple(sorted(rid for rid, iid, _ in records if iid in reached))
        result[inquiry.id] = CustomerRecords(
            inquiry.id, same, ids, tuple(rows[i] for i in ids) if with_rows else ()
        )
    return result


def customer_records(
    session: Session, inquiry: InquiryRow, *, with_rows: bool = False
) -> CustomerRecords:
    return customer_records_for(session, [inquiry], with_rows=with_rows)[inquiry.id]


def same_customer_inquiries(session: Session, inquiry_id: int) -> dict[int, str]:
    """Other inquiries of this inquiry's customer (id -> why), for the detail panel."""
    row = session.get(InquiryRow, inquiry_id)
    return {} if row is None else customer_records(session, row).same_customer


def standing_records(
    session: Session, record_ids: Collection[int], states: Collection[str]
) -> list[AceRecordRow]:
    """The records among ``record_ids`` in one of ``states``, in id order."""
    ids = sorted(record_ids)
    rows: list[AceRecordRow] = []
    for start in range(0, len(ids), CHUNK):
        rows.extend(
            session.scalars(
                select(AceRecordRow).where(
                    AceRecordRow.id.in_(ids[start : start + CHUNK]),
                    AceRecordRow.state.in_(list(states)),
                )
            )
        )
    return sorted(rows, key=lambda r: r.id)
