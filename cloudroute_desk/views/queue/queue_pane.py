"""The inquiry queue pane: counts line, filter bar, the windowed table, keyboard and export."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.queue_filter import FilterRequest, QueueFilter, SortKey
from cloudroute_desk.models import inquiry_queue_model as qm
from cloudroute_desk.models import queue_cells as qc
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.models.inquiry_queue_model import InquiryQueueModel
from cloudroute_desk.services import queue as queue_service
from cloudroute_desk.services.changes import ChangeKind, Changes
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.queue import Located, QueueSummary
from cloudroute_desk.views import file_dialogs
from cloudroute_desk.views.queue.drop_notice import DropNotice
from cloudroute_desk.views.queue.empty_state import EmptyQueue
from cloudroute_desk.views.queue.export_runner import ExportRunner
from cloudroute_desk.views.queue.filter_bar import FilterBar
from cloudroute_desk.views.queue.queue_table_view import QueueTableView
from cloudroute_desk.views.queue.sla_colors import sla_colors
from cloudroute_desk.views.queue.status_actions import StatusActions

SLA_TICK_MS = 1_000
SUMMARY_REFRESH_MS = 30_000

COLUMN_WIDTHS = {
    qc.COL_ARRIVED: 122,
    qc.COL_SLA: 142,
    qc.COL_COMPANY: 230,
    qc.COL_STAGE: 76,
    qc.COL_REGION: 70,
    qc.COL_VERTICAL: 88,
    qc.COL_PROFILE: 100,
    qc.COL_ENGAGEMENT: 86,
    qc.COL_POOLS: 140,
    qc.COL_SPEND: 104,
    qc.COL_STATUS: 130,
}


class QueuePane(QWidget):
    inquiry_selected = Signal(object)
    """The selected inquiry's id, or None when nothing is selected."""
    partner_dropped = Signal(int, int)
    """(inquiry id, partner id): a partner was dropped on a row."""
    summary_changed = Signal(str)
    status_message = Signal(str)
    """A short note for the status bar (export progress, "nothing past SLA")."""
    changes_made = Signal(object)
    """``Changes`` of a status move made from the context menu."""

    def __init__(self, executor: DbExecutor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._jobs = DbJobs(executor, self)
        self._selected_id: int | None = None
        self._pending_row: int | None = None
        self.menu_extras: list[Callable[[QMenu, int | None], None]] = []
        """More context-menu entries for the inquiry under the mouse (Keep offline)."""
        self._restore_top: int | None = None
        self._extra = QueueFilter()
        self._extra_description = ""
        self._totals: QueueSummary | None = None
        self._located: Located | None = None
        self._summary_wanted = False
        """The header's counts were asked for while the table loaded: read them after it."""

        self.model = InquiryQueueModel(executor, self)
        # The first rows are read while the widgets below are built (their answer is handled
        # by the event loop, after this constructor): the DB worker's query and the GUI's
        # construction overlap instead of following each other.
        self.model.refresh()
        self.filter_bar = FilterBar(self)
        self.summary_label = QLabel("Loading inquiries…", self)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setObjectName("queueSummary")
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)
        self.request_chip = QToolButton(self)
        self.request_chip.setToolTip("Show the whole queue again")
        self.request_chip.setVisible(False)
        self.drop_notice = DropNotice(self)
        self.empty_state = EmptyQueue(self)
        self.empty_state.hide()
        self.table = QueueTableView(self)
        self.table.setAccessibleName("Inquiry queue")
        self.table.setModel(self.model)
        self.model.set_sla_colors(sla_colors(self.palette()))
        self.table.sortByColumn(qc.COL_ARRIVED, Qt.SortOrder.DescendingOrder)
        for column, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(column, width)

        self.export_action = QAction("Export view as CSV…", self)
        self.export_action.setStatusTip("Write every inquiry in the current view to a CSV file")
        self.export_action.triggered.connect(self._on_export_action_triggered)
        self.next_breached_action = QAction("Next inquiry past SLA", self)
        self.next_breached_action.setShortcuts(
            [QKeySequence("Ctrl+B"), QKeySequence(Qt.Key.Key_F8)]
        )
        self.next_breached_action.triggered.connect(self.select_next_breached)
        # Window-wide: the main window also adds these actions to itself, so they work from
        # any pane (a QAction fires once however many widgets it is added to).
        self.find_action = QAction("Find inquiry", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.filter_bar.focus_search)
        for action in (self.next_breached_action, self.find_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)

        self.status_actions = StatusActions(executor, self)
        self.status_actions.changes_made.connect(self.changes_made)
        self.exporter = ExportRunner(executor, self)
        self.exporter.progressed.connect(self._on_exporter_progressed)
        self.exporter.finished.connect(self._on_exporter_finished)
        self.exporter.failed.connect(self._on_exporter_failed)

        top = QHBoxLayout()
        top.addWidget(self.summary_label)
        top.addWidget(self.request_chip)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(top)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.drop_notice)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_state, 1)

        self._sla_timer = QTimer(self)
        self._sla_timer.setInterval(SLA_TICK_MS)
        self._sla_timer.timeout.connect(self._on_sla_timer_timeout)
        self._summary_timer = QTimer(self)
        self._summary_timer.setInterval(SUMMARY_REFRESH_MS)
        self._summary_timer.timeout.connect(self._refresh_summary)

        self.filter_bar.filter_changed.connect(self._on_filter_bar_filter_changed)
        self.request_chip.clicked.connect(self._on_request_chip_clicked)
        self.filter_bar.cleared.connect(self._forget_chart_request)
        self.model.first_rows_loaded.connect(self._on_model_first_rows_loaded)
        self.model.window_loaded.connect(self._on_model_window_loaded)
        self.model.load_failed.connect(self._on_model_load_failed)
        self.model.rows_loaded.connect(self._on_model_rows_loaded)
        self.model.partner_dropped.connect(self.partner_dropped)
        self.table.horizontalHeader().sortIndicatorChanged.connect(
            self._on_header_sort_indicator_changed
        )
        self.table.selectionModel().currentRowChanged.connect(
            self._on_selection_current_row_changed
        )
        self._refresh_summary()

    # Public API ----------------------------------------------------------------------------

    @property
    def selected_id(self) -> int | None:
        return self._selected_id

    def current_filter(self) -> QueueFilter:
        return self.model.queue_filter

    def apply_filter_request(self, request: FilterRequest) -> None:
        """Show a subset asked for elsewhere (a chart click); the chip shows and clears it."""
        wanted = request.filter
        self._extra = QueueFilter(
            partner_id=wanted.partner_id,
            record_states=wanted.record_states,
            record_pools=wanted.record_pools,
            record_days=wanted.record_days,
        )
        self._extra_description = request.description
        self._update_chip()
        self.filter_bar.set_queue_filter(wanted)

    def apply_changes(self, changes: Changes) -> None:
        """Re-count after any inquiry's status moved; re-read the rows only when the change
        can show on screen: a loaded row changed, rows were added, or the filter or sort
        depends on status (a row elsewhere may move in or out)."""
        if not changes.has(ChangeKind.INQUIRIES_ADDED, ChangeKind.INQUIRY_STATUS):
            return
        self._refresh_summary()
        queue_filter = self.model.queue_filter
        if (
            changes.has(ChangeKind.INQUIRIES_ADDED)
            or not queue_filter.is_unfiltered
            or queue_filter.sort in (SortKey.STATUS, SortKey.PARTNER)
            or changes.inquiries.touches_any(self.model.loaded_ids())
        ):
            self.refresh()

    def refresh(self) -> None:
        """Re-read what is on screen, keeping the scroll position and the selection."""
        top = self.table.rowAt(0)
        self._restore_top = top if top >= 0 else None
        self.model.refresh(max(top, 0))

    def select_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        self.model.ensure_loaded(row)
        column = max(self.table.currentIndex().column(), 0)
        index = self.model.index(row, column)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def select_inquiry(self, inquiry_id: int) -> bool:
        row = self.model.row_of_loaded(inquiry_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def select_next_breached(self) -> None:
        row = self.table.currentIndex().row()
        current = self.model.row_object(row)
        after = current.key if current is not None else None
        located = self._located
        if current is None and located is not None and located.row == row:
            after = located.key  # pressed again before the row's page arrived
        queue_filter = self.model.queue_filter
        now = self._jobs.executor.now()

        def job(database: Database) -> Located | None:
            return queue_service.next_breached(database, queue_filter, now, after)

        self._jobs.run(job, on_done=self._on_next_breached, key="next_breached")

    def export_to(self, path: Path) -> None:
        self.exporter.start(path, self.model.queue_filter)

    def showEvent(self, event: QShowEvent) -> None:
        # The clocks tick only while someone can see them.
        self._sla_timer.start()
        self._summary_timer.start()
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # light/dark switched
            self.model.set_sla_colors(sla_colors(self.palette()))
        super().changeEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._sla_timer.stop()
        self._summary_timer.stop()
        super().hideEvent(event)

    # Slots ---------------------------------------------------------------------------------

    def _on_filter_bar_filter_changed(self) -> None:
        bar = self.filter_bar.queue_filter()
        extra = self._extra
        merged = replace(
            bar,
            partner_id=extra.partner_id,
            record_states=extra.record_states,
            record_pools=extra.record_pools,
            record_days=extra.record_days,
        )
        self._restore_top = None
        self.model.set_filter(merged)
        self._refresh_summary()

    def _on_header_sort_indicator_changed(self, column: int, _order: Qt.SortOrder) -> None:
        if column in qm.SORT_KEYS:
            return
        # Unsortable column (pools wanted): put the arrow back on the column really sorted.
        current = self.model.queue_filter
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(
            qm.column_for_sort(current.sort),
            Qt.SortOrder.DescendingOrder if current.descending else Qt.SortOrder.AscendingOrder,
        )
        header.blockSignals(False)

    def _on_request_chip_clicked(self) -> None:
        self._forget_chart_request()
        self._on_filter_bar_filter_changed()

    def _forget_chart_request(self) -> None:
        """Clear filters clears everything, the chart's drill-down included."""
        self._extra = QueueFilter()
        self._extra_description = ""
        self._update_chip()

    def _update_chip(self) -> None:
        shown = self._extra != QueueFilter()
        self.request_chip.setVisible(shown)
        self.request_chip.setText(f"✕ {self._extra_description or 'Chart selection'}")

    def _on_model_first_rows_loaded(self) -> None:
        self.table.lay_out_now()
        if self._restore_top is not None:
            top = min(self._restore_top, max(self.model.rowCount() - 1, 0))
            self.table.scrollTo(
                self.model.index(top, 0), QAbstractItemView.ScrollHint.PositionAtTop
            )
        elif self.model.rowCount():
            self.table.scrollToTop()
        self._restore_selection()

    def _on_model_window_loaded(self) -> None:
        self.table.lay_out_now()  # the count may have grown or shrunk the table since
        if self._summary_wanted:
            self._refresh_summary()
        self._restore_top = None
        self._show_summary()

    def _on_model_load_failed(self, _message: str) -> None:
        if self._summary_wanted:
            self._refresh_summary()  # the header still counts what it can

    def _restore_selection(self) -> None:
        wanted = self._selected_id
        if wanted is None:
            return
        row = self.model.row_of_loaded(wanted)
        if row is not None:
            self._select_silently(row)
            return
        queue_filter = self.model.queue_filter
        now = self.model.query_now()

        def job(database: Database) -> int | None:
            return queue_service.locate(database, queue_filter, now, wanted)

        def located(found: int | None) -> None:
            if self._selected_id != wanted or queue_filter != self.model.queue_filter:
                return
            if found is None:
                self._set_selected(None)
                self.table.clearSelection()
            else:
                self._select_silently(found)

        self._jobs.run(job, on_done=located, key="locate")

    def _select_silently(self, row: int) -> None:
        """Select ``row`` as the restored selection (its id is already the selected one)."""
        self.model.ensure_loaded(row)
        column = max(self.table.currentIndex().column(), 0)
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, column),
            self.table.selectionModel().SelectionFlag.ClearAndSelect
            | self.table.selectionModel().SelectionFlag.Rows,
        )

    def _on_selection_current_row_changed(
        self,
        current: QModelIndex | QPersistentModelIndex,
        _previous: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if not current.isValid():
            if not self.model.loading:
                self._set_selected(None)
            return
        row = self.model.row_object(current.row())
        if row is None:
            self._pending_row = current.row()
            return
        self._pending_row = None
        self._set_selected(row.id)

    def _on_model_rows_loaded(self, first: int, last: int) -> None:
        pending = self._pending_row
        if pending is not None and first <= pending <= last:
            self._pending_row = None
            row = self.model.row_object(pending)
            if row is not None and self.table.currentIndex().row() == pending:
                self._set_selected(row.id)

    def _set_selected(self, inquiry_id: int | None) -> None:
        if inquiry_id != self._selected_id:
            self._selected_id = inquiry_id
            self.inquiry_selected.emit(inquiry_id)

    def _on_next_breached(self, found: Located | None) -> None:
        if found is None:
            self.status_message.emit("No inquiry in this view is past its SLA.")
            return
        self._located = found
        self._set_selected(found.inquiry_id)
        self.select_row(found.row)
        self.table.scrollTo(
            self.model.index(found.row, 0), QAbstractItemView.ScrollHint.PositionAtCenter
        )
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_sla_timer_timeout(self) -> None:
        """Repaint only the SLA cells on screen: their text and colour follow the clock."""
        if self.table.isColumnHidden(qc.COL_SLA) or not self.table.isVisible():
            return
        first, last = self.table.visible_rows()
        if first < 0:
            return
        rect = self.table.visualRect(self.model.index(first, qc.COL_SLA)).united(
            self.table.visualRect(self.model.index(last, qc.COL_SLA))
        )
        self.table.viewport().update(rect)

    def _refresh_summary(self) -> None:
        """Re-count the header: the whole queue, and when filtered what the filter shows.

        While the table loads, the counts wait for its rows and count (``window_loaded``):
        three or four counts on the DB worker beside the first paint of the rows slowed it
        (the worker's Python and the paint take turns at the GIL)."""
        if self.model.loading:
            self._summary_wanted = True
            return
        self._summary_wanted = False
        now = self._jobs.executor.now()
        queue_filter = self.model.queue_filter

        def job(database: Database) -> QueueSummary:
            return queue_service.summary(database, queue_filter, now)

        # The header keeps its last totals when a count fails; the next tick tries again.
        self._jobs.run(job, on_done=self._on_summary, on_error=lambda _error: None, key="summary")

    def _on_summary(self, summary: QueueSummary) -> None:
        self._totals = summary
        self._show_summary()
        # An empty database offers the ways to start instead of an empty table.
        empty = summary.total == 0
        self.empty_state.setVisible(empty)
        self.table.setVisible(not empty)
        self.filter_bar.setEnabled(not empty)

    def _show_summary(self) -> None:
        if self._totals is None or self.model.loading:
            return
        summary = self._totals
        if summary.matching is not None:
            # The model's count is the freshest for what is on screen.
            summary = replace(summary, matching=self.model.rowCount())
        if summary.text != self.summary_label.text():
            self.summary_label.setText(summary.text)
            self.summary_changed.emit(summary.text)

    def _on_table_context_menu_requested(self, position: QPoint) -> None:
        menu = self.context_menu(position)
        menu.exec(self.table.viewport().mapToGlobal(position))
        menu.deleteLater()

    def context_menu(self, position: QPoint) -> QMenu:
        """The menu for the row under ``position`` (table viewport coordinates)."""
        menu = QMenu(self)
        row = self.model.row_object(self.table.indexAt(position).row())
        self.status_actions.fill_menu(menu, row)
        for extra in self.menu_extras:
            extra(menu, row.id if row is not None else None)
        menu.addAction(self.next_breached_action)
        menu.addAction(self.export_action)
        return menu

    def _on_export_action_triggered(self) -> None:
        if self.exporter.running:
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export view as CSV",
            file_dialogs.start_path("inquiries.csv"),
            "CSV files (*.csv)",
        )
        if file_dialogs.chosen(path):
            self.export_to(Path(path))

    def _on_exporter_progressed(self, written: int) -> None:
        self.status_message.emit(f"Exporting… {written:,} inquiries written")

    def _on_exporter_finished(self, path: str, written: int) -> None:
        self.status_message.emit(f"Exported {written:,} inquiries to {path}")

    def _on_exporter_failed(self, message: str) -> None:
        self.status_message.emit(message)
        if self.isVisible():
            QMessageBox.warning(self, "Export view as CSV", message)
