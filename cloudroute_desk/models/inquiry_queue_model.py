"""The inquiry queue as a windowed table model: a million rows, a few pages in memory.

``rowCount`` is the SQL count of the current filter; rows are read in pages of
``PAGE_SIZE`` on the DB executor when the view first asks for them, and until they arrive
the cells show a neutral placeholder. A page next to a loaded one is read by key (the
neighbour's first or last key); any other page by the two-step seek. Only the
``MAX_PAGES`` pages nearest to the latest request are kept. Sorting and filtering re-query
in SQL and reset the model once the new count and first page are in.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from cloudroute_desk.db.change_feed import FeedEntry
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import INQUIRY_STATUS_LABELS
from cloudroute_desk.domain.formatting import money
from cloudroute_desk.domain.queue_filter import (
    QueueFilter,
    SlaView,
    SortKey,
    sla_deadline,
    sla_view,
)
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.models.partner_mime import PARTNER_MIME_TYPE, decode_partner_drag
from cloudroute_desk.models.remote_marks import RemoteMarks
from cloudroute_desk.services import queue as queue_service
from cloudroute_desk.services.claims import Claim
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.failures import failure_sentence
from cloudroute_desk.services.queue import QueueRow

log = logging.getLogger(__name__)

AnyIndex = QModelIndex | QPersistentModelIndex

PLACEHOLDER = "…"
MAX_IN_FLIGHT = 2
MAX_WANTED = 4
COUNT_CACHE_SIZE = 32
SLA_VIEWS_KEPT = 2_000
"""SLA views remembered (a screenful is ~40); past this the memo starts afresh."""

(
    COL_ARRIVED,
    COL_SLA,
    COL_COMPANY,
    COL_STAGE,
    COL_REGION,
    COL_VERTICAL,
    COL_PROFILE,
    COL_ENGAGEMENT,
    COL_POOLS,
    COL_SPEND,
    COL_STATUS,
    COL_PARTNER,
) = range(12)
COLUMN_COUNT = 12

HEADERS = {
    COL_ARRIVED: "Arrived (UTC)",
    COL_SLA: "SLA",
    COL_COMPANY: "Company",
    COL_STAGE: "Stage",
    COL_REGION: "Region",
    COL_VERTICAL: "Vertical",
    COL_PROFILE: "Profile",
    COL_ENGAGEMENT: "Engagement",
    COL_POOLS: "Pools wanted",
    COL_SPEND: "Monthly spend",
    COL_STATUS: "Status",
    COL_PARTNER: "Partner",
}

SORT_KEYS: dict[int, SortKey] = {
    COL_ARRIVED: SortKey.ARRIVED,
    # Time left on the clock orders exactly like arrival time.
    COL_SLA: SortKey.ARRIVED,
    COL_COMPANY: SortKey.COMPANY,
    COL_STAGE: SortKey.STAGE,
    COL_REGION: SortKey.REGION,
    COL_VERTICAL: SortKey.VERTICAL,
    COL_PROFILE: SortKey.PROFILE,
    COL_ENGAGEMENT: SortKey.ENGAGEMENT,
    COL_SPEND: SortKey.SPEND,
    COL_STATUS: SortKey.STATUS,
    COL_PARTNER: SortKey.PARTNER,
}
"""Sortable columns; pools wanted is a list and has no order worth an index."""

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
"""Raw value for sorting/comparing (datetime, str, int)."""
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2
"""The whole ``QueueRow``, or None while the row is loading."""
SLA_ROLE = Qt.ItemDataRole.UserRole + 3
"""The SLA cell's ``SlaView`` (state, colour class, text), computed at call time."""


DISPLAY_ROLE = int(Qt.ItemDataRole.DisplayRole)
TOOLTIP_ROLE = int(Qt.ItemDataRole.ToolTipRole)
ALIGNMENT_ROLE = int(Qt.ItemDataRole.TextAlignmentRole)
BACKGROUND_ROLE = int(Qt.ItemDataRole.BackgroundRole)
_ROLES = frozenset(
    {DISPLAY_ROLE, TOOLTIP_ROLE, ALIGNMENT_ROLE, BACKGROUND_ROLE, SORT_ROLE, OBJECT_ROLE, SLA_ROLE}
)
_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsDropEnabled
    | Qt.ItemFlag.ItemNeverHasChildren
)
"""Built once: combining enum flags in Python costs more than the rest of ``flags()``."""


@dataclass(frozen=True, slots=True)
class _Page:
    """Fetched rows with their cell texts, formatted once when the page arrives, so a
    repaint only looks them up (the SLA text, which runs with the clock, is left None)."""

    rows: tuple[QueueRow, ...]
    texts: tuple[tuple[str | None, ...], ...]


def _count_key(queue_filter: QueueFilter) -> QueueFilter:
    """The filter without its sort: every order of the same filter has the same count."""
    return replace(queue_filter, sort=SortKey.ARRIVED, descending=True)


def column_for_sort(key: SortKey) -> int:
    if key is SortKey.ARRIVED:
        return COL_ARRIVED
    return next(column for column, k in SORT_KEYS.items() if k is key)


KEPT_OFFLINE = "kept offline"
"""The company cell's marker for an inquiry marked "Keep offline"."""


class InquiryQueueModel(QAbstractTableModel):
    partner_dropped = Signal(int, int)
    """A partner was dropped on a row: (inquiry id, partner id). The lead wires assignment."""
    first_rows_loaded = Signal()
    """After a reset or refresh, the first rows are in (the count may still change)."""
    window_loaded = Signal()
    """A reset or refresh is complete: the exact count and the first rows are current."""
    rows_loaded = Signal(int, int)
    """Rows first..last arrived from the database."""
    load_failed = Signal(str)

    PAGE_SIZE = 100
    MAX_PAGES = 10
    COUNT_FRESH_S = 10.0
    """A count younger than this is reused without recounting (data changes we make call
    ``refresh``, which forgets every count; other admins' changes show within this time)."""

    def __init__(
        self,
        executor: DbExecutor,
        parent: QObject | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock or executor.now
        """The server's time by default: the SLA text agrees with the stored times."""
        self._jobs = DbJobs(executor, self)
        self._filter = QueueFilter()
        self._count = 0
        self._pages: OrderedDict[int, _Page] = OrderedDict()
        self._sla_views: dict[int, tuple[QueueRow, datetime, SlaView]] = {}
        self._in_flight: set[int] = set()
        self._wanted: OrderedDict[int, None] = OrderedDict()
        self._query_now = self._clock()
        self._counts: OrderedDict[QueueFilter, tuple[int, float]] = OrderedDict()
        """Count per filter (sort excluded) and when it was taken (monotonic seconds)."""
        self._window_pending = False
        self._loading = False
        self._claims: dict[int, Claim] = {}
        self._kept_offline: frozenset[int] = frozenset()
        self.remote_marks = RemoteMarks("inquiry")
        self._mark_brush = QBrush(QColor(255, 196, 0, 56))
        """A translucent amber: readable over either palette, distinct from selection."""
        self._mark_timer = QTimer(self)
        self._mark_timer.setSingleShot(True)
        self._mark_timer.timeout.connect(self._on_mark_timer_timeout)

    # Public API -------------------------------------------------------------------------

    @property
    def queue_filter(self) -> QueueFilter:
        return self._filter

    @property
    def loading(self) -> bool:
        """True between a reset request and its arrival."""
        return self._loading

    def set_filter(self, queue_filter: QueueFilter) -> None:
        """Show ``queue_filter``'s rows, keeping the current sort."""
        self._filter = replace(
            queue_filter, sort=self._filter.sort, descending=self._filter.descending
        )
        self._reload(0)

    def refresh(self, around_row: int = 0) -> None:
        """Re-read the count and the page around ``around_row`` (after data changed)."""
        self.forget_counts()
        self._reload(around_row)

    def forget_counts(self) -> None:
        """Drop the counts remembered per filter, so the next reload waits for a recount."""
        self._counts.clear()

    def row_of_loaded(self, inquiry_id: int) -> int | None:
        for number, page in self._pages.items():
            for offset, row in enumerate(page.rows):
                if row.id == inquiry_id:
                    return number * self.PAGE_SIZE + offset
        return None

    def loaded_ids(self) -> list[int]:
        """The ids of the inquiries in the pages held now."""
        return [row.id for page in self._pages.values() for row in page.rows]

    def row_object(self, row: int) -> QueueRow | None:
        page = self._pages.get(row // self.PAGE_SIZE)
        if page is None:
            return None
        offset = row % self.PAGE_SIZE
        return page.rows[offset] if offset < len(page.rows) else None

    def loaded_rows(self) -> int:
        return sum(len(page.rows) for page in self._pages.values())

    def ensure_loaded(self, row: int) -> None:
        """Ask for the page holding ``row`` (no-op when loaded or on its way)."""
        if 0 <= row < self._count:
            self._want(row // self.PAGE_SIZE)

    def query_now(self) -> datetime:
        """The time the current count and pages were computed at (SLA filters depend on it)."""
        return self._query_now

    # Qt overrides ------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(section)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A paint asks each cell for a dozen roles; most are answered here without a lookup.
        if role not in _ROLES or not index.isValid() or index.row() >= self._count:
            return None
        number, offset = divmod(index.row(), self.PAGE_SIZE)
        page = self._pages.get(number)
        if page is None or offset >= len(page.rows):
            return self._missing(number, role)
        return self._answer(page, offset, index.column(), role)

    def multiData(
        self,
        index: AnyIndex,
        roleDataSpan: QModelRoleDataSpan | QModelRoleData,  # noqa: N803
    ) -> None:
        """Every role a delegate asks for in one call (Qt's item views ask ~10 per cell per
        paint; one call instead of ten is most of a repaint's Python time)."""
        if not index.isValid() or index.row() >= self._count:
            return
        number, offset = divmod(index.row(), self.PAGE_SIZE)
        page = self._pages.get(number)
        column = index.column()
        span: Any = roleDataSpan  # iterable at run time; the stubs do not say so
        for role_data in span:
            role = role_data.role()
            if role not in _ROLES:
                continue
            if page is not None and offset < len(page.rows):
                value = self._answer(page, offset, column, role)
            else:
                value = self._missing(number, role)
            if value is not None:
                role_data.setData(value)

    def _remote_mark_data(self, row: QueueRow, column: int, role: int) -> Any:
        mark = self.remote_marks.get(row.id)
        if role == BACKGROUND_ROLE:
            return None if mark is None else self._mark_brush
        tips = [] if mark is None else [mark.describe()]
        if column == COL_SLA:
            tips.append(f"Routing deadline {sla_deadline(row.arrived_at):%Y-%m-%d %H:%M} UTC")
        return "\n".join(tips) or None

    def set_claims(self, claims: Mapping[int, Claim]) -> None:
        """Other admins' claims: the company cell says "<admin> is on this (n min)"."""
        touched = set(self._claims) | set(claims)
        self._claims = dict(claims)
        self._repaint_rows(touched)

    def set_kept_offline(self, inquiry_ids: Iterable[int]) -> None:
        """Inquiries marked "Keep offline": the company cell says so."""
        kept = frozenset(inquiry_ids)
        touched = set(self._kept_offline ^ kept)
        self._kept_offline = kept
        self._repaint_rows(touched)

    def mark_remote(self, entries: Iterable[FeedEntry]) -> None:
        """Tint the rows another admin just changed for a few seconds (tooltip: who, when)."""
        marked = set(self.remote_marks.mark(entries))
        self._repaint_rows(marked)
        self._schedule_mark_expiry()

    def _on_mark_timer_timeout(self) -> None:
        self._repaint_rows(set(self.remote_marks.expire()))
        self._schedule_mark_expiry()

    def _schedule_mark_expiry(self) -> None:
        left = self.remote_marks.next_expiry_s
        if left is not None:
            self._mark_timer.start(int(left * 1000) + 10)

    def _repaint_rows(self, inquiry_ids: set[int]) -> None:
        last = self.columnCount() - 1
        for inquiry_id in inquiry_ids:
            row = self.row_of_loaded(inquiry_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(column)
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if key is self._filter.sort and descending == self._filter.descending:
            return
        self._filter = self._filter.sorted_by(key, descending)
        self._reload(0)

    def mimeTypes(self) -> list[str]:
        return [PARTNER_MIME_TYPE]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction | Qt.DropAction.LinkAction

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: AnyIndex,
    ) -> bool:
        return self._drop_target(data, row, parent) is not None

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: AnyIndex,
    ) -> bool:
        target = self._drop_target(data, row, parent)
        if target is None:
            return False
        inquiry_id, partner_id = target
        self.partner_dropped.emit(inquiry_id, partner_id)
        return True

    # Internals ---------------------------------------------------------------------------

    def _drop_target(self, data: QMimeData, row: int, parent: AnyIndex) -> tuple[int, int] | None:
        drag = decode_partner_drag(data)
        if drag is None:
            return None
        target_row = parent.row() if parent.isValid() else row
        inquiry = self.row_object(target_row) if target_row >= 0 else None
        if inquiry is None:
            return None
        return inquiry.id, drag.partner_id

    def _answer(self, page: _Page, offset: int, column: int, role: int) -> Any:
        if role == DISPLAY_ROLE:
            if column == COL_COMPANY and (self._claims or self._kept_offline):
                row_id = page.rows[offset].id
                claim = self._claims.get(row_id)
                notes = [claim.describe(self._clock())] if claim is not None else []
                if row_id in self._kept_offline:
                    notes.append(KEPT_OFFLINE)
                if notes:
                    return " · ".join([page.rows[offset].company_name, *notes])
            text = page.texts[offset][column]
            if text is not None:
                return text
            return self._display(page.rows[offset], column)
        row = page.rows[offset]
        if role == SORT_ROLE:
            return self._raw(row, column)
        if role == OBJECT_ROLE:
            return row
        if role == SLA_ROLE and column == COL_SLA:
            return self._sla(row)
        if role in (BACKGROUND_ROLE, TOOLTIP_ROLE):
            return self._remote_mark_data(row, column, role)
        if role == ALIGNMENT_ROLE and column == COL_SPEND:
            return _RIGHT_ALIGNED
        return None

    def _sla(self, row: QueueRow) -> SlaView:
        """The row's SLA view, computed once per row and clock second: a paint asks for it
        twice per cell (the text through ``multiData``, the colour through SLA_ROLE)."""
        now = self._clock().replace(microsecond=0)
        cached = self._sla_views.get(id(row))
        if cached is not None and cached[0] is row and cached[1] == now:
            return cached[2]
        view = sla_view(row.status, row.arrived_at, row.assigned_at, now)
        if len(self._sla_views) >= SLA_VIEWS_KEPT:
            self._sla_views.clear()
        # The row is kept with its view, so its id cannot be reused by another row meanwhile.
        self._sla_views[id(row)] = (row, now, view)
        return view

    def _missing(self, number: int, role: int) -> str | None:
        """A row that is not loaded yet: ask for its page, show the placeholder."""
        if number not in self._pages:
            self._want(number)
        return PLACEHOLDER if role == DISPLAY_ROLE else None

    def _texts(self, row: QueueRow) -> tuple[str | None, ...]:
        return tuple(
            None if column == COL_SLA else self._display(row, column)
            for column in range(COLUMN_COUNT)
        )

    def _display(self, row: QueueRow, column: int) -> str:
        if column == COL_ARRIVED:
            return f"{row.arrived_at:%Y-%m-%d %H:%M}"
        if column == COL_SLA:
            return self._sla(row).text
        if column == COL_COMPANY:
            return row.company_name
        if column == COL_STAGE:
            return row.funding_stage.value
        if column == COL_REGION:
            return row.region.value
        if column == COL_VERTICAL:
            return row.vertical.value
        if column == COL_PROFILE:
            return row.service_profile.value
        if column == COL_ENGAGEMENT:
            return row.engagement_type.value
        if column == COL_POOLS:
            return ", ".join(p.value for p in row.pools_wanted)
        if column == COL_SPEND:
            return money(row.monthly_spend_usd)
        if column == COL_STATUS:
            return INQUIRY_STATUS_LABELS[row.status]
        return row.partner_name

    def _raw(self, row: QueueRow, column: int) -> Any:
        if column in (COL_ARRIVED, COL_SLA):
            return row.arrived_at
        if column == COL_POOLS:
            return ",".join(p.value for p in row.pools_wanted)
        if column == COL_SPEND:
            return row.monthly_spend_usd
        if column == COL_PARTNER:
            return row.partner_name
        return self._display(row, column)

    def _reload(self, around_row: int) -> None:
        """Re-query: the rows first (so the view paints at once), then the exact count.

        Counting a filter that no single index answers can take longer than reading a page,
        so the count is a second job: until it is in, the model shows the last known count
        of the same filter (sorting never changes it) or the rows it has, then grows or
        shrinks with row inserts/removals when the count arrives.
        """
        # Whatever the old filter, sort or data asked for is not wanted any more.
        self._jobs.cancel()
        self._loading = True
        queue_filter = self._filter
        now = self._clock()
        start = max(0, around_row // self.PAGE_SIZE) * self.PAGE_SIZE
        size = self.PAGE_SIZE
        count_key = _count_key(queue_filter)

        remembered = self._counts.get(count_key)
        hint = remembered[0] if remembered is not None else None
        fresh = remembered is not None and time.monotonic() - remembered[1] < self.COUNT_FRESH_S

        def rows_job(database: Database) -> tuple[QueueRow, ...]:
            return queue_service.rows_at(
                database, queue_filter, now, start, size, expected_rows=hint
            )

        def count_job(database: Database) -> int:
            return queue_service.count(database, queue_filter, now)

        self._jobs.run(
            rows_job,
            on_done=lambda rows: self._on_rows(now, start, count_key, rows),
            on_error=self._on_failed,
        )
        if fresh:
            return  # counted moments ago; a re-sort does not change it
        self._jobs.run(
            count_job,
            on_done=lambda total: self._on_count(count_key, total),
            on_error=self._on_failed,
        )

    def _on_rows(
        self, now: datetime, start: int, count_key: QueueFilter, rows: tuple[QueueRow, ...]
    ) -> None:
        remembered = self._counts.get(count_key)
        known = remembered[0] if remembered is not None else None
        if len(rows) < self.PAGE_SIZE and (rows or start == 0):
            provisional = start + len(rows)
        else:
            provisional = max(known or 0, start + len(rows))
        # A count this filter had since the last data change is exact: the reload is done.
        complete = known is not None and provisional == known
        self.beginResetModel()
        self._count = provisional
        self._query_now = now
        self._pages.clear()
        self._in_flight.clear()
        self._wanted.clear()
        if rows or start == 0:
            self._store(start // self.PAGE_SIZE, rows)
        self._window_pending = not complete
        self.endResetModel()
        self.first_rows_loaded.emit()
        if complete:
            self._loading = False
            self.window_loaded.emit()

    def _on_count(self, count_key: QueueFilter, total: int) -> None:
        self._counts[count_key] = (total, time.monotonic())
        self._counts.move_to_end(count_key)
        while len(self._counts) > COUNT_CACHE_SIZE:
            self._counts.popitem(last=False)
        if total > self._count:
            self.beginInsertRows(QModelIndex(), self._count, total - 1)
            self._count = total
            self.endInsertRows()
        elif total < self._count:
            self.beginRemoveRows(QModelIndex(), total, self._count - 1)
            self._count = total
            last_page = (total - 1) // self.PAGE_SIZE if total else -1
            for number in [p for p in self._pages if p > last_page]:
                del self._pages[number]
            self.endRemoveRows()
        if self._window_pending:
            self._window_pending = False
            self._loading = False
            self.window_loaded.emit()

    def _on_failed(self, error: BaseException) -> None:
        log.error("Queue query failed", exc_info=error)
        self._loading = False
        self.load_failed.emit(failure_sentence(error))

    def _store(self, number: int, rows: tuple[QueueRow, ...]) -> None:
        self._pages[number] = _Page(rows, tuple(self._texts(row) for row in rows))
        self._pages.move_to_end(number)
        while len(self._pages) > self.MAX_PAGES:
            farthest = max(self._pages, key=lambda p: abs(p - number))
            del self._pages[farthest]

    def _want(self, number: int) -> None:
        if number in self._in_flight:
            return
        self._wanted[number] = None
        self._wanted.move_to_end(number)
        # Pages scrolled past while the worker was busy are not worth reading any more.
        while len(self._wanted) > MAX_WANTED:
            self._wanted.popitem(last=False)
        self._launch()

    def _launch(self) -> None:
        while self._wanted and len(self._in_flight) < MAX_IN_FLIGHT:
            number, _ = self._wanted.popitem(last=True)
            if number in self._pages or number in self._in_flight:
                continue
            self._in_flight.add(number)
            self._fetch(number)

    def _fetch(self, number: int) -> None:
        queue_filter = self._filter
        now = self._query_now
        size = self.PAGE_SIZE
        hint = self._count
        before = self._pages.get(number - 1)
        after = self._pages.get(number + 1)
        if before is not None and len(before.rows) == size:
            key = before.rows[-1].key

            def job(database: Database) -> tuple[QueueRow, ...]:
                return queue_service.rows_next_to(
                    database, queue_filter, now, key, size, forward=True, expected_rows=hint
                )
        elif after is not None and after.rows:
            key = after.rows[0].key

            def job(database: Database) -> tuple[QueueRow, ...]:
                return queue_service.rows_next_to(
                    database, queue_filter, now, key, size, forward=False, expected_rows=hint
                )
        else:

            def job(database: Database) -> tuple[QueueRow, ...]:
                return queue_service.rows_at(
                    database, queue_filter, now, number * size, size, expected_rows=hint
                )

        self._jobs.run(
            job,
            on_done=lambda rows: self._on_page(number, rows),
            on_error=lambda error: self._on_page_failed(number, error),
            key=("page", number),
        )

    def _on_page(self, number: int, rows: tuple[QueueRow, ...]) -> None:
        self._in_flight.discard(number)
        self._store(number, rows)
        first = number * self.PAGE_SIZE
        last = min(self._count, first + self.PAGE_SIZE) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, COLUMN_COUNT - 1))
            self.rows_loaded.emit(first, last)
        self._launch()

    def _on_page_failed(self, number: int, error: BaseException) -> None:
        log.error("Queue page %s failed", number, exc_info=error)
        self._in_flight.discard(number)
        # Remember it as empty so the view does not ask again in a tight loop.
        self._store(number, ())
        self.load_failed.emit(failure_sentence(error))
        self._launch()
