"""The "why" view: every factor behind one partner's place in the ranking, or its exclusion."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.domain.formatting import THRESHOLD_LABEL, money, percent
from cloudroute_desk.domain.routing.values import AXIS_LABELS, ExcludedPartner, RankedPartner
from cloudroute_desk.views.plain_text import plain_label


class WhyView(QWidget):
    AXIS_HEADERS = ("Axis", "This inquiry", "Close rate · n", "Estimate")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = plain_label(selectable=True)
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title_label.setFont(font)
        self.summary_label = plain_label(selectable=True)
        self.review_label = plain_label(selectable=True)
        """The partner's Partner Central review figures and how fresh they are."""
        self.review_label.setObjectName("whyReview")
        self.axes_table = QTableWidget(0, len(self.AXIS_HEADERS))
        self.axes_table.setHorizontalHeaderLabels(list(self.AXIS_HEADERS))
        self.axes_table.verticalHeader().hide()
        self.axes_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.axes_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.axes_table.verticalHeader().setDefaultSectionSize(
            self.axes_table.fontMetrics().height() + 6
        )
        self.axes_table.setMinimumWidth(380)
        self.reasons_label = plain_label(selectable=True)
        self.reasons_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        reasons_scroll = QScrollArea()
        reasons_scroll.setWidgetResizable(True)
        reasons_scroll.setFrameShape(QFrame.Shape.NoFrame)
        reasons_scroll.setWidget(self.reasons_label)
        body = QHBoxLayout()
        body.addWidget(self.axes_table, 2)
        body.addWidget(reasons_scroll, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.review_label)
        layout.addLayout(body, 1)
        self.show_partner(None)

    def show_review(self, text: str) -> None:
        """The shown partner's Partner Central review line (loaded after the partner)."""
        self.review_label.setText(text)
        self.review_label.setVisible(bool(text))

    def show_partner(self, partner: RankedPartner | ExcludedPartner | None) -> None:
        self.show_review("")
        if partner is None:
            self.title_label.setText("Select a partner to see why it ranks where it does.")
            self.summary_label.clear()
            self.axes_table.setRowCount(0)
            self.axes_table.hide()
            self.reasons_label.clear()
        elif isinstance(partner, ExcludedPartner):
            self._show_excluded(partner)
        else:
            self._show_ranked(partner)

    def _show_excluded(self, partner: ExcludedPartner) -> None:
        self.title_label.setText(f"Why {partner.partner_name} is excluded")
        self.summary_label.setText(f"{partner.tier.value} partner. Failed gates:")
        self.axes_table.setRowCount(0)
        self.axes_table.hide()
        reasons = partner.all_reasons or (partner.reason,)
        self.reasons_label.setText("\n".join(f"• {reason}" for reason in reasons))

    def _show_ranked(self, partner: RankedPartner) -> None:
        side = "above" if partner.above_threshold else "below"
        self.title_label.setText(
            f"Why {partner.partner_name} is #{partner.rank} — score {money(partner.score)}"
        )
        review = " · faster Premier review" if partner.faster_review else ""
        self.summary_label.setText(
            f"{partner.tier.value}{review} · close estimate "
            f"{percent(partner.close_estimate)} ({side} the {THRESHOLD_LABEL} threshold) · "
            f"expected {money(partner.expected_award_usd)} in {partner.expected_days:.1f} days · "
            f"load {partner.load}/{partner.capacity} · "
            f"region {'matches' if partner.region_match else 'does not match'}"
        )
        self.axes_table.show()
        self.axes_table.setRowCount(len(partner.axes))
        for row, rate in enumerate(partner.axes):
            cells = (
                AXIS_LABELS.get(rate.axis, rate.axis),
                rate.value,
                rate.label,
                percent(rate.estimate),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.axes_table.setItem(row, column, item)
        self.axes_table.resizeColumnsToContents()
        self.reasons_label.setText("\n".join(f"• {reason}" for reason in partner.reasons))
