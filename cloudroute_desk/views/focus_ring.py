"""A clear focus ring, in the palette's Highlight colour, around whichever control has focus.

Fusion's own focus cue is faint on check boxes and buttons, and it draws none after a mouse
click. One QFocusFrame follows the focus across the app instead of a style sheet (which would
replace Fusion's drawing of every widget it touches) or a Python QProxyStyle (which would run
Python for every primitive painted, the 1M-row queue's cells included): it paints a ring just
outside the focused widget, so buttons, check boxes, combo boxes, line and date edits, tables
and the side bar keep their look and gain the same cue in both themes.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QFocusFrame, QWidget


class FocusRing(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("focusRing")
        self.frame: QFocusFrame | None = None
        app.focusChanged.connect(self._follow)

    def _follow(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or new.parentWidget() is None:
            # A top-level window has no parent to draw the ring in.
            if self.frame is not None:
                self.frame.setWidget(None)  # type: ignore[arg-type]  # Qt takes nullptr: stop
            return
        if self.frame is not None and not shiboken6.isValid(self.frame):
            self.frame = None  # deleted with the parent it was drawn in
        if self.frame is None:
            # Made on first use: it needs a widget to live in, and it is reparented next
            # to whichever widget has focus (deleted with it if that parent goes).
            self.frame = QFocusFrame(new)
            self.frame.setObjectName("focusRingFrame")
            self.frame.destroyed.connect(self._forget_frame)
        palette = self.frame.palette()
        highlight = QApplication.palette().color(QPalette.ColorRole.Highlight)
        palette.setColor(QPalette.ColorRole.WindowText, highlight)
        self.frame.setPalette(palette)
        self.frame.setWidget(new)

    def _forget_frame(self) -> None:
        self.frame = None


def follow_focus(app: QApplication) -> FocusRing:
    """The app's one focus ring (installed once; later calls return it)."""
    existing = app.findChild(FocusRing, "focusRing")
    return existing if existing is not None else FocusRing(app)
