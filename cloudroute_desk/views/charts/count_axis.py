"""A value axis for counts: 1,500,000 on its ticks, not pyqtgraph's 1.5e+06.

pyqtgraph writes any tick of 10,000 or more with ``%g``, so a funnel of 1.4 million records
read "1e+06" and "1.5e+06", and 120000 had no separators. Whole-number ticks of that size get
grouped digits here; everything else is pyqtgraph's own spelling.
"""

from __future__ import annotations

import pyqtgraph as pg

GROUPED_FROM = 10_000
"""Where pyqtgraph switches to ``%g``."""


class CountAxis(pg.AxisItem):  # type: ignore[misc]
    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        plain: list[str] = super().tickStrings(values, scale, spacing)
        if spacing * scale < 1:
            return plain  # fractional steps: pyqtgraph's decimals
        return [
            f"{round(value * scale):,}" if abs(value * scale) >= GROUPED_FROM else text
            for value, text in zip(values, plain, strict=True)
        ]
