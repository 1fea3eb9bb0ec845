"""A page that can move into its own top-level window and back (side-by-side work).

The content widget is reparented, not copied: there is still one editor, one autosave and one
draft per record, whichever window shows it. Closing the separate window brings it back.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class _PoppedWindow(QWidget):
    closing = Signal()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)


class PopOutHost(QWidget):
    popped_out = Signal(bool)
    """True when the content moved into its own window, False when it came back."""

    def __init__(self, content: QWidget, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.content = content
        self._title = title
        self._window: _PoppedWindow | None = None
        self._placeholder = QWidget(self)
        message = QLabel(f"{title} is open in its own window.", self._placeholder)
        message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        back = QPushButton("Bring it back here", self._placeholder)
        back.clicked.connect(self.bring_back)
        holder = QVBoxLayout(self._placeholder)
        holder.addStretch(1)
        holder.addWidget(message)
        holder.addWidget(back, 0, Qt.AlignmentFlag.AlignHCenter)
        holder.addStretch(1)
        self._placeholder.hide()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(content)
        self._layout.addWidget(self._placeholder)

    @property
    def is_popped_out(self) -> bool:
        return self._window is not None

    @property
    def window_widget(self) -> QWidget | None:
        return self._window

    def pop_out(self) -> QWidget:
        if self._window is not None:
            self._window.raise_()
            self._window.activateWindow()
            return self._window
        window = _PoppedWindow(self.window(), Qt.WindowType.Window)
        window.setWindowTitle(f"{self._title} — CloudRoute Desk")
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(window)
        layout.setContentsMargins(0, 0, 0, 0)
        self._layout.removeWidget(self.content)
        layout.addWidget(self.content)
        self.content.show()
        self._placeholder.show()
        window.closing.connect(self._on_window_closing)
        window.resize(max(self.width(), 900), max(self.height(), 600))
        self._window = window
        window.show()
        self.popped_out.emit(True)
        return window

    def bring_back(self) -> None:
        if self._window is not None:
            self._window.close()

    def _on_window_closing(self) -> None:
        if self._window is None:
            return
        self._window = None
        self.content.setParent(self)
        self._layout.insertWidget(0, self.content)
        self.content.show()
        self._placeholder.hide()
        self.popped_out.emit(False)
