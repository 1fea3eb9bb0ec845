"""Render the app icon, resources/icons/app.svg, into every platform's icon files.

Run from the project root after changing the SVG: ``python packaging/make_icons.py`` (needs
the ``bundle`` extra for Pillow). Writes, and the repository keeps:
- ``packaging/icons/hicolor/NxN/apps/cloudroute-desk.png``: the freedesktop sizes, for the
  Linux .desktop install (plus ``scalable/apps/cloudroute-desk.svg``);
- ``packaging/icons/cloudroute-desk.ico``: Windows, 16-256 px in one file;
- ``packaging/icons/cloudroute-desk.icns``: macOS, 16-1024 px in one file.

Qt renders the SVG (the same renderer the app uses for its window icon); Pillow writes the
.ico and .icns containers, whose layouts are easy to get subtly wrong by hand.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "resources" / "icons" / "app.svg"
OUT = ROOT / "packaging" / "icons"
NAME = "cloudroute-desk"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SOURCE)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from io import BytesIO

    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication(sys.argv[:1])
    hicolor = OUT / "hicolor"
    shutil.rmtree(hicolor, ignore_errors=True)
    for size in PNG_SIZES:
        folder = hicolor / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True)
        (folder / f"{NAME}.png").write_bytes(render(size))
    scalable = hicolor / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copyfile(SOURCE, scalable / f"{NAME}.svg")

    largest = Image.open(BytesIO(render(1024)))
    largest.save(OUT / f"{NAME}.ico", sizes=[(s, s) for s in ICO_SIZES])
    frames = [Image.open(BytesIO(render(size))) for size in ICNS_SIZES]
    frames[-1].save(OUT / f"{NAME}.icns", append_images=frames[:-1])
    print(f"wrote {len(PNG_SIZES)} PNG sizes, {NAME}.ico and {NAME}.icns to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
