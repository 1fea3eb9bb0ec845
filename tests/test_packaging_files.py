"""The files a desktop needs to list the bundle: a valid .desktop entry and AppStream
metainfo, and the icon generated at every platform's sizes."""

from __future__ import annotations

import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "com.cloudroute.desk.desktop"
METAINFO = PACKAGING / "com.cloudroute.desk.metainfo.xml"
ICONS = PACKAGING / "icons"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None,
    reason="desktop-file-validate is not installed (Debian: apt-get install desktop-file-utils)",
)
def test_the_desktop_entry_validates() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout


@pytest.mark.skipif(
    shutil.which("appstreamcli") is None,
    reason="appstreamcli is not installed (Debian: apt-get install appstream)",
)
def test_the_metainfo_validates() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--pedantic", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation was successful" in result.stdout and "pedantic" not in result.stdout


def test_desktop_entry_metainfo_and_icons_name_each_other() -> None:
    entry = dict(line.split("=", 1) for line in DESKTOP.read_text().splitlines() if "=" in line)
    component = ET.parse(METAINFO).getroot()
    assert component.findtext("launchable") == DESKTOP.name
    assert component.findtext("id") == DESKTOP.name.removesuffix(".desktop")
    assert component.findtext("icon") == entry["Icon"]
    assert component.findtext("provides/binary") == entry["Exec"]
    assert (ICONS / "hicolor" / "scalable" / "apps" / f"{entry['Icon']}.svg").read_bytes() == (
        ROOT / "resources" / "icons" / "app.svg"
    ).read_bytes()


@pytest.mark.parametrize("size", PNG_SIZES)
def test_each_freedesktop_size_is_a_png_of_that_size(size: int) -> None:
    image = QImage(str(ICONS / "hicolor" / f"{size}x{size}" / "apps" / "cloudroute-desk.png"))
    assert not image.isNull() and (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()


def test_the_windows_icon_holds_16_to_256_pixels() -> None:
    data = (ICONS / "cloudroute-desk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = {data[6 + 16 * i] or 256 for i in range(count)}
    assert {16, 32, 48, 256} <= sizes


def test_the_macos_icon_holds_16_to_1024_pixels() -> None:
    data = (ICONS / "cloudroute-desk.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    kinds, offset = set(), 8
    while offset < len(data):
        kind, length = (
            data[offset : offset + 4],
            struct.unpack(">I", data[offset + 4 : offset + 8])[0],
        )
        kinds.add(kind.decode("ascii"))
        offset += length
    # icp4 16 px, ic11 32 px@2x, ic07 128 px, ic08 256 px, ic09 512 px, ic10 1024 px.
    assert {"ic07", "ic08", "ic09", "ic10"} <= kinds


def test_the_spec_names_the_icons_and_ships_one_botocore_model() -> None:
    spec = (PACKAGING / "cloudroute-desk.spec").read_text()
    assert "icon=str(icon)" in spec and "cloudroute-desk.ico" in spec and ".icns" in spec
    assert 'BOTOCORE_SERVICE = "partnercentral-selling"' in spec
    from cloudroute_desk.domain.ace.api_model import SERVICE_NAME

    assert SERVICE_NAME == "partnercentral-selling"
