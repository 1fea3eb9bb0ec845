"""ACE record use-cases: list, open, create from the intake, save with an optimistic version
check, and move through the lifecycle. Each runs as a job on the DB executor and returns plain
values plus a ``Changes``; each write is one short transaction with its audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from cloudroute_desk.db import audit, queue_queries, routing_queries
from cloudroute_desk.db import record_queries as queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.mapping import inquiry_from_row
from cloudroute_desk.db.record_queries import Outcome, StoredRecord
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.domain.ace.award import Award, AwardRefusedError, credit_for
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.ace.rules import ValidationContext
from cloudroute_desk.domain.catalog import (
    AWARDED_STATES,
    DECIDED_STATES,
    EDITABLE_STATES,
    POOLS,
    RECORD_STATE_LABELS,
    Pool,
    RecordState,
    record_transition_allowed,
)
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.entities import AceRecordSummary, Inquiry, Partner
from cloudroute_desk.domain.findings import Finding, has_errors
from cloudroute_desk.domain.formatting import money
from cloudroute_desk.domain.text_safety import unsafe_fields
from cloudroute_desk.services import inquiry_status, record_context, write_requests
from cloudroute_desk.services.changes import NO_ROWS, ChangeKind, Changes, Rows


def record_changed(
    record: AceRecordSummary, admin: str, *kinds: ChangeKind, partners: Rows = NO_ROWS
) -> Changes:
    """``record`` changed in the ways ``kinds`` name (its inquiry is named with it)."""
    return Changes.of(
        *kinds,
        inquiries=Rows.of(record.inquiry_id),
        records=Rows.of(record.id),
        partners=partners,
        admin=admin,
    )


MAX_COLUMN_USD = 2**31 - 1


class RecordError(Exception):
    """A refused record change; ``str(error)`` is a sentence for the admin."""


class RecordNotFoundError(RecordError):
    def __init__(self, record_id: int) -> None:
        super().__init__(f"ACE record {record_id} no longer exists.")
        self.record_id = record_id


class RecordLockedError(RecordError):
    """The record is not a draft any more (submitted, in review or decided)."""


class NoPartnerError(RecordError):
    """Records are filed by the inquiry's partner; an unassigned inquiry has none."""


class UnstorableTextError(RecordError):
    """Text the database cannot hold the same way on both backends (NUL, broken Unicode,
    pastes longer than any field takes): it stays in the local draft until fixed."""

    def __init__(self, fields: set[str]) -> None:
        super().__init__(
            "Not saved to the database: fix the text marked in "
            + ", ".join(sorted(fields))
            + " (kept in your local draft)."
        )
        self.fields = fields


class TransitionRefusedError(RecordError):
    """The catalog (and the database trigger) do not allow this state change."""


class AwardError(RecordError):
    """The awarded amount, pool or date does not fit the transition."""


class SubmissionBlockedError(RecordError):
    """The form has errors; warnings never block."""

    def __init__(self, findings: list[Finding]) -> None:
        errors = [f for f in findings if f.is_error]
        super().__init__(
            f"The record has {len(errors)} error(s); fix them before marking it submitted."
        )
        self.findings = findings


class EditConflict(RecordError):  # noqa: N818 (the name the editor codes against)
    """Someone saved the record since this editor loaded it: nothing was written."""

    def __init__(
        self,
        theirs: AceForm,
        their_version: int,
        updated_by: str,
        updated_at: datetime,
        state: RecordState,
    ) -> None:
        super().__init__(
            f"{updated_by or 'Someone'} saved this record at {updated_at:%Y-%m-%d %H:%M} UTC "
            "while you were editing it."
        )
        self.theirs = theirs
        self.their_version = their_version
        self.updated_by = updated_by
        self.updated_at = updated_at
        self.state = state


@dataclass(frozen=True, slots=True)
class RecordItem:
    """One row of the editor's record list."""

    summary: AceRecordSummary
    title: str
    partner_name: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    actor: str
    text: str


@dataclass(frozen=True, slots=True)
class OpenedRecord:
    summary: AceRecordSummary
    form: AceForm
    inquiry: Inquiry
    partner: Partner
    context: ValidationContext
    """The filing partner's tier and the customer's other records, for ``validate``."""
    updated_at: datetime
    updated_by: str
    history: tuple[HistoryEntry, ...] = ()

    @property
    def record_id(self) -> int:
        assert self.summary.id is not None
        return self.summary.id

    @property
    def version(self) -> int:
        return self.summary.version

    @property
    def editable(self) -> bool:
        return self.summary.state in EDITABLE_STATES


@dataclass(frozen=True, slots=True)
class SaveResult:
    version: int
    updated_at: datetime
    changes: Changes


@dataclass(frozen=True, slots=True)
class TransitionResult:
    summary: AceRecordSummary
    changes: Changes


def form_of(stored: StoredRecord) -> AceForm:
    """The stored form; a row written before the editor existed gets its columns at least."""
    if stored.fields:
        return AceForm.model_validate(stored.fields)
    return AceForm(
        pool=stored.summary.pool.value, amount_requested_usd=stored.summary.amount_requested_usd
    )


def form_fields(form: AceForm) -> dict[str, Any]:
    return form.model_dump(mode="json")


def record_title(fields: dict[str, Any], pool: Pool) -> str:
    """What the record list calls a record: its title, or its pool until it has one."""
    return str(fields.get("title") or "") or POOLS[pool].label


def _columns(form: AceForm) -> tuple[Pool | None, int]:
    """The pool and requested amount columns a form is stored with (pool None: unchanged)."""
    # The column is a 32-bit integer on PostgreSQL; the validator reports absurd amounts,
    # the column only has to hold something both backends accept.
    return _pool_or(form.pool, None), min(max(0, form.amount_requested_usd), MAX_COLUMN_USD)


def saved_item(
    item: RecordItem, form: AceForm, version: int, updated_at: datetime, admin: str
) -> RecordItem:
    """``item``'s list row after ``form`` was saved as ``version``, without reading it back."""
    pool, amount = _columns(form)
    pool = pool or item.summary.pool
    summary = item.summary.model_copy(
        update={"pool": pool, "amount_requested_usd": amount, "version": version}
    )
    title = record_title(form_fields(form), pool)
    return RecordItem(summary, title, item.partner_name, updated_at, admin)


def list_records(database: Database, inquiry_id: int) -> tuple[RecordItem, ...]:
    with database.reading() as session:
        return _record_items(session, inquiry_id)


def _record_items(session: Session, inquiry_id: int) -> tuple[RecordItem, ...]:
    stored = queries.list_records(session, inquiry_id)
    partners = {
        pid: queries.load_partner(session, pid) for pid in {s.summary.partner_id for s in stored}
    }
    return tuple(_record_item(s, partners[s.summary.partner_id]) for s in stored)


def _record_item(stored: StoredRecord, partner: Partner | None) -> RecordItem:
    name = partner.name if partner else f"partner {stored.summary.partner_id}"
    title = record_title(stored.fields, stored.summary.pool)
    return RecordItem(stored.summary, title, name, stored.updated_at, stored.updated_by)


@dataclass(frozen=True, slots=True)
class InquiryRecords:
    """What the editor shows for a newly selected inquiry, read in one session."""

    items: tuple[RecordItem, ...]
    pools_wanted: tuple[Pool, ...]
    first: OpenedRecord | None
    """The first record opened, when asked for (the editor opens it anyway)."""


def inquiry_records(database: Database, inquiry_id: int, *, open_first: bool) -> InquiryRecords:
    """The inquiry's records, the pools it asked for and (``open_first``) its first record
    opened: one session, instead of a list, then a second request for the record. No
    snapshot: a display, reloaded when the change feed says it moved."""
    with database.reading(snapshot=False) as session:
        found = queue_queries.inquiry_row_with_spend(session, inquiry_id)
        # The row is held for the session: the identity map then answers the record's own
        # lookups of it.
        inquiry = inquiry_from_row(*found) if found is not None else None
        stored = queries.list_records(session, inquiry_id)
        partners = {
            pid: queries.load_partner(session, pid)
            for pid in {s.summary.partner_id for s in stored}
        }
        items = tuple(_record_item(s, partners[s.summary.partner_id]) for s in stored)
        first = stored[0] if stored and open_first else None
        opened = None
        if first is not None and inquiry is not None:
            partner = partners[first.summary.partner_id]
            assert partner is not None  # foreign keys guarantee it
            opened = _opened(session, first, inquiry, partner)
        return InquiryRecords(items, inquiry.pools_wanted if inquiry is not None else (), opened)


def suggested_pool(wanted: tuple[Pool, ...], records: tuple[RecordItem, ...]) -> Pool | None:
    """The pool a new record defaults to: the first pool the startup asked for that a partner
    files and that has no record yet."""
    filed = {item.summary.pool for item in records}
    for pool in wanted:
        if POOLS[pool].partner_filed and pool not in filed:
            return pool
    return None


def pools_wanted(database: Database, inquiry_id: int) -> tuple[Pool, ...]:
    with database.reading() as session:
        inquiry = queries.load_inquiry(session, inquiry_id)
        return inquiry.pools_wanted if inquiry is not None else ()


def open_record(database: Database, record_id: int) -> OpenedRecord:
    with database.reading() as session:
        return _open(session, record_id)


def validation_context(database: Database, record_id: int) -> ValidationContext:
    """A fresh context for an open record: the customer's other records may have changed."""
    with database.reading() as session:
        stored = queries.load_record(session, record_id)
        if stored is None:
            raise RecordNotFoundError(record_id)
        partner = queries.load_partner(session, stored.summary.partner_id)
        assert partner is not None
        others = queries.other_records(session, stored.summary.inquiry_id, record_id)
        return record_context.build(
            partner,
            others,
            record_state=stored.summary.state,
            identity=queries.routing_identity(session, stored),
        )


def _open(session: Session, record_id: int) -> OpenedRecord:
    stored = queries.load_record(session, record_id)
    if stored is None:
        raise RecordNotFoundError(record_id)
    inquiry = queries.load_inquiry(session, stored.summary.inquiry_id)
    partner = queries.load_partner(session, stored.summary.partner_id)
    assert inquiry is not None and partner is not None  # foreign keys guarantee both
    return _opened(session, stored, inquiry, partner)


def _opened(
    session: Session, stored: StoredRecord, inquiry: Inquiry, partner: Partner
) -> OpenedRecord:
    """The record opened, with its inquiry and partner already read."""
    record_id = stored.summary.id
    assert record_id is not None
    others = queries.other_records(session, stored.summary.inquiry_id, record_id)
    context = record_context.build(
        partner,
        others,
        record_state=stored.summary.state,
        identity=queries.routing_identity(session, stored),
    )
    return OpenedRecord(
        summary=stored.summary,
        form=form_of(stored),
        inquiry=inquiry,
        partner=partner,
        context=context,
        updated_at=stored.updated_at,
        updated_by=stored.updated_by,
        history=tuple(
            HistoryEntry(at, actor, _history_text(kind, detail))
            for at, actor, kind, detail in queries.record_audit_events(session, record_id)
        ),
    )


def _history_text(kind: str, detail: dict[str, Any]) -> str:
    if kind == "record_created":
        pool = _pool_or(str(detail.get("pool", "")), None)
        return f"Created ({POOLS[pool].label})" if pool else "Created"
    if kind == "record_state":
        text = f"{_state_label(detail.get('from'))} → {_state_label(detail.get('to'))}"
        if "amount_awarded_usd" in detail:
            pool = _pool_or(str(detail.get("awarded_pool", "")), None)
            label = POOLS[pool].label if pool else ""
            text += (
                f": {money(int(detail['amount_awarded_usd']))} {label}, "
                f"credits landed {detail.get('credited_on', '')}"
            )
        if detail.get("source"):
            text += f" · {detail['source']}"
        return text
    if kind == PARTNER_CENTRAL_REVIEW:
        return partner_central_review_text(detail)
    return kind.replace("_", " ").capitalize()


PARTNER_CENTRAL_REVIEW = "partner_central_review"
"""The audit kind of a Partner Central snapshot kept for a record (its review status)."""


def partner_central_review_text(detail: dict[str, Any]) -> str:
    """How a kept Partner Central snapshot reads in the record's history: the review status
    (or stage), the reviewer's reason and comments, Partner Central's own time, the source."""
    said = [str(detail[key]) for key in ("review_status", "stage") if detail.get(key)]
    text = "Partner Central: " + " · ".join(said)
    reasons = [
        str(detail[key])
        for key in ("review_status_reason", "closed_lost_reason")
        if detail.get(key)
    ]
    if reasons:
        text += f" — {'; '.join(reasons)}"
    if detail.get("review_comments"):
        text += f": “{detail['review_comments']}”"
    modified = str(detail.get("modified", ""))[:16].replace("T", " ")
    if modified:
        opportunity = f", {detail['opportunity_id']}" if detail.get("opportunity_id") else ""
        text += f" (at {modified} UTC{opportunity})"
    if detail.get("source"):
        text += f" · {detail['source']}"
    return text


def _state_label(value: object) -> str:
    try:
        return RECORD_STATE_LABELS[RecordState(str(value))]
    except ValueError:
        return str(value)


def create_record(
    database: Database,
    inquiry_id: int,
    pool: Pool,
    admin: str,
    *,
    today: date | None = None,
    request_id: str | None = None,
) -> tuple[OpenedRecord, Changes]:
    """A new draft for the inquiry's partner, prefilled from the intake (``from_inquiry``).
    A replay of ``request_id`` creates nothing and raises ``AlreadyApplied`` (its
    ``result`` names the ``record_id`` created the first time)."""
    with write_requests.recorded(database, request_id, "create_record", admin) as write:
        session = write.session
        now = server_now(session)
        inquiry = queries.load_inquiry(session, inquiry_id)
        if inquiry is None:
            raise RecordError(f"Inquiry {inquiry_id} no longer exists.")
        if inquiry.partner_id is None:
            raise NoPartnerError(
                "Assign a partner first: ACE records are filed by the inquiry's partner."
            )
        partner = queries.load_partner(session, inquiry.partner_id)
        assert partner is not None
        form = AceForm.from_inquiry(inquiry, partner, pool, today=today or now.date())
        record_id = queries.insert_record(
            session,
            inquiry_id=inquiry_id,
            partner_id=partner.id or inquiry.partner_id,
            pool=pool,
            amount_requested_usd=form.amount_requested_usd,
            fields=form_fields(form),
            now=now,
            actor=admin,
        )
        audit.add_audit_event(
            session,
            kind="record_created",
            actor=admin,
            at=now,
            inquiry_id=inquiry_id,
            partner_id=partner.id,
            record_id=record_id,
            detail={"pool": pool.value},
        )
        opened = _open(session, record_id)
        changes = record_changed(opened.summary, admin, ChangeKind.RECORDS_ADDED)
        write.done(changes, record_id=record_id)
    return opened, changes


def save_form(
    database: Database,
    record_id: int,
    form: AceForm,
    expected_version: int,
    admin: str,
    *,
    request_id: str | None = None,
    after_request: str | None = None,
) -> SaveResult:
    """Store the form if nobody saved since ``expected_version``.

    Text is checked at the one boundary (``text_safety``) first, so SQLite and PostgreSQL
    never disagree about what a draft holds.

    Raises ``EditConflict`` (with their form, version and author) when someone did, and
    ``RecordLockedError`` when the record is no longer a draft; nothing is written then.

    ``request_id`` (``write_requests.new_request_id``) is stored with the save: sending the
    same id again writes nothing and answers with the version the first send wrote, so a
    save whose acknowledgement was lost can simply be sent again. ``after_request`` is an
    earlier save of the same editor whose answer never came: if it went through, the version
    it wrote counts as ``expected_version`` (our own save is no conflict).
    """
    unsafe = unsafe_fields(form)
    if unsafe:
        raise UnstorableTextError(unsafe)
    fields = form_fields(form)
    pool, amount = _columns(form)
    try:
        return _save_form(
            database,
            record_id,
            fields,
            (pool, amount),
            expected_version,
            admin,
            request_id,
            after_request,
        )
    except write_requests.AlreadyApplied as replay:
        outcome = replay.outcome
        assert outcome.at is not None
        return SaveResult(int(outcome.result["version"]), outcome.at, outcome.changes)


def _save_form(
    database: Database,
    record_id: int,
    fields: dict[str, Any],
    columns: tuple[Pool | None, int],
    expected_version: int,
    admin: str,
    request_id: str | None,
    after_request: str | None,
) -> SaveResult:
    pool, amount = columns
    with write_requests.recorded(database, request_id, "save_form", admin) as write:
        session = write.session
        now = server_now(session)
        current = queries.load_record(session, record_id)
        if current is None:
            raise RecordNotFoundError(record_id)
        if current.summary.state not in EDITABLE_STATES:
            raise RecordLockedError(
                f"The record is {current.summary.state.value}; only drafts can be edited."
            )
        if _own_save(session, after_request, record_id, current.version, expected_version):
            expected_version = current.version
        saved = queries.save_fields(
            session,
            record_id,
            expected_version=expected_version,
            fields=fields,
            pool=pool or current.summary.pool,
            amount_requested_usd=amount,
            now=now,
            actor=admin,
        )
        if not saved:
            theirs = queries.load_record(session, record_id)
            assert theirs is not None
            raise _conflict(theirs)
        columns_changed = (
            pool is not None and pool != current.summary.pool
        ) or amount != current.summary.amount_requested_usd
        kinds = [ChangeKind.RECORD_FIELDS]
        if columns_changed:
            kinds.append(ChangeKind.RECORD_FIGURES)
        changes = record_changed(current.summary, admin, *kinds)
        write.done(changes, record_id=record_id, version=expected_version + 1)
    return SaveResult(expected_version + 1, now, changes)


def _own_save(
    session: Session, after_request: str | None, record_id: int, current: int, expected: int
) -> bool:
    """The record moved past ``expected`` only by our own earlier save ``after_request``."""
    if current == expected or after_request is None:
        return False
    return write_requests.version_written(session, after_request, record_id) == current


def _conflict(theirs: StoredRecord) -> EditConflict:
    return EditConflict(
        form_of(theirs), theirs.version, theirs.updated_by, theirs.updated_at, theirs.summary.state
    )


def _pool_or(value: str, default: Pool | None) -> Pool | None:
    try:
        return Pool(value)
    except ValueError:
        return default


def allowed_transitions(state: RecordState) -> list[RecordState]:
    """The states a record may move to next, in lifecycle order."""
    return [s for s in RecordState if s != state and record_transition_allowed(state, s)]


def transition(
    database: Database,
    record_id: int,
    new_state: RecordState,
    expected_version: int,
    admin: str,
    *,
    award: Award | None = None,
    at: datetime | None = None,
    request_id: str | None = None,
) -> TransitionResult:
    """Move a record along the lifecycle, with its audit row, in one transaction.

    Submitting re-validates the stored form with the same rules the editor shows: errors block,
    warnings do not. The inquiry moves with it (``inquiry_status.follow_record``): a submission
    files it, an approval or downgrade credits it. Approved and Downgraded need an ``Award``;
    a downgrade must award a different pool or less than requested. The database trigger
    refuses any transition the catalog does not list, even if this check were bypassed.

    ``at`` records a transition that happened earlier (loading history): it may not lie in
    the future nor before the record's latest recorded moment, and the rules judge dates
    against that day.

    ``request_id`` is stored with the move; a replay raises ``AlreadyApplied``.
    """
    with write_requests.recorded(database, request_id, "transition", admin) as write:
        result = transition_in(
            write.session, record_id, new_state, expected_version, admin, award=award, at=at
        )
        write.done(result.changes, record_id=record_id, version=result.summary.version)
    return result


def transition_in(
    session: Session,
    record_id: int,
    new_state: RecordState,
    expected_version: int,
    admin: str,
    *,
    award: Award | None = None,
    at: datetime | None = None,
    source: str | None = None,
) -> TransitionResult:
    """``transition`` inside the caller's transaction (the record importer replays a
    record's history this way: all of it, or none). ``source`` says where the change came
    from when it is not the admin's own click (e.g. "Partner Central · export.json"); it is
    kept in the audit row and shown in the record's history."""
    now = server_now(session) if at is None else at
    current = queries.load_record(session, record_id)
    if current is None:
        raise RecordNotFoundError(record_id)
    if current.version != expected_version:
        raise _conflict(current)
    if at is not None:
        _check_history_time(current.summary, at)
    old_state = current.summary.state
    if not record_transition_allowed(old_state, new_state) or old_state == new_state:
        raise TransitionRefusedError(
            f"A record cannot go from {old_state.value} to {new_state.value}."
        )
    if new_state is RecordState.SUBMITTED:
        opened = _open(session, record_id)
        context = opened.context.model_copy(update={"today": now.date()})
        findings = record_context.validate(opened.form, context)
        if has_errors(findings):
            raise SubmissionBlockedError(findings)
    else:
        blocked = [
            f for f in record_context.stage_findings(form_of(current), new_state) if f.is_error
        ]
        if blocked:
            raise TransitionRefusedError(
                f"A record cannot go to {new_state.value} yet: {blocked[0].message}"
            )
    outcome = _outcome(current.summary, new_state, award, now)
    try:
        moved = queries.set_state(
            session,
            record_id,
            expected_version=expected_version,
            old_state=old_state,
            new_state=new_state,
            outcome=outcome,
            now=now,
            actor=admin,
        )
    except DBAPIError as error:
        raise TransitionRefusedError(
            f"The database refused {old_state.value} → {new_state.value}."
        ) from error
    if not moved:
        theirs = queries.load_record(session, record_id)
        assert theirs is not None
        raise _conflict(theirs)
    detail: dict[str, Any] = {"from": old_state.value, "to": new_state.value}
    if source:
        detail["source"] = source
    if award is not None and new_state in AWARDED_STATES:
        detail.update(
            amount_awarded_usd=award.amount_usd,
            awarded_pool=award.pool.value,
            credited_on=award.credited_on.isoformat(),
        )
    audit.add_audit_event(
        session,
        kind="record_state",
        actor=admin,
        at=now,
        inquiry_id=current.summary.inquiry_id,
        partner_id=current.summary.partner_id,
        record_id=record_id,
        detail=detail,
    )
    # The inquiry follows its records (filed on submission, credited when credits land)
    # in this same transaction, so the queue never disagrees with the records.
    inquiry_moved = inquiry_status.follow_record(
        session,
        current.summary.inquiry_id,
        current.summary.partner_id,
        record_id,
        new_state,
        admin,
        now,
    )
    index_moved = new_state in DECIDED_STATES or old_state in DECIDED_STATES
    if index_moved:
        _refresh_routing(session, current.summary.partner_id)
    updated = queries.load_record(session, record_id)
    assert updated is not None
    kinds = [ChangeKind.RECORD_STATES]
    if inquiry_moved:
        kinds.append(ChangeKind.INQUIRY_STATUS)
    if new_state in AWARDED_STATES:
        kinds.append(ChangeKind.RECORD_FIGURES)
    partners = Rows.of(updated.summary.partner_id) if index_moved else NO_ROWS
    changes = record_changed(updated.summary, admin, *kinds, partners=partners)
    return TransitionResult(updated.summary, changes)


def _check_history_time(record: AceRecordSummary, at: datetime) -> None:
    latest = max(t for t in (record.created_at, record.submitted_at, record.decided_at) if t)
    if at > utcnow():
        raise TransitionRefusedError(f"{at:%Y-%m-%d %H:%M} is in the future.")
    if at < latest:
        raise TransitionRefusedError(
            f"{at:%Y-%m-%d %H:%M} is before the record's last recorded step "
            f"({latest:%Y-%m-%d %H:%M}); give its history in order."
        )


def _outcome(
    record: AceRecordSummary, new_state: RecordState, award: Award | None, now: datetime
) -> Outcome:
    if new_state is RecordState.SUBMITTED:
        return Outcome(submitted_at=now)
    if new_state is RecordState.REJECTED:
        return Outcome(decided_at=now)
    if new_state not in (RecordState.APPROVED, RecordState.DOWNGRADED):
        return Outcome()
    try:
        credit = credit_for(record, new_state, award, now)
    except AwardRefusedError as error:
        raise AwardError(str(error)) from None
    return Outcome(
        decided_at=now,
        credited_at=credit.credited_at,
        amount_awarded_usd=credit.award.amount_usd,
        awarded_pool=credit.award.pool,
        days_to_credit=credit.days_to_credit,
    )


def _refresh_routing(session: Session, partner_id: int) -> None:
    """Keep the routing index (derived from decided ACE records) right in the same
    transaction, so the next ranking reads the new close rate without a refresh of its own."""
    routing_queries.refresh_partner_index(session, partner_id)
