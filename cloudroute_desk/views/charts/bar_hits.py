"""Hover and click on bars: pyqtgraph bars have no hit-testing, so each chart registers the
rectangle of every bar it draws with the value text and the queue request behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Qt, Signal
from PySide6.QtGui import QColor

from cloudroute_desk.domain.chart_data import QueueFilterRequest


@dataclass(frozen=True)
class BarHit:
    x0: float
    x1: float
    y0: float
    y1: float
    text: str
    """Exact values, shown on hover."""
    request: QueueFilterRequest | None
    """The queue items behind this bar, sent on click; None when the bar is not linked."""

    def contains(self, x: float, y: float) -> bool:
        low, high = sorted((self.y0, self.y1))
        return self.x0 <= x <= self.x1 and low <= y <= high

    @property
    def center(self) -> QPointF:
        return QPointF((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)


class BarHits(QObject):
    """Hit-testing for one plot: a hover label over the bar and a click signal.

    ``scene`` is the canvas's pyqtgraph ``GraphicsScene`` (it has the mouse signals); plots
    are not in a scene yet when their chart is built.
    """

    bar_clicked = Signal(object)
    """The ``BarHit`` under a left click."""

    def __init__(self, plot: pg.PlotItem, scene: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._plot = plot
        self._scene = scene
        self._hits: list[BarHit] = []
        self.label = pg.TextItem(anchor=(0.5, 1.0))
        self.label.setZValue(100)
        self.label.hide()
        plot.addItem(self.label, ignoreBounds=True)
        scene.sigMouseMoved.connect(self._on_scene_mouse_moved)
        scene.sigMouseClicked.connect(self._on_scene_mouse_clicked)

    @property
    def hits(self) -> list[BarHit]:
        return list(self._hits)

    def clear(self) -> None:
        self._hits.clear()
        self.label.hide()

    def add(self, hit: BarHit) -> None:
        self._hits.append(hit)

    def set_colors(self, foreground: QColor, background: QColor) -> None:
        fill = QColor(background)
        fill.setAlpha(230)
        self.label.setColor(foreground)
        self.label.fill = pg.mkBrush(fill)
        self.label.border = pg.mkPen(foreground)

    def hit_at(self, x: float, y: float) -> BarHit | None:
        for hit in reversed(self._hits):
            if hit.contains(x, y):
                return hit
        return None

    def show_hover(self, hit: BarHit | None) -> None:
        if hit is None:
            self.label.hide()
            return
        self.label.setText(hit.text)
        self.label.setPos((hit.x0 + hit.x1) / 2, max(hit.y0, hit.y1))
        self.label.show()

    def _view_point(self, scene_pos: QPointF) -> QPointF | None:
        if self._plot.scene() is None or not self._plot.sceneBoundingRect().contains(scene_pos):
            return None
        point: QPointF = self._plot.vb.mapSceneToView(scene_pos)
        return point

    def _on_scene_mouse_moved(self, scene_pos: QPointF) -> None:
        point = self._view_point(scene_pos)
        self.show_hover(None if point is None else self.hit_at(point.x(), point.y()))

    def _on_scene_mouse_clicked(self, event: object) -> None:
        button = getattr(event, "button", lambda: None)()
        if button != Qt.MouseButton.LeftButton:
            return
        point = self._view_point(event.scenePos())  # type: ignore[attr-defined]
        if point is None:
            return
        hit = self.hit_at(point.x(), point.y())
        if hit is not None and hit.request is not None:
            self.bar_clicked.emit(hit)
