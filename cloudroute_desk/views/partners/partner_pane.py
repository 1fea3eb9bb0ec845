"""The partner comparison pane: the selected inquiry's partners ranked, with the reasons.

Follows the queue's selection: ``set_inquiry`` ranks off the GUI thread and drops results that
arrive for an inquiry no longer selected. Partners are dragged from the table onto an inquiry
to assign them; the pane's actions (Ctrl+Return, context menu) ask for the same through
``assign_requested``, which the main window connects to the AssignmentController.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QDrag, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.domain.catalog import end_reason_label
from cloudroute_desk.domain.formatting import THRESHOLD_LABEL
from cloudroute_desk.domain.routing.values import ExcludedPartner, RankedPartner
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.models.partner_ranking_model import Column, PartnerRankingModel
from cloudroute_desk.services import review_figures
from cloudroute_desk.services.assignment_plan import InquiryRouting, load_routing
from cloudroute_desk.services.changes import ChangeKind, Changes
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.partners.compare_dialog import MAX_COMPARED, MIN_COMPARED, CompareDialog
from cloudroute_desk.views.partners.why_view import WhyView
from cloudroute_desk.views.plain_text import plain_label
from cloudroute_desk.views.theme import status_colors

SHOWN_LIMIT = 200
"""The pane lists the best 200 ranked partners (every excluded one on demand); nobody reads
further, and 10,000 pydantic rows per selection would cost more than the ranking itself."""


RANKING_JOB = "ranking"
REVIEW_JOB = "partner-review"
"""The Why view's Partner Central figures for the selected partner."""
RANKING_INPUTS = (
    ChangeKind.ASSIGNMENTS,
    ChangeKind.PARTNERS,
    ChangeKind.RECORD_STATES,
    ChangeKind.RECORDS_ADDED,
)
"""Changes anywhere that can move any inquiry's ranking."""


class PartnerTable(QTableView):
    """The ranked table; a drag carries one partner and shows its name, not a whole row."""

    def startDrag(self, supportedActions: Qt.DropAction) -> None:  # noqa: N803
        model = self.model()
        indexes = [
            index
            for index in self.selectionModel().selectedRows(Column.PARTNER)
            if model.flags(index) & Qt.ItemFlag.ItemIsDragEnabled
        ]
        mime = model.mimeData(indexes) if indexes else None
        if mime is None:
            return
        drag = QDrag(self)
        drag.setMimeData(mime)
        label = QLabel(f"Assign {mime.text()}")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setStyleSheet("padding: 4px 8px; border: 1px solid palette(highlight);")
        label.adjustSize()
        drag.setPixmap(label.grab())
        drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)


class PartnerPane(QWidget):
    assign_requested = Signal(int, int)
    """(inquiry_id, partner_id): the admin asked to assign the selected partner."""
    reroute_requested = Signal(int)
    """inquiry_id: the admin marked that the founder and the partner did not connect."""
    edit_partner_requested = Signal(int)
    ranking_shown = Signal(int)
    """inquiry_id whose ranking is now on screen (tests and the benchmark wait on it)."""
    ranking_failed = Signal(str)

    def __init__(self, executor: DbExecutor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._jobs = DbJobs(executor, self)
        self._inquiry_id: int | None = None
        self._unavailable: str | None = None
        self._routing: InquiryRouting | None = None
        self._ranking = False
        """A ranking is on its way: the one on screen is about to be replaced."""
        self._compare: CompareDialog | None = None
        self._columns_fitted = False
        self._shown_inquiry_id: int | None = None
        self.shown_limit: int | None = SHOWN_LIMIT
        self.model = PartnerRankingModel(self)
        self._build()
        self._apply_colors()
        self._on_selection_changed()

    # ---- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        self.header_label = plain_label("No inquiry selected.")
        font = self.header_label.font()
        font.setBold(True)
        self.header_label.setFont(font)
        self.banner_label = plain_label()
        self.banner_label.setObjectName("belowThresholdBanner")
        self.banner_label.hide()
        self.history_label = plain_label()
        self.history_label.hide()

        self.show_excluded_check = QCheckBox("Show excluded")
        self.show_excluded_check.toggled.connect(self._on_show_excluded_toggled)

        self.assign_action = QAction("Assign to inquiry", self)
        self.assign_action.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Return))
        self.assign_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.assign_action.setToolTip("Assign the selected partner to this inquiry (Ctrl+Return)")
        self.assign_action.triggered.connect(self._on_assign_triggered)
        self.why_action = QAction("Why", self)
        self.why_action.setCheckable(True)
        self.why_action.setToolTip("Show every factor behind the selected partner's place")
        self.why_action.toggled.connect(self._on_why_toggled)
        self.compare_action = QAction("Compare", self)
        self.compare_action.setToolTip(
            f"Compare {MIN_COMPARED}-{MAX_COMPARED} selected partners side by side"
        )
        self.compare_action.triggered.connect(self._on_compare_triggered)
        self.reroute_action = QAction("Did not connect — re-route", self)
        self.reroute_action.setToolTip(
            "The founder and the assigned partner did not connect: find a new partner"
        )
        self.reroute_action.triggered.connect(self._on_reroute_triggered)
        # Buttons show the short icon text so the pane fits beside the queue; menus keep
        # the full wording.
        self.assign_action.setIconText("Assign")
        self.reroute_action.setIconText("Re-route")
        self.edit_partner_action = QAction("Edit partner…", self)
        self.edit_partner_action.triggered.connect(self._on_edit_partner_triggered)
        self.addAction(self.assign_action)

        tools = QHBoxLayout()
        tools.addWidget(self.show_excluded_check)
        tools.addStretch(1)
        for action in (
            self.why_action,
            self.compare_action,
            self.assign_action,
            self.reroute_action,
        ):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setAccessibleName(action.text())
            tools.addWidget(button)

        self.table = PartnerTable()
        self.table.setAccessibleName("Partners ranked for the inquiry")
        self.table.setTabKeyNavigation(False)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setDragEnabled(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.table.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.RANK, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        widths = {
            Column.RANK: 34,
            Column.PARTNER: 180,
            Column.TIER: 72,
            Column.SCORE: 76,
            Column.THRESHOLD: 66,
            Column.REGION_MATCH: 56,
            Column.MEDIAN_DAYS: 70,
            Column.MEAN_AWARD: 78,
            Column.LOAD: 70,
        }
        for column in Column:
            self.table.setColumnWidth(column, widths.get(column, 96))
        self.table.setColumnWidth(Column.REASON, 320)
        self.table.setColumnHidden(Column.REASON, True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.why_action.setChecked(True))

        self.why_view = WhyView()
        self.why_view.hide()
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.why_view)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header_label)
        layout.addWidget(self.banner_label)
        layout.addLayout(tools)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.history_label)

    def _apply_colors(self) -> None:
        colors = status_colors(self.palette())
        self.model.set_colors(muted=colors["muted"], ok=colors["ok"], warning=colors["warning"])
        warning = colors["warning"].name()
        self.banner_label.setStyleSheet(
            f"QLabel#belowThresholdBanner {{ border: 1px solid {warning}; color: {warning};"
            " padding: 4px; border-radius: 3px; }"
        )

    # ---- following the selection ---------------------------------------------------------

    @property
    def inquiry_id(self) -> int | None:
        return self._inquiry_id

    @property
    def routing(self) -> InquiryRouting | None:
        return self._routing

    def current_routing(self, inquiry_id: int) -> InquiryRouting | None:
        """The routing on screen for ``inquiry_id`` when no newer one is on its way (what an
        assignment from this pane is judged on), else None."""
        routing = self._routing
        if routing is None or routing.ranking.inquiry_id != inquiry_id:
            return None
        return None if self._ranking else routing

    def set_unavailable(self, reason: str | None) -> None:
        """Say why no ranking is shown (offline, the copy holds only some partners) instead
        of ranking; None ranks again."""
        self._unavailable = reason
        self.set_inquiry(self._inquiry_id)

    def set_inquiry(self, inquiry_id: int | None) -> None:
        """Show ``inquiry_id``'s ranking (ranked off the GUI thread); None clears the pane."""
        self._inquiry_id = inquiry_id
        reason = self._unavailable
        if reason is not None:
            self._jobs.cancel(RANKING_JOB)
            self._ranking = False
            self._show(None)
            self.header_label.setText(reason)
            return
        if inquiry_id is None:
            self._jobs.cancel(RANKING_JOB)
            self._ranking = False
            self._show(None)
            return
        self.header_label.setText(f"Inquiry #{inquiry_id}: ranking…")
        self._ranking = True
        limit = self.shown_limit
        self._jobs.read(  # a read (and the index catch-up that ranking may commit first)
            lambda db: load_routing(db, inquiry_id, limit=limit, snapshot=False),
            on_done=self._on_routing_loaded,
            on_error=self._on_routing_failed,
            key=RANKING_JOB,  # the admin may have moved on to another inquiry meanwhile
        )

    def apply_changes(self, changes: Changes) -> None:
        """Re-rank when an input of the score changed: partners, their loads, the routing
        index (decided records), competing records, or this inquiry itself."""
        shown = self._inquiry_id
        if shown is None:
            return
        if changes.has(*RANKING_INPUTS) or (
            changes.has(ChangeKind.INQUIRY_STATUS) and changes.inquiries.touches(shown)
        ):
            self.set_inquiry(shown)

    def _on_routing_loaded(self, routing: InquiryRouting) -> None:
        self._ranking = False
        self._show(routing)
        self.ranking_shown.emit(routing.ranking.inquiry_id)

    def _on_routing_failed(self, error: BaseException) -> None:
        self._ranking = False
        self._show(None)
        self.header_label.setText(f"Cannot rank inquiry #{self._inquiry_id}: {error}")
        self.ranking_failed.emit(str(error))

    def _show(self, routing: InquiryRouting | None) -> None:
        selected = self.selected_partner_ids()
        self._routing = routing
        ranking = routing.ranking if routing else None
        self.model.set_ranking(ranking)
        if ranking is None:
            self.header_label.setText("No inquiry selected.")
            self.banner_label.hide()
            self.history_label.hide()
        else:
            total = max(ranking.total_ranked, len(ranking.ranked))
            shown = f" (best {len(ranking.ranked)} shown)" if total > len(ranking.ranked) else ""
            self.header_label.setText(
                f"Inquiry #{ranking.inquiry_id}: {total} ranked{shown}, "
                f"{len(ranking.excluded)} excluded · index as of "
                f"{ranking.as_of:%Y-%m-%d %H:%M} UTC"
                + (
                    " · from the last refresh (cannot refresh now)"
                    if ranking.from_last_refresh
                    else ""
                )
            )
            self.banner_label.setText(
                f"No partner is above the {THRESHOLD_LABEL} close-rate threshold for this profile: "
                "below-threshold partners are ranked by expected credit instead, and assigning "
                "one asks for confirmation."
            )
            self.banner_label.setVisible(ranking.below_threshold_fallback and bool(ranking.ranked))
            self._show_history(routing)
        if ranking is not None and ranking.ranked and not self._columns_fitted:
            self._fit_columns()
        self._reselect(selected)
        shown_id = ranking.inquiry_id if ranking is not None else None
        if shown_id != self._shown_inquiry_id:
            # A new inquiry starts at #1, not where the last one was scrolled to.
            self._shown_inquiry_id = shown_id
            self.table.scrollToTop()
        self._on_selection_changed()

    def _fit_columns(self) -> None:
        """Fit columns to the first ranking shown, measuring only the visible rows (Qt's
        default precision measures 1,000 rows), so this stays cheap with thousands of
        partners; later rankings keep the admin's widths."""
        self._columns_fitted = True
        self.table.horizontalHeader().setResizeContentsPrecision(0)
        self.table.resizeColumnsToContents()
        caps = {
            Column.PARTNER: 200,
            Column.REGION_MATCH: 64,
            Column.MEDIAN_DAYS: 70,
            Column.MEAN_AWARD: 84,
            Column.LOAD: 60,
        }
        for column in Column:
            cap = caps.get(column, 100)
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), cap))
        self.table.setColumnWidth(Column.REASON, max(self.table.columnWidth(Column.REASON), 320))

    def _show_history(self, routing: InquiryRouting | None) -> None:
        if routing is None or not routing.history:
            self.history_label.hide()
            return
        parts = []
        for entry in routing.history:
            state = "assigned now" if entry.active else end_reason_label(entry.end_reason)
            parts.append(
                f"{entry.partner_name} — {state} (by {entry.assigned_by}, "
                f"{entry.assigned_at:%Y-%m-%d %H:%M})"
            )
        self.history_label.setText("Routing history: " + "; ".join(parts))
        self.history_label.show()

    def _reselect(self, partner_ids: list[int]) -> None:
        selection = self.table.selectionModel()
        selection.clear()
        for partner_id in partner_ids:
            row = self.model.row_of_partner(partner_id)
            if row is not None:
                selection.select(
                    self.model.index(row, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )

    # ---- selection and actions -----------------------------------------------------------

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def selected_partners(self) -> list[RankedPartner | ExcludedPartner]:
        items = [self.model.row_object(row) for row in self.selected_rows()]
        return [item for item in items if item is not None]

    def selected_partner_ids(self) -> list[int]:
        return [item.partner_id for item in self.selected_partners()]

    def select_partner(self, partner_id: int) -> bool:
        row = self.model.row_of_partner(partner_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def _on_selection_changed(
        self, _selected: QItemSelection | None = None, _deselected: QItemSelection | None = None
    ) -> None:
        partners = self.selected_partners()
        ranked = [p for p in partners if isinstance(p, RankedPartner)]
        current = partners[0] if partners else None
        self.assign_action.setEnabled(
            self._inquiry_id is not None
            and len(partners) == 1
            and bool(ranked)
            and self._routing is not None
            and self._routing.active is None
        )
        self.compare_action.setEnabled(
            MIN_COMPARED <= len(ranked) <= MAX_COMPARED and len(ranked) == len(partners)
        )
        self.edit_partner_action.setEnabled(current is not None)
        self.reroute_action.setEnabled(
            self._routing is not None and self._routing.active is not None
        )
        self.why_view.show_partner(current)
        if current is None:
            self._jobs.cancel(REVIEW_JOB)
        else:
            partner_id = current.partner_id
            self._jobs.run(
                lambda db: review_figures.partner_review(db, partner_id),
                on_done=lambda figures: self.why_view.show_review(figures.line()),
                key=REVIEW_JOB,
            )

    def _on_show_excluded_toggled(self, show: bool) -> None:
        self.model.set_show_excluded(show)
        self.table.setColumnHidden(Column.REASON, not show)

    def _on_why_toggled(self, shown: bool) -> None:
        self.why_view.setVisible(shown)

    def _on_assign_triggered(self) -> None:
        partners = self.selected_partners()
        if self._inquiry_id is not None and len(partners) == 1:
            self.assign_requested.emit(self._inquiry_id, partners[0].partner_id)

    def _on_reroute_triggered(self) -> None:
        if self._inquiry_id is not None:
            self.reroute_requested.emit(self._inquiry_id)

    def _on_edit_partner_triggered(self) -> None:
        partners = self.selected_partners()
        if partners:
            self.edit_partner_requested.emit(partners[0].partner_id)

    def _on_compare_triggered(self) -> None:
        ranked = [p for p in self.selected_partners() if isinstance(p, RankedPartner)]
        if not MIN_COMPARED <= len(ranked) <= MAX_COMPARED:
            return
        if self._compare is not None:
            self._compare.close()
        self._compare = CompareDialog(ranked, self)
        self._compare.show()

    @property
    def compare_dialog(self) -> CompareDialog | None:
        return self._compare

    def _on_table_context_menu_requested(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if index.isValid() and index.row() not in self.selected_rows():
            self.table.selectRow(index.row())
        menu = self.context_menu()
        menu.exec(self.table.viewport().mapToGlobal(position))

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addAction(self.assign_action)
        menu.addAction(self.why_action)
        menu.addAction(self.compare_action)
        menu.addSeparator()
        menu.addAction(self.edit_partner_action)
        menu.addAction(self.reroute_action)
        return menu
