"""Labels for text that comes from users, files and servers: shown as typed, never as markup.

A QLabel guesses whether its text is rich text; a company named ``<b>Acme</b>`` or an
import file with ``<img src=…>`` in it would then be drawn as markup. Every label that
shows such text is made here, so the rule lives in one place.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(
    text: str = "",
    parent: QWidget | None = None,
    *,
    selectable: bool = False,
    bold: bool = False,
) -> QLabel:
    """A wrapped plain-text label; ``selectable`` lets the admin copy its text."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    label.setText(text)
    return label
