"""The selected inquiry's key facts in two lines, for the Review workspace.

Review hides the queue and the detail panel, yet an admin checking a record needs to see what
the startup asked for (pools, stage, region, spend) and who holds it; this strip shows that,
from the detail the Triage detail panel already loaded (no second query).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from cloudroute_desk.domain.catalog import INQUIRY_STATUS_LABELS, POOLS
from cloudroute_desk.domain.queue_filter import sla_view
from cloudroute_desk.services.queue import InquiryDetail
from cloudroute_desk.views.elided_label import ElidedLabel


class InquiryFacts(QFrame):
    def __init__(self, clock: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        """The server's time (``DbExecutor.now``), so the SLA agrees with the stored times."""
        self.setObjectName("inquiryFacts")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.headline = ElidedLabel()
        font = self.headline.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.headline.setFont(font)
        self.facts = ElidedLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(2)
        layout.addWidget(self.headline)
        layout.addWidget(self.facts)
        self.show_detail(None)

    def show_detail(self, detail: InquiryDetail | None) -> None:
        if detail is None:
            self.headline.setText("No inquiry selected")
            self.facts.setText("Choose an inquiry in Triage (Ctrl+1); its records show here.")
            return
        inquiry = detail.inquiry
        sla = sla_view(inquiry.status, inquiry.arrived_at, inquiry.assigned_at, self._clock())
        self.headline.setText(
            f"#{inquiry.id} {inquiry.company_name} · {INQUIRY_STATUS_LABELS[inquiry.status]}"
            f" · SLA {sla.text}"
        )
        pools = ", ".join(POOLS[p].label for p in inquiry.pools_wanted) or "none"
        self.facts.setText(
            f"Wants {pools} · {inquiry.funding_stage.value} · {inquiry.region.value} · "
            f"{inquiry.vertical.value} · ${inquiry.monthly_spend_usd:,}/month · "
            f"partner: {detail.partner_name or 'not assigned'}"
        )
