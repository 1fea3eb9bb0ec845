"""An axis of named categories (states, months) whose labels never overlap.

A label too wide for its slot wraps onto two lines at a space ("Submitted (99.7%)", "Jan 24"),
so every category keeps its label at ordinary sizes; only when even the wrapped labels cannot
fit (years of months in a narrow window) does the axis label every k-th category.
"""

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
        """New labels redraw the axis; the same ones keep its cached drawing."""
        if list(labels) == self._labels:
            return
        self._labels = list(labels)
        self.picture = None
        self.update()

    @property
    def labels(self) -> list[str]:
        return list(self._labels)

    def _metrics(self) -> QFontMetrics:
        return QFontMetrics(self.style.get("tickFont") or self.font())

    def stride(self, size: float) -> int:
        """Show every ``stride``-th label so the widest (wrapped) labels fit in ``size`` px."""
        if not self._labels or size <= 0:
            return 1
        metrics = self._metrics()
        slot = size / len(self._labels)
        widest = max(
            _width(metrics, _wrapped(metrics, label, slot - LABEL_GAP_PX)) for label in self._labels
        )
        return max(1, math.ceil(len(self._labels) * (widest + LABEL_GAP_PX) / size))

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:  # noqa: N803
        if not self._labels:
            return []
        step = self.stride(size)
        self._slot = size * step / len(self._labels)
        shown = [
            float(i) for i in range(0, len(self._labels), step) if minVal - 0.5 <= i <= maxVal + 0.5
        ]
        return [(1.0, shown)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        metrics = self._metrics()
        room = getattr(self, "_slot", 0.0) - LABEL_GAP_PX
        strings = []
        for value in values:
            index = round(value)
            label = self._labels[index] if 0 <= index < len(self._labels) else ""
            strings.append(_wrapped(metrics, label, room) if room > 0 else label)
        return strings


def _width(metrics: QFontMetrics, text: str) -> int:
    return max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)


def _wrapped(metrics: QFontMetrics, label: str, room: float) -> str:
    """``label`` on one line if it fits in ``room`` px, else split at the space that makes
    the narrowest two lines."""
    if metrics.horizontalAdvance(label) <= room or " " not in label:
        return label
    words = label.split(" ")
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    first, second = min(
        splits, key=lambda pair: max(metrics.horizontalAdvance(part) for part in pair)
    )
    return f"{first}\n{second}"
