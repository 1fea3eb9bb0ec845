"""Deterministic demo data: partners, 18 months of inquiries, assignments and ACE records.

The data is built to look like a working CloudRoute desk on the day it is generated: recent
inquiries wait in the queue (some past the 24-hour SLA), older ones have moved through
assignment, discovery call, filing and credits (``demo_lifecycle``), and every partner has a
hidden skill per profile axis so the routing index finds real differences between partners
(``demo_partners``).

``random.Random(seed)`` makes the partners; each chunk of inquiries draws from streams seeded
by the seed and its position (``demo/chunks``), so the same seed and ``now`` give the same rows
on either backend, however many processes make them. Chunks are written one transaction each,
so memory stays flat at a million inquiries, while a helper thread (or, asked for, worker
processes) make the next ones (``demo/chunk_source``). The indexes, search index and
chart projections are built once after the load (``db/bulk_rebuild``), and the routing index
last, so the first ranking finds it current.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cloudroute_desk.db import bulk, change_feed, routing_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.demo.chunk_source import made_chunks
from cloudroute_desk.demo.chunks import CHUNK_INQUIRIES, ChunkPlan
from cloudroute_desk.demo.inquiries import HISTORY_DAYS
from cloudroute_desk.demo.partner_central_file import ReviewPicker
from cloudroute_desk.demo.partners import make_partners
from cloudroute_desk.domain.clock import utcnow

__all__ = ["HISTORY_DAYS", "DemoSummary", "generate_demo"]


@dataclass(frozen=True, slots=True)
class DemoSummary:
    inquiries: int
    partners: int
    records: int
    assignments: int
    seconds: float
    spend_lines: int = 0
    audit_events: int = 0
    reviews: ReviewPicker | None = None
    """The records Partner Central's answers are about (``demo/partner_central_file``)."""

    @property
    def partner_central_pages(self) -> list[dict[str, Any]]:
        """Partner Central's answers, built on first use (the GUI's demo does without)."""
        return self.reviews.pages() if self.reviews is not None else []


def generate_demo(
    database: Database,
    *,
    inquiries: int,
    partners: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
    workers: int = 0,
    chunk_size: int = CHUNK_INQUIRIES,
    scratch: bool = False,
) -> DemoSummary:
    """Fill an empty, migrated database with demo data; refuse one that holds data.

    ``workers``: processes that make the inquiries (0: a helper thread); the data does not
    depend on it. ``seed``, ``now``, the counts
    and ``chunk_size`` (each chunk has its own random streams) decide the data.
    ``scratch``: the database is a new SQLite file that the caller deletes unless this
    returns, so it is written without a journal (``bulk.bulk_loader``)."""
    if inquiries < 0 or partners < 0:
        raise ValueError("Inquiry and partner counts cannot be negative.")
    if inquiries > 0 and partners < 1:
        raise ValueError("Demo inquiries need at least one partner to route to.")
    started = time.perf_counter()
    moment = (now or utcnow()).replace(microsecond=0, tzinfo=None)
    with database.writing() as session:
        if bulk.holds_data(session):
            raise ValueError(
                "The database already holds partners, inquiries or ACE records; "
                "demo data goes into an empty database only."
            )
        first_ids = bulk.next_ids(session)
        plans, partner_rows = make_partners(
            random.Random(seed), partners, first_ids["partners"], moment, HISTORY_DAYS
        )
        bulk.insert_rows(session, "partners", partner_rows)
    plan = ChunkPlan(
        seed=seed,
        now=moment,
        inquiries=inquiries,
        partners=tuple(plans),
        first_ids=first_ids,
        backend=database.backend,
        chunk_size=chunk_size,
    )
    counts = dict.fromkeys(bulk.BULK_TABLES, 0)
    reviews = ReviewPicker(seed, moment)
    if progress is not None:
        progress(0, inquiries)
    done = 0
    with bulk.bulk_loader(database, into_empty=True, scratch=scratch) as loader:
        for made in made_chunks(plan, workers):
            loader.write_prepared(made.tables)
            reviews.take(made.reviews)
            for name, count in made.counts.items():
                counts[name] += count
            done += made.counts["inquiries"]
            if progress is not None:
                progress(done, inquiries)
        loader.finish()
    # Built now, so the first ranking does not rebuild it over a million records.
    with database.writing() as session:
        routing_queries.bring_index_up_to_date(
            session, routing_queries.window_end_for(moment), moment
        )
        # Demo rows are history, not news for anyone following: keep the feed small.
        change_feed.forget_all(session)
    return DemoSummary(
        inquiries=counts["inquiries"],
        partners=len(partner_rows),
        records=counts["ace_records"],
        assignments=counts["assignments"],
        seconds=time.perf_counter() - started,
        spend_lines=counts["inquiry_spend"],
        audit_events=counts["audit_events"],
        reviews=reviews,
    )
