"""Two admins saved one record: show both versions field by field and let this admin choose.

Nothing has been overwritten when this dialog opens: the database holds theirs, the local
draft holds mine. "Keep mine" saves mine over their version; "Take theirs" drops my draft.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.services.records import EditConflict
from cloudroute_desk.views.editor.form_spec import label_for

SHOWN_CHARS = 300


def differences(mine: AceForm, theirs: AceForm) -> list[tuple[str, str, str]]:
    """(field path, mine, theirs) for every leaf value that differs, in form order."""
    out: list[tuple[str, str, str]] = []
    _diff(mine.model_dump(), theirs.model_dump(), "", out)
    return out


def _diff(a: Any, b: Any, path: str, out: list[tuple[str, str, str]]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a:
            _diff(a[key], b.get(key), f"{path}.{key}" if path else key, out)
        return
    if a != b:
        out.append((path, _shown(a), _shown(b)))


def _shown(value: Any) -> str:
    if isinstance(value, list):
        text = "; ".join(
            " ".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item)
            for item in value
        )
    else:
        text = str(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


class ConflictDialog(QDialog):
    KEEP_MINE = 1
    TAKE_THEIRS = 2
    KEEP_MINE_FOR_ALL = 3

    def __init__(
        self,
        mine: AceForm,
        conflict: EditConflict,
        parent: QWidget | None = None,
        *,
        more_to_come: bool = False,
    ):
        """``more_to_come``: other records wait for the same decision (the offline sync), so
        "Keep mine for all" is offered too."""
        super().__init__(parent)
        self.setWindowTitle("Someone else saved this record")
        self.choice = 0
        self.conflict = conflict
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{conflict} Nothing was overwritten. Choose which version to keep; "
            "the other is discarded."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        rows = differences(mine, conflict.theirs)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(
            ["Field", "Mine", f"Theirs ({conflict.updated_by or 'someone'})"]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, (path, mine_text, theirs_text) in enumerate(rows):
            for column, text in enumerate((label_for(path), mine_text, theirs_text)):
                item = QTableWidgetItem(text)
                item.setToolTip(path if column == 0 else text)
                self.table.setItem(row, column, item)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox()
        self.keep_button = QPushButton("Keep mine")
        self.theirs_button = QPushButton("Take theirs")
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.theirs_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.keep_button.clicked.connect(self._on_keep_button_clicked)
        self.theirs_button.clicked.connect(self._on_theirs_button_clicked)
        self.keep_all_button: QPushButton | None = None
        if more_to_come:
            self.keep_all_button = QPushButton("Keep mine for all")
            buttons.addButton(self.keep_all_button, QDialogButtonBox.ButtonRole.AcceptRole)
            self.keep_all_button.clicked.connect(self._on_keep_all_button_clicked)
        layout.addWidget(buttons)
        self.resize(760, 420)

    def _on_keep_button_clicked(self) -> None:
        self.choice = self.KEEP_MINE
        self.accept()

    def _on_keep_all_button_clicked(self) -> None:
        self.choice = self.KEEP_MINE_FOR_ALL
        self.accept()

    def _on_theirs_button_clicked(self) -> None:
        self.choice = self.TAKE_THEIRS
        self.accept()
