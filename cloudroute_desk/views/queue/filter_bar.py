"""The queue's filter bar: vocabulary pickers, SLA state, arrival dates and search."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Generic, TypeVar

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.domain.catalog import (
    INQUIRY_STATUS_LABELS,
    EngagementType,
    FundingStage,
    InquiryStatus,
    Region,
    ServiceProfile,
    Vertical,
)
from cloudroute_desk.domain.queue_filter import SLA_STATE_LABELS, QueueFilter, SlaState

E = TypeVar("E", bound=StrEnum)

SEARCH_DEBOUNCE_MS = 150
MAX_CHOICE_TEXT_PX = 110


class ChoiceButton(QToolButton, Generic[E]):
    """A drop-down of checkable values; nothing checked means "any"."""

    changed = Signal()

    def __init__(self, title: str, labels: Mapping[E, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._actions: dict[E, QAction] = {}
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self)
        for value, label in labels.items():
            action = menu.addAction(label)
            action.setCheckable(True)
            self._actions[value] = action
        menu.addSeparator()
        self._any = menu.addAction("Any")
        # One connection for the whole menu, not one per value: the pane builds seven of
        # these on its way to the first paint, and each PySide connect costs ~0.1 ms.
        menu.triggered.connect(self._on_menu_triggered)
        self.setMenu(menu)
        self.setAccessibleName(title)
        self._update_text()

    def selected(self) -> frozenset[E]:
        return frozenset(v for v, a in self._actions.items() if a.isChecked())

    def set_selected(self, values: Iterable[E]) -> None:
        wanted = set(values)
        for value, action in self._actions.items():
            action.blockSignals(True)
            action.setChecked(value in wanted)
            action.blockSignals(False)
        self._update_text()
        self.changed.emit()

    def clear(self) -> None:
        self.set_selected(())

    def _on_menu_triggered(self, action: QAction) -> None:
        if action is self._any:
            self.clear()
            return
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        chosen = [a.text() for a in self._actions.values() if a.isChecked()]
        self.setToolTip("\n".join(chosen) if chosen else f"{self._title}: any")
        if not chosen:
            # The bare title keeps the bar narrow; the tooltip says "any".
            self.setText(self._title)
        elif len(chosen) == 1:
            label = self.fontMetrics().elidedText(
                chosen[0], Qt.TextElideMode.ElideRight, MAX_CHOICE_TEXT_PX
            )
            self.setText(f"{self._title}: {label}")
        else:
            self.setText(f"{self._title}: {len(chosen)} chosen")


def _plain(values: Iterable[E]) -> dict[E, str]:
    return {v: v.value for v in values}


class FilterBar(QWidget):
    filter_changed = Signal()
    """Any control changed; read ``queue_filter()``. Search typing is debounced."""
    cleared = Signal()
    """Clear filters was pressed (just before the resulting ``filter_changed``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = ChoiceButton("Status", dict(INQUIRY_STATUS_LABELS), self)
        self.stage = ChoiceButton("Stage", _plain(FundingStage), self)
        self.region = ChoiceButton("Region", _plain(Region), self)
        self.vertical = ChoiceButton("Vertical", _plain(Vertical), self)
        self.profile = ChoiceButton("Profile", _plain(ServiceProfile), self)
        self.engagement = ChoiceButton("Engagement", _plain(EngagementType), self)
        self.sla = ChoiceButton("SLA", dict(SLA_STATE_LABELS), self)
        self.dates = QCheckBox("Arrived", self)
        self.dates.setToolTip("Only inquiries that arrived between these dates (UTC)")
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-7), self)
        self.date_to = QDateEdit(today, self)
        self.date_from.setAccessibleName("Arrived from")
        self.date_to.setAccessibleName("Arrived to")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search company, website or contact  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(150)
        self.search.setAccessibleName("Search inquiries")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.filter_changed)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("Clear filters")

        # Two rows so the pane stays narrow enough to sit beside the detail panel.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.dates)
        search_row.addWidget(self.date_from)
        search_row.addWidget(self.date_to)
        search_row.addWidget(self.clear_button)
        choices_row = QHBoxLayout()
        choices_row.setSpacing(4)
        for widget in (
            self.status,
            self.sla,
            self.stage,
            self.region,
            self.vertical,
            self.profile,
            self.engagement,
        ):
            choices_row.addWidget(widget)
        choices_row.addStretch(1)
        layout.addLayout(search_row)
        layout.addLayout(choices_row)

        for button in self._choices():
            button.changed.connect(self.filter_changed)
        self.dates.toggled.connect(self._on_dates_toggled)
        self.date_from.dateChanged.connect(self._on_date_changed)
        self.date_to.dateChanged.connect(self._on_date_changed)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)

    def _choices(self) -> tuple[ChoiceButton, ...]:  # type: ignore[type-arg]
        return (
            self.status,
            self.stage,
            self.region,
            self.vertical,
            self.profile,
            self.engagement,
            self.sla,
        )

    def queue_filter(self) -> QueueFilter:
        arrived_from = arrived_to = None
        if self.dates.isChecked():
            arrived_from = _start_of(self.date_from.date())
            arrived_to = _start_of(self.date_to.date()) + timedelta(days=1)
        return QueueFilter(
            statuses=frozenset(InquiryStatus(v) for v in self.status.selected()),
            stages=frozenset(FundingStage(v) for v in self.stage.selected()),
            regions=frozenset(Region(v) for v in self.region.selected()),
            verticals=frozenset(Vertical(v) for v in self.vertical.selected()),
            profiles=frozenset(ServiceProfile(v) for v in self.profile.selected()),
            engagement_types=frozenset(EngagementType(v) for v in self.engagement.selected()),
            sla_states=frozenset(SlaState(v) for v in self.sla.selected()),
            arrived_from=arrived_from,
            arrived_to=arrived_to,
            search=self.search.text(),
        )

    def set_queue_filter(self, queue_filter: QueueFilter) -> None:
        """Show ``queue_filter``'s bar-level conditions, emitting one change."""
        self.blockSignals(True)
        try:
            self.status.set_selected(queue_filter.statuses)
            self.stage.set_selected(queue_filter.stages)
            self.region.set_selected(queue_filter.regions)
            self.vertical.set_selected(queue_filter.verticals)
            self.profile.set_selected(queue_filter.profiles)
            self.engagement.set_selected(queue_filter.engagement_types)
            self.sla.set_selected(queue_filter.sla_states)
            has_dates = queue_filter.arrived_from is not None or queue_filter.arrived_to is not None
            if queue_filter.arrived_from is not None:
                self.date_from.setDate(_qdate(queue_filter.arrived_from))
            if queue_filter.arrived_to is not None:
                self.date_to.setDate(_qdate(queue_filter.arrived_to - timedelta(days=1)))
            self.dates.setChecked(has_dates)
            self.search.setText(queue_filter.search)
            self._debounce.stop()
        finally:
            self.blockSignals(False)
        self.filter_changed.emit()

    def clear(self) -> None:
        self.set_queue_filter(QueueFilter())

    def _on_clear_button_clicked(self) -> None:
        self.cleared.emit()
        self.clear()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _on_search_text_changed(self, _text: str) -> None:
        self._debounce.start()

    def _on_search_return_pressed(self) -> None:
        if self._debounce.isActive():
            self._debounce.stop()
            self.filter_changed.emit()

    def _on_dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.filter_changed.emit()

    def _on_date_changed(self, _date: QDate) -> None:
        if self.dates.isChecked():
            self.filter_changed.emit()


def _start_of(date: QDate) -> datetime:
    return datetime.combine(date.toPython(), time())  # type: ignore[arg-type]


def _qdate(moment: datetime) -> QDate:
    return QDate(moment.year, moment.month, moment.day)
