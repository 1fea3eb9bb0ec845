"""Chart colours taken from the widget's QPalette, so charts read in light and dark themes."""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGraphicsItem

from cloudroute_desk.domain.catalog import Pool
from cloudroute_desk.views.theme import is_dark

# Okabe-Ito hues (distinguishable with the common colour-vision deficiencies), with the blue
# lightened on dark backgrounds where the original falls under 3:1 contrast.
_POOL_LIGHT = {
    Pool.FOUNDERS_SELF_SERVE: "#8C8C8C",
    Pool.FOUNDERS: "#E69F00",
    Pool.PORTFOLIO: "#0072B2",
    Pool.BUILD_FOR_STARTUPS: "#009E73",
    Pool.BEDROCK_POC: "#CC79A7",
    Pool.MAP: "#D55E00",
}
_POOL_DARK = {**_POOL_LIGHT, Pool.PORTFOLIO: "#56B4E9", Pool.FOUNDERS_SELF_SERVE: "#B0B0B0"}


@dataclass(frozen=True)
class ChartTheme:
    background: QColor
    foreground: QColor
    muted: QColor
    grid_alpha: float
    accent: QColor
    warning: QColor
    band: QColor
    dark: bool

    @classmethod
    def from_palette(cls, palette: QPalette) -> ChartTheme:
        dark = is_dark(palette)
        foreground = palette.color(QPalette.ColorRole.WindowText)
        muted = QColor(foreground)
        muted.setAlpha(150)
        band = QColor(120, 200, 130, 60) if dark else QColor(40, 150, 60, 45)
        return cls(
            background=palette.color(QPalette.ColorRole.Base),
            foreground=foreground,
            muted=muted,
            grid_alpha=0.25 if dark else 0.2,
            accent=QColor("#56B4E9") if dark else QColor("#0072B2"),
            warning=QColor(255, 120, 110) if dark else QColor(190, 30, 30),
            band=band,
            dark=dark,
        )

    def pool_color(self, pool: Pool) -> QColor:
        return QColor((_POOL_DARK if self.dark else _POOL_LIGHT)[pool])

    def series_color(self, index: int) -> QColor:
        colours = list((_POOL_DARK if self.dark else _POOL_LIGHT).values())
        return QColor(colours[index % len(colours)])

    def style_plot(self, plot: pg.PlotItem) -> None:
        for name in ("left", "bottom", "right", "top"):
            axis = plot.getAxis(name)
            # Drawn from a pixmap until its range or style changes: replaying an axis's
            # recorded tick labels costs ~2 ms each on every repaint of the chart.
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            # Major and minor ticks only. pyqtgraph's third level adds a line every tenth
            # of a major step: 40 of a histogram's 51 grid lines, at 2 % opacity (unseen),
            # each blended across the plot into the axis's cache: about 4 ms per axis every
            # time its range changes, a fifth of a fresh Days chart's first draw.
            axis.setStyle(maxTickLevel=1)
            # No axis here has units, so pyqtgraph never applies an SI prefix; with the
            # feature on it still sets the label's HTML again on every range change (~400
            # times in a fresh Days chart's first draw).
            axis.enableAutoSIPrefix(False)
            axis.setPen(pg.mkPen(self.muted))
            axis.setTextPen(pg.mkPen(self.foreground))
            label = axis.labelText
            if label:
                axis.setLabel(label, units=axis.labelUnits, color=self.foreground.name())
        plot.showGrid(x=False, y=True, alpha=self.grid_alpha)
        title = plot.titleLabel.text
        if title:
            plot.setTitle(title, color=self.foreground.name(), size="10pt")

    def style_legend(self, legend: pg.LegendItem) -> None:
        legend.setLabelTextColor(self.foreground)
        # setLabelTextColor only records the colour; existing labels repaint on setText.
        for _sample, label in legend.items:
            label.setText(label.text, color=self.foreground)

    def style_widget(self, widget: pg.GraphicsLayoutWidget) -> None:
        widget.setBackground(self.background)
