"""How a finished file job tells the admin what it did: a dialog with the counts in bold, a
plain explanation, one table row per line that needs reading, and Copy report; and the
warning box for a job that could not run at all. Shared by both imports and the Partner
Central sync, so every report reads and copies the same way."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.views.plain_text import plain_label

Cell = str | int
"""A report cell: text, or a number (shown right-aligned)."""


class ReportTable(QTableWidget):
    """Read-only rows of a report: columns fit their contents except the ``stretch`` one
    (the reason), which takes the rest of the width; cells in ``tooltip_columns`` repeat
    their text as a tooltip, for what the column is too narrow to show."""

    def __init__(
        self,
        columns: Sequence[str],
        parent: QWidget | None,
        *,
        stretch: int = -1,
        tooltip_columns: Collection[int] = (),
    ) -> None:
        super().__init__(0, len(columns), parent)
        self._tooltip_columns = frozenset(tooltip_columns)
        self.setHorizontalHeaderLabels(list(columns))
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        stretched = stretch % len(columns)
        for column in range(len(columns)):
            mode = QHeaderView.ResizeMode.ResizeToContents
            if column == stretched:
                mode = QHeaderView.ResizeMode.Stretch
            header.setSectionResizeMode(column, mode)

    def show_rows(self, rows: Sequence[Sequence[Cell]]) -> None:
        """Replace the rows; the table hides itself when there are none."""
        self.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            for column, cell in enumerate(cells):
                self.setItem(row, column, self._item(cell, column in self._tooltip_columns))
        self.setVisible(bool(rows))

    @staticmethod
    def _item(cell: Cell, tooltip: bool) -> QTableWidgetItem:
        item = QTableWidgetItem()
        item.setData(Qt.ItemDataRole.DisplayRole, cell)
        if isinstance(cell, int):
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if tooltip and cell != "":
            item.setToolTip(str(cell))
        return item


class ReportDialog(QDialog):
    """The result of one file: ``summary`` in bold, ``detail`` below it, the table (hidden
    when empty), and Copy report, which puts ``report_text`` on the clipboard."""

    def __init__(
        self,
        title: str,
        summary: str,
        detail: str,
        table: ReportTable,
        report_text: str,
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._report_text = report_text
        layout = QVBoxLayout(self)
        self.summary_label = plain_label(summary, self, selectable=True, bold=True)
        layout.addWidget(self.summary_label)
        self.detail_label = plain_label(detail, self, selectable=True)
        layout.addWidget(self.detail_label)
        self.table = table
        table.setParent(self)
        layout.addWidget(table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = buttons.addButton("Copy report", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 480 if table.rowCount() else 220)

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self._report_text)


def show_failure(window: QWidget, title: str, message: str) -> None:
    """A window-modal warning in plain text (the message may quote the file), closed by OK."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, window
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
