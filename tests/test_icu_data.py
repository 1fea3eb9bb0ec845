"""The bundle's smaller ICU data library (packaging/icu_data.py): which items go, that the
package format round-trips, and that Qt still sorts, cases and knows time zones with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "packaging"))
import icu_data  # noqa: E402

QT_LIB = Path(__import__("PySide6").__file__).parent / "Qt" / "lib"
ICU_DATA = next(iter(sorted(QT_LIB.glob("libicudata.so.*"))), None)
needs_icu_library = pytest.mark.skipif(
    not sys.platform.startswith("linux") or ICU_DATA is None or icu_data.toolchain_missing(),
    reason="Linux PySide6 with its own ICU, and objcopy and cc, are needed",
)


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("icudt73l/root.res", True),
        ("icudt73l/pool.res", True),
        ("icudt73l/res_index.res", True),
        ("icudt73l/en.res", True),
        ("icudt73l/en_US_POSIX.res", True),
        ("icudt73l/de.res", False),
        ("icudt73l/fil_PH.res", False),
        ("icudt73l/coll/root.res", True),
        ("icudt73l/coll/ucadata.icu", True),
        ("icudt73l/coll/de_.res", False),
        ("icudt73l/coll/de__PHONEBOOK.res", False),
        ("icudt73l/zone/zoneinfo64.res", True),
        ("icudt73l/zone/metaZones.res", True),
        ("icudt73l/zone/en_GB.res", True),
        ("icudt73l/zone/fr_CA.res", False),
        ("icudt73l/brkitr/line.brk", True),
        ("icudt73l/brkitr/cjdict.dict", False),
        ("icudt73l/ibm-1047_P100-1995.cnv", False),
        ("icudt73l/cnvalias.icu", True),
        ("icudt73l/uts46.nrm", True),
        ("icudt73l/curr/supplementalData.res", False),
        ("icudt73l/curr/root.res", True),
        ("icudt73l/curr/res_index.res", True),
        ("icudt73l/unit/en.res", False),
        ("icudt73l/supplementalData.res", True),
        ("icudt73l/likelySubtags.res", True),
    ],
)
def test_which_items_stay(name: str, kept: bool) -> None:
    assert icu_data.keep(name) is kept


def test_a_package_round_trips() -> None:
    header = b"\x20\x00\xda\x27" + b"\x14\x00\x00\x00\x00\x00\x02\x00CmnD" + b"\x01" * 16
    items = [("icudt73l/a.res", b"x" * 17), ("icudt73l/b/c.icu", b"y" * 32), ("icudt73l/d", b"")]
    blob = icu_data.write_package(header, items)
    read_header, read_items = icu_data.read_package(blob)
    assert read_header == header
    assert [name for name, _ in read_items] == [name for name, _ in items]
    # Items come back padded to 16 bytes (ICU's alignment), their content first.
    for (_, data), (_, back) in zip(items, read_items, strict=True):
        assert back[: len(data)] == data and len(back) % 16 == 0
    with pytest.raises(ValueError, match="ICU"):
        icu_data.read_package(b"\x20\x00\x00\x00" + bytes(28))


PROBE = """
import functools, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QCollator, QLocale, QTimeZone, QDateTime
words = ["zebra", "Äpfel", "apple", "école", "10", "9"]
c = QCollator(QLocale("en_US")); c.setNumericMode(True)
print(sorted(words, key=functools.cmp_to_key(c.compare)))
c = QCollator(QLocale("sv_SE"))
print(sorted(["b", "a"], key=functools.cmp_to_key(c.compare)))
print(QLocale("tr_TR").toUpper("istanbul"), QLocale("en_US").toUpper("straße"))
berlin = QTimeZone(b"Europe/Berlin")
winter = QDateTime.fromSecsSinceEpoch(1767225600)  # 2026-01-01 UTC
print(berlin.isValid(), berlin.offsetFromUtc(winter),
      berlin.displayName(QTimeZone.StandardTime, QTimeZone.LongName, QLocale("en_US")))
"""


@needs_icu_library
def test_qt_works_with_the_trimmed_library(tmp_path: Path) -> None:
    assert ICU_DATA is not None
    trimmed = tmp_path / ICU_DATA.name
    before, after = icu_data.trim(ICU_DATA, trimmed)
    assert after < before / 5
    assert trimmed.stat().st_size < ICU_DATA.stat().st_size / 4
    env = dict(os.environ, LD_PRELOAD=str(trimmed))
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=False
    )
    assert probe.returncode == 0, probe.stderr
    maps = subprocess.run(
        [sys.executable, "-c", "import PySide6.QtCore; print(open('/proc/self/maps').read())"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert str(trimmed) in maps, "the probe did not load the trimmed library"
    assert probe.stdout.splitlines() == [
        "['9', '10', 'Äpfel', 'apple', 'école', 'zebra']",
        "['a', 'b']",
        "İSTANBUL STRASSE",
        "True 3600 Central European Standard Time",
    ]
