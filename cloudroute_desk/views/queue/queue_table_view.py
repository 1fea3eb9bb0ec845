"""The queue's table: row selection, Home/End go to the first/last row."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


class QueueTableView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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

    def lay_out_now(self) -> None:
        """Do the layout a reset or row-count change left for later, now.

        Qt does it when the view next paints, and its ``viewport().update()`` then arrives
        during that paint: the screen is painted twice (~10 ms of GUI thread each). Done
        before the paint, the two updates merge into one."""
        self.executeDelayedItemsLayout()

    def visible_rows(self) -> tuple[int, int]:
        """First and last row on screen, or (-1, -1) when none."""
        first = self.rowAt(0)
        if first < 0:
            return -1, -1
        last = self.rowAt(self.viewport().height() - 1)
        if last < 0:
            last = (self.model().rowCount() - 1) if self.model() is not None else first
        return first, last
