"""The selected inquiry in full: intake fields, spend, contacts, routing history, ACE records.

Everything a startup typed is shown through ``plain_label``: plain text, selectable, never a
live link, whatever it contains. A partner dragged onto the panel asks for assignment to the
inquiry shown (``partner_dropped``); the main window wires that to the assignment use-case.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import (
    INQUIRY_STATUS_LABELS,
    POOLS,
    RECORD_STATE_LABELS,
    end_reason_label,
)
from cloudroute_desk.domain.entities import Contact
from cloudroute_desk.domain.formatting import NO_VALUE, money
from cloudroute_desk.domain.queue_filter import sla_deadline, sla_view
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.models.partner_mime import decode_partner_drag
from cloudroute_desk.services import queue as queue_service
from cloudroute_desk.services.changes import ChangeKind, Changes
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.failures import failure_sentence
from cloudroute_desk.services.queue import InquiryDetail
from cloudroute_desk.views.plain_text import plain_label
from cloudroute_desk.views.queue.status_actions import StatusActions

DETAIL_JOB = "detail"
INTAKE_FIELDS = (
    "Website",
    "Funding stage",
    "Last round",
    "Lead investor",
    "Region",
    "Vertical",
    "Service profile",
    "Engagement",
    "Pools wanted",
    "Team size",
    "Current cloud",
    "Arrived",
    "Routing deadline",
    "Partner",
    "Assigned",
    "External id",
)
SHOWN_KINDS = (
    ChangeKind.INQUIRY_STATUS,
    ChangeKind.ASSIGNMENTS,
    ChangeKind.RECORDS_ADDED,
    ChangeKind.RECORD_FIGURES,
    ChangeKind.RECORD_STATES,
)


def _when(moment: datetime | None) -> str:
    return NO_VALUE if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def _contact(contact: Contact) -> str:
    parts = [contact.name, contact.title, contact.email, contact.phone]
    return "\n".join(p for p in parts if p) or NO_VALUE


class InquiryDetailPanel(QWidget):
    partner_dropped = Signal(int, int)
    """(inquiry id, partner id): a partner was dropped on the inquiry shown."""
    detail_loaded = Signal()
    changes_made = Signal(object)
    """``Changes`` of a status move made with the panel's buttons."""

    def __init__(self, executor: DbExecutor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._jobs = DbJobs(executor, self)
        self._inquiry_id: int | None = None
        self._detail: InquiryDetail | None = None
        self.setAcceptDrops(True)
        self.setObjectName("inquiryDetailPanel")
        self.setMinimumWidth(260)

        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setAccessibleName("Inquiry details")
        self.status_actions = StatusActions(executor, self)
        self.status_actions.changes_made.connect(self.changes_made)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(6, 6, 6, 0)
        for action in (self.status_actions.call_held_action, self.status_actions.decline_action):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        self.claim_label = plain_label("", self, selectable=True)
        self.claim_label.setObjectName("claimLabel")
        self.claim_label.setContentsMargins(8, 4, 8, 0)
        self.claim_label.hide()
        layout.addWidget(self.claim_label)
        layout.addWidget(self._scroll)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        self._message = plain_label("", holder, selectable=True)
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        holder_layout.addWidget(self._message, 1)
        self._content = self._build_content()
        holder_layout.addWidget(self._content)
        self._scroll.setWidget(holder)
        self._rendered_id: int | None = None
        self._show_message("Select an inquiry to see its details.")

    @property
    def inquiry_id(self) -> int | None:
        return self._inquiry_id

    @property
    def detail(self) -> InquiryDetail | None:
        return self._detail

    def show_inquiry(self, inquiry_id: int | None) -> None:
        self._inquiry_id = inquiry_id
        if inquiry_id is None:
            self._jobs.cancel(DETAIL_JOB)
            self.status_actions.set_inquiry(None, None)
            self._detail = None
            self._show_message("Select an inquiry to see its details.")
            return

        def job(database: Database) -> InquiryDetail | None:
            return queue_service.inquiry_detail(database, inquiry_id)

        self._jobs.read(job, on_done=self._on_detail, on_error=self._on_error, key=DETAIL_JOB)

    def show_claim(self, text: str | None) -> None:
        """Another admin is triaging this inquiry: say so above the details."""
        self.claim_label.setText(f"⚑ {text}" if text else "")
        self.claim_label.setVisible(bool(text))

    def apply_changes(self, changes: Changes) -> None:
        """Reload when something the panel shows about its inquiry changed (its status,
        routing history, or its records' pools, amounts and states; not a draft's text)."""
        shown = self._inquiry_id
        if shown is not None and changes.inquiries.touches(shown) and changes.has(*SHOWN_KINDS):
            self.show_inquiry(shown)

    # Drops ---------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._accept_partner(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._accept_partner(event)

    def _accept_partner(self, event: QDragMoveEvent) -> None:
        if self._inquiry_id is not None and decode_partner_drag(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        drag = decode_partner_drag(event.mimeData())
        if drag is None or self._inquiry_id is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.partner_dropped.emit(self._inquiry_id, drag.partner_id)

    # Rendering -----------------------------------------------------------------------------

    def _on_detail(self, detail: InquiryDetail | None) -> None:
        self._detail = detail
        inquiry = detail.inquiry if detail is not None else None
        self.status_actions.set_inquiry(
            inquiry.id if inquiry else None,
            inquiry.status if inquiry else None,
            inquiry.company_name if inquiry else "",
        )
        if detail is None:
            self._show_message("This inquiry no longer exists.")
        else:
            self._render(detail)
        self.detail_loaded.emit()

    def _on_error(self, error: BaseException) -> None:
        self._show_message(f"Could not load the inquiry: {failure_sentence(error)}")

    def _show_message(self, text: str) -> None:
        self._rendered_id = None
        self._message.setText(text)
        self._content.hide()
        self._message.show()

    def _render(self, detail: InquiryDetail) -> None:
        inquiry = detail.inquiry
        self._title.setText(inquiry.company_name)
        sla = sla_view(
            inquiry.status, inquiry.arrived_at, inquiry.assigned_at, self._jobs.executor.now()
        )
        self._status.setText(f"{INQUIRY_STATUS_LABELS[inquiry.status]} · SLA {sla.text}")
        self._same_customer.show_texts(
            [
                f"Same customer as inquiry #{other_id} ({why})"
                for other_id, why in detail.same_customer
            ]
        )
        for label, value in (
            ("Website", inquiry.website),
            ("Funding stage", inquiry.funding_stage.value),
            ("Last round", inquiry.last_round or NO_VALUE),
            ("Lead investor", inquiry.lead_investor or NO_VALUE),
            ("Region", inquiry.region.value),
            ("Vertical", inquiry.vertical.value),
            ("Service profile", inquiry.service_profile.value),
            ("Engagement", inquiry.engagement_type.value),
            ("Pools wanted", ", ".join(POOLS[p].label for p in inquiry.pools_wanted) or NO_VALUE),
            ("Team size", str(inquiry.team_size)),
            ("Current cloud", inquiry.current_cloud.value),
            ("Arrived", _when(inquiry.arrived_at)),
            ("Routing deadline", _when(sla_deadline(inquiry.arrived_at))),
            ("Partner", detail.partner_name or NO_VALUE),
            ("Assigned", _when(inquiry.assigned_at)),
            ("External id", inquiry.external_id or NO_VALUE),
        ):
            self._intake[label].setText(value)

        self._spend_box.setTitle(f"Projected monthly spend: {money(inquiry.monthly_spend_usd)}")
        self._spend.show_rows([(line.service, money(line.monthly_usd)) for line in inquiry.spend])
        self._technical.setText(_contact(inquiry.technical_contact))
        self._business.setText(_contact(inquiry.business_contact))

        history = []
        for entry in detail.assignments:
            state = "active" if entry.active else f"ended {_when(entry.ended_at)}"
            reason = f" ({end_reason_label(entry.end_reason)})" if entry.end_reason else ""
            score = f" · score {entry.score:.2f}" if entry.score is not None else ""
            history.append(
                (
                    _when(entry.assigned_at),
                    f"{entry.partner_name} by {entry.assigned_by}, {state}{reason}{score}",
                )
            )
        for event in detail.audit:
            who = f" · {event.partner_name}" if event.partner_name else ""
            history.append((_when(event.at), f"{event.kind} by {event.actor}{who}"))
        self._history.show_rows(history)

        records = []
        for record in detail.records:
            awarded = (
                f", awarded {money(record.amount_awarded_usd)}"
                if record.amount_awarded_usd is not None
                else ""
            )
            records.append(
                (
                    POOLS[record.pool].label,
                    f"{RECORD_STATE_LABELS[record.state]} · "
                    f"{detail.record_partner_names.get(record.partner_id, '')} · "
                    f"requested {money(record.amount_requested_usd)}{awarded}",
                )
            )
        self._records.show_rows(records)

        if self._rendered_id != inquiry.id:
            # Another inquiry starts at its top; the same one reloaded keeps the place.
            self._scroll.verticalScrollBar().setValue(0)
        self._rendered_id = inquiry.id
        self._message.hide()
        self._content.show()

    def _build_content(self) -> QWidget:
        """The labels every inquiry fills in, made once: showing another inquiry sets texts
        (a few ms) instead of building some 80 widgets (30-40 ms of GUI-thread CPU)."""
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        self._title = plain_label("", content, selectable=True)
        font = self._title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self._title.setFont(font)
        layout.addWidget(self._title)
        self._status = plain_label("", content, selectable=True)
        layout.addWidget(self._status)
        customers = QVBoxLayout()
        customers.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(customers)
        self._same_customer = _Lines(customers)

        intake = self._section(layout, "Intake")
        self._intake: dict[str, QLabel] = {}
        for label in INTAKE_FIELDS:
            self._intake[label] = plain_label("", selectable=True)
            intake.addRow(label, self._intake[label])
        self._spend_box, spend = self._box(layout, "Projected monthly spend")
        self._spend = _Rows(spend, "No spend lines.")
        contacts = self._section(layout, "Contacts")
        self._technical = plain_label("", selectable=True)
        self._business = plain_label("", selectable=True)
        contacts.addRow("Technical", self._technical)
        contacts.addRow("Business", self._business)
        self._history = _Rows(self._section(layout, "Routing history"), "Not routed yet.")
        self._records = _Rows(self._section(layout, "ACE records"), "No records filed.")
        layout.addStretch(1)
        return content

    def _section(self, layout: QVBoxLayout, title: str) -> QFormLayout:
        return self._box(layout, title)[1]

    def _box(self, layout: QVBoxLayout, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(box)
        return box, form


class _Lines:
    """A run of one-line labels of varying length, kept and reused: extra ones are hidden and
    emptied (so no text of an earlier inquiry lingers in a hidden label)."""

    def __init__(self, layout: QVBoxLayout) -> None:
        self._layout = layout
        self._labels: list[QLabel] = []

    def show_texts(self, texts: list[str]) -> None:
        while len(self._labels) < len(texts):
            label = plain_label("", selectable=True)
            self._layout.addWidget(label)
            self._labels.append(label)
        for number, label in enumerate(self._labels):
            shown = number < len(texts)
            label.setText(texts[number] if shown else "")
            label.setVisible(shown)


class _Rows:
    """A form section's rows of varying number (spend lines, history, records), made once and
    reused the same way; ``empty_text`` spans the section when there is no row."""

    def __init__(self, form: QFormLayout, empty_text: str) -> None:
        self._form = form
        self._empty = plain_label(empty_text, selectable=True)
        form.addRow(self._empty)
        self._pairs: list[tuple[QLabel, QLabel]] = []

    def show_rows(self, rows: list[tuple[str, str]]) -> None:
        while len(self._pairs) < len(rows):
            pair = plain_label("", selectable=True), plain_label("", selectable=True)
            self._form.addRow(*pair)
            self._pairs.append(pair)
        for number, (left, right) in enumerate(self._pairs):
            shown = number < len(rows)
            left.setText(rows[number][0] if shown else "")
            right.setText(rows[number][1] if shown else "")
            self._form.setRowVisible(left, shown)
        self._form.setRowVisible(self._empty, not rows)
