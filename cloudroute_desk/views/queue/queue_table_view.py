"""The queue's table: row selection, Home/End go to the first/last row, and a count that
arrives after the rows resizes the scrollbar without repainting the rows."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

AnyIndex = QModelIndex | QPersistentModelIndex


class QueueTableView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows_beyond_screen = False
        """Rows were only added or removed below the last row on screen since the last
        layout: the next layout needs new scrollbar ranges, not a repaint."""
        self._laid_out = True
        """No change to the rows since the last layout."""
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
