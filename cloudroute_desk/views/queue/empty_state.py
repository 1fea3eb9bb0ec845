"""What the queue shows when the database has no inquiries at all: the two ways to start."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyQueue(QWidget):
    import_requested = Signal()
    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyQueue")
        title = QLabel("No inquiries yet")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        title.setFont(font)
        text = QLabel(
            "Import your startups' inquiries from a CSV or JSON file, or open the demo "
            "database to look around first."
        )
        text.setWordWrap(True)
        self.import_button = QPushButton("Import inquiries…")
        self.import_button.setDefault(True)
        self.demo_button = QPushButton("Open the demo")
        self.demo_button.setToolTip("A generated database with 20,000 inquiries and 400 partners")
        self.import_button.clicked.connect(self.import_requested)
        self.demo_button.clicked.connect(self.demo_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (title, text, self.import_button, self.demo_button):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
            if isinstance(widget, QLabel):
                widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
                widget.setTextFormat(Qt.TextFormat.PlainText)
        layout.addStretch(2)
