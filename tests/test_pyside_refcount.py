"""Regression guard for the PySide6 pin (< 6.12).

PySide6 6.12.0 on CPython 3.11 drops a reference to ``None``/``True`` on every repaint, so the
interpreter aborts after ~1,000 chart repaints. Repainting a table view and a pyqtgraph plot
2,000 times must leave both reference counts where they were.
"""

from __future__ import annotations

import gc
import sys

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView

REPAINTS = 2_000


def test_repaints_do_not_leak_references_to_none_or_true(qtbot) -> None:
    model = QStandardItemModel(50, 6)
    for row in range(50):
        for column in range(6):
            model.setItem(row, column, QStandardItem(f"{row}:{column}"))
    table = QTableView()
    table.setModel(model)
    table.resize(600, 400)
    plot = pg.PlotWidget()
    plot.resize(600, 400)
    curve = plot.plot(np.arange(200), np.sin(np.arange(200) / 10))
    qtbot.addWidget(table)
    qtbot.addWidget(plot)
    table.show()
    plot.show()
    table.grab()
    plot.grab()
    gc.collect()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for step in range(REPAINTS):
        curve.setData(np.arange(200), np.sin((np.arange(200) + step) / 10))
        table.grab()
        plot.grab()
    gc.collect()
    # Objects left by earlier tests may be freed meanwhile and drop a few hundred references;
    # the bug drops at least one per repaint, so it cannot stay under half of REPAINTS.
    assert none_before - sys.getrefcount(None) < REPAINTS // 2
    assert true_before - sys.getrefcount(True) < REPAINTS // 2
