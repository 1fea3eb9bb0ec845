"""Paints SLA cells in a colour for their class, picked from the palette in use."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from cloudroute_desk.domain.queue_filter import SlaTone, SlaView
from cloudroute_desk.models.inquiry_queue_model import SLA_ROLE
from cloudroute_desk.views.theme import status_colors

_TONE_COLOR = {
    SlaTone.PLENTY: "ok",
    SlaTone.DUE_SOON: "warning",
    SlaTone.BREACHED: "error",
    SlaTone.NEUTRAL: "muted",
}


def sla_color(tone: SlaTone, palette: QPalette) -> QColor:
    """Readable on the palette's base colour, light or dark."""
    return status_colors(palette)[_TONE_COLOR[tone]]


class SlaDelegate(QStyledItemDelegate):
    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        view = index.data(SLA_ROLE)
        if not isinstance(view, SlaView):
            return
        if option.state & QStyle.StateFlag.State_Selected:
            return  # Highlighted text keeps its contrast on the selection colour.
        option.palette.setColor(QPalette.ColorRole.Text, sla_color(view.tone, option.palette))
        if view.tone is SlaTone.BREACHED:
            font = QFont(option.font)
            font.setBold(True)
            option.font = font
