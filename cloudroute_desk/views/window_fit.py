"""Keeping the main window on the admin's screen: its minimum, default and restored geometry.

The window's minimum size is set explicitly, so no child's size hint (a long status text,
the Why view, a banner) can ever make the top-level grow past the screen; panes shrink,
elide or scroll inside it instead.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

MINIMUM_SIZE = QSize(1000, 600)
"""Fits 1024×640 with room for a window frame; the panes are laid out to work at this size."""
PREFERRED_SIZE = QSize(1440, 900)


def available_area(window: QWidget) -> QRect:
    """The screen area the window may use (the screen it is on, minus task bars)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)


def frame_margins(window: QWidget) -> QSize:
    """Title bar and borders around the client area (zero before the window is shown)."""
    frame, inner = window.frameGeometry(), window.geometry()
    return QSize(max(frame.width() - inner.width(), 0), max(frame.height() - inner.height(), 0))


def fitted_rect(wanted: QRect, area: QRect, frame: QSize) -> QRect:
    """``wanted`` (client geometry) shrunk and moved so that it and its frame lie in ``area``."""
    width = max(min(wanted.width(), area.width() - frame.width()), 1)
    height = max(min(wanted.height(), area.height() - frame.height()), 1)
    left = min(max(wanted.left(), area.left()), area.right() + 1 - width - frame.width())
    top = min(max(wanted.top(), area.top()), area.bottom() + 1 - height - frame.height())
    return QRect(max(left, area.left()), max(top, area.top()), width, height)


def fit_to_screen(window: QWidget) -> None:
    """Shrink and move ``window`` so that all of it, frame included, is on its screen."""
    area = available_area(window)
    fitted = fitted_rect(window.geometry(), area, frame_margins(window))
    if fitted != window.geometry():
        window.setGeometry(fitted)


def default_geometry(window: QWidget) -> QRect:
    """The preferred size, or the screen's available area if that is smaller, centred."""
    area = available_area(window)
    # Before the first show the frame is unknown: leave room for a typical title bar.
    frame = QSize(16, 40)
    size = QSize(
        min(PREFERRED_SIZE.width(), area.width() - frame.width()),
        min(PREFERRED_SIZE.height(), area.height() - frame.height()),
    )
    rect = QRect(0, 0, size.width(), size.height())
    rect.moveCenter(area.center())
    return fitted_rect(rect, area, frame)
