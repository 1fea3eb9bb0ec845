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
from cloudroute_desk.views.queue.status_actions import StatusActions

DETAIL_JOB = "detail"
SHOWN_KINDS = (
    ChangeKind.INQUIRY_STATUS,
    ChangeKind.ASSIGNMENTS,
    ChangeKind.RECORDS_ADDED,
    ChangeKind.RECORD_FIGURES,
    ChangeKind.RECORD_STATES,
)


def plain_label(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    label.setText(text)
    return label


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
        self.claim_label = plain_label("", self)
        self.claim_label.setObjectName("claimLabel")
        self.claim_label.setContentsMargins(8, 4, 8, 0)
        self.claim_label.hide()
        layout.addWidget(self.claim_label)
        layout.addWidget(self._scroll)
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
        holder = QWidget()
        layout = QVBoxLayout(holder)
        label = plain_label(text, holder)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(label)
        self._scroll.setWidget(holder)

    def _render(self, detail: InquiryDetail) -> None:
        inquiry = detail.inquiry
        holder = QWidget()
        layout = QVBoxLayout(holder)
        title = plain_label(inquiry.company_name, holder)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        sla = sla_view(
            inquiry.status, inquiry.arrived_at, inquiry.assigned_at, self._jobs.executor.now()
        )
        layout.addWidget(
            plain_label(f"{INQUIRY_STATUS_LABELS[inquiry.status]} · SLA {sla.text}", holder)
        )
        for other_id, why in detail.same_customer:
            layout.addWidget(plain_label(f"Same customer as inquiry #{other_id} ({why})", holder))

        intake = self._section(layout, "Intake")
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
            intake.addRow(label, plain_label(value))

        spend = self._section(
            layout, f"Projected monthly spend: {money(inquiry.monthly_spend_usd)}"
        )
        for line in inquiry.spend:
            spend.addRow(plain_label(line.service), plain_label(money(line.monthly_usd)))
        if not inquiry.spend:
            spend.addRow(plain_label("No spend lines."))

        contacts = self._section(layout, "Contacts")
        contacts.addRow("Technical", plain_label(_contact(inquiry.technical_contact)))
        contacts.addRow("Business", plain_label(_contact(inquiry.business_contact)))

        history = self._section(layout, "Routing history")
        for entry in detail.assignments:
            state = "active" if entry.active else f"ended {_when(entry.ended_at)}"
            reason = f" ({end_reason_label(entry.end_reason)})" if entry.end_reason else ""
            score = f" · score {entry.score:.2f}" if entry.score is not None else ""
            history.addRow(
                plain_label(_when(entry.assigned_at)),
                plain_label(f"{entry.partner_name} by {entry.assigned_by}, {state}{reason}{score}"),
            )
        for event in detail.audit:
            who = f" · {event.partner_name}" if event.partner_name else ""
            history.addRow(
                plain_label(_when(event.at)),
                plain_label(f"{event.kind} by {event.actor}{who}"),
            )
        if not detail.assignments and not detail.audit:
            history.addRow(plain_label("Not routed yet."))

        records = self._section(layout, "ACE records")
        for record in detail.records:
            awarded = (
                f", awarded {money(record.amount_awarded_usd)}"
                if record.amount_awarded_usd is not None
                else ""
            )
            records.addRow(
                plain_label(POOLS[record.pool].label),
                plain_label(
                    f"{RECORD_STATE_LABELS[record.state]} · "
                    f"{detail.record_partner_names.get(record.partner_id, '')} · "
                    f"requested {money(record.amount_requested_usd)}{awarded}"
                ),
            )
        if not detail.records:
            records.addRow(plain_label("No records filed."))
        layout.addStretch(1)
        self._scroll.setWidget(holder)

    def _section(self, layout: QVBoxLayout, title: str) -> QFormLayout:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(box)
        return form
