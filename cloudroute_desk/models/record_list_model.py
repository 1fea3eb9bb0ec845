"""An inquiry's ACE records as a table: the editor's record list.

``SORT_ROLE`` gives raw values (amounts as ints, times as datetimes), ``OBJECT_ROLE`` the
``RecordItem``. A reload replaces the rows with one reset: an inquiry has a handful of records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from cloudroute_desk.domain.catalog import API_STAGE_AND_REVIEW, POOLS, RECORD_STATE_LABELS
from cloudroute_desk.domain.formatting import money
from cloudroute_desk.services.records import RecordItem

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class Column(IntEnum):
    TITLE = 0
    POOL = 1
    STATE = 2
    REQUESTED = 3
    AWARDED = 4
    PARTNER = 5
    UPDATED = 6


HEADERS: dict[Column, str] = {
    Column.TITLE: "Record",
    Column.POOL: "Pool",
    Column.STATE: "State",
    Column.REQUESTED: "Requested",
    Column.AWARDED: "Awarded",
    Column.PARTNER: "Partner",
    Column.UPDATED: "Saved (UTC)",
}


KEPT_OFFLINE_TIP = "Kept offline: a copy is on this computer"


class RecordListModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[RecordItem] = []
        self._kept_offline: frozenset[int] = frozenset()
        self._kept_icon: Any = None

    def set_kept_offline(self, record_ids: Iterable[int], icon: Any = None) -> None:
        """Records marked "Keep offline": their pool cell carries ``icon`` and says so."""
        self._kept_offline = frozenset(record_ids)
        self._kept_icon = icon
        if self._items:
            self.dataChanged.emit(
                self.index(0, Column.POOL), self.index(len(self._items) - 1, Column.POOL)
            )

    def set_items(self, items: Sequence[RecordItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def replace_item(self, item: RecordItem) -> None:
        """Show ``item`` in place of the row with its id (a save this editor made)."""
        row = self.row_of(item.summary.id) if item.summary.id is not None else None
        if row is None:
            return
        self._items[row] = item
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def item(self, row: int) -> RecordItem:
        return self._items[row]

    def row_of(self, record_id: int) -> int | None:
        for row, item in enumerate(self._items):
            if item.summary.id == record_id:
                return row
        return None

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(Column)
        ):
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        column = Column(index.column())
        if role == OBJECT_ROLE:
            return item
        if role == SORT_ROLE:
            return self._sort_value(item, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        kept = column is Column.POOL and item.summary.id in self._kept_offline
        if role == Qt.ItemDataRole.DecorationRole and kept:
            return self._kept_icon
        if role == Qt.ItemDataRole.ToolTipRole and kept:
            return KEPT_OFFLINE_TIP
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.STATE:
            stage, review = API_STAGE_AND_REVIEW[item.summary.state]
            return f"Partner Central: Stage {stage}, ReviewStatus {review}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            Column.REQUESTED,
            Column.AWARDED,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(item: RecordItem, column: Column) -> str:
        summary = item.summary
        if column is Column.TITLE:
            return item.title
        if column is Column.POOL:
            return POOLS[summary.pool].label
        if column is Column.STATE:
            return RECORD_STATE_LABELS[summary.state]
        if column is Column.REQUESTED:
            return money(summary.amount_requested_usd)
        if column is Column.AWARDED:
            return money(summary.amount_awarded_usd)
        if column is Column.PARTNER:
            return item.partner_name
        return f"{item.updated_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def _sort_value(item: RecordItem, column: Column) -> Any:
        summary = item.summary
        if column is Column.REQUESTED:
            return summary.amount_requested_usd
        if column is Column.AWARDED:
            return summary.amount_awarded_usd or 0
        if column is Column.UPDATED:
            return item.updated_at.isoformat()
        return RecordListModel._display(item, column)
