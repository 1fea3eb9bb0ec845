"""One small adapter per kind of form field: a widget, its value as the AceForm holds it, and
one ``edited`` signal. The form talks to these, never to the widgets' own APIs.

Long text uses QPlainTextEdit (QLineEdit silently stops at 32,767 characters). Picklists keep
a value that is not in their list (an imported record, an old vocabulary) visible and
selected, so the validator can flag it instead of the widget hiding it.

A picklist may be given a function that returns its choices instead of the choices: it is
called the first time the list is needed (a value set, the list opened), so building the
editor does not wait for the botocore service model that most picklists come from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QDate, QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFocusEvent, QShowEvent, QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.domain.formatting import NO_VALUE

MAX_USD = 2_000_000_000
CHECKLIST_ROWS = 5
"""Rows a checklist shows before it scrolls."""
T = TypeVar("T")


class _Lazy(Generic[T]):
    """Choices given now, or made by a function on first use."""

    def __init__(self, choices: Sequence[T] | Callable[[], Sequence[T]]) -> None:
        self._choices = choices
        self.taken = False

    def take(self) -> Sequence[T]:
        """The choices, the first time only (an empty sequence afterwards)."""
        if self.taken:
            return ()
        self.taken = True
        return self._choices() if callable(self._choices) else self._choices


class _OnDemandCombo(QComboBox):
    """Fills itself when it is first shown, opened or focused."""

    def __init__(self, fill: Callable[[], None]) -> None:
        super().__init__()
        self._fill = fill

    def showEvent(self, event: QShowEvent) -> None:
        self._fill()
        super().showEvent(event)

    def showPopup(self) -> None:
        self._fill()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._fill()
        super().focusInEvent(event)


class _OnDemandList(QListWidget):
    """Fills itself once it is shown and enabled (the form is disabled without a record)."""

    def __init__(self, fill: Callable[[], None]) -> None:
        super().__init__()
        self._fill = fill

    def _fill_if_usable(self) -> None:
        if self.isVisible() and self.isEnabled():
            self._fill()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fill_if_usable()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.EnabledChange:
            self._fill_if_usable()


class FieldEditor(QObject):
    edited = Signal()

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.widget = widget

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        return self.widget


class LineField(FieldEditor):
    def __init__(self, placeholder: str = "") -> None:
        self.line = QLineEdit()
        self.line.setPlaceholderText(placeholder)
        super().__init__(self.line)
        self.line.textEdited.connect(self.edited)

    def value(self) -> str:
        return self.line.text()

    def set_value(self, value: Any) -> None:
        if self.line.text() != value:
            with QSignalBlocker(self.line):
                self.line.setText(str(value))
                self.line.setCursorPosition(0)

    def set_read_only(self, read_only: bool) -> None:
        self.line.setReadOnly(read_only)


NO_DATE = QDate(2000, 1, 1)
"""The date picker's lowest date, shown as "Not set": the field is empty."""


class DateField(FieldEditor):
    """A calendar date picker with an empty state (an ISO ``YYYY-MM-DD`` string or "")."""

    def __init__(self) -> None:
        holder = QWidget()
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMinimumDate(NO_DATE)
        self.date.setSpecialValueText("Not set")
        self.date.setDate(NO_DATE)
        self.clear_button = QToolButton()
        self.clear_button.setText("✕")
        self.clear_button.setToolTip("Clear the date")
        self.clear_button.setAccessibleName("Clear the date")
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.date, 1)
        row.addWidget(self.clear_button)
        super().__init__(holder)
        self._text = ""
        self.date.dateChanged.connect(self._on_date_changed)
        self.clear_button.clicked.connect(lambda: self.date.setDate(NO_DATE))

    def focus_widget(self) -> QWidget:
        return self.date

    def _on_date_changed(self, date: QDate) -> None:
        self._text = "" if date == NO_DATE else date.toString(Qt.DateFormat.ISODate)
        self.date.setToolTip("")
        self.edited.emit()

    def value(self) -> str:
        return self._text

    def set_value(self, value: Any) -> None:
        text = str(value or "")
        date = QDate.fromString(text, Qt.DateFormat.ISODate) if text else NO_DATE
        with QSignalBlocker(self.date):
            self.date.setDate(date if date.isValid() else NO_DATE)
        # Text that is not a date (an imported record) stays the value, for the validator to
        # flag, until the admin picks a date.
        self._text = text
        self.date.setToolTip("" if date.isValid() else f"Stored value {text!r} is not a date")

    def set_read_only(self, read_only: bool) -> None:
        self.date.setReadOnly(read_only)
        self.clear_button.setEnabled(not read_only)


class TextField(FieldEditor):
    def __init__(self, lines: int = 4) -> None:
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        # Qt's default (break at a word, else anywhere) takes ~1 s to lay out a 100 kB paste
        # with no spaces and ~0.5 s per keystroke after it; word-only wrapping takes ~0.07 s.
        self.text.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        height = self.text.fontMetrics().lineSpacing() * lines + 12
        self.text.setMinimumHeight(height)
        self.text.setMaximumHeight(int(height * 1.5))
        super().__init__(self.text)
        self.text.textChanged.connect(self.edited)

    def value(self) -> str:
        return self.text.toPlainText()

    def set_value(self, value: Any) -> None:
        if self.text.toPlainText() != value:
            with QSignalBlocker(self.text):
                self.text.setPlainText(str(value))

    def set_read_only(self, read_only: bool) -> None:
        self.text.setReadOnly(read_only)


class MoneyField(FieldEditor):
    def __init__(self) -> None:
        self.spin = QSpinBox()
        self.spin.setRange(0, MAX_USD)
        self.spin.setPrefix("$ ")
        self.spin.setGroupSeparatorShown(True)
        self.spin.setSingleStep(1000)
        self.spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        super().__init__(self.spin)
        self.spin.valueChanged.connect(self.edited)

    def value(self) -> int:
        return int(self.spin.value())

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self.spin):
            self.spin.setValue(max(0, min(MAX_USD, int(value))))

    def set_read_only(self, read_only: bool) -> None:
        self.spin.setReadOnly(read_only)


class ChoiceField(FieldEditor):
    """A picklist: ``choices`` are (stored value, label) pairs, or a function making them."""

    def __init__(
        self, choices: Sequence[tuple[str, str]] | Callable[[], Sequence[tuple[str, str]]]
    ) -> None:
        self._choices = _Lazy(choices)
        self.combo = _OnDemandCombo(self._fill)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(16)
        if not callable(choices):
            self._fill()
        super().__init__(self.combo)
        self.combo.activated.connect(self._on_combo_activated)
        self._read_only = False
        self._current = self.value()

    def _fill(self) -> None:
        if self._choices.taken:
            return
        with QSignalBlocker(self.combo):
            current = self.combo.currentData()
            self.combo.clear()
            for value, label in self._choices.take():
                self.combo.addItem(label, value)
            if current is not None:
                self._select(str(current))

    def _select(self, value: str) -> None:
        index = self.combo.findData(value)
        if index < 0:
            # Unfilled, whether the value is in the list is not known yet (``_fill`` redoes it).
            known = self._choices.taken
            label = f"{value} (not in the list)" if value and known else value or NO_VALUE
            self.combo.addItem(label, value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def _on_combo_activated(self, _index: int) -> None:
        if self._read_only:
            self.set_value(self._current)
            return
        self._current = self.value()
        self.edited.emit()

    def value(self) -> str:
        data = self.combo.currentData()
        return "" if data is None else str(data)

    def set_value(self, value: Any) -> None:
        value = str(value)
        if self.combo.isVisible():
            self._fill()
        with QSignalBlocker(self.combo):
            self._select(value)
        self._current = value

    def set_read_only(self, read_only: bool) -> None:
        # A disabled combo cannot show its tooltip or be copied from; keep it enabled and
        # undo any change instead.
        self._read_only = read_only
        self.combo.setProperty("readOnly", read_only)


class ChecklistField(FieldEditor):
    """A multi-select picklist (delivery models, primary needs, sales activities), given its
    choices or a function that makes them, called once the list is shown and enabled."""

    def __init__(self, choices: Sequence[str] | Callable[[], Sequence[str]]) -> None:
        self._choices = _Lazy(choices)
        self._read_only = False
        self.list = _OnDemandList(self._fill)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        rows = CHECKLIST_ROWS if callable(choices) else min(len(choices), CHECKLIST_ROWS)
        probe = QListWidgetItem("Ag")
        self.list.addItem(probe)
        self.list.setFixedHeight(self.list.sizeHintForRow(0) * rows + 6)
        self.list.takeItem(0)
        if not callable(choices):
            self._fill()
        super().__init__(self.list)
        self.list.itemChanged.connect(self._on_list_item_changed)

    def _fill(self) -> None:
        """The choices first, then any value set before that is not one of them."""
        if self._choices.taken:
            return
        earlier = self.value()
        choices = list(self._choices.take())
        with QSignalBlocker(self.list):
            self.list.clear()
            for choice in [*choices, *(v for v in earlier if v not in choices)]:
                item = QListWidgetItem(choice)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.list.addItem(item)
        self.set_value(earlier)

    def _on_list_item_changed(self, _item: QListWidgetItem) -> None:
        self.edited.emit()

    def value(self) -> list[str]:
        return [
            self.list.item(row).text()
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def set_value(self, value: Any) -> None:
        wanted = [str(v) for v in value]
        if self.list.isVisible() and self.list.isEnabled():
            self._fill()
        with QSignalBlocker(self.list):
            present = {self.list.item(row).text() for row in range(self.list.count())}
            for extra in wanted:
                if extra not in present:
                    item = QListWidgetItem(extra)
                    self.list.addItem(item)
                    present.add(extra)
            for row in range(self.list.count()):
                item = self.list.item(row)
                flags = Qt.ItemFlag.ItemIsEnabled
                if not self._read_only:
                    flags |= Qt.ItemFlag.ItemIsUserCheckable
                item.setFlags(flags)
                checked = item.text() in wanted
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.set_value(self.value())


class LinesField(FieldEditor):
    """A list of (text, USD) lines: projected spend by service, the POC budget."""

    def __init__(self, text_key: str, amount_key: str, headers: tuple[str, str]) -> None:
        self._text_key = text_key
        self._amount_key = amount_key
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(120)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add line")
        self.remove_button = QPushButton("Remove line")
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        super().__init__(box)
        self.table.itemChanged.connect(self._on_table_item_changed)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)

    def focus_widget(self) -> QWidget:
        return self.table

    def _on_table_item_changed(self, _item: QTableWidgetItem) -> None:
        self.edited.emit()

    def _on_add_button_clicked(self) -> None:
        with QSignalBlocker(self.table):
            self._append("", 0)
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        self.edited.emit()

    def _on_remove_button_clicked(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row >= 0:
            self.table.removeRow(row)
            self.edited.emit()

    def _append(self, text: str, amount: int) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(text))
        amount_item = QTableWidgetItem()
        amount_item.setData(Qt.ItemDataRole.EditRole, int(amount))
        amount_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(row, 1, amount_item)

    def value(self) -> list[dict[str, Any]]:
        lines = []
        for row in range(self.table.rowCount()):
            text_item = self.table.item(row, 0)
            amount_item = self.table.item(row, 1)
            amount = amount_item.data(Qt.ItemDataRole.EditRole) if amount_item else 0
            try:
                amount_value = max(0, min(MAX_USD, int(amount or 0)))
            except (TypeError, ValueError):
                amount_value = 0
            lines.append(
                {
                    self._text_key: text_item.text() if text_item else "",
                    self._amount_key: amount_value,
                }
            )
        return lines

    def set_value(self, value: Any) -> None:
        if self.value() == [dict(v) for v in value]:
            return
        with QSignalBlocker(self.table):
            self.table.setRowCount(0)
            for line in value:
                self._append(str(line[self._text_key]), int(line[self._amount_key]))

    def set_read_only(self, read_only: bool) -> None:
        triggers = (
            QAbstractItemView.EditTrigger.NoEditTriggers
            if read_only
            else QAbstractItemView.EditTrigger.AllEditTriggers
        )
        self.table.setEditTriggers(triggers)
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)
