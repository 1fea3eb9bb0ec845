"""The ranked partners for one inquiry as a table, excluded partners on demand, drag source.

Rows are the ranking's partners best first, then (when shown) the excluded ones greyed with
their reason. ``SORT_ROLE`` gives raw values (numbers, not "$41,200"), ``OBJECT_ROLE`` the
RankedPartner / ExcludedPartner. Sorting is done here on the row list, not by a proxy that
would call ``data()`` for every comparison: with thousands of partners that matters.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from cloudroute_desk.domain.formatting import NO_VALUE, THRESHOLD_LABEL, days, money, percent
from cloudroute_desk.domain.routing.values import (
    AXES,
    AXIS_LABELS,
    AxisRate,
    ExcludedPartner,
    RankedPartner,
    Ranking,
)
from cloudroute_desk.models.partner_mime import PARTNER_MIME_TYPE, PartnerDrag, encode_partner_drag

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2
EXCLUDED_ROLE = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex
Row = RankedPartner | ExcludedPartner
_ROOT = QModelIndex()


class Column(IntEnum):
    RANK = 0
    PARTNER = 1
    TIER = 2
    SCORE = 3
    THRESHOLD = 4
    STAGE = 5
    REGION = 6
    VERTICAL = 7
    SERVICE_PROFILE = 8
    ENGAGEMENT = 9
    POOL = 10
    REGION_MATCH = 11
    MEDIAN_DAYS = 12
    MEAN_AWARD = 13
    LOAD = 14
    REASON = 15


AXIS_COLUMNS: dict[Column, str] = dict(
    zip(
        (
            Column.STAGE,
            Column.REGION,
            Column.VERTICAL,
            Column.SERVICE_PROFILE,
            Column.ENGAGEMENT,
            Column.POOL,
        ),
        AXES,
        strict=True,
    )
)

HEADERS: dict[Column, str] = {
    Column.RANK: "#",
    Column.PARTNER: "Partner",
    Column.TIER: "Tier",
    Column.SCORE: "Score",
    Column.THRESHOLD: f"≥ {THRESHOLD_LABEL}",
    **{column: AXIS_LABELS[axis] for column, axis in AXIS_COLUMNS.items()},
    Column.SERVICE_PROFILE: "Profile",
    Column.REGION_MATCH: "In region",
    Column.MEDIAN_DAYS: "Median d",
    Column.MEAN_AWARD: "Mean award",
    Column.LOAD: "Load",
    Column.REASON: "Excluded because",
}

HEADER_TIPS: dict[Column, str] = {
    Column.SCORE: "Expected credit landed (close estimate × expected award), discounted for "
    "the expected days to credit.",
    Column.THRESHOLD: f"Sample-size-aware close rate on this profile above {THRESHOLD_LABEL}.",
    **{
        column: (
            f"Close rate on this inquiry's {AXIS_LABELS[axis].lower()} with n decided "
            "records (trailing 12 months)."
        )
        for column, axis in AXIS_COLUMNS.items()
    },
    Column.MEDIAN_DAYS: "Median submission-to-credit days over the partner's credited records.",
    Column.REGION_MATCH: "The partner files in the inquiry's region.",
    Column.MEAN_AWARD: "Mean approved amount in the pools this inquiry wants.",
    Column.LOAD: "Inquiries the partner holds now / its capacity.",
}

_NUMERIC = {
    Column.RANK,
    Column.SCORE,
    Column.MEDIAN_DAYS,
    Column.MEAN_AWARD,
    Column.LOAD,
    *AXIS_COLUMNS,
}


def axis_rates(partner: RankedPartner, axis: str) -> list[AxisRate]:
    return [rate for rate in partner.axes if rate.axis == axis]


def axis_text(partner: RankedPartner, axis: str) -> str:
    rates = axis_rates(partner, axis)
    return "; ".join(rate.label for rate in rates) if rates else NO_VALUE


class PartnerRankingModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._ranking: Ranking | None = None
        self._ranked: list[RankedPartner] = []
        self._excluded: list[ExcludedPartner] = []
        self._show_excluded = False
        self._texts: dict[int, tuple[str, ...]] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._muted = QColor(128, 128, 128)
        self._ok = QColor(25, 120, 45)
        self._warning = QColor(165, 100, 0)

    # ---- content -------------------------------------------------------------------------

    @property
    def ranking(self) -> Ranking | None:
        return self._ranking

    @property
    def show_excluded(self) -> bool:
        return self._show_excluded

    def set_colors(self, *, muted: QColor, ok: QColor, warning: QColor) -> None:
        """Colours from the view's theme (the model knows no palette)."""
        self._muted, self._ok, self._warning = muted, ok, warning
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, len(Column) - 1)
            )

    def set_ranking(self, ranking: Ranking | None) -> None:
        self.beginResetModel()
        self._texts = {}
        self._ranking = ranking
        self._ranked = list(ranking.ranked) if ranking else []
        self._excluded = list(ranking.excluded) if ranking else []
        if self._sort is not None:
            self._sort_lists(*self._sort)
        self.endResetModel()

    def set_show_excluded(self, show: bool) -> None:
        if show == self._show_excluded:
            return
        first = len(self._ranked)
        if self._excluded:
            if show:
                self.beginInsertRows(QModelIndex(), first, first + len(self._excluded) - 1)
                self._show_excluded = True
                self.endInsertRows()
            else:
                self.beginRemoveRows(QModelIndex(), first, first + len(self._excluded) - 1)
                self._show_excluded = False
                self.endRemoveRows()
        else:
            self._show_excluded = show

    def row_object(self, row: int) -> Row | None:
        if 0 <= row < len(self._ranked):
            return self._ranked[row]
        row -= len(self._ranked)
        if self._show_excluded and 0 <= row < len(self._excluded):
            return self._excluded[row]
        return None

    def row_of_partner(self, partner_id: int) -> int | None:
        for row in range(self.rowCount()):
            item = self.row_object(row)
            if item is not None and item.partner_id == partner_id:
                return row
        return None

    # ---- Qt model ------------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:
        if parent.isValid():
            return 0
        return len(self._ranked) + (len(self._excluded) if self._show_excluded else 0)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(column)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if isinstance(self.row_object(index.row()), RankedPartner):
            return _DRAGGABLE
        return _SELECTABLE

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = int(role)
        if role not in _SERVED_ROLES or not index.isValid():
            return None
        item = self.row_object(index.row())
        column = index.column()
        if item is None or not 0 <= column < _COLUMN_COUNT:
            return None
        return self._cell(item, column, role)

    def multiData(self, index: Index, roleDataSpan: Any) -> None:  # noqa: N803
        """All roles a delegate asks for in one call: a repaint crosses into Python once per
        cell instead of once per role (about 4x faster with a screenful of partners)."""
        item = self.row_object(index.row()) if index.isValid() else None
        column = index.column()
        if item is None or not 0 <= column < _COLUMN_COUNT:
            for role_data in roleDataSpan:
                role_data.clearData()
            return
        # Delegates reuse the span between cells: every role we do not answer is cleared.
        for role_data in roleDataSpan:
            role = int(role_data.role())
            value = self._cell(item, column, role) if role in _SERVED_ROLES else None
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def _cell(self, item: Row, column: int, role: int) -> Any:
        excluded = isinstance(item, ExcludedPartner)
        if role == _DISPLAY:
            texts = self._texts.get(id(item))
            if texts is None:
                texts = self._row_texts(item)
                self._texts[id(item)] = texts
            return texts[column]
        if role == _ALIGNMENT:
            return _RIGHT if column in _NUMERIC_COLUMNS and not excluded else None
        if role == _FOREGROUND:
            if excluded:
                return self._muted
            if column == Column.THRESHOLD and isinstance(item, RankedPartner):
                return self._ok if item.above_threshold else self._warning
            return None
        if role == OBJECT_ROLE:
            return item
        if role == EXCLUDED_ROLE:
            return excluded
        if isinstance(item, ExcludedPartner):
            return self._excluded_data(item, Column(column), role)
        return self._ranked_data(item, Column(column), role)

    def _row_texts(self, item: Row) -> tuple[str, ...]:
        if isinstance(item, ExcludedPartner):
            return tuple(str(self._excluded_data(item, column, _DISPLAY)) for column in _COLUMNS)
        return tuple(self._ranked_text(item, column) for column in _COLUMNS)

    def _ranked_data(self, item: RankedPartner, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._ranked_text(item, column)
        if role == SORT_ROLE:
            return self._ranked_sort_value(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._ranked_tip(item, column)
        return None

    def _ranked_text(self, item: RankedPartner, column: Column) -> str:
        match column:
            case Column.RANK:
                return str(item.rank)
            case Column.PARTNER:
                return item.partner_name
            case Column.TIER:
                return item.tier.value
            case Column.SCORE:
                return money(item.score)
            case Column.THRESHOLD:
                return "✓ above" if item.above_threshold else "below"
            case Column.REGION_MATCH:
                return "yes" if item.region_match else "no"
            case Column.MEDIAN_DAYS:
                return days(item.median_days_to_credit)
            case Column.MEAN_AWARD:
                return money(item.mean_award_usd)
            case Column.LOAD:
                return f"{item.load}/{item.capacity}"
            case Column.REASON:
                return ""
        return axis_text(item, AXIS_COLUMNS[column])

    def _ranked_sort_value(self, item: RankedPartner, column: Column) -> Any:
        match column:
            case Column.RANK:
                return item.rank
            case Column.PARTNER:
                return item.partner_name.casefold()
            case Column.TIER:
                return item.tier.value
            case Column.SCORE:
                return item.score
            case Column.THRESHOLD:
                return 1 if item.above_threshold else 0
            case Column.REGION_MATCH:
                return 1 if item.region_match else 0
            case Column.MEDIAN_DAYS:
                return (
                    item.median_days_to_credit if item.median_days_to_credit is not None else -1.0
                )
            case Column.MEAN_AWARD:
                return item.mean_award_usd if item.mean_award_usd is not None else -1.0
            case Column.LOAD:
                return item.load / item.capacity if item.capacity else float(item.load + 1)
            case Column.REASON:
                return ""
        rates = axis_rates(item, AXIS_COLUMNS[column])
        return max((rate.estimate for rate in rates), default=-1.0)

    def _ranked_tip(self, item: RankedPartner, column: Column) -> str | None:
        if column in AXIS_COLUMNS:
            lines = [
                f"{rate.value}: {rate.label} decided; sample-size-aware estimate "
                f"{percent(rate.estimate)}"
                for rate in axis_rates(item, AXIS_COLUMNS[column])
            ]
            return "\n".join(lines) or "No decided records on this axis."
        if column == Column.THRESHOLD:
            return (
                f"Profile close estimate {percent(item.close_estimate)} "
                f"(threshold {THRESHOLD_LABEL})"
            )
        if column == Column.SCORE:
            return (
                f"Expected award {money(item.expected_award_usd)} in {item.expected_days:.1f} days"
            )
        return None

    def _excluded_data(self, item: ExcludedPartner, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            match column:
                case Column.PARTNER:
                    return item.partner_name
                case Column.TIER:
                    return item.tier.value
                case Column.REASON:
                    return item.reason
                case Column.RANK:
                    return NO_VALUE
            return ""
        if role == SORT_ROLE:
            match column:
                case Column.PARTNER:
                    return item.partner_name.casefold()
                case Column.TIER:
                    return item.tier.value
                case Column.REASON:
                    return item.reason
                case Column.RANK:
                    return len(self._ranked) + 1 + self._excluded.index(item)
            return -2.0 if column in _NUMERIC or column in _FLAG_COLUMNS else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(item.all_reasons or (item.reason,))
        return None

    # ---- sorting -------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self.layoutAboutToBeChanged.emit()
        before = [self.row_object(row) for row in range(self.rowCount())]
        self._sort = (column, order)
        self._sort_lists(column, order)
        after = {id(self.row_object(row)): row for row in range(self.rowCount())}
        old_indexes = self.persistentIndexList()
        new_indexes = []
        for old in old_indexes:
            moved = before[old.row()] if 0 <= old.row() < len(before) else None
            new_row = after.get(id(moved)) if moved is not None else None
            new_indexes.append(
                self.index(new_row, old.column()) if new_row is not None else QModelIndex()
            )
        self.changePersistentIndexList(old_indexes, new_indexes)
        self.layoutChanged.emit()

    def _sort_lists(self, column: int, order: Qt.SortOrder) -> None:
        reverse = order == Qt.SortOrder.DescendingOrder
        col = Column(column)
        self._ranked.sort(key=lambda p: self._ranked_sort_value(p, col), reverse=reverse)
        if col in (Column.PARTNER, Column.TIER, Column.REASON):
            key = {
                Column.PARTNER: lambda e: e.partner_name.casefold(),
                Column.TIER: lambda e: e.tier.value,
                Column.REASON: lambda e: e.reason,
            }[col]
            self._excluded.sort(key=key, reverse=reverse)

    # ---- drag source ---------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [PARTNER_MIME_TYPE]

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData | None:  # type: ignore[override]
        """The first ranked partner among ``indexes``; excluded partners cannot be dragged."""
        for index in indexes:
            item = self.row_object(index.row()) if index.isValid() else None
            if isinstance(item, RankedPartner):
                inquiry_id = self._ranking.inquiry_id if self._ranking else None
                return encode_partner_drag(
                    PartnerDrag(item.partner_id, item.partner_name, inquiry_id)
                )
        return None


_FLAG_COLUMNS = {Column.THRESHOLD, Column.REGION_MATCH}
_COLUMNS = tuple(Column)
_COLUMN_COUNT = len(_COLUMNS)
_NUMERIC_COLUMNS = frozenset(int(column) for column in _NUMERIC)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_SERVED_ROLES = frozenset(
    {
        _DISPLAY,
        _ALIGNMENT,
        _FOREGROUND,
        int(Qt.ItemDataRole.ToolTipRole),
        int(SORT_ROLE),
        int(OBJECT_ROLE),
        int(EXCLUDED_ROLE),
    }
)
_SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_DRAGGABLE = _SELECTABLE | Qt.ItemFlag.ItemIsDragEnabled
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
