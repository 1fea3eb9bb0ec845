"""Labels made by ``views.plain_text`` show markup-looking text as typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from cloudroute_desk.views.plain_text import plain_label

HOSTILE = '<b>Acme</b> <img src="file:///etc/passwd"> <a href="https://evil.example">x</a>'


def test_markup_is_shown_as_typed_not_drawn(qtbot: QtBot) -> None:
    label = plain_label(HOSTILE)
    qtbot.addWidget(label)
    rich = QLabel(HOSTILE)  # what a bare QLabel does with the same text
    qtbot.addWidget(rich)
    assert label.textFormat() is Qt.TextFormat.PlainText
    assert label.text() == HOSTILE
    # Drawn as text, the tags take room; drawn as markup, they vanish (and the link is live).
    assert label.fontMetrics().horizontalAdvance("<img") > 0
    assert label.sizeHint().width() > rich.sizeHint().width()


def test_selectable_and_bold_are_asked_for(qtbot: QtBot) -> None:
    plain = plain_label("a")
    chosen = plain_label("b", selectable=True, bold=True)
    qtbot.addWidget(plain)
    qtbot.addWidget(chosen)
    selectable = Qt.TextInteractionFlag.TextSelectableByMouse
    assert not plain.textInteractionFlags() & selectable
    assert chosen.textInteractionFlags() & selectable
    assert chosen.font().bold() and not plain.font().bold()
    assert plain.wordWrap() and chosen.wordWrap()
