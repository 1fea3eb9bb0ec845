"""Apply what Partner Central says about our records: the one entry point for the file import
(``cloudroute-desk import --partner-central``, File → Import from Partner Central…) and the
live sync.

    apply_snapshots(database, snapshots, *, source, admin) -> PartnerCentralReport

``snapshots`` are already parsed (``domain/ace/partner_central_snapshot``: from a file, or
built by the sync from botocore's answers); ``source`` names where they came from (the file
name, or the sync's own label) and is recorded as "Partner Central · <source>" in the audit
rows and the record's history; ``admin`` is who ran it. It never raises for a bad snapshot:
each one gets a ``SnapshotOutcome`` in the report. Database failures (a lost server, a locked
file) propagate; the chunks already committed stay, each whole.

For each snapshot, in order of its LastModifiedDate per record:

1. **Match** by PartnerOpportunityIdentifier when it is a CloudRoute id
   (``partner_central_ids``) naming a record of that inquiry, else by the Partner Central
   opportunity id an earlier snapshot stored on a record; otherwise it is *unmatched*,
   reported with its customer name and ids. Nothing is guessed: a CloudRoute id whose
   record does not exist, or an opportunity id already stored on another record, is
   reported, not followed.
2. **Order**: a snapshot no newer than the newest one applied to the record changes nothing
   (*unchanged* when the same moment, *older* otherwise). So the same file twice, or an
   older export after a newer sync, writes nothing.
3. **Map** ReviewStatus / Stage to a record state with ``catalog.partner_central_outcome``
   (the one table) and walk the record there through ``records.transition_in``, one step at
   a time (Identified → Submitted → Validated → Approved …), so every state rule, the
   database trigger, the inquiry's own status and the routing index refresh apply exactly as
   for an admin's click. An approval awards the requested amount in the record's pool, with
   credits dated at the approval (Partner Central reports no amount); when the same snapshot
   is the first news of the submission too, its days to credit stay unknown (not 0).
   Action Required hands a submitted record back to Identified; on a draft it records the
   round trip (Submitted, then back) unless the newest kept snapshot already said Action
   Required. A record already further along stays where it is. A step the rules refuse is
   reported (*refused*) and nothing of that snapshot is kept.
4. **Keep** the review status, stage and reasons with Partner Central's time
   (``record_reviews``, an audit row ``partner_central_review``), the opportunity id and the
   snapshot's time on the record.

Work is committed in chunks of records (one savepoint per snapshot), so a 100,000-row file
neither holds one giant transaction nor fsyncs per row.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Final

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cloudroute_desk.db import audit, record_queries, review_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.review_queries import PartnerCentralLink, ReviewEntry, ReviewKey
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.domain.ace.award import Award
from cloudroute_desk.domain.ace.partner_central_ids import parse_cloudroute_opportunity_id
from cloudroute_desk.domain.ace.partner_central_snapshot import PartnerCentralSnapshot
from cloudroute_desk.domain.catalog import (
    AWARDED_STATES,
    RECORD_STATE_LABELS,
    RECORD_TRANSITIONS,
    RecordState,
    partner_central_outcome,
)
from cloudroute_desk.domain.entities import AceRecordSummary
from cloudroute_desk.services.changes import ChangeKind, Changes, Rows
from cloudroute_desk.services.records import PARTNER_CENTRAL_REVIEW, RecordError, transition_in

SOURCE_PREFIX: Final = "Partner Central"
CHUNK_RECORDS: Final = 500


class OutcomeKind(StrEnum):
    APPLIED = "applied"
    """The record moved (and the review was kept)."""
    NOTED = "noted"
    """The review was kept; the record's state already agreed."""
    UNCHANGED = "unchanged"
    """This very snapshot was applied before."""
    OLDER = "older"
    """A newer snapshot of the record was applied already."""
    UNMATCHED = "unmatched"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class SnapshotOutcome:
    where: str
    kind: OutcomeKind
    message: str
    record_id: int | None = None
    opportunity_id: str | None = None
    partner_opportunity_identifier: str | None = None
    customer_name: str | None = None


@dataclass(frozen=True, slots=True)
class PartnerCentralReport:
    outcomes: tuple[SnapshotOutcome, ...]
    changes: Changes
    source: str

    def count(self, kind: OutcomeKind) -> int:
        return sum(1 for outcome in self.outcomes if outcome.kind is kind)

    @property
    def clean(self) -> bool:
        """Nothing unmatched or refused."""
        return not any(
            o.kind in (OutcomeKind.UNMATCHED, OutcomeKind.REFUSED) for o in self.outcomes
        )

    def summary(self) -> str:
        parts = [f"{self.count(kind):,} {kind.value}" for kind in OutcomeKind if self.count(kind)]
        return f"{len(self.outcomes):,} snapshots: " + (", ".join(parts) or "none")

    def lines(self, *, with_unchanged: bool = False) -> list[str]:
        """One line per outcome worth reading (every one but the unchanged, by default)."""
        return [
            outcome_line(o)
            for o in self.outcomes
            if with_unchanged or o.kind is not OutcomeKind.UNCHANGED
        ]


def outcome_line(outcome: SnapshotOutcome) -> str:
    """ "line 3 · record 57 · O123 · Lumen Analytics — applied: Submitted → Approved"."""
    parts = [outcome.where or "file"]
    if outcome.record_id is not None:
        parts.append(f"record {outcome.record_id}")
    if outcome.kind is OutcomeKind.UNMATCHED or outcome.record_id is None:
        ids = [i for i in (outcome.opportunity_id, outcome.partner_opportunity_identifier) if i]
        parts.extend(ids)
    elif outcome.opportunity_id:
        parts.append(outcome.opportunity_id)
    if outcome.customer_name:
        parts.append(outcome.customer_name)
    return f"{' · '.join(parts)} — {outcome.kind.value}: {outcome.message}"


def full_source(source: str) -> str:
    return f"{SOURCE_PREFIX} · {source}" if source else SOURCE_PREFIX


@dataclass(slots=True)
class _Collected:
    outcomes: list[SnapshotOutcome | None]
    inquiries: set[int] = field(default_factory=set)
    records: set[int] = field(default_factory=set)
    partners: set[int] = field(default_factory=set)
    kinds: set[ChangeKind] = field(default_factory=set)


def apply_snapshots(
    database: Database,
    snapshots: Sequence[PartnerCentralSnapshot],
    *,
    source: str,
    admin: str,
) -> PartnerCentralReport:
    """Apply ``snapshots`` (see the module docstring); the report has one outcome per
    snapshot, in the order given."""
    label = full_source(source)
    collected = _Collected([None] * len(snapshots))
    with database.reading() as session:
        matched = _match(session, snapshots, collected)
    groups: dict[int, list[int]] = defaultdict(list)
    for index, record_id in matched.items():
        groups[record_id].append(index)
    record_ids = list(groups)
    for start in range(0, len(record_ids), CHUNK_RECORDS):
        chunk = record_ids[start : start + CHUNK_RECORDS]
        with database.writing() as session:
            now = server_now(session)
            links = review_queries.links_by_record(session, chunk)
            latest = review_queries.latest_reviews(session, chunk)
            for record_id in chunk:
                order = sorted(groups[record_id], key=lambda i: (snapshots[i].last_modified, i))
                link = links.get(record_id)
                for index in order:
                    if link is None:
                        collected.outcomes[index] = _unmatched(
                            snapshots[index], "its record was deleted during the import"
                        )
                        continue
                    link = _apply_one(
                        session,
                        snapshots[index],
                        index,
                        link,
                        latest,
                        _Context(now, label, admin, collected),
                    )
    outcomes = tuple(o for o in collected.outcomes if o is not None)
    assert len(outcomes) == len(snapshots)
    changes = (
        Changes.of(
            *collected.kinds,
            inquiries=Rows.among(collected.inquiries),
            records=Rows.among(collected.records),
            partners=Rows.among(collected.partners),
            admin=admin,
        )
        if collected.kinds
        else Changes()
    )
    return PartnerCentralReport(outcomes, changes, label)


def _match(
    session: Session, snapshots: Sequence[PartnerCentralSnapshot], collected: _Collected
) -> dict[int, int]:
    """Snapshot index -> record id; the unmatched get their outcome here."""
    ours = {
        index: parsed
        for index, snapshot in enumerate(snapshots)
        if (parsed := parse_cloudroute_opportunity_id(snapshot.partner_opportunity_identifier))
    }
    by_record = review_queries.links_by_record(session, (p.record_id for p in ours.values()))
    by_opportunity = review_queries.links_by_opportunity(
        session, (s.opportunity_id for s in snapshots if s.opportunity_id is not None)
    )
    matched: dict[int, int] = {}
    for index, snapshot in enumerate(snapshots):
        parsed = ours.get(index)
        if parsed is not None:
            link = by_record.get(parsed.record_id)
            if link is None or link.inquiry_id != parsed.inquiry_id:
                collected.outcomes[index] = _unmatched(
                    snapshot,
                    f"its CloudRoute id names record {parsed.record_id} of inquiry "
                    f"{parsed.inquiry_id}, which is not in this database",
                )
                continue
            other = by_opportunity.get(snapshot.opportunity_id or "")
            if other is not None and other.record_id != link.record_id:
                collected.outcomes[index] = _refused(
                    snapshot,
                    link.record_id,
                    f"{snapshot.opportunity_id} is already the Partner Central id of record "
                    f"{other.record_id}",
                )
                continue
            matched[index] = link.record_id
        elif snapshot.opportunity_id is not None and snapshot.opportunity_id in by_opportunity:
            matched[index] = by_opportunity[snapshot.opportunity_id].record_id
        else:
            collected.outcomes[index] = _unmatched(
                snapshot, "no record has this CloudRoute id or Partner Central opportunity id"
            )
    return matched


@dataclass(frozen=True, slots=True)
class _Context:
    now: datetime
    label: str
    admin: str
    collected: _Collected


def _review_key(snapshot: PartnerCentralSnapshot) -> ReviewKey:
    return (
        snapshot.review_status,
        snapshot.stage,
        snapshot.closed_lost_reason,
        snapshot.review_status_reason,
        snapshot.review_comments,
    )


def _apply_one(
    session: Session,
    snapshot: PartnerCentralSnapshot,
    index: int,
    link: PartnerCentralLink,
    latest: dict[int, ReviewKey],
    context: _Context,
) -> PartnerCentralLink:
    """Apply one snapshot to its record; returns the record's link as it now stands.
    ``latest`` holds the newest kept review of each record of the chunk, kept up to date."""
    now, label, admin, collected = context.now, context.label, context.admin, context.collected
    record_id = link.record_id
    modified = snapshot.last_modified
    assert modified is not None  # the parser refuses snapshots without a time
    if link.opportunity_id and snapshot.opportunity_id not in (None, link.opportunity_id):
        collected.outcomes[index] = _refused(
            snapshot,
            record_id,
            f"record {record_id} is Partner Central opportunity {link.opportunity_id}, "
            f"not {snapshot.opportunity_id}",
        )
        return link
    if link.last_modified is not None and modified <= link.last_modified:
        same = modified == link.last_modified
        collected.outcomes[index] = SnapshotOutcome(
            snapshot.where,
            OutcomeKind.UNCHANGED if same else OutcomeKind.OLDER,
            "already applied"
            if same
            else f"older than the snapshot of {link.last_modified:%Y-%m-%d %H:%M} UTC "
            "already applied",
            record_id,
            snapshot.opportunity_id,
            snapshot.partner_opportunity_identifier,
            snapshot.customer_name,
        )
        return link
    key = _review_key(snapshot)
    if latest.get(record_id) == key:
        # Newer, but it says what the newest kept review said (Partner Central moves
        # LastModifiedDate for any edit): remember its time, keep no new history row.
        review_queries.stamp_record(
            session, record_id, opportunity_id=snapshot.opportunity_id, last_modified=modified
        )
        collected.outcomes[index] = SnapshotOutcome(
            snapshot.where,
            OutcomeKind.UNCHANGED,
            "nothing new since the review already kept",
            record_id,
            snapshot.opportunity_id,
            snapshot.partner_opportunity_identifier,
            snapshot.customer_name,
        )
        return replace(
            link,
            opportunity_id=snapshot.opportunity_id or link.opportunity_id,
            last_modified=modified,
        )
    # Partner Central's clock may run a little ahead of ours: a step is never dated later
    # than now, while the stored snapshot time stays Partner Central's own.
    at = min(modified, now)
    try:
        with session.begin_nested():
            moves, summary = _walk(session, record_id, snapshot, at, latest.get(record_id), context)
            _keep_review(session, summary, snapshot, modified, now, label, admin)
            review_queries.stamp_record(
                session, record_id, opportunity_id=snapshot.opportunity_id, last_modified=modified
            )
    except RecordError as error:
        collected.outcomes[index] = _refused(snapshot, record_id, str(error))
        return link
    except IntegrityError:
        # Another admin's import stored this opportunity id on another record meanwhile.
        collected.outcomes[index] = _refused(
            snapshot,
            record_id,
            f"{snapshot.opportunity_id} is already the Partner Central id of another record",
        )
        return link
    latest[record_id] = key
    collected.kinds.add(ChangeKind.RECORD_STATES)
    collected.records.add(record_id)
    collected.inquiries.add(summary.inquiry_id)
    collected.partners.add(summary.partner_id)
    collected.outcomes[index] = SnapshotOutcome(
        snapshot.where,
        OutcomeKind.APPLIED if moves else OutcomeKind.NOTED,
        " → ".join(RECORD_STATE_LABELS[s] for s in moves)
        if moves
        else f"kept; the record is {RECORD_STATE_LABELS[summary.state]}",
        record_id,
        snapshot.opportunity_id,
        snapshot.partner_opportunity_identifier,
        snapshot.customer_name,
    )
    return PartnerCentralLink(
        record_id, link.inquiry_id, snapshot.opportunity_id or link.opportunity_id, modified
    )


def _walk(
    session: Session,
    record_id: int,
    snapshot: PartnerCentralSnapshot,
    at: datetime,
    kept: ReviewKey | None,
    context: _Context,
) -> tuple[list[RecordState], AceRecordSummary]:
    """Move the record to the snapshot's state: the states it passed through (first is where
    it started; [] when it did not move) and the record as it now is. ``kept`` is the newest
    review already kept for the record."""
    label, admin, collected = context.label, context.admin, context.collected
    stored = record_queries.load_record(session, record_id)
    assert stored is not None
    current = stored.summary.state
    target = partner_central_outcome(snapshot.review_status, snapshot.stage)
    if target is None:
        return [], stored.summary
    if target.hands_back and current is RecordState.IDENTIFIED:
        # A draft Partner Central sends back was submitted there: walk it through Submitted,
        # unless it is still the round trip already recorded.
        if kept is not None and kept[0] == snapshot.review_status:
            return [], stored.summary
        path: list[RecordState] = [RecordState.SUBMITTED, RecordState.IDENTIFIED]
    elif target.state is current:
        return [], stored.summary
    elif target.hands_back:
        if (current, target.state) not in RECORD_TRANSITIONS:
            raise RecordError(
                f"Partner Central asks for action on a record that is "
                f"{RECORD_STATE_LABELS[current]}; only a submitted or validated record can "
                "be handed back."
            )
        path = [target.state]
    else:
        found = _forward_path(current, target.state)
        if found is None:
            if _forward_path(target.state, current) is not None:
                return [], stored.summary  # already further along than this snapshot says
            raise RecordError(
                f"A record that is {RECORD_STATE_LABELS[current]} cannot become "
                f"{RECORD_STATE_LABELS[target.state]} (Partner Central: "
                f"{snapshot.review_status or snapshot.stage})."
            )
        path = found
    states = [current]
    summary = stored.summary
    # Never before the record's own last step (a record marked submitted here a minute after
    # Partner Central's time): the history stays in order, Partner Central's time is kept
    # on the review row.
    latest = max(t for t in (summary.created_at, summary.submitted_at, summary.decided_at) if t)
    at = max(at, latest)
    for step in path:
        award = None
        if step is RecordState.APPROVED:
            award = Award(summary.amount_requested_usd, summary.pool, at.date())
        result = transition_in(
            session, record_id, step, summary.version, admin, award=award, at=at, source=label
        )
        summary = result.summary
        collected.kinds.update(result.changes.kinds)
        states.append(step)
    if RecordState.SUBMITTED in path and summary.state in AWARDED_STATES:
        # Submitted and approved at the one moment this snapshot gives: the days from
        # submission to credit are not known, and a 0 would flatter the partner's score.
        review_queries.forget_days_to_credit(session, record_id)
    return states, summary


_FORWARD: Final = {
    (old, new) for old, new in RECORD_TRANSITIONS if new is not RecordState.IDENTIFIED
}


def _forward_path(start: RecordState, goal: RecordState) -> list[RecordState] | None:
    """The shortest walk from ``start`` to ``goal`` that never hands a record back; the
    states after ``start``, or None."""
    if start is goal:
        return []
    came_from: dict[RecordState, RecordState] = {}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for old, new in sorted(_FORWARD):
            if old is state and new not in came_from and new is not start:
                came_from[new] = state
                if new is goal:
                    path: list[RecordState] = [goal]
                    while came_from[path[-1]] is not start:
                        path.append(came_from[path[-1]])
                    return path[::-1]
                queue.append(new)
    return None


def _keep_review(
    session: Session,
    summary: AceRecordSummary,
    snapshot: PartnerCentralSnapshot,
    modified: datetime,
    now: datetime,
    label: str,
    admin: str,
) -> None:
    assert summary.id is not None
    entry = ReviewEntry(
        review_status=snapshot.review_status,
        stage=snapshot.stage,
        closed_lost_reason=snapshot.closed_lost_reason,
        review_status_reason=snapshot.review_status_reason,
        review_comments=snapshot.review_comments,
        modified_at=modified,
        recorded_at=now,
        source=label,
    )
    review_queries.add_review(
        session,
        record_id=summary.id,
        partner_id=summary.partner_id,
        pool=summary.pool.value,
        entry=entry,
    )
    detail = {
        "source": label,
        "modified": modified.isoformat(),
        "review_status": snapshot.review_status,
        "stage": snapshot.stage,
        "closed_lost_reason": snapshot.closed_lost_reason,
        "review_status_reason": snapshot.review_status_reason,
        "review_comments": snapshot.review_comments,
        "opportunity_id": snapshot.opportunity_id,
    }
    audit.add_audit_event(
        session,
        kind=PARTNER_CENTRAL_REVIEW,
        actor=admin,
        at=now,
        inquiry_id=summary.inquiry_id,
        partner_id=summary.partner_id,
        record_id=summary.id,
        detail={key: value for key, value in detail.items() if value is not None},
    )


def _unmatched(snapshot: PartnerCentralSnapshot, why: str) -> SnapshotOutcome:
    return SnapshotOutcome(
        snapshot.where,
        OutcomeKind.UNMATCHED,
        why,
        None,
        snapshot.opportunity_id,
        snapshot.partner_opportunity_identifier,
        snapshot.customer_name,
    )


def _refused(snapshot: PartnerCentralSnapshot, record_id: int, why: str) -> SnapshotOutcome:
    return SnapshotOutcome(
        snapshot.where,
        OutcomeKind.REFUSED,
        why,
        record_id,
        snapshot.opportunity_id,
        snapshot.partner_opportunity_identifier,
        snapshot.customer_name,
    )
