"""The batch suggestion preview: one checkable row per proposed (inquiry, partner) pair."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from cloudroute_desk.domain.formatting import money
from cloudroute_desk.domain.routing.batch import BatchItem, BatchSuggestion
from cloudroute_desk.models.partner_ranking_model import OBJECT_ROLE, SORT_ROLE

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class BatchColumn(IntEnum):
    ACCEPT = 0
    INQUIRY = 1
    PARTNER = 2
    RANK = 3
    EXPECTED = 4
    SCORE = 5
    THRESHOLD = 6
    WHY = 7


HEADERS = {
    BatchColumn.ACCEPT: "Accept",
    BatchColumn.INQUIRY: "Inquiry",
    BatchColumn.PARTNER: "Partner",
    BatchColumn.RANK: "Its rank",
    BatchColumn.EXPECTED: "Expected credit",
    BatchColumn.SCORE: "Score",
    BatchColumn.THRESHOLD: "≥ 70 %",
    BatchColumn.WHY: "Why",
}


class BatchPreviewModel(QAbstractTableModel):
    checked_changed = Signal(int)
    """How many rows are checked now."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[BatchItem] = []
        self._checked: list[bool] = []

    def set_suggestion(self, suggestion: BatchSuggestion | None) -> None:
        self.beginResetModel()
        self._items = list(suggestion.items) if suggestion else []
        self._checked = [True] * len(self._items)
        self.endResetModel()
        self.checked_changed.emit(self.checked_count)

    def remove_inquiries(self, inquiry_ids: set[int]) -> None:
        """Drop the rows of these inquiries (accepted or lost); the rest stay as they were."""
        kept = [
            (item, on)
            for item, on in zip(self._items, self._checked, strict=True)
            if item.inquiry_id not in inquiry_ids
        ]
        self.beginResetModel()
        self._items = [item for item, _on in kept]
        self._checked = [on for _item, on in kept]
        self.endResetModel()
        self.checked_changed.emit(self.checked_count)

    @property
    def items(self) -> list[BatchItem]:
        return list(self._items)

    @property
    def checked_count(self) -> int:
        return sum(self._checked)

    def checked_items(self) -> list[BatchItem]:
        return [item for item, on in zip(self._items, self._checked, strict=True) if on]

    def set_all_checked(self, checked: bool) -> None:
        self._checked = [checked] * len(self._items)
        if self._items:
            column = BatchColumn.ACCEPT
            self.dataChanged.emit(
                self.index(0, column),
                self.index(len(self._items) - 1, column),
                [Qt.ItemDataRole.CheckStateRole],
            )
        self.checked_changed.emit(self.checked_count)

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(BatchColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(BatchColumn)
        ):
            return HEADERS[BatchColumn(section)]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == BatchColumn.ACCEPT:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        column = BatchColumn(index.column())
        if role == OBJECT_ROLE:
            return item
        if role == Qt.ItemDataRole.CheckStateRole and column == BatchColumn.ACCEPT:
            return Qt.CheckState.Checked if self._checked[index.row()] else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == SORT_ROLE:
            return self._sort_value(item, index.row(), column)
        if role == Qt.ItemDataRole.ToolTipRole and column == BatchColumn.WHY:
            return "\n".join(item.reasons)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            BatchColumn.RANK,
            BatchColumn.EXPECTED,
            BatchColumn.SCORE,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, item: BatchItem, column: BatchColumn) -> str:
        match column:
            case BatchColumn.ACCEPT:
                return ""
            case BatchColumn.INQUIRY:
                return f"#{item.inquiry_id} {item.company_name}"
            case BatchColumn.PARTNER:
                return item.partner_name
            case BatchColumn.RANK:
                return f"#{item.rank}"
            case BatchColumn.EXPECTED:
                return money(item.expected_award_usd)
            case BatchColumn.SCORE:
                return money(item.score)
            case BatchColumn.THRESHOLD:
                return "✓ above" if item.above_threshold else "below"
        return item.reasons[0] if item.reasons else ""

    def _sort_value(self, item: BatchItem, row: int, column: BatchColumn) -> Any:
        match column:
            case BatchColumn.ACCEPT:
                return int(self._checked[row])
            case BatchColumn.RANK:
                return item.rank
            case BatchColumn.EXPECTED:
                return item.expected_award_usd
            case BatchColumn.SCORE:
                return item.score
            case BatchColumn.THRESHOLD:
                return int(item.above_threshold)
        return self._text(item, column).casefold()

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or index.column() != BatchColumn.ACCEPT
            or role != Qt.ItemDataRole.CheckStateRole
        ):
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        self._checked[index.row()] = checked
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit(self.checked_count)
        return True
