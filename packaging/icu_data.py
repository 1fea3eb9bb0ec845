"""A smaller ICU data library for the Linux bundle: ``libicudata`` without what Qt never reads.

PySide6's Qt links ICU, and ICU's data library (``libicudata.so.NN``, 32 MB) is one blob, an
ICU "common data" package, holding every locale's collation, time-zone names, currencies,
units, break dictionaries and ~230 legacy character-set tables. The app is English only and
Qt decodes UTF-8/16/32 and Latin-1 itself, so what it can use from ICU is the root and
English data plus the locale-independent tables (normalisation, properties, collation root,
time-zone rules). Locale data for other languages falls back to root inside ICU (a German
user's sort order and zone names come out as root's / English), which is what an
English-only app shows anyway.

``trim(library, output)`` writes a library with the same soname and data symbol holding the
filtered package. It needs the GNU toolchain (``objcopy`` to read the blob, ``cc`` to link
the new library); :func:`toolchain_missing` says which tool is absent, and the spec then
ships ICU's data whole. The package format: a header (its size in the first two bytes),
then ``count`` and ``count`` pairs of (name offset, data offset) relative to the table, the
names, then the items, each 16-byte aligned; the table is sorted by name (ICU searches it).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

LOCALE_FILE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*\.res$")
"""A per-locale resource bundle (de.res, coll/de_.res, zone/fr_CA.res); root.res is not one."""
ALWAYS_KEPT = ("root.res", "pool.res", "res_index.res")
"""Each tree's fallback data, shared strings and list of locales."""
UNUSED_KINDS = (".cnv", ".dict")
"""Legacy character-set tables and CJK/Thai/Khmer word-break dictionaries."""
UNUSED_TREES = ("curr", "lang", "rbnf", "region", "translit", "unit")
"""Currency, language and region names, spelled-out numbers, transliteration, units: Qt
formats numbers, dates and language names from its own CLDR tables, not ICU's."""


def keep(name: str) -> bool:
    """Whether the item ``icudtNNl/<tree>/<file>`` (or ``icudtNNl/<file>``) is kept."""
    parts = name.split("/")[1:]
    file = parts[-1]
    if file in ALWAYS_KEPT:
        return True
    if file.endswith(UNUSED_KINDS):
        return False
    if len(parts) == 2 and parts[0] in UNUSED_TREES:
        return False
    if LOCALE_FILE.match(file):
        stem = file.removesuffix(".res").rstrip("_")
        return stem == "en" or stem.startswith("en_")
    return True


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The package's header and its items (name, bytes) in table order."""
    header_size = struct.unpack_from("<H", blob, 0)[0]
    if blob[2:4] != b"\xda\x27" or blob[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    count = struct.unpack_from("<I", blob, header_size)[0]
    table = [struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)]
    starts = [header_size + data for _, data in table] + [len(blob)]
    items = []
    for i, (name_offset, _) in enumerate(table):
        at = header_size + name_offset
        name = blob[at : blob.index(b"\0", at)].decode("ascii")
        items.append((name, blob[starts[i] : starts[i + 1]]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    table_size = 4 + 8 * len(items)
    data_start = _align(table_size + len(names))
    name_offsets, data_offsets = [], []
    name_at, data_at = table_size, data_start
    for name, data in items:
        name_offsets.append(name_at)
        data_offsets.append(data_at)
        name_at += len(name) + 1
        data_at += _align(len(data))
    out = bytearray(header)
    out += struct.pack("<I", len(items))
    for pair in zip(name_offsets, data_offsets, strict=True):
        out += struct.pack("<II", *pair)
    out += names
    out += b"\0" * (data_start - table_size - len(names))
    for _, data in items:
        out += data + b"\0" * (_align(len(data)) - len(data))
    return bytes(out)


def _align(size: int) -> int:
    return (size + 15) & ~15


def toolchain_missing() -> str | None:
    return next((tool for tool in ("objcopy", "cc") if shutil.which(tool) is None), None)


def trim(library: Path, output: Path) -> tuple[int, int]:
    """Write the trimmed ``library`` to ``output``; returns (items before, items after)."""
    soname = library.name  # libicudata.so.73
    version = soname.rsplit(".", 1)[-1]
    symbol = f"icudt{version}_dat"
    with tempfile.TemporaryDirectory(prefix="icu-") as folder:
        work = Path(folder)
        blob_path = work / "full.dat"
        subprocess.run(
            ["objcopy", "-O", "binary", "--only-section=.rodata", str(library), str(blob_path)],
            check=True,
        )
        header, items = read_package(blob_path.read_bytes())
        kept = [item for item in items if keep(item[0])]
        (work / "trimmed.dat").write_bytes(write_package(header, kept))
        source = work / "data.S"
        source.write_text(
            "\t.section .rodata\n"
            f"\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n"
            f'{symbol}:\n\t.incbin "trimmed.dat"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        subprocess.run(
            ["cc", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", str(output), "data.S"],
            cwd=work,
            check=True,
        )
    return len(items), len(kept)
