"""Focus is visible in both themes: the focus ring follows every control type the window uses
and is drawn in the theme's Highlight colour."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFocusFrame,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.views.focus_ring import FocusRing
from cloudroute_desk.views.theme import Theme, apply_theme


@pytest.fixture
def themed_app(qapp: QApplication) -> Iterator[QApplication]:
    style, palette = qapp.style().name(), qapp.palette()
    yield qapp
    ring = qapp.findChild(FocusRing, "focusRing")
    if ring is not None:
        ring.setParent(None)  # not found by the next apply_theme, then gone
        ring.deleteLater()
    qapp.setStyle(style)
    qapp.setPalette(palette)


def _controls() -> tuple[QWidget, list[QWidget]]:
    host = QWidget()
    layout = QVBoxLayout(host)
    table = QTableView()
    table.setModel(QStandardItemModel(3, 3, table))
    side_bar = QToolBar()
    side_button = QToolButton()
    side_button.setText("Triage")
    side_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    side_bar.addWidget(side_button)
    combo = QComboBox()
    combo.addItem("Any")
    controls: list[QWidget] = [
        QPushButton("Import inquiries…"),
        QCheckBox("Only past SLA"),
        combo,
        QLineEdit(),
        QDateEdit(),
        table,
        side_button,
    ]
    for control in (*controls[:-1], side_bar):
        layout.addWidget(control)
    return host, controls


@pytest.mark.parametrize("theme", [Theme.LIGHT, Theme.DARK])
def test_every_control_type_gets_a_ring_in_the_themes_highlight(
    qtbot, themed_app: QApplication, theme: Theme
) -> None:  # type: ignore[no-untyped-def]
    apply_theme(themed_app, theme)
    host, controls = _controls()
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    highlight = themed_app.palette().color(QPalette.ColorRole.Highlight)
    ring = themed_app.findChild(FocusRing, "focusRing")
    assert ring is not None
    for control in controls:
        control.setFocus()
        qtbot.waitUntil(lambda c=control: ring.frame is not None and ring.frame.widget() is c)
        frame = ring.frame
        assert isinstance(frame, QFocusFrame)
        qtbot.waitUntil(frame.isVisible)
        assert frame.palette().color(QPalette.ColorRole.WindowText) == highlight
        # The ring lies around the control, outside its own area.
        assert frame.geometry().contains(control.geometry())
