"""The record's state, how Partner Central reads it, and one button per allowed transition."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cloudroute_desk.domain.catalog import (
    API_STAGE_AND_REVIEW,
    EDITABLE_STATES,
    RECORD_STATE_LABELS,
    RecordState,
)
from cloudroute_desk.domain.entities import AceRecordSummary
from cloudroute_desk.services.records import allowed_transitions

BUTTON_TEXT: dict[RecordState, str] = {
    RecordState.SUBMITTED: "Mark submitted",
    RecordState.VALIDATED: "Mark validated",
    RecordState.APPROVED: "Mark approved…",
    RecordState.DOWNGRADED: "Mark downgraded…",
    RecordState.REJECTED: "Mark rejected",
    RecordState.IDENTIFIED: "Back to draft",
    RecordState.LAUNCHED: "Mark launched",
    RecordState.CLOSED: "Mark closed",
}


class LifecycleBar(QWidget):
    transition_requested = Signal(object)
    """The RecordState the admin asked for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.state_label = QLabel()
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.state_label.font()
        font.setBold(True)
        self.state_label.setFont(font)
        self.api_label = QLabel()
        self.api_label.setTextFormat(Qt.TextFormat.PlainText)
        self.api_label.setWordWrap(True)
        layout.addWidget(self.state_label)
        layout.addWidget(self.api_label)
        # Two buttons a row: the Review side column is narrow on a laptop.
        self._buttons_row = QGridLayout()
        self._buttons_row.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._buttons_row)
        self.buttons: dict[RecordState, QPushButton] = {}
        self.hint = QLabel()
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.set_record(None, has_errors=False)

    def set_record(self, record: AceRecordSummary | None, *, has_errors: bool) -> None:
        for button in self.buttons.values():
            self._buttons_row.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        if record is None:
            self.state_label.setText("No record open")
            self.api_label.clear()
            self.hint.clear()
            return
        stage, review = API_STAGE_AND_REVIEW[record.state]
        self.state_label.setText(f"State: {RECORD_STATE_LABELS[record.state]}")
        lock = "" if record.state in EDITABLE_STATES else " · fields locked"
        self.api_label.setText(f"Partner Central: Stage “{stage}”, ReviewStatus “{review}”{lock}")
        for position, state in enumerate(allowed_transitions(record.state)):
            button = QPushButton(BUTTON_TEXT[state])
            if state is RecordState.IDENTIFIED:
                button.setToolTip("Back to draft: action required before it is submitted again")
            button.setObjectName(f"transition:{state.value}")
            button.clicked.connect(lambda _=False, s=state: self.transition_requested.emit(s))
            self._buttons_row.addWidget(button, position // 2, position % 2)
            self.buttons[state] = button
        self.set_has_errors(has_errors)

    def set_has_errors(self, has_errors: bool) -> None:
        submit = self.buttons.get(RecordState.SUBMITTED)
        if submit is None:
            self.hint.clear()
            return
        submit.setEnabled(not has_errors)
        self.hint.setText(
            "Fix the errors listed below to mark the record submitted; warnings do not block."
            if has_errors
            else ""
        )
        self.hint.setVisible(has_errors)
