"""What every chart shares: a header with PNG/CSV export, a plot canvas, palette theming and
the click-to-queue signal. Subclasses draw their data in ``show_data`` and list it in
``csv_table``."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.chart_data import ChartFilter
from cloudroute_desk.views.charts.bar_hits import BarHit, BarHits
from cloudroute_desk.views.charts.chart_theme import ChartTheme

CsvTable = tuple[Sequence[str], Sequence[Sequence[object]]]


class ChartView(QWidget):
    """One chart tab. ``load`` names the service call that fetches its data."""

    queue_filter_requested = Signal(object)
    """A ``QueueFilterRequest`` for the items behind a clicked bar or bin."""

    title = "Chart"
    slug = "chart"
    WIDE_RATIO = 2.4
    """Wider than this many times its height, stacked plots go side by side (a short dock)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = ChartTheme.from_palette(self.palette())
        self.chart_filter = ChartFilter()
        self._hit_maps: list[BarHits] = []

        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.png_button = QPushButton("Export PNG…")
        self.csv_button = QPushButton("Export CSV…")
        self.png_button.clicked.connect(self._on_png_button_clicked)
        self.csv_button.clicked.connect(self._on_csv_button_clicked)
        self.header = QHBoxLayout()
        self.header.addWidget(self.summary, 1)
        self.header.addWidget(self.png_button)
        self.header.addWidget(self.csv_button)

        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.ci.setContentsMargins(4, 4, 12, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self.header)
        layout.addWidget(self.canvas, 1)
        self.theme.style_widget(self.canvas)
        self.wide = False

    # ---- for subclasses -----------------------------------------------------------------

    def load_job(self, chart_filter: ChartFilter) -> Callable[[Database], Any]:
        raise NotImplementedError

    def show_data(self, data: Any, chart_filter: ChartFilter) -> None:
        raise NotImplementedError

    def csv_table(self) -> CsvTable:
        raise NotImplementedError

    def apply_theme(self) -> None:
        """Restyle plots after a palette change; subclasses redraw their data."""

    def stacked_plots(self) -> Sequence[pg.PlotItem]:
        """The plots that stand one under the other, or side by side when ``wide``."""
        return ()

    def arrange(self) -> None:
        """Place ``stacked_plots`` for the current shape; charts with a grid override this."""
        plots = self.stacked_plots()
        layout = self.canvas.ci
        for plot in plots:
            if plot.scene() is not None:
                layout.removeItem(plot)
        for position, plot in enumerate(plots):
            layout.addItem(plot, row=0 if self.wide else position, col=position if self.wide else 0)

    def watch_bars(self, plot: pg.PlotItem) -> BarHits:
        hits = BarHits(plot, self.canvas.scene(), self)
        hits.bar_clicked.connect(self._on_hits_bar_clicked)
        hits.set_colors(self.theme.foreground, self.theme.background)
        self._hit_maps.append(hits)
        return hits

    # ---- export -------------------------------------------------------------------------

    def export_png(self, path: str | Path) -> None:
        if not self.canvas.grab().save(str(path), "PNG"):
            raise OSError(f"Could not write {path}")

    def export_csv(self, path: str | Path) -> None:
        header, rows = self.csv_table()
        with Path(path).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)

    def _on_png_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export {self.title} as PNG", f"{self.slug}.png", "PNG image (*.png)"
        )
        if path:
            self.export_png(path)

    def _on_csv_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export {self.title} as CSV", f"{self.slug}.csv", "CSV (*.csv)"
        )
        if path:
            self.export_csv(path)

    # ---- signals and events -------------------------------------------------------------

    def _on_hits_bar_clicked(self, hit: BarHit) -> None:
        self.queue_filter_requested.emit(hit.request)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wide = self.width() > self.WIDE_RATIO * max(self.height(), 1)
        if wide != self.wide:
            self.wide = wide
            self.arrange()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.theme = ChartTheme.from_palette(self.palette())
            self.theme.style_widget(self.canvas)
            for hits in self._hit_maps:
                hits.set_colors(self.theme.foreground, self.theme.background)
            self.apply_theme()
        super().changeEvent(event)
