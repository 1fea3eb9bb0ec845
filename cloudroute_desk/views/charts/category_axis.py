"""An axis of named categories (states, months) that thins its labels so they never overlap."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QFontMetrics

LABEL_GAP_PX = 14


class CategoryAxis(pg.AxisItem):  # type: ignore[misc]
    """Ticks at 0, 1, 2, ... labelled from ``labels``; every k-th one when space is short."""

    def __init__(self, orientation: str = "bottom", **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self._labels: list[str] = []

    def set_labels(self, labels: Sequence[str]) -> None:
        self._labels = list(labels)
        self.picture = None
        self.update()

    @property
    def labels(self) -> list[str]:
        return list(self._labels)

    def stride(self, size: float) -> int:
        """Show every ``stride``-th label so the widest labels fit in ``size`` pixels."""
        if not self._labels or size <= 0:
            return 1
        metrics = QFontMetrics(self.style.get("tickFont") or self.font())
        widest = max(metrics.horizontalAdvance(label) for label in self._labels) + LABEL_GAP_PX
        return max(1, math.ceil(len(self._labels) * widest / size))

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:  # noqa: N803
        if not self._labels:
            return []
        step = self.stride(size)
        shown = [
            float(i) for i in range(0, len(self._labels), step) if minVal - 0.5 <= i <= maxVal + 0.5
        ]
        return [(1.0, shown)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        strings = []
        for value in values:
            index = round(value)
            strings.append(self._labels[index] if 0 <= index < len(self._labels) else "")
        return strings
