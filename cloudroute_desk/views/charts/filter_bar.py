"""The filter bar every chart shares: arrival dates, region, vertical, pool and partner."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from cloudroute_desk.domain.catalog import POOLS, Pool, Region, Vertical
from cloudroute_desk.domain.chart_data import ChartFilter, PartnerChoice

ANY_DATE = QDate(2000, 1, 1)
"""The minimum of each date box, shown as "Any": no bound on that side."""

DEBOUNCE_MS = 250


class ChartFilterBar(QWidget):
    filter_changed = Signal(object)
    """The new ``ChartFilter``, once edits pause for a moment."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.date_from = self._date_edit("Arrived from (inclusive); Any = no lower bound")
        self.date_to = self._date_edit("Arrived up to (inclusive); Any = no upper bound")
        # Item data holds the enum's string value: Qt hands StrEnums back as plain str.
        self.region = self._combo("All regions", [(r.value, r.value) for r in Region])
        self.vertical = self._combo("All verticals", [(v.value, v.value) for v in Vertical])
        self.pool = self._combo("All pools", [(POOLS[p].label, p.value) for p in Pool])
        self.pool.setToolTip("ACE records' funding pool (routing is before records: ignored)")
        self.partner = QComboBox()
        self.partner.setEditable(True)
        self.partner.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.partner.setMinimumContentsLength(12)
        self.partner.setAccessibleName("Partner")
        self.partner.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        completer = QCompleter(self.partner.model(), self.partner)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.partner.setCompleter(completer)
        self.partner.addItem("All partners", None)
        self.partner.currentIndexChanged.connect(self._schedule)
        self.reset_button = QPushButton("Reset")
        self.reset_button.clicked.connect(self._on_reset_button_clicked)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for text, widget in (
            ("Arrived", self.date_from),
            ("to", self.date_to),
            (None, self.region),
            (None, self.vertical),
            (None, self.pool),
            ("Partner", self.partner),
        ):
            if text:
                label = QLabel(text)
                label.setBuddy(widget)
                layout.addWidget(label)
            layout.addWidget(widget)
        layout.addWidget(self.reset_button)
        layout.addStretch(1)

    def _date_edit(self, tip: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(ANY_DATE)
        edit.setSpecialValueText("Any")
        edit.setDate(ANY_DATE)
        edit.setToolTip(tip)
        edit.dateChanged.connect(self._schedule)
        return edit

    def _combo(self, everything: str, items: Sequence[tuple[str, Any]]) -> QComboBox:
        combo = QComboBox()
        # Sized for a short label, not the longest choice, so the bar fits a laptop screen.
        combo.setMinimumContentsLength(7)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setAccessibleName(everything)
        combo.addItem(everything, None)
        for text, value in items:
            combo.addItem(text, value)
        combo.currentIndexChanged.connect(self._schedule)
        return combo

    # ---- reading and writing the filter -------------------------------------------------

    def chart_filter(self) -> ChartFilter:
        region, vertical, pool = (c.currentData() for c in (self.region, self.vertical, self.pool))
        return ChartFilter(
            date_from=self._date(self.date_from),
            date_to=self._date(self.date_to),
            region=Region(region) if region else None,
            vertical=Vertical(vertical) if vertical else None,
            pool=Pool(pool) if pool else None,
            partner_id=self.partner.currentData(),
        )

    def set_chart_filter(self, chart_filter: ChartFilter) -> None:
        """Show ``chart_filter`` and emit it once (immediately, not debounced)."""
        widgets = (self.date_from, self.date_to, self.region, self.vertical, self.pool)
        for widget in (*widgets, self.partner):
            widget.blockSignals(True)
        try:
            for edit, value in (
                (self.date_from, chart_filter.date_from),
                (self.date_to, chart_filter.date_to),
            ):
                edit.setDate(QDate(value.year, value.month, value.day) if value else ANY_DATE)
            for combo, data in (
                (self.region, chart_filter.region and chart_filter.region.value),
                (self.vertical, chart_filter.vertical and chart_filter.vertical.value),
                (self.pool, chart_filter.pool and chart_filter.pool.value),
                (self.partner, chart_filter.partner_id),
            ):
                index = combo.findData(data)
                combo.setCurrentIndex(max(index, 0))
            line = self.partner.lineEdit()
            if line is not None:
                line.setCursorPosition(0)
        finally:
            for widget in (*widgets, self.partner):
                widget.blockSignals(False)
        self._timer.stop()
        self._emit()

    def set_partners(self, partners: Sequence[PartnerChoice]) -> None:
        current = self.partner.currentData()
        self.partner.blockSignals(True)
        try:
            self.partner.clear()
            self.partner.addItem("All partners", None)
            for choice in partners:
                self.partner.addItem(choice.name, choice.partner_id)
            self.partner.setCurrentIndex(max(self.partner.findData(current), 0))
        finally:
            self.partner.blockSignals(False)
        if self.partner.currentData() != current:
            self._schedule()

    @staticmethod
    def _date(edit: QDateEdit) -> date | None:
        value = edit.date()
        if value == ANY_DATE:
            return None
        return date(value.year(), value.month(), value.day())

    def _schedule(self) -> None:
        self._timer.start()

    def _emit(self) -> None:
        self.filter_changed.emit(self.chart_filter())

    def _on_reset_button_clicked(self) -> None:
        self.set_chart_filter(ChartFilter())
