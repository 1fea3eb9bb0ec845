"""Which of the shared libraries PyInstaller collected ship in the Linux bundle.

PyInstaller follows every library the collected code links against and copies each one it
finds on the build machine, unless its own list says the graphics stack (libGL, libEGL,
libxcb, Wayland) is the system's. Three rules go further; the spec applies them in order:

1. **The desktop's libraries stay the desktop's.** What Qt links against beyond itself (the C++
   runtime, glib, X11, xkbcommon, fontconfig, freetype, D-Bus, zlib/zstd) and what its xcb
   plugin needs (the xcb libraries) are exactly the lists that
   ``cloudroute_desk.system_libraries`` checks before Qt loads, naming any missing one with
   its install command; a source install relies on the system for them too. Bundling them
   also hurts: a bundled libstdc++ older than the desktop's breaks the system's Mesa drivers,
   which Qt loads into the process.
2. **One OpenSSL.** psycopg's libpq brings OpenSSL 3.5 (``psycopg_binary.libs``); Python's
   ``_ssl`` and ``_hashlib`` would bring the build machine's too. They need only the
   ``OPENSSL_3.0.0`` symbols, which every OpenSSL 3 keeps, so Python's ``libcrypto.so.3`` and
   ``libssl.so.3`` become links to psycopg's copies: one in the folder, one in memory.
3. **Nothing nobody links.** After 1 and 2 (and the spec's own left-out plugins), a library
   that no Python extension, Qt plugin or libpython reaches through ELF ``NEEDED`` is dead
   weight (GTK's gio, Kerberos for the removed QtNetwork, the system D-Bus's systemd...).

Needs ``readelf`` (binutils, like ``icu_data.py``); without it the libraries ship as
collected and the build says so.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

Entry = tuple[str, str, str]
"""A PyInstaller TOC entry: (destination in the bundle, source path or link target, kind)."""

ROOT = Path(__file__).resolve().parents[1]
OPENSSL = ("libcrypto.so.3", "libssl.so.3")
"""Python's names for OpenSSL 3, served by the copies psycopg_binary ships."""
PSYCOPG_LIBS = "psycopg_binary.libs"


def desktop_sonames() -> frozenset[str]:
    """The libraries the pre-Qt check names: one list for the check and for the bundle."""
    sys.path.insert(0, str(ROOT))
    try:
        from cloudroute_desk.system_libraries import QT_LIBRARIES, XCB_LIBRARIES
    finally:
        sys.path.remove(str(ROOT))
    return frozenset(library.soname for library in QT_LIBRARIES + XCB_LIBRARIES)


def readelf_missing() -> str | None:
    return None if shutil.which("readelf") else "readelf (binutils)"


def needed(library: Path) -> list[str]:
    """The library's ELF NEEDED entries: what it links directly, not what those link."""
    output = subprocess.run(
        ["readelf", "-d", str(library)], capture_output=True, text=True, check=False
    ).stdout
    lines = output.splitlines()
    return [line.split("[", 1)[1].split("]")[0] for line in lines if "(NEEDED)" in line]


def _is_root(entry: Entry) -> bool:
    """What Python or Qt loads by path: extensions, Qt plugins, libpython."""
    destination, _source, kind = entry
    name = PurePosixPath(destination).name
    return kind == "EXTENSION" or "/plugins/" in destination or name.startswith("libpython")


def share_openssl(binaries: list[Entry]) -> list[Entry]:
    """Rule 2: Python's libcrypto/libssl as links to psycopg_binary's, when both are there."""
    psycopg = {
        name.split("-")[0] + ".so.3": destination
        for destination, _source, kind in binaries
        if kind != "SYMLINK"
        and PurePosixPath(destination).parent.name == PSYCOPG_LIBS
        and (name := PurePosixPath(destination).name).startswith(("libcrypto-", "libssl-"))
    }
    if not all(name in psycopg for name in OPENSSL):
        return binaries
    result = []
    for destination, source, kind in binaries:
        if destination in OPENSSL:
            result.append((destination, psycopg[destination], "SYMLINK"))
        else:
            result.append((destination, source, kind))
    return result


def reachable(binaries: list[Entry]) -> list[Entry]:
    """Rule 3: keep the roots and what they reach through NEEDED (links followed to files)."""
    by_name: dict[str, Entry] = {}
    for entry in binaries:
        by_name.setdefault(PurePosixPath(entry[0]).name, entry)

    def file_of(entry: Entry) -> Entry | None:
        for _ in range(8):  # a chain of links ends at a file
            if entry[2] != "SYMLINK":
                return entry
            target = PurePosixPath(entry[0]).parent / entry[1]
            found = next((e for e in binaries if PurePosixPath(e[0]) == target), None)
            if found is None:
                return None
            entry = found
        return None

    kept: set[str] = set()
    queue = [entry for entry in binaries if _is_root(entry)]
    while queue:
        entry = queue.pop()
        if entry[0] in kept:
            continue
        kept.add(entry[0])
        real = file_of(entry)
        if real is None:
            continue
        kept.add(real[0])
        for name in needed(Path(real[1])):
            if name in by_name:
                queue.append(by_name[name])
    return [entry for entry in binaries if entry[0] in kept or not _is_library(entry)]


def _is_library(entry: Entry) -> bool:
    name = PurePosixPath(entry[0]).name
    return name.endswith(".so") or ".so." in name


def trim(binaries: list[Entry]) -> list[Entry]:
    """Rules 1-3 on the Analysis' binaries; printed so a build log shows what it left out."""
    missing = readelf_missing()
    if missing is not None:
        print(f"Linux libraries ship as collected: {missing} is not installed")
        return binaries
    desktop = desktop_sonames()
    kept = [entry for entry in binaries if PurePosixPath(entry[0]).name not in desktop]
    kept = reachable(share_openssl(kept))
    _report(binaries, kept)
    return kept


def _report(before: Iterable[Entry], after: list[Entry]) -> None:
    left = {PurePosixPath(entry[0]).name for entry in before} - {
        PurePosixPath(entry[0]).name for entry in after
    }
    linked = [destination for destination, _source, kind in after if destination in OPENSSL]
    print(
        f"Linux libraries left to the desktop or unused: {len(left)}; linked to psycopg's: "
        + (", ".join(linked) or "none")
    )
