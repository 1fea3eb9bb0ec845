"""The validator's findings as a list: the editor's summary, errors first.

The view supplies how a field path reads (``label_for``) and the palette's colours
(``color_for``) so this model holds no layout or theme knowledge. ``FIELD_ROLE`` gives the
finding's field path, which the editor focuses on click.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from cloudroute_desk.domain.findings import Finding, Severity

FIELD_ROLE = Qt.ItemDataRole.UserRole + 1
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def _identity(path: str) -> str:
    return path


class FindingsModel(QAbstractListModel):
    def __init__(
        self,
        label_for: Callable[[str], str] = _identity,
        color_for: Callable[[Severity], QColor] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._label_for = label_for
        self._color_for = color_for
        self._findings: list[Finding] = []

    def set_findings(self, findings: Sequence[Finding]) -> None:
        ordered = sorted(findings, key=lambda f: (not f.is_error,))
        if ordered == self._findings:
            return
        self.beginResetModel()
        self._findings = ordered
        self.endResetModel()

    def set_color_for(self, color_for: Callable[[Severity], QColor]) -> None:
        self._color_for = color_for
        if self._findings:
            self.dataChanged.emit(
                self.index(0), self.index(len(self._findings) - 1), [Qt.ItemDataRole.ForegroundRole]
            )

    @property
    def findings(self) -> list[Finding]:
        return list(self._findings)

    def error_count(self) -> int:
        return sum(1 for f in self._findings if f.is_error)

    def warning_count(self) -> int:
        return len(self._findings) - self.error_count()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._findings)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._findings):
            return None
        finding = self._findings[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            mark = "Error" if finding.is_error else "Warning"
            return f"{mark} · {self._label_for(finding.field)}: {finding.message}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{finding.field} ({finding.rule})"
        if role == Qt.ItemDataRole.ForegroundRole and self._color_for is not None:
            return self._color_for(finding.severity)
        if role == FIELD_ROLE:
            return finding.field
        if role == OBJECT_ROLE:
            return finding
        return None
