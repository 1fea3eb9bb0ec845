"""The start-up floor: a trivial PySide6 script that shows an empty QMainWindow, logs the
moment its first paint was handled (the same ``window shown``-style line the app writes) and
exits. ``bench/startup_bench.py`` runs it beside the app; nothing starts faster in Python+Qt."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QMainWindow


class FloorWindow(QMainWindow):
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        QTimer.singleShot(0, self._painted)

    def _painted(self) -> None:
        stamp = f"at={time.time():.4f} cpu={time.process_time():.3f}"
        print(f"floor painted {stamp}", file=sys.stderr, flush=True)
        QApplication.quit()


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = FloorWindow()
    window.resize(1440, 900)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
