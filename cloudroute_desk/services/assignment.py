"""Assigning exactly one partner to an inquiry, undo, re-route, and the batch suggestion.

The database enforces "one active partner per inquiry": one short transaction makes a
conditional UPDATE on the inquiry (only when it has no partner and waits in new/reroute), then
inserts the active assignment (the partial unique index ``uq_assignments_one_active`` is the
backstop) and the audit row. A loser's UPDATE matches no row (PostgreSQL re-checks the WHERE
after the winner commits; SQLite serialises writers with BEGIN IMMEDIATE), and it is told who
holds the inquiry.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cloudroute_desk.db import assignment_queries as aq
from cloudroute_desk.db import audit
from cloudroute_desk.db import routing_queries as rq
from cloudroute_desk.db.engine import Database, DatabaseBusyError
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.domain.catalog import END_DID_NOT_CONNECT, END_UNDONE, InquiryStatus
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.routing.assignment_check import (
    already_assigned,
    cannot_take,
)
from cloudroute_desk.domain.routing.batch import BatchItem, BatchSuggestion, Candidates
from cloudroute_desk.domain.routing.matching import optimal_assignment
from cloudroute_desk.domain.routing.score import ranked_partner
from cloudroute_desk.domain.routing.values import AssignmentEntry, ExclusionCode, Ranking
from cloudroute_desk.services import write_requests
from cloudroute_desk.services.changes import NOTHING, ChangeKind, Changes, Rows
from cloudroute_desk.services.routing import (
    InquiryNotFoundError,
    ensure_index,
    load_network,
    rank_inquiry,
    score_row,
)


def handed_over(inquiry_ids: Iterable[int], partner_ids: Iterable[int], admin: str) -> Changes:
    """What an assignment, its undo, a re-route or a batch changed: the inquiries' status and
    partner, and the loads of the partners they moved between."""
    return Changes.of(
        ChangeKind.INQUIRY_STATUS,
        ChangeKind.ASSIGNMENTS,
        inquiries=Rows.among(inquiry_ids),
        partners=Rows.among(partner_ids),
        admin=admin,
    )


CAPACITY_TRIGGER = "partner_at_capacity"
"""What the database's capacity trigger (migration 0007) says when it refuses a write."""

SQLITE_LOCK_ATTEMPTS = 3
QUICK_BUSY_S = 0.5
"""SQLite's busy handler is not fair: under many writers one can wait out the whole busy
timeout. The transaction rolled back completely, so trying again is safe."""

BATCH_CANDIDATES = 25
"""Each open inquiry offers its best 25 eligible partners to the batch matching."""


class AssignmentError(Exception):
    """A refused assignment change; ``str(error)`` is a sentence for the admin."""


class AlreadyAssigned(AssignmentError):  # noqa: N818 (the name the UI codes against)
    def __init__(
        self, partner_id: int, partner_name: str, assigned_by: str, assigned_at: datetime | None
    ) -> None:
        super().__init__(already_assigned(partner_name, assigned_by))
        self.partner_id = partner_id
        self.partner_name = partner_name
        self.assigned_by = assigned_by
        self.assigned_at = assigned_at


class NotAssignableError(AssignmentError):
    """The inquiry is not waiting for a partner (declined, credited, ...) or was not found."""


class PartnerNotEligibleError(AssignmentError):
    """The partner fails a hard gate for this inquiry (the message says which)."""


class PartnerExcludedError(PartnerNotEligibleError):
    """The ranking excludes the partner; the message names the first gate it fails."""


class PartnerAtCapacityError(PartnerNotEligibleError):
    """Every open slot of the partner is taken: "X is at capacity (n/n)"."""


class NotAssignedError(AssignmentError):
    """Undo / re-route of an assignment that is no longer active."""


@dataclass(frozen=True, slots=True)
class BatchLoss:
    inquiry_id: int
    partner_id: int
    message: str


@dataclass(frozen=True, slots=True)
class BatchResult:
    assigned: tuple[BatchItem, ...]
    lost: tuple[BatchLoss, ...]
    """Items not assigned (someone else got there first, partner no longer eligible, ...)."""
    changes: Changes


@dataclass(frozen=True, slots=True)
class _Decision:
    """What the audit row records about the choice, and the gate verdict, from a ranking."""

    score: float | None
    rank: int | None
    above_threshold: bool | None
    runner_up: dict[str, Any] | None
    refusal: str | None


def _decision(ranking: Ranking, partner_id: int) -> _Decision:
    excluded = next((e for e in ranking.excluded if e.partner_id == partner_id), None)
    chosen = ranking.find(partner_id)
    others = [p for p in ranking.ranked if p.partner_id != partner_id]
    runner_up = (
        {
            "partner_id": others[0].partner_id,
            "name": others[0].partner_name,
            "score": others[0].score,
        }
        if others
        else None
    )
    refusal = None
    # Capacity is checked live inside the transaction, not from the ranking the admin saw.
    gates = (
        []
        if excluded is None
        else [
            reason
            for code, reason in zip(excluded.all_codes, excluded.all_reasons, strict=True)
            if code is not ExclusionCode.CAPACITY
        ]
    )
    if excluded is not None and gates:
        refusal = cannot_take(excluded.partner_name, gates[0])
    return _Decision(
        score=chosen.score if chosen else None,
        rank=chosen.rank if chosen else None,
        above_threshold=chosen.above_threshold if chosen else None,
        runner_up=runner_up,
        refusal=refusal,
    )


def _already_assigned(database: Database, inquiry_id: int) -> AssignmentError:
    with database.reading() as session:
        return _holder_error(session, inquiry_id)


def _refusal(
    database: Database, error: IntegrityError, inquiry_id: int, partner_id: int
) -> AssignmentError:
    """The sentence for a write the database refused: capacity (trigger) or holder (index)."""
    if CAPACITY_TRIGGER not in str(error.orig):
        return _already_assigned(database, inquiry_id)
    with database.reading() as session:
        slots = aq.partner_slots(session, partner_id)
    if slots is None:
        return PartnerNotEligibleError(f"no partner with id {partner_id}")
    return PartnerAtCapacityError(slots.describe())


def _holder_error(session: Session, inquiry_id: int) -> AssignmentError:
    """Why the inquiry cannot be claimed: who holds it, or the state it is in.

    Inside the loser's own transaction this reads the winner's committed rows: PostgreSQL
    (READ COMMITTED) takes a fresh snapshot per statement after the UPDATE waited for the
    winner, and SQLite's BEGIN IMMEDIATE only started after the winner committed.
    """
    holder = aq.active_holder(session, inquiry_id)
    status = aq.inquiry_status(session, inquiry_id)
    if holder is not None:
        return AlreadyAssigned(*holder)
    if status is None:
        return NotAssignableError(f"no inquiry with id {inquiry_id}")
    return NotAssignableError(f"the inquiry is no longer waiting for a partner (it is {status})")


def assign(
    database: Database,
    inquiry_id: int,
    partner_id: int,
    admin: str,
    *,
    reason: str = "",
    ranking: Ranking | None = None,
    request_id: str | None = None,
) -> Changes:
    """Give the inquiry to the partner, or raise (``AlreadyAssigned`` names the holder).

    ``ranking`` (the one the admin looked at) saves recomputing it for the audit row; the
    hard gates are checked against it, and capacity again inside the transaction.
    ``request_id`` is recorded with the write (``write_requests``); a replay raises
    ``AlreadyApplied``.
    """
    if ranking is None:
        try:
            ranking = rank_inquiry(database, inquiry_id)
        except InquiryNotFoundError as error:
            raise NotAssignableError(str(error)) from None
    decision = _decision(ranking, partner_id)
    _assign(
        database,
        inquiry_id,
        partner_id,
        admin,
        reason,
        decision,
        source="manual",
        request_id=request_id,
    )
    return handed_over([inquiry_id], [partner_id], admin)


def _assign(
    database: Database,
    inquiry_id: int,
    partner_id: int,
    admin: str,
    reason: str,
    decision: _Decision,
    source: str,
    *,
    request_id: str | None,
    part_of: str | None = None,
) -> None:
    for attempt in range(1, SQLITE_LOCK_ATTEMPTS + 1):
        started = time.monotonic()
        try:
            _assign_once(
                database,
                inquiry_id,
                partner_id,
                admin,
                reason,
                decision,
                source,
                request_id=request_id,
                part_of=part_of,
            )
            return
        except DatabaseBusyError:
            # Only an instant "busy" is worth another go; one that waited out the busy
            # timeout means another program holds the lock, and the admin hears it now.
            waited = time.monotonic() - started
            if waited > QUICK_BUSY_S or attempt == SQLITE_LOCK_ATTEMPTS:
                raise


def _assign_once(
    database: Database,
    inquiry_id: int,
    partner_id: int,
    admin: str,
    reason: str,
    decision: _Decision,
    source: str,
    *,
    request_id: str | None,
    part_of: str | None,
) -> None:
    action = "batch_accept" if part_of is not None else "assign"
    try:
        with write_requests.recorded(database, request_id, action, admin, part_of=part_of) as write:
            session = write.session
            now = server_now(session)
            previous = aq.inquiry_status(session, inquiry_id)
            if not aq.waiting_for_partner(session, inquiry_id):
                # Only decides which refusal the admin reads; the claim below is the arbiter.
                raise _holder_error(session, inquiry_id)
            if decision.refusal is not None:
                raise PartnerExcludedError(decision.refusal)
            # The partner's row lock comes first: concurrent assigners of one partner count
            # its open slots one after another (the capacity trigger is the backstop).
            slots = aq.lock_partner_slots(session, partner_id)
            if slots is None:
                raise PartnerNotEligibleError(f"no partner with id {partner_id}")
            if slots.full:
                raise PartnerAtCapacityError(slots.describe())
            if not aq.claim_inquiry(session, inquiry_id, partner_id, now):
                raise _holder_error(session, inquiry_id)
            partner_name = slots.partner_name
            aq.insert_assignment(
                session, inquiry_id, partner_id, admin, now, decision.score, decision.rank
            )
            audit.add_audit_event(
                session,
                kind="assigned",
                actor=admin,
                at=now,
                inquiry_id=inquiry_id,
                partner_id=partner_id,
                detail={
                    "partner_name": partner_name,
                    "score": decision.score,
                    "rank": decision.rank,
                    "above_threshold": decision.above_threshold,
                    "runner_up": decision.runner_up,
                    "reason": reason,
                    "previous_status": previous,
                    "source": source,
                },
            )
            write.done(handed_over([inquiry_id], [partner_id], admin))
    except IntegrityError as error:
        # The capacity trigger, or the partial unique index refusing a second active one.
        raise _refusal(database, error, inquiry_id, partner_id) from None


class _LostRaceError(Exception):
    """The conditional update matched no row: someone else holds the inquiry."""


def unassign(
    database: Database,
    inquiry_id: int,
    partner_id: int,
    admin: str,
    *,
    reason: str = "undo",
    request_id: str | None = None,
) -> Changes:
    """Take an assignment back (undo): the inquiry returns to new, or to re-route if an
    earlier partner did not connect. The partner does not count as tried."""
    changes = handed_over([inquiry_id], [partner_id], admin)
    with write_requests.recorded(database, request_id, "unassign", admin) as write:
        session = write.session
        now = server_now(session)
        ended = aq.end_assignment(session, inquiry_id, partner_id, END_UNDONE, now)
        if ended is None:
            raise NotAssignedError("that partner is no longer assigned to this inquiry")
        assignment_id, score, rank = ended
        back_to = (
            InquiryStatus.REROUTE if aq.was_rerouted(session, inquiry_id) else InquiryStatus.NEW
        )
        if not aq.release_inquiry(
            session, inquiry_id, partner_id, (InquiryStatus.ASSIGNED.value,), back_to
        ):
            status = aq.inquiry_status(session, inquiry_id)
            raise NotAssignableError(
                f"the assignment can no longer be undone: the inquiry is {status}"
            )
        audit.add_audit_event(
            session,
            kind="unassigned",
            actor=admin,
            at=now,
            inquiry_id=inquiry_id,
            partner_id=partner_id,
            detail={
                "partner_name": aq.partner_name(session, partner_id),
                "score": score,
                "rank": rank,
                "reason": reason,
                "status": back_to.value,
                "assignment_id": assignment_id,
            },
        )
        write.done(changes)
    return changes


def mark_did_not_connect(
    database: Database, inquiry_id: int, admin: str, *, request_id: str | None = None
) -> Changes:
    """The founder and the partner did not connect: the inquiry needs a different partner.
    The assignment stays in the history and the partner is excluded from future rankings."""
    with write_requests.recorded(database, request_id, "reroute", admin) as write:
        session = write.session
        now = server_now(session)
        holder = aq.active_holder(session, inquiry_id)
        if holder is None:
            raise NotAssignedError("the inquiry has no active partner to re-route from")
        partner_id = holder[0]
        ended = aq.end_assignment(session, inquiry_id, partner_id, END_DID_NOT_CONNECT, now)
        released = aq.release_inquiry(
            session,
            inquiry_id,
            partner_id,
            (InquiryStatus.ASSIGNED.value, InquiryStatus.CONNECTED.value),
            InquiryStatus.REROUTE,
        )
        if ended is None or not released:
            status = aq.inquiry_status(session, inquiry_id)
            raise NotAssignableError(f"the inquiry can no longer be re-routed: it is {status}")
        assignment_id, score, rank = ended
        audit.add_audit_event(
            session,
            kind="did_not_connect",
            actor=admin,
            at=now,
            inquiry_id=inquiry_id,
            partner_id=partner_id,
            detail={
                "partner_name": holder[1],
                "score": score,
                "rank": rank,
                "assignment_id": assignment_id,
                "reason": "did not connect: re-route",
            },
        )
        changes = handed_over([inquiry_id], [partner_id], admin)
        write.done(changes)
    return changes


def undo_did_not_connect(
    database: Database,
    inquiry_id: int,
    partner_id: int,
    admin: str,
    *,
    request_id: str | None = None,
) -> Changes:
    """Reverse ``mark_did_not_connect`` (for the undo stack): the same partner is active again
    and the inquiry back to assigned."""
    changes = handed_over([inquiry_id], [partner_id], admin)
    try:
        with write_requests.recorded(database, request_id, "undo_reroute", admin) as write:
            session = write.session
            now = server_now(session)
            assignment_id = aq.last_ended(session, inquiry_id, partner_id, END_DID_NOT_CONNECT)
            if assignment_id is None:
                raise NotAssignedError("there is no re-route of that partner to undo")
            if not aq.claim_inquiry(session, inquiry_id, partner_id, now):
                raise _LostRaceError()
            aq.reactivate_assignment(session, assignment_id)
            audit.add_audit_event(
                session,
                kind="did_not_connect_undone",
                actor=admin,
                at=now,
                inquiry_id=inquiry_id,
                partner_id=partner_id,
                detail={
                    "partner_name": aq.partner_name(session, partner_id),
                    "assignment_id": assignment_id,
                    "reason": "undo of did not connect",
                },
            )
            write.done(changes)
    except _LostRaceError:
        raise _already_assigned(database, inquiry_id) from None
    except IntegrityError as error:
        raise _refusal(database, error, inquiry_id, partner_id) from None
    return changes


def assignment_history(database: Database, inquiry_id: int) -> tuple[AssignmentEntry, ...]:
    """Every partner the inquiry has had, oldest first (active and ended)."""
    with database.reading() as session:
        return aq.history(session, inquiry_id)


def suggest_batch(
    database: Database,
    *,
    as_of: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BatchSuggestion:
    """A preview: the assignment of every waiting inquiry (new / re-route, no partner) that
    maximises the total routing score within the partners' free capacity.

    Each inquiry offers its 25 best eligible partners. The threshold rule holds across the
    batch: the matching first maximises how many inquiries get an above-threshold partner,
    and only then the total score, so a below-threshold partner is suggested only where no
    above-threshold partner has room.
    """
    as_of = as_of or utcnow()
    stored = ensure_index(database, as_of)
    with database.reading() as session:
        network = load_network(session, as_of, stored)
        rows = aq.waiting_inquiries(session)
        total = len(rows)
        tried = rq.tried_partners_for(session, [row.id for row in rows])
        holders = rq.record_holders_for(session, rows)
        scored_rows = []
        candidates = []
        for done, row in enumerate(rows, start=1):
            if cancelled is not None and cancelled():
                return BatchSuggestion(
                    items=(),
                    unmatched=(),
                    total_score=0.0,
                    total_expected_award_usd=0.0,
                    cancelled=True,
                )
            scored = score_row(
                session,
                row,
                network,
                tried=tried.get(row.id, {}),
                holders=holders.get(row.id, {}),
            )
            order = scored.order
            order = order[:BATCH_CANDIDATES]
            scored_rows.append((row.id, row.company_name, scored))
            candidates.append(
                Candidates(order.astype(np.int64), scored.score[order], scored.above[order])
            )
            if progress is not None:
                progress(done, total)
    partners = network.partners
    capacity_left = np.maximum(partners.capacity - partners.load, 0)
    pairs = optimal_assignment(_threshold_first(candidates), capacity_left)
    chosen = dict(pairs)
    items = []
    for index, (inquiry_id, company_name, scored) in enumerate(scored_rows):
        position = chosen.get(index)
        if position is None:
            continue
        rank = int(np.flatnonzero(scored.order == position)[0]) + 1
        entry = ranked_partner(scored, position, rank)
        runner = next((int(i) for i in scored.order if int(i) != position), None)
        items.append(
            BatchItem(
                inquiry_id=inquiry_id,
                company_name=company_name,
                partner_id=entry.partner_id,
                partner_name=entry.partner_name,
                score=entry.score,
                expected_award_usd=entry.expected_award_usd,
                rank=rank,
                above_threshold=entry.above_threshold,
                reasons=entry.reasons,
                runner_up_id=None if runner is None else int(partners.ids[runner]),
                runner_up_name=None if runner is None else partners.names[runner],
                runner_up_score=None if runner is None else float(scored.score[runner]),
            )
        )
    matched = {item.inquiry_id for item in items}
    return BatchSuggestion(
        items=tuple(items),
        unmatched=tuple(i for i, _, _ in scored_rows if i not in matched),
        total_score=sum(item.score for item in items),
        total_expected_award_usd=sum(item.expected_award_usd for item in items),
    )


def _threshold_first(candidates: list[Candidates]) -> list[Candidates]:
    """Weights that make the matching lexicographic: first as many inquiries as possible go
    to above-threshold partners, then the total score is as large as possible. The bonus
    exceeds any possible total of scores, so no amount of score buys a below-threshold pick
    that costs an above-threshold one."""
    bonus = 1.0 + sum(float(c.scores.max()) for c in candidates if len(c.scores))
    weighted = []
    for c in candidates:
        above = c.above if c.above is not None else np.zeros(len(c.scores), dtype=np.bool_)
        weighted.append(Candidates(c.partners, c.scores + bonus * above, c.above))
    return weighted


def accept_batch(
    database: Database,
    items: Iterable[BatchItem],
    admin: str,
    *,
    progress: Callable[[int, int], None] | None = None,
    request_id: str | None = None,
) -> BatchResult:
    """Assign the chosen items, one transaction each; an item someone else got first, or
    whose partner filled up meanwhile, is reported in ``lost``, not fatal.

    With ``request_id`` each item is recorded as a part of it (``write_requests.part_id``):
    sending the same batch again after a lost connection assigns only what did not go
    through the first time, and counts the rest as assigned."""
    chosen = list(items)
    assigned: list[BatchItem] = []
    lost: list[BatchLoss] = []
    for done, item in enumerate(chosen, start=1):
        runner_up = (
            {
                "partner_id": item.runner_up_id,
                "name": item.runner_up_name,
                "score": item.runner_up_score,
            }
            if item.runner_up_id is not None
            else None
        )
        decision = _Decision(item.score, item.rank, item.above_threshold, runner_up, None)
        try:
            _assign(
                database,
                item.inquiry_id,
                item.partner_id,
                admin,
                "batch suggestion",
                decision,
                source="batch",
                request_id=(
                    None
                    if request_id is None
                    else write_requests.part_id(request_id, item.inquiry_id)
                ),
                part_of=request_id,
            )
        except write_requests.AlreadyApplied:
            assigned.append(item)
        except AssignmentError as error:
            lost.append(BatchLoss(item.inquiry_id, item.partner_id, str(error)))
        else:
            assigned.append(item)
        if progress is not None:
            progress(done, len(chosen))
    changes = (
        handed_over([i.inquiry_id for i in assigned], [i.partner_id for i in assigned], admin)
        if assigned
        else NOTHING
    )
    return BatchResult(tuple(assigned), tuple(lost), changes)
