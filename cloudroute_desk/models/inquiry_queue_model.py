"""The inquiry queue as a windowed table model: a million rows, a few pages in memory.

``rowCount`` is the SQL count of the current filter; rows are read in pages of
``PAGE_SIZE`` on the DB executor when the view first asks for them, and until they arrive
the cells show a neutral placeholder. A page next to a loaded one is read by key (the
neighbour's first or last key); any other page by a seek from the nearest row whose key is
known: a landmark read in the background (``queue_landmarks``) or a loaded page. Only the
``MAX_PAGES`` pages nearest to the latest request are kept. Sorting and filtering re-query
in SQL and reset the model as soon as the first page is in; the count follows and grows or
shrinks the table below the screen, which the view shows with its scrollbar alone.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
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
from PySide6.QtGui import QBrush, QColor, QFont

from cloudroute_desk.db.change_feed import FeedEntry
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.queue_filter import (
    QueueFilter,
    SlaTone,
    SortKey,
    sla_view,
)
from cloudroute_desk.models import queue_landmarks
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.models.partner_mime import PARTNER_MIME_TYPE, decode_partner_drag
from cloudroute_desk.models.queue_cells import (
    ALIGNMENT_ROLE,
    BACKGROUND_ROLE,
    COL_ARRIVED,
    COL_COMPANY,
    COL_ENGAGEMENT,
    COL_PARTNER,
    COL_POOLS,
    COL_PROFILE,
    COL_REGION,
    COL_SLA,
    COL_SPEND,
    COL_STAGE,
    COL_STATUS,
    COL_VERTICAL,
    COLUMN_COUNT,
    DISPLAY_ROLE,
    FONT_ROLE,
    FOREGROUND_ROLE,
    OBJECT_ROLE,
    PLACEHOLDER,
    SLA_ROLE,
    SORT_ROLE,
    TOOLTIP_ROLE,
    Cell,
    Page,
    deadline_tip,
)
from cloudroute_desk.models.queue_landmarks import Landmarks
from cloudroute_desk.models.remote_marks import RemoteMarks
from cloudroute_desk.services import queue as queue_service
from cloudroute_desk.services.claims import Claim
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.failures import failure_sentence
from cloudroute_desk.services.queue import Landmark, QueueRow

log = logging.getLogger(__name__)

AnyIndex = QModelIndex | QPersistentModelIndex

MAX_IN_FLIGHT = 2
MAX_WANTED = 4
COUNT_CACHE_SIZE = 32
SLA_VIEWS_KEPT = 2_000
"""SLA views remembered (a screenful is ~40); past this the memo starts afresh."""

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

_ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsDropEnabled
    | Qt.ItemFlag.ItemNeverHasChildren
)
"""Built once: combining enum flags in Python costs more than the rest of ``flags()``."""


_MISSING: Cell = {DISPLAY_ROLE: PLACEHOLDER}
"""A row not read yet."""
_NOTHING: Cell = {}
_CELL_ROLES = frozenset(
    {
        DISPLAY_ROLE,
        TOOLTIP_ROLE,
        ALIGNMENT_ROLE,
        BACKGROUND_ROLE,
        FOREGROUND_ROLE,
        FONT_ROLE,
        SORT_ROLE,
        OBJECT_ROLE,
        SLA_ROLE,
    }
)
"""Every role a cell may have."""
NOW_REUSE_S = 0.05
"""One repaint asks every SLA cell for the time: read the clock once per this many seconds."""


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
        self._pages: OrderedDict[int, Page] = OrderedDict()
        self._sla_cells: dict[int, tuple[QueueRow, datetime, Cell]] = {}
        self._now = self._clock()
        self._now_read_at = -NOW_REUSE_S
        self._tone_brushes: dict[SlaTone, QBrush] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        """Only the weight is set: the view's own font fills in the rest (``QFont.resolve``)."""
        self._marked: set[int] = set()
        self._in_flight: set[int] = set()
        self._wanted: OrderedDict[int, None] = OrderedDict()
        self._query_now = self._clock()
        self._counts: OrderedDict[QueueFilter, tuple[int, float]] = OrderedDict()
        """Count per filter (sort excluded) and when it was taken (monotonic seconds)."""
        self._window_pending = False
        self._loading = False
        self._landmarks = Landmarks()
        self._landmark_timer = QTimer(self)
        self._landmark_timer.setSingleShot(True)
        self._landmark_timer.setInterval(queue_landmarks.DELAY_MS)
        self._landmark_timer.timeout.connect(self._gather_landmarks)
        self._gathering = False
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

    @property
    def gathering(self) -> bool:
        """True while landmarks for deep jumps are still to be read (``queue_landmarks``)."""
        return self._landmark_timer.isActive() or self._gathering

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

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        # Qt's own index() asks rowCount and columnCount, two Python calls per painted cell.
        if 0 <= row < self._count and 0 <= column < COLUMN_COUNT and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

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
        if not index.isValid():
            return None
        return self._cell(index.row(), index.column()).get(role)

    def multiData(
        self,
        index: AnyIndex,
        roleDataSpan: QModelRoleDataSpan | QModelRoleData,  # noqa: N803
    ) -> None:
        """Every role a delegate asks for in one call (Qt's item views ask 7 per cell per
        paint), answered from the cell's dict.

        ``QStyledItemDelegate`` reuses one span for all cells, so a role left alone keeps
        the previous cell's value (the spend column's right alignment once spread to every
        cell painted after it): each role some cell has is set or cleared. A role no cell
        has is never written, so it stays empty without a call."""
        cell = self._cell(index.row(), index.column()) if index.isValid() else _NOTHING
        span: Any = roleDataSpan  # iterable at run time; the stubs do not say so
        for role_data in span:
            role = role_data.role()
            value = cell.get(role)
            if value is not None:
                role_data.setData(value)
            elif role in _CELL_ROLES:
                role_data.clearData()

    def _cell(self, row: int, column: int) -> Cell:
        number, offset = divmod(row, self.PAGE_SIZE)
        page = self._pages.get(number)
        if page is None or offset >= len(page.rows) or row >= self._count:
            if page is None and 0 <= row < self._count:
                self._want(number)
            return _MISSING if 0 <= row < self._count else _NOTHING
        if (
            column == COL_SLA
            or (column == COL_COMPANY and (self._claims or self._kept_offline))
            or (self._marked and page.rows[offset].id in self._marked)
        ):
            return self._live_cell(page, offset, column)
        return page.cells[offset][column]

    def set_sla_colors(self, colors: Mapping[SlaTone, QColor]) -> None:
        """The SLA text's colour per tone, for the palette in use (the view picks them)."""
        self._tone_brushes = {tone: QBrush(color) for tone, color in colors.items()}
        self._sla_cells.clear()
        if self._count:
            self.dataChanged.emit(
                self.index(0, COL_SLA), self.index(self._count - 1, COL_SLA), [FOREGROUND_ROLE]
            )

    def _live_cell(self, page: Page, offset: int, column: int) -> Cell:
        row = page.rows[offset]
        cell = self._sla_cell(row) if column == COL_SLA else page.cells[offset][column]
        notes = []
        if column == COL_COMPANY:
            claim = self._claims.get(row.id)
            if claim is not None:
                notes.append(claim.describe(self._clock()))
            if row.id in self._kept_offline:
                notes.append(KEPT_OFFLINE)
        mark = self.remote_marks.get(row.id) if row.id in self._marked else None
        if not notes and mark is None:
            return cell
        cell = dict(cell)
        if notes:
            cell[DISPLAY_ROLE] = " · ".join([row.company_name, *notes])
        if mark is not None:
            cell[BACKGROUND_ROLE] = self._mark_brush
            tips = [mark.describe(), cell.get(TOOLTIP_ROLE)]
            cell[TOOLTIP_ROLE] = "\n".join(tip for tip in tips if tip)
        return cell

    def _sla_cell(self, row: QueueRow) -> Cell:
        """The row's SLA cell, made once per row and clock second: a repaint asks for it,
        the 1 s tick repaints it."""
        now = self._clock_second()
        cached = self._sla_cells.get(id(row))
        if cached is not None and cached[0] is row and cached[1] == now:
            return cached[2]
        view = sla_view(row.status, row.arrived_at, row.assigned_at, now)
        cell: Cell = {
            DISPLAY_ROLE: view.text,
            SLA_ROLE: view,
            SORT_ROLE: row.arrived_at,
            OBJECT_ROLE: row,
            TOOLTIP_ROLE: deadline_tip(row.arrived_at),
        }
        brush = self._tone_brushes.get(view.tone)
        if brush is not None:
            cell[FOREGROUND_ROLE] = brush
        if view.tone is SlaTone.BREACHED:
            cell[FONT_ROLE] = self._bold
        if len(self._sla_cells) >= SLA_VIEWS_KEPT:
            self._sla_cells.clear()
        # The row is kept with its cell, so its id cannot be reused by another row meanwhile.
        self._sla_cells[id(row)] = (row, now, cell)
        return cell

    def _clock_second(self) -> datetime:
        tick = time.monotonic()
        if tick - self._now_read_at >= NOW_REUSE_S:
            self._now_read_at = tick
            self._now = self._clock().replace(microsecond=0)
        return self._now

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
        self._marked |= marked
        self._repaint_rows(marked)
        self._schedule_mark_expiry()

    def _on_mark_timer_timeout(self) -> None:
        expired = set(self.remote_marks.expire())
        self._marked -= expired
        self._repaint_rows(expired)
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

    def _reload(self, around_row: int) -> None:
        """Re-query: the rows first (so the view paints at once), then the exact count.

        Counting a filter that no single index answers can take longer than reading a page,
        so the count is a second job: until it is in, the model shows the last known count
        of the same filter (sorting never changes it) or the rows it has, then grows or
        shrinks with row inserts/removals when the count arrives.
        """
        # Whatever the old filter, sort or data asked for is not wanted any more.
        self._jobs.cancel()
        self._landmark_timer.stop()
        self._gathering = False
        self._loading = True
        queue_filter = self._filter
        now = self._clock()
        start = max(0, around_row // self.PAGE_SIZE) * self.PAGE_SIZE
        size = self.PAGE_SIZE
        count_key = _count_key(queue_filter)

        remembered = self._counts.get(count_key)
        hint = remembered[0] if remembered is not None else None
        fresh = remembered is not None and time.monotonic() - remembered[1] < self.COUNT_FRESH_S

        def rows_job(database: Database) -> Page:
            return Page.of(
                queue_service.rows_at(database, queue_filter, now, start, size, expected_rows=hint)
            )

        def count_job(database: Database) -> int:
            return queue_service.count(database, queue_filter, now)

        self._jobs.run(
            rows_job,
            on_done=lambda page: self._show_rows(now, start, count_key, page),
            on_error=self._on_failed,
        )
        if fresh:
            return  # counted moments ago; a re-sort does not change it
        self._jobs.run(
            count_job,
            on_done=lambda total: self._on_count(count_key, total),
            on_error=self._on_failed,
        )

    def _show_rows(self, now: datetime, start: int, count_key: QueueFilter, page: Page) -> None:
        rows = page.rows
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
        self._landmarks.clear()
        self._in_flight.clear()
        self._wanted.clear()
        if rows or start == 0:
            self._store(start // self.PAGE_SIZE, page)
        self._window_pending = not complete
        self.endResetModel()
        self.first_rows_loaded.emit()
        if complete:
            self._window_complete()

    def _on_count(self, count_key: QueueFilter, total: int) -> None:
        self._counts[count_key] = (total, time.monotonic())
        self._counts.move_to_end(count_key)
        while len(self._counts) > COUNT_CACHE_SIZE:
            self._counts.popitem(last=False)
        # Rows added or removed below the screen only resize the scrollbar: the view does not
        # repaint the rows it shows for them (``QueueTableView.doItemsLayout``).
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
            self._window_complete()

    def _window_complete(self) -> None:
        self._loading = False
        if self._landmarks.wanted(self._count):
            self._landmark_timer.start()
        self.window_loaded.emit()

    def _gather_landmarks(self) -> None:
        """Read the next few landmarks; each answer asks for the next until the end."""
        queue_filter, now, hint = self._filter, self._query_now, self._count
        after = self._landmarks.last
        step, budget = self._landmarks.step, queue_landmarks.JOB_BUDGET_S

        def job(database: Database) -> tuple[tuple[Landmark, ...], float]:
            started = time.monotonic()
            found = queue_service.landmarks(
                database, queue_filter, now, after, step, budget, expected_rows=hint
            )
            return found, time.monotonic() - started

        self._gathering = True
        self._jobs.run(
            job,
            on_done=self._on_landmarks,
            on_error=self._on_landmarks_failed,
            key="landmarks",
        )

    def _on_landmarks(self, read: tuple[tuple[Landmark, ...], float]) -> None:
        # A reset since cancelled this job (``_reload``): what arrives is for these rows.
        self._gathering = False
        found, seconds = read
        self._landmarks.add(found, seconds)
        if found and self._landmarks.wanted(self._count):
            self._gather_landmarks()

    def _on_landmarks_failed(self, error: BaseException) -> None:
        # Without landmarks a jump walks the index from the top: slower, still right.
        log.warning("Queue landmarks not read", exc_info=error)
        self._gathering = False

    def _on_failed(self, error: BaseException) -> None:
        log.error("Queue query failed", exc_info=error)
        self._loading = False
        self.load_failed.emit(failure_sentence(error))

    def _store(self, number: int, page: Page) -> None:
        self._pages[number] = page
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

            def job(database: Database) -> Page:
                return Page.of(
                    queue_service.rows_next_to(
                        database, queue_filter, now, key, size, forward=True, expected_rows=hint
                    )
                )
        elif after is not None and after.rows:
            key = after.rows[0].key

            def job(database: Database) -> Page:
                return Page.of(
                    queue_service.rows_next_to(
                        database, queue_filter, now, key, size, forward=False, expected_rows=hint
                    )
                )
        else:
            landmark = self._landmark_before(number * size)

            def job(database: Database) -> Page:
                return Page.of(
                    queue_service.rows_at(
                        database,
                        queue_filter,
                        now,
                        number * size,
                        size,
                        expected_rows=hint,
                        landmark=landmark,
                    )
                )

        self._jobs.run(
            job,
            on_done=lambda page: self._on_page(number, page),
            on_error=lambda error: self._on_page_failed(number, error),
            key=("page", number),
        )

    def _landmark_before(self, row: int) -> Landmark | None:
        """Where the seek to ``row`` walks the index from: a landmark or a loaded page's
        first row near above it, or None (the first row)."""
        size = self.PAGE_SIZE
        loaded = (
            (number * size, page.rows[0].key) for number, page in self._pages.items() if page.rows
        )
        return self._landmarks.start_for(row, loaded)

    def _on_page(self, number: int, page: Page) -> None:
        self._in_flight.discard(number)
        self._store(number, page)
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
        self._store(number, Page((), ()))
        self.load_failed.emit(failure_sentence(error))
        self._launch()
