"""Pull outcomes from Partner Central: list the opportunities modified since the last sync,
apply them as an import of Partner Central's own responses would, and remember how far it got.

One run, on a worker thread of its own (never the GUI thread, never the DB worker):

1. read the catalog's cursor (``partner_central_sync_cursors``): every opportunity modified at
   or before ``modified_through`` is already applied;
2. ``ListOpportunities`` filtered on ``LastModifiedDate`` after the cursor (less a second of
   overlap, since the filter is strict and a page may end inside one millisecond), sorted by
   ``LastModifiedDate`` ascending, page by page with ``NextToken``, each call paced and
   retried by ``PoliteCaller``;
3. each page, as one job for the database: parse it with the import's parser, apply it with
   the import's ``apply_snapshots`` (same matching, state rules, audit and history), then move
   the cursor to the newest ``LastModifiedDate`` on the page.

The summaries a page lists carry every member the import reads (id, PartnerOpportunityIdentifier,
LastModifiedDate, LifeCycle's ReviewStatus, Stage, ClosedLostReason, ReviewStatusReason,
ReviewComments), so no GetOpportunity call per opportunity is needed.

Ascending order makes the cursor safe: an opportunity changed while the sync pages moves to
the end of the order, so it is listed again later; a run stopped anywhere (Cancel, a crash, a
lost network) resumes after the last applied page, and re-applying a page changes nothing
(the import ignores a snapshot that is not newer than what it applied). Cancel takes effect at
the next wait; a page being applied is always finished first.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

from cloudroute_desk.db import sync_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.ace.partner_central_snapshot import (
    SnapshotProblem,
    parse_partner_central_file,
)
from cloudroute_desk.services.changes import Changes
from cloudroute_desk.services.partner_central_calls import (
    Connection,
    Pace,
    PartnerCentralError,
    PoliteCaller,
    SyncCancelled,
    Waiting,
    make_client,
)
from cloudroute_desk.services.partner_central_import import (
    OutcomeKind,
    SnapshotOutcome,
    apply_snapshots,
)

T = TypeVar("T")
RunDb = Callable[[Callable[[Database], T]], T]
"""How the sync reaches the database: the command line calls the job directly, the GUI
hands it to the DB executor and waits for it on the sync's own thread."""

OVERLAP: Final = timedelta(seconds=1)
PAGE_SIZE: Final = 100
"""ListOpportunities' largest page (``MaxResults`` 1..100)."""

RUNNING: Final = "running"
COMPLETE: Final = "complete"
CANCELLED: Final = "cancelled"
FAILED: Final = "failed"


@dataclass(frozen=True, slots=True)
class SyncCursor:
    catalog: str
    endpoint: str
    modified_through: datetime | None
    run_state: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class SyncProgress:
    pages: int
    opportunities: int
    applied: int
    """Snapshots that moved a record."""
    retries: int
    note: str
    """What is happening now, one line: "Page 3 applied", "Waiting 2.0 s: ..."."""


@dataclass(frozen=True, slots=True)
class SyncResult:
    state: str
    """``complete``, ``cancelled`` or ``failed``."""
    catalog: str
    started_from: datetime | None
    """The ``LastModifiedDate`` the listing started after (None: everything)."""
    modified_through: datetime | None
    pages: int
    opportunities: int
    requests: int
    retries: int
    outcomes: tuple[SnapshotOutcome, ...]
    problems: tuple[SnapshotProblem, ...]
    changes: Changes
    message: str = ""
    """Why a failed run stopped, one sentence."""

    def count(self, kind: OutcomeKind) -> int:
        return sum(1 for outcome in self.outcomes if outcome.kind is kind)

    @property
    def clean(self) -> bool:
        """Every listed opportunity was read and matched, and no change was refused."""
        return not self.problems and not any(
            o.kind in (OutcomeKind.UNMATCHED, OutcomeKind.REFUSED) for o in self.outcomes
        )

    def summary(self) -> str:
        counts = ", ".join(
            f"{self.count(kind):,} {kind.value}" for kind in OutcomeKind if self.count(kind)
        )
        unread = f", {len(self.problems):,} unreadable" if self.problems else ""
        head = {
            COMPLETE: "Sync complete",
            CANCELLED: "Sync cancelled",
            FAILED: "Sync stopped",
        }[self.state]
        listed = f"{self.opportunities:,} opportunit{'y' if self.opportunities == 1 else 'ies'}"
        return (
            f"{head}: {listed} in {self.pages:,} page{'' if self.pages == 1 else 's'}"
            f" ({counts or 'nothing to apply'}{unread}); {self.requests:,} "
            f"request{'' if self.requests == 1 else 's'}, {self.retries:,} retried."
        )


def opportunity_names(outcome: SnapshotOutcome) -> str:
    """Whatever names the opportunity (customer, our id, Partner Central's id), so an
    unmatched one can be found in Partner Central."""
    names = [
        f"customer {outcome.customer_name!r}" if outcome.customer_name else "",
        outcome.partner_opportunity_identifier or "",
        outcome.opportunity_id or "",
    ]
    return " · ".join(name for name in names if name)


def outcome_text(outcome: SnapshotOutcome) -> str:
    """The outcome's message and the opportunity's names, one line."""
    shown = opportunity_names(outcome)
    return f"{outcome.message} ({shown})" if shown else outcome.message


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    raise TypeError(type(value).__name__)


def read_cursor(database: Database, connection: Connection) -> SyncCursor | None:
    with database.reading() as session:
        row = sync_queries.read_cursor(session, connection.catalog, connection.endpoint_label)
        if row is None:
            return None
        return SyncCursor(
            row.catalog,
            row.endpoint,
            row.modified_through,
            row.run_state,
            row.updated_at,
            row.updated_by,
        )


@dataclass(slots=True)
class _Tally:
    pages: int = 0
    opportunities: int = 0
    outcomes: list[SnapshotOutcome] = field(default_factory=list)
    problems: list[SnapshotProblem] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    modified_through: datetime | None = None


class PartnerCentralSync:
    """One sync run; ``run`` blocks, so call it from a worker thread (or the command line)."""

    def __init__(
        self,
        connection: Connection,
        run_db: RunDb[Any],
        *,
        admin: str,
        since: datetime | None = None,
        pace: Pace | None = None,
        page_size: int = PAGE_SIZE,
        cancel: threading.Event | None = None,
        on_progress: Callable[[SyncProgress], None] | None = None,
        client_factory: Callable[[Connection], Any] = make_client,
    ) -> None:
        self.connection = connection
        self._run_db = run_db
        self._admin = admin
        self._since = since
        self._pace = pace or Pace()
        self._page_size = page_size
        self.cancel = cancel or threading.Event()
        self._on_progress = on_progress
        self._client_factory = client_factory
        self._tally = _Tally()
        self._caller: PoliteCaller | None = None

    @property
    def source(self) -> str:
        """How the records' histories name this sync."""
        where = f" from {self.connection.endpoint_url}" if self.connection.endpoint_url else ""
        return f"sync of catalog {self.connection.catalog}{where}"

    def run(self) -> SyncResult:
        connection = self.connection
        cursor = self._run_db(lambda database: read_cursor(database, connection))
        started_from = self._since
        if started_from is None and cursor is not None and cursor.modified_through is not None:
            started_from = cursor.modified_through - OVERLAP
        try:
            self._caller = PoliteCaller(
                self._client_factory(connection),
                self._pace,
                self.cancel,
                on_wait=self._on_wait,
            )
            self._save_cursor(RUNNING)
            self._pages(started_from)
        except SyncCancelled:
            return self._finish(CANCELLED, started_from)
        except PartnerCentralError as error:
            return self._finish(FAILED, started_from, str(error))
        return self._finish(COMPLETE, started_from)

    def _pages(self, started_from: datetime | None) -> None:
        assert self._caller is not None
        request: dict[str, Any] = {
            "Catalog": self.connection.catalog,
            "MaxResults": self._page_size,
            "Sort": {"SortBy": "LastModifiedDate", "SortOrder": "ASCENDING"},
        }
        if started_from is not None:
            request["LastModifiedDate"] = {
                "AfterLastModifiedDate": started_from.replace(tzinfo=UTC)
            }
        self._progress("Listing opportunities…")
        while True:
            page = self._caller.call("list_opportunities", **request)
            self._apply(page)
            token = page.get("NextToken")
            if not token:
                return
            request["NextToken"] = token

    def _apply(self, page: dict[str, Any]) -> None:
        summaries = page.get("OpportunitySummaries") or []
        tally = self._tally
        if not summaries:
            return
        number = tally.pages + 1
        document = {"OpportunitySummaries": summaries}
        data = json.dumps(document, default=_json_default).encode("utf-8")
        newest = max(
            (_naive_utc(s["LastModifiedDate"]) for s in summaries if s.get("LastModifiedDate")),
            default=None,
        )
        if newest is not None and tally.modified_through is not None:
            newest = max(newest, tally.modified_through)
        source, admin, connection = self.source, self._admin, self.connection
        counts = (number, tally.opportunities + len(summaries))

        def apply_page(database: Database) -> tuple[Any, tuple[SnapshotProblem, ...]]:
            parsed = parse_partner_central_file(data)
            report = apply_snapshots(database, parsed.snapshots, source=source, admin=admin)
            # After the page, in its own transaction: a crash between the two re-applies the
            # page next time, which changes nothing.
            with database.writing() as session:
                sync_queries.save_cursor(
                    session,
                    catalog=connection.catalog,
                    endpoint=connection.endpoint_label,
                    modified_through=newest,
                    run_state=RUNNING,
                    pages=counts[0],
                    opportunities=counts[1],
                    admin=admin,
                )
            problems = tuple(
                SnapshotProblem(f"page {number}, {p.where}", p.message) for p in parsed.problems
            )
            return report, problems

        report, problems = self._run_db(apply_page)
        tally.pages = number
        tally.opportunities += len(summaries)
        tally.outcomes.extend(
            replace(o, where=f"page {number}, {o.where}") for o in report.outcomes
        )
        tally.problems.extend(problems)
        tally.changes = tally.changes | report.changes
        tally.modified_through = newest
        self._progress(f"Page {number} applied ({tally.opportunities:,} opportunities so far)")

    def _save_cursor(self, run_state: str) -> None:
        tally, connection, admin = self._tally, self.connection, self._admin

        def save(database: Database) -> None:
            with database.writing() as session:
                sync_queries.save_cursor(
                    session,
                    catalog=connection.catalog,
                    endpoint=connection.endpoint_label,
                    modified_through=tally.modified_through,
                    run_state=run_state,
                    pages=tally.pages,
                    opportunities=tally.opportunities,
                    admin=admin,
                )

        self._run_db(save)

    def _finish(self, state: str, started_from: datetime | None, message: str = "") -> SyncResult:
        self._save_cursor(state)
        tally, caller = self._tally, self._caller
        return SyncResult(
            state=state,
            catalog=self.connection.catalog,
            started_from=started_from,
            modified_through=tally.modified_through,
            pages=tally.pages,
            opportunities=tally.opportunities,
            requests=caller.requests if caller else 0,
            retries=caller.retries if caller else 0,
            outcomes=tuple(tally.outcomes),
            problems=tuple(tally.problems),
            changes=tally.changes,
            message=message,
        )

    def _on_wait(self, waiting: Waiting) -> None:
        self._progress(
            f"Waiting {waiting.seconds:.1f} s: {waiting.reason} (retry {waiting.attempt})"
        )

    def _progress(self, note: str) -> None:
        if self._on_progress is None:
            return
        tally = self._tally
        self._on_progress(
            SyncProgress(
                pages=tally.pages,
                opportunities=tally.opportunities,
                applied=sum(1 for o in tally.outcomes if o.kind is OutcomeKind.APPLIED),
                retries=self._caller.retries if self._caller else 0,
                note=note,
            )
        )
