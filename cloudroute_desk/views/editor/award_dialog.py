"""What the reviewer granted, asked when a record is marked Approved or Downgraded."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from cloudroute_desk.domain.ace.award import Award
from cloudroute_desk.domain.catalog import POOLS, Pool, RecordState
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.entities import AceRecordSummary
from cloudroute_desk.domain.formatting import money
from cloudroute_desk.views.editor.fields import MAX_USD


class AwardDialog(QDialog):
    def __init__(
        self, record: AceRecordSummary, state: RecordState, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.state = state
        verb = "Approved" if state is RecordState.APPROVED else "Downgraded"
        self.setWindowTitle(f"Mark {verb.lower()}")
        layout = QFormLayout(self)
        note = QLabel(
            f"Requested {POOLS[record.pool].label}, {money(record.amount_requested_usd)}. "
            + (
                "A downgrade awards another pool or less than requested."
                if state is RecordState.DOWNGRADED
                else "An approval awards the requested pool, anywhere in its range."
            )
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        layout.addRow(note)
        self.amount = QSpinBox()
        self.amount.setRange(1, MAX_USD)
        self.amount.setPrefix("$ ")
        self.amount.setGroupSeparatorShown(True)
        self.amount.setSingleStep(1000)
        self.amount.setValue(max(1, record.amount_requested_usd))
        layout.addRow("Awarded amount", self.amount)
        self.pool = QComboBox()
        for pool, spec in POOLS.items():
            self.pool.addItem(spec.label, pool.value)
        self.pool.setCurrentIndex(self.pool.findData(record.pool.value))
        self.pool.setEnabled(state is RecordState.DOWNGRADED)
        layout.addRow("Awarded pool", self.pool)
        self.credited_on = QDateEdit()
        self.credited_on.setCalendarPopup(True)
        self.credited_on.setDisplayFormat("yyyy-MM-dd")
        today = utcnow().date()
        self.credited_on.setMaximumDate(QDate(today.year, today.month, today.day))
        self.credited_on.setDate(QDate(today.year, today.month, today.day))
        layout.addRow("Credits landed on", self.credited_on)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)

    def award(self) -> Award:
        qdate = self.credited_on.date()
        return Award(
            amount_usd=int(self.amount.value()),
            pool=Pool(self.pool.currentData()),
            credited_on=date(qdate.year(), qdate.month(), qdate.day()),
        )
