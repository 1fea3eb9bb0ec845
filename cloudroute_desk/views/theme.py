"""Light and dark palettes, colours for states that read well on either, and the focus ring."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from cloudroute_desk.views.focus_ring import follow_focus


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


def dark_palette() -> QPalette:
    palette = QPalette()
    window, base, text = QColor(37, 38, 41), QColor(28, 29, 31), QColor(230, 230, 230)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor(44, 45, 48),
        QPalette.ColorRole.ToolTipBase: QColor(50, 50, 54),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor(140, 140, 140),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor(48, 49, 52),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor(255, 90, 90),
        QPalette.ColorRole.Link: QColor(110, 170, 255),
        QPalette.ColorRole.Highlight: QColor(47, 101, 202),
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
        QPalette.ColorRole.Mid: QColor(70, 70, 74),
        QPalette.ColorRole.Dark: QColor(20, 20, 22),
        QPalette.ColorRole.Light: QColor(80, 80, 84),
    }
    for role, color in roles.items():
        palette.setColor(role, color)
    disabled = QColor(120, 120, 120)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply_theme(app: QApplication, theme: Theme) -> None:
    app.setStyle("Fusion")
    follow_focus(app)  # the focus ring takes its colour from whichever palette is set below
    if theme is Theme.DARK:
        app.setPalette(dark_palette())
    elif theme is Theme.LIGHT:
        app.setPalette(app.style().standardPalette())
    else:
        app.setPalette(QPalette())


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def status_colors(palette: QPalette | None = None) -> dict[str, QColor]:
    """Foreground colours for ok / warning / error that keep contrast on the palette."""
    if is_dark(palette):
        return {
            "ok": QColor(120, 200, 130),
            "warning": QColor(240, 190, 90),
            "error": QColor(255, 120, 110),
            "muted": QColor(150, 150, 150),
        }
    return {
        "ok": QColor(25, 120, 45),
        "warning": QColor(165, 100, 0),
        "error": QColor(190, 30, 30),
        "muted": QColor(110, 110, 110),
    }
