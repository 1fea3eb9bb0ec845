"""Axes that know their tick labels' size before they are painted.

A pyqtgraph axis learns how wide (left/right) or tall (top/bottom) its tick labels are only
while painting them: labels that do not fit its current size are left out of that paint, the
axis resizes itself, its plot is laid out again and everything is painted a second time. A
chart drawn into a fresh widget (its axes still sized for empty ranges) thus showed its first
frame without the count labels and then paid for a second layout and paint of every axis.
``fit_tick_labels`` lets the axes measure their new labels (pyqtgraph's own
``generateDrawSpecs``) and the layouts settle before the paint, so the first paint is the
finished chart. Call it last in a draw, after every text that may change a size is set."""

from __future__ import annotations

from collections.abc import Iterable

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QPainter, QPicture


def fit_tick_labels(axes: Iterable[pg.AxisItem]) -> None:
    """Size each of ``axes`` for the labels of its current range, then apply the layouts."""
    for axis in axes:
        if not axis.isVisible() or axis.picture is not None:
            continue  # a kept drawing means an unchanged range: nothing new to measure
        picture = QPicture()
        painter = QPainter(picture)
        if axis.style["tickFont"]:
            painter.setFont(axis.style["tickFont"])
        axis.generateDrawSpecs(painter)
        painter.end()
    # Size changes (these axes', a summary text's above the canvas) posted layout requests:
    # deliver them now, not after the paint; each round may post the next level's.
    for _round in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
