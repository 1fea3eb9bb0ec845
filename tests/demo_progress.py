"""Finding the demo generation's progress dialog among the top-level widgets."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QProgressDialog


def visible_demo_dialog() -> QProgressDialog | None:
    for widget in QApplication.topLevelWidgets():
        if (
            isinstance(widget, QProgressDialog)
            and widget.objectName() == "demoProgressDialog"
            and widget.isVisible()
        ):
            return widget
    return None
