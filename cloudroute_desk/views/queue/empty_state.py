"""What the queue shows when the database has no inquiries at all: the two ways to start."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from cloudroute_desk.views.demo_first_use import DEMO_INQUIRIES, DEMO_PARTNERS


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
        self.demo_button.setToolTip(
            f"A generated database with {DEMO_INQUIRIES:,} inquiries and {DEMO_PARTNERS:,} "
            "partners (made on first use, with progress and Cancel)"
        )
        self.import_button.clicked.connect(self.import_requested)
        self.demo_button.clicked.connect(self.demo_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for label in (title, text):
            # Full width, text centred: a wrapped label given only its size hint's width
            # was cut off after two lines.
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
        for button in (self.import_button, self.demo_button):
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
