"""The queue's table: row selection, Home/End go to the first/last row, a count that
arrives after the rows resizes the scrollbar without repainting the rows, and a screen of
rows not read yet is held back for a moment instead of painted as placeholders."""

from __future__ import annotations

import time

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from cloudroute_desk.models.inquiry_queue_model import InquiryQueueModel

AnyIndex = QModelIndex | QPersistentModelIndex

UNREAD_HOLD_MS = 60
"""How long a screen whose rows are all still being read stays blank before it shows their
placeholders. A jump's page usually arrives well within it (a page is one indexed read), and
painting a screenful of placeholders costs as much as painting the rows (~12 ms of the GUI
thread), which only delayed the rows; on a slow link the placeholders show after this."""


class QueueTableView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows_beyond_screen = False
        """Rows were only added or removed below the last row on screen since the last
        layout: the next layout needs new scrollbar ranges, not a repaint."""
        self._laid_out = True
        """No change to the rows since the last layout."""
        self.unread_hold_ms = UNREAD_HOLD_MS
        self._unread_since: float | None = None
        """When painting began to wait for the rows on screen to be read."""
        self._unread_timer = QTimer(self)
        self._unread_timer.setSingleShot(True)
        self._unread_timer.timeout.connect(self.viewport().update)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        # Tab moves focus to the next control, as everywhere else; arrows move between cells.
        self.setTabKeyNavigation(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(True)
        self.setAcceptDrops(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setStretchLastSection(True)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._holding_unread_screen():
            return  # the viewport keeps the background Qt filled it with
        super().paintEvent(event)

    def _holding_unread_screen(self) -> bool:
        """Whether this paint is left out: no row on screen is read yet and they were first
        waited for less than ``unread_hold_ms`` ago. Once the hold is over, placeholders
        paint until the rows come (a later paint does not hold again)."""
        model = self.model()
        if not isinstance(model, InquiryQueueModel):
            return False
        first, last = self.visible_rows()
        if first < 0 or model.row_object(first) is not None or model.row_object(last) is not None:
            self._unread_since = None
            self._unread_timer.stop()  # the rows are in: no repaint for the hold's end
            return False
        now = time.monotonic()
        if self._unread_since is None:
            self._unread_since = now
            # Painting would have asked for the rows; ask now, and paint when they arrive
            # (dataChanged) or when the hold is over.
            model.ensure_loaded(first)
            model.ensure_loaded(last)
            self._unread_timer.start(self.unread_hold_ms)
        return (now - self._unread_since) * 1000 < self.unread_hold_ms

    def moveCursor(
        self, cursor_action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        # A table moves Home/End along the row; in a list of inquiries they mean top/bottom.
        model = self.model()
        if model is not None and model.rowCount() > 0:
            column = max(self.currentIndex().column(), 0)
            if cursor_action == QAbstractItemView.CursorAction.MoveHome:
                return model.index(0, column)
            if cursor_action == QAbstractItemView.CursorAction.MoveEnd:
                return model.index(model.rowCount() - 1, column)
        return super().moveCursor(cursor_action, modifiers)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        old = self.model()
        if old is not None:
            old.rowsInserted.disconnect(self._on_model_rows_inserted)
            old.rowsAboutToBeRemoved.disconnect(self._on_model_rows_about_to_be_removed)
            old.modelAboutToBeReset.disconnect(self._on_model_about_to_be_reset)
            old.layoutAboutToBeChanged.disconnect(self._on_model_about_to_be_reset)
        super().setModel(model)
        if model is not None:
            model.rowsInserted.connect(self._on_model_rows_inserted)
            model.rowsAboutToBeRemoved.connect(self._on_model_rows_about_to_be_removed)
            model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset)
            model.layoutAboutToBeChanged.connect(self._on_model_about_to_be_reset)

    def doItemsLayout(self) -> None:
        # Qt lays the items out again after any row-count change and repaints the whole
        # viewport (a screenful is ~10 ms of Python model calls). When the count that follows
        # a page only adds or removes rows below the screen, the rows painted stay right:
        # only the scrollbar and the header need the new count.
        quiet, self._rows_beyond_screen = self._rows_beyond_screen, False
        self._laid_out = True
        if not quiet:
            super().doItemsLayout()
            return
        self.updateGeometries()
        # QTableView holds the header's updates while rows are removed until this layout.
        self.verticalHeader().setUpdatesEnabled(True)

    def _on_model_rows_inserted(self, parent: AnyIndex, first: int, _last: int) -> None:
        self._note_rows_changed(parent, first)

    def _on_model_rows_about_to_be_removed(self, parent: AnyIndex, first: int, _last: int) -> None:
        self._note_rows_changed(parent, first)

    def _note_rows_changed(self, parent: AnyIndex, first: int) -> None:
        bottom = self.rowAt(self.viewport().height() - 1)
        beyond = not parent.isValid() and 0 <= bottom < first
        # Quiet only when every change since the last layout was below the screen.
        self._rows_beyond_screen = beyond and (self._rows_beyond_screen or self._laid_out)
        self._laid_out = False

    def _on_model_about_to_be_reset(self) -> None:
        self._rows_beyond_screen = False
        self._laid_out = False

    def lay_out_now(self) -> None:
        """Do the layout a reset or row-count change left for later, now.

        Qt does it when the view next paints, and its ``viewport().update()`` then arrives
        during that paint: the screen is painted twice (~10 ms of GUI thread each). Done
        before the paint, the two updates merge into one. The scroll area shows or hides
        its scrollbar for the new range in a queued call: delivered now too, the viewport
        takes its new width before the paint, not in a second full paint after it."""
        self.executeDelayedItemsLayout()
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)

    def visible_rows(self) -> tuple[int, int]:
        """First and last row on screen, or (-1, -1) when none."""
        first = self.rowAt(0)
        if first < 0:
            return -1, -1
        last = self.rowAt(self.viewport().height() - 1)
        if last < 0:
            last = (self.model().rowCount() - 1) if self.model() is not None else first
        return first, last
