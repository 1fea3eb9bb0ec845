"""The SLA cells' text colour per tone, picked from the palette in use.

The model paints them (``InquiryQueueModel.set_sla_colors``: a foreground role, and bold past
the SLA) rather than a delegate: a Python delegate runs for every SLA cell of every repaint.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from cloudroute_desk.domain.queue_filter import SlaTone
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


def sla_colors(palette: QPalette) -> dict[SlaTone, QColor]:
    return {tone: sla_color(tone, palette) for tone in SlaTone}
