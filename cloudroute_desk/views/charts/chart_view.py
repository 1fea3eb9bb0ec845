"""What every chart shares: a header with PNG/CSV export, a plot canvas, palette theming and
the click-to-queue signal. Subclasses draw their data in ``show_data`` and list it in
``csv_table``."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.chart_data import ChartFilter
from cloudroute_desk.views import file_dialogs
from cloudroute_desk.views.charts.axis_fit import fit_tick_labels
from cloudroute_desk.views.charts.bar_hits import BarHit, BarHits
from cloudroute_desk.views.charts.chart_theme import ChartTheme

EXPORT_SCALES = {1: "At screen size…", 2: "At 2× size, for slides…"}

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
        self.png_button = QPushButton("Export PNG")
        png_menu = QMenu(self.png_button)
        for scale, text in EXPORT_SCALES.items():
            action = png_menu.addAction(text)
            action.triggered.connect(lambda _=False, s=scale: self._on_png_chosen(s))
        self.png_button.setMenu(png_menu)
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.clicked.connect(self._on_csv_button_clicked)
        self.header = QHBoxLayout()
        self.header.addWidget(self.summary, 1)
        self.header.addWidget(self.png_button)
        self.header.addWidget(self.csv_button)

        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.ci.setContentsMargins(4, 4, 12, 4)
        self.canvas.installEventFilter(self)
        self.empty_label = QLabel("No data yet")
        self.empty_label.setObjectName("chartEmpty")
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self._body = QStackedLayout()
        self._body.addWidget(self.canvas)
        self._body.addWidget(self.empty_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self.header)
        layout.addLayout(self._body, 1)
        self.theme.style_widget(self.canvas)
        self.wide = False

    # ---- for subclasses -----------------------------------------------------------------

    def load_job(self, chart_filter: ChartFilter) -> Callable[[Database], Any]:
        raise NotImplementedError

    def show_data(self, data: Any, chart_filter: ChartFilter) -> None:
        raise NotImplementedError

    def csv_table(self) -> CsvTable:
        raise NotImplementedError

    def has_data(self) -> bool:
        """False when the loaded data has nothing to plot (then "No data yet" shows)."""
        return True

    # ---- empty state and hover ----------------------------------------------------------

    def show_empty_state(self) -> None:
        """After ``show_data``: the plots, or "No data yet" instead of empty 0–1 axes."""
        empty = not self.has_data()
        filtered = self.chart_filter != ChartFilter()
        self.empty_label.setText(
            "No data yet for these filters." if filtered and empty else "No data yet"
        )
        self._body.setCurrentWidget(self.empty_label if empty else self.canvas)
        self.png_button.setEnabled(not empty)

    @property
    def is_empty(self) -> bool:
        return self._body.currentWidget() is self.empty_label

    def hide_hover(self) -> None:
        for hits in self._hit_maps:
            hits.show_hover(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The hover label follows the mouse; when the mouse leaves, so does the label.
        if watched is self.canvas and event.type() == QEvent.Type.Leave:
            self.hide_hover()
        return super().eventFilter(watched, event)

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

    def settle_for_paint(self, sides: Sequence[str] = ("left", "bottom", "right", "top")) -> None:
        """Bring the scene to what the next paint will show, so that paint is the finished
        picture and the only one: the axes on ``sides`` sized for their new tick labels and
        the layouts applied (``axis_fit``), then what pyqtgraph otherwise works out while
        painting (each view box's transform, each item's bounds), whose changes would mark
        the items dirty and paint them all again. The last call of a draw, once every text
        that may change a size is set."""
        plots = [item for item in self.canvas.ci.items if isinstance(item, pg.PlotItem)]
        fit_tick_labels(plot.getAxis(side) for plot in plots for side in sides)
        scene = self.canvas.scene()
        scene.prepareForPaint()
        for item in scene.items():
            item.boundingRect()

    def watch_bars(self, plot: pg.PlotItem) -> BarHits:
        hits = BarHits(plot, self.canvas.scene(), self)
        hits.bar_clicked.connect(self._on_hits_bar_clicked)
        hits.set_colors(self.theme.foreground, self.theme.background)
        self._hit_maps.append(hits)
        return hits

    # ---- export -------------------------------------------------------------------------

    def export_png(self, path: str | Path, scale: int = 1) -> None:
        """The plots as a PNG, ``scale`` times the on-screen size (2 for slides), drawn
        sharp at that size (the plots are vector graphics), without the hover label."""
        self.hide_hover()
        ratio = self.canvas.devicePixelRatioF() * scale
        image = QImage(
            round(self.canvas.width() * ratio),
            round(self.canvas.height() * ratio),
            QImage.Format.Format_ARGB32,
        )
        image.setDevicePixelRatio(ratio)
        image.fill(self.theme.background)
        painter = QPainter(image)
        self.canvas.render(painter)
        painter.end()
        if not QPixmap.fromImage(image).save(str(path), "PNG"):
            raise OSError(f"Could not write {path}")

    def export_csv(self, path: str | Path) -> None:
        header, rows = self.csv_table()
        with Path(path).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)

    def _on_png_chosen(self, scale: int) -> None:
        suffix = "" if scale == 1 else f"@{scale}x"
        path, _ = QFileDialog.getSaveFileName(
            self,
            f"Export {self.title} as PNG",
            file_dialogs.start_path(f"{self.slug}{suffix}.png"),
            "PNG image (*.png)",
        )
        if file_dialogs.chosen(path):
            self.export_png(path, scale)

    def _on_csv_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            f"Export {self.title} as CSV",
            file_dialogs.start_path(f"{self.slug}.csv"),
            "CSV (*.csv)",
        )
        if file_dialogs.chosen(path):
            self.export_csv(path)

    # ---- signals and events -------------------------------------------------------------

    def _on_hits_bar_clicked(self, hit: BarHit) -> None:
        self.hide_hover()  # the queue takes over; a label left behind would look stuck
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
