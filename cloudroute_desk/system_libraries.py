"""Before Qt loads: are the system libraries it links against installed? Qt's own answer is
an abort (exit 134) with a paragraph about plugins, or an ImportError; ours is one line with
the command that installs exactly what is missing.

Runs before any Qt import, so it must not import PySide6. Only Linux needs it. Qt's own
libraries need the desktop's C++ runtime, glib, X11, fontconfig, D-Bus, OpenGL... on every
platform (``QT_LIBRARIES``); its X11 (xcb) plugin needs the xcb libraries as well
(``XCB_LIBRARIES``), which are checked only where that plugin will be used (not offscreen,
Wayland or ``--screenshot``). The PyInstaller bundle ships none of these either
(packaging/linux_libraries.py reads both lists): it relies on the desktop for them, as a
source install does, and this check names any that is missing.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SystemLibrary:
    soname: str
    debian: str
    """The Debian/Ubuntu package that ships it."""
    fedora: str
    """The Fedora/RHEL package that ships it."""


# Everything Qt's own libraries (Core, Gui, Widgets, DBus) link against beyond Qt, ICU and
# glibc: needed whichever platform plugin runs (tests/test_system_libraries.py compares this
# list with their ELF NEEDED).
QT_LIBRARIES: tuple[SystemLibrary, ...] = (
    SystemLibrary("libstdc++.so.6", "libstdc++6", "libstdc++"),
    SystemLibrary("libgcc_s.so.1", "libgcc-s1", "libgcc"),
    SystemLibrary("libglib-2.0.so.0", "libglib2.0-0", "glib2"),
    SystemLibrary("libgthread-2.0.so.0", "libglib2.0-0", "glib2"),
    SystemLibrary("libX11.so.6", "libx11-6", "libX11"),
    SystemLibrary("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    SystemLibrary("libfontconfig.so.1", "libfontconfig1", "fontconfig"),
    SystemLibrary("libfreetype.so.6", "libfreetype6", "freetype"),
    SystemLibrary("libdbus-1.so.3", "libdbus-1-3", "dbus-libs"),
    SystemLibrary("libGL.so.1", "libgl1", "libglvnd-glx"),
    SystemLibrary("libEGL.so.1", "libegl1", "libglvnd-egl"),
    SystemLibrary("libz.so.1", "zlib1g", "zlib"),
    SystemLibrary("libzstd.so.1", "libzstd1", "libzstd"),
)

# What libqxcb.so and libQt6XcbQpa.so link against beyond Qt's own libraries and their
# QT_LIBRARIES (the same test compares it with the plugin's ELF NEEDED).
XCB_LIBRARIES: tuple[SystemLibrary, ...] = (
    SystemLibrary("libxcb.so.1", "libxcb1", "libxcb"),
    SystemLibrary("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    SystemLibrary("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    SystemLibrary("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    SystemLibrary("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    SystemLibrary("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    SystemLibrary("libxcb-render.so.0", "libxcb-render0", "libxcb"),
    SystemLibrary("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    SystemLibrary("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    SystemLibrary("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    SystemLibrary("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    SystemLibrary("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    SystemLibrary("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    SystemLibrary("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
    SystemLibrary("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    SystemLibrary("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
)


def uses_xcb(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will try the xcb plugin first. ``QT_QPA_PLATFORM`` decides when set (its
    first entry); otherwise a Wayland session gets the wayland plugin and X11 gets xcb."""
    if not platform.startswith("linux"):
        return False
    requested = environ.get("QT_QPA_PLATFORM", "").strip()
    if requested:
        return requested.split(";")[0].split(":")[0].strip() == "xcb"
    wayland = environ.get("XDG_SESSION_TYPE") == "wayland" or bool(environ.get("WAYLAND_DISPLAY"))
    return not wayland


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def _bundled_folders() -> list[Path]:
    """Folders whose libraries Qt finds through its own run path (a wheel's Qt/lib, a
    PyInstaller bundle), which a plain dlopen from Python does not search."""
    folders: list[Path] = []
    spec = importlib.util.find_spec("PySide6")
    for location in (spec.submodule_search_locations or []) if spec else []:
        folders.append(Path(location) / "Qt" / "lib")
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        folders.append(Path(bundle))
    return folders


def libraries_to_check(
    environ: Mapping[str, str], platform: str = sys.platform
) -> tuple[SystemLibrary, ...]:
    """What the window will load from the system: nothing outside Linux; Qt's own libraries'
    needs everywhere on Linux, and the xcb plugin's too where xcb will be used."""
    if not platform.startswith("linux"):
        return ()
    return QT_LIBRARIES + (XCB_LIBRARIES if uses_xcb(environ, platform) else ())


def missing_libraries(
    libraries: Sequence[SystemLibrary], loadable: Callable[[str], bool] = _loadable
) -> list[SystemLibrary]:
    folders = _bundled_folders()
    return [
        library
        for library in libraries
        if not loadable(library.soname)
        and not any((folder / library.soname).exists() for folder in folders)
    ]


def _distribution(os_release: str) -> str:
    """'debian', 'fedora' or '' from the text of /etc/os-release."""
    fields: dict[str, str] = {}
    for line in os_release.splitlines():
        key, _, value = line.partition("=")
        fields[key.strip()] = value.strip().strip('"').lower()
    family = {fields.get("ID", ""), *fields.get("ID_LIKE", "").split()}
    if family & {"debian", "ubuntu"}:
        return "debian"
    if family & {"fedora", "rhel", "centos"}:
        return "fedora"
    return ""


def install_command(missing: Sequence[SystemLibrary], os_release: str) -> str:
    distribution = _distribution(os_release)
    if distribution == "debian":
        packages = dict.fromkeys(library.debian for library in missing)
        return "sudo apt-get install " + " ".join(packages)
    if distribution == "fedora":
        packages = dict.fromkeys(library.fedora for library in missing)
        return "sudo dnf install " + " ".join(packages)
    return "install the packages that provide " + " ".join(lib.soname for lib in missing)


def system_library_problem(
    environ: Mapping[str, str] = os.environ,
    loadable: Callable[[str], bool] = _loadable,
    os_release_path: Path = Path("/etc/os-release"),
    platform: str = sys.platform,
) -> str | None:
    """One line naming what is missing and how to install it, or None when the window can
    open (or the platform needs nothing from the system)."""
    missing = missing_libraries(libraries_to_check(environ, platform), loadable)
    if not missing:
        return None
    try:
        os_release = os_release_path.read_text(encoding="utf-8")
    except OSError:
        os_release = ""
    names = ", ".join(library.soname for library in missing)
    return (
        f"The window needs system libraries that are not installed ({names}); "
        f"run: {install_command(missing, os_release)}"
    )
