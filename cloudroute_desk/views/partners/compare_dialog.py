"""Two to four ranked partners side by side, one column each, one row per factor."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.domain.formatting import days, money, percent
from cloudroute_desk.domain.routing.values import AXES, AXIS_LABELS, RankedPartner
from cloudroute_desk.models.partner_ranking_model import axis_text
from cloudroute_desk.views.window_fit import fit_to_screen

MIN_COMPARED = 2
MAX_COMPARED = 4

Factor = tuple[str, Callable[[RankedPartner], str]]


def _axis_factor(axis: str) -> Callable[[RankedPartner], str]:
    return lambda partner: axis_text(partner, axis)


def _factors() -> list[Factor]:
    factors: list[Factor] = [
        ("Rank", lambda p: f"#{p.rank}"),
        ("Tier", lambda p: p.tier.value + (" (faster review)" if p.faster_review else "")),
        ("Score", lambda p: money(p.score)),
        ("Above threshold", lambda p: "yes" if p.above_threshold else "no"),
        ("Close estimate (profile)", lambda p: percent(p.close_estimate)),
        ("Decided records (12 mo.)", lambda p: str(p.decided)),
    ]
    for axis in AXES:
        factors.append((f"{AXIS_LABELS[axis]} close rate", _axis_factor(axis)))
    factors += [
        ("Region match", lambda p: "yes" if p.region_match else "no"),
        ("Expected credit landed", lambda p: money(p.expected_award_usd)),
        ("Expected days to credit", lambda p: days(p.expected_days)),
        ("Median days to credit", lambda p: days(p.median_days_to_credit)),
        ("Mean award", lambda p: money(p.mean_award_usd)),
        ("Load / capacity", lambda p: f"{p.load}/{p.capacity}"),
    ]
    return factors


FACTORS = _factors()


class CompareDialog(QDialog):
    def __init__(self, partners: Sequence[RankedPartner], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if not MIN_COMPARED <= len(partners) <= MAX_COMPARED:
            raise ValueError(f"compare {MIN_COMPARED}-{MAX_COMPARED} partners")
        self.setWindowTitle("Compare partners")
        ordered = sorted(partners, key=lambda p: p.rank)
        self.table = QTableWidget(len(FACTORS), len(ordered))
        self.table.setHorizontalHeaderLabels([p.partner_name for p in ordered])
        self.table.setVerticalHeaderLabels([name for name, _ in FACTORS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column, partner in enumerate(ordered):
            for row, (_name, value) in enumerate(FACTORS):
                item = QTableWidgetItem(value(partner))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(260 + 200 * len(ordered), 640)
        # Sized for a big screen; on a laptop it shrinks to fit and the table scrolls.
        fit_to_screen(self)

    def cell(self, factor: str, column: int) -> str:
        row = [name for name, _ in FACTORS].index(factor)
        item = self.table.item(row, column)
        return item.text() if item else ""
