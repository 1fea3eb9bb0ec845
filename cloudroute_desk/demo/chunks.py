"""The demo's inquiries in chunks that any process can make, in any order.

Chunk ``k`` (inquiries ``k * size`` up to the next chunk) draws from random streams of its
own, seeded by the demo's seed and ``k``, so its rows depend neither on the other chunks nor on
which process makes it: the demo is the same for a seed whether one thread or several worker
processes make it (``demo/chunk_source``).

Inquiry ids follow from the position. The ids of the rows under them (spend lines,
assignments, records, audit events) depend on how many rows the earlier chunks made, so a
chunk is made numbered from 0 (``ChunkMaker.make``) and moved to its place once the earlier
chunks' counts are known (``renumber``); ``finish`` then turns it into the bulk loader's
driver values, in the process that made it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from cloudroute_desk.db import bulk
from cloudroute_desk.demo import vocab
from cloudroute_desk.demo.inquiries import ArrivalCurve, InquiryMaker
from cloudroute_desk.demo.lifecycle import Lifecycle, Rows, opportunity_id
from cloudroute_desk.demo.partner_central_file import PendingRecord, waiting_records
from cloudroute_desk.demo.partners import PartnerPlan, PartnerRouter
from cloudroute_desk.demo.record_forms import RecordForms

CHUNK_INQUIRIES = 10_000
"""Inquiries per chunk (with their spend lines, records...): one transaction's worth."""

CHILD_TABLES: tuple[str, ...] = ("inquiry_spend", "assignments", "ace_records", "audit_events")
"""The tables whose ids a chunk cannot know until the earlier chunks are made."""

Counts = dict[str, int]


@dataclass(frozen=True)
class ChunkPlan:
    """Everything a process needs to make any chunk of one demo (picklable)."""

    seed: int
    now: datetime
    inquiries: int
    partners: tuple[PartnerPlan, ...]
    first_ids: dict[str, int]
    """The first free id of each bulk table (``bulk.next_ids``)."""
    backend: str
    """The database's backend name: ``finish`` prepares the rows for its driver."""
    chunk_size: int = CHUNK_INQUIRIES

    @property
    def chunks(self) -> int:
        return -(-self.inquiries // self.chunk_size)


@dataclass(frozen=True, slots=True)
class MadeChunk:
    """A chunk ready for the bulk loader."""

    index: int
    counts: Counts
    """Rows per bulk table."""
    tables: list[bulk.Prepared]
    """Driver values, parents before children (``bulk.BULK_TABLES``)."""
    reviews: list[PendingRecord] = field(default_factory=list)
    """Its candidates for the Partner Central file (``waiting_records``)."""


class ChunkMaker:
    """Makes a plan's chunks; one per process (it keeps the arrival curve, the router's
    look-ups and the forms' templates, which depend only on the plan)."""

    def __init__(self, plan: ChunkPlan) -> None:
        self.plan = plan
        self._curve = ArrivalCurve(
            random.Random(f"demo-arrivals:{plan.seed}"), plan.now, plan.inquiries
        )
        self._router = PartnerRouter(plan.partners)
        self._forms = RecordForms(random.Random(), plan.now)

    def make(self, index: int) -> Rows:
        """Chunk ``index``'s rows, those under the inquiries numbered from 0."""
        plan = self.plan
        rng = random.Random(f"demo:{plan.seed}:{index}")
        # The forms draw from a stream of their own: the rest does not depend on them.
        self._forms.rng = random.Random(f"ace-forms:{plan.seed}:{index}")
        first = index * plan.chunk_size
        ids = dict.fromkeys(bulk.BULK_TABLES, 0)
        ids["inquiries"] = plan.first_ids["inquiries"] + first
        life = Lifecycle(rng, plan.now, self._router, vocab.ADMINS, ids, self._forms)
        maker = InquiryMaker(rng, plan.now, life)
        rows: Rows = {name: [] for name in bulk.BULK_TABLES}
        for position in range(first, min(first + plan.chunk_size, plan.inquiries)):
            maker.make(self._curve.arrival(position, rng.random()), rows)
        return rows


def counts(rows: Rows) -> Counts:
    return {name: len(table_rows) for name, table_rows in rows.items()}


def renumber(rows: Rows, bases: Counts) -> None:
    """Move a chunk made by ``ChunkMaker.make`` to its ids: ``bases[table]`` is the first id
    of the chunk's rows in each child table. Every place a child id appears moves with it."""
    for row in rows["inquiry_spend"]:
        row["id"] += bases["inquiry_spend"]
    for row in rows["assignments"]:
        row["id"] += bases["assignments"]
    for row in rows["ace_records"]:
        row["id"] += bases["ace_records"]
        if row["external_id"] is not None:
            row["external_id"] = opportunity_id(row["id"])
    for row in rows["audit_events"]:
        row["id"] += bases["audit_events"]
        if row["record_id"] is not None:
            row["record_id"] += bases["ace_records"]
        detail = row["detail"]
        if "assignment_id" in detail:
            detail["assignment_id"] += bases["assignments"]


def following_bases(bases: Counts, made: Counts) -> Counts:
    """The next chunk's bases after a chunk with ``made`` rows at ``bases``."""
    return {name: bases[name] + made[name] for name in CHILD_TABLES}


def first_bases(plan: ChunkPlan) -> Counts:
    return {name: plan.first_ids[name] for name in CHILD_TABLES}


def finish(plan: ChunkPlan, index: int, rows: Rows) -> MadeChunk:
    """A renumbered chunk as the bulk loader's driver values, with its review candidates."""
    return MadeChunk(
        index=index,
        counts=counts(rows),
        tables=[bulk.prepare(plan.backend, name, rows[name]) for name in bulk.BULK_TABLES],
        reviews=waiting_records(plan.seed, index, rows["ace_records"]),
    )
