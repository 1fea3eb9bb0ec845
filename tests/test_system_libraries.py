"""The first run on a desktop without the libraries Qt needs: one line with the install command
instead of Qt's abort; Qt's own libraries' needs checked on every Linux platform, the xcb
plugin's only where xcb is the platform."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cloudroute_desk import system_libraries
from cloudroute_desk.system_libraries import (
    QT_LIBRARIES,
    XCB_LIBRARIES,
    install_command,
    libraries_to_check,
    missing_libraries,
    system_library_problem,
    uses_xcb,
)

DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n'
UBUNTU = "ID=ubuntu\nID_LIKE=debian\n"
FEDORA = "ID=fedora\nVERSION_ID=40\n"
CURSOR = next(lib for lib in XCB_LIBRARIES if lib.soname == "libxcb-cursor.so.0")
DBUS = next(lib for lib in QT_LIBRARIES if lib.soname == "libdbus-1.so.3")
SIMULATED = "libcloudroute-simulated-missing.so.0"


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({}, "linux", True),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb;wayland"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
        ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({}, "darwin", False),
        ({}, "win32", False),
    ],
)
def test_xcb_is_checked_only_where_qt_will_use_it(environ, platform, expected) -> None:
    assert uses_xcb(environ, platform) is expected


def test_a_missing_library_names_the_exact_install_command(tmp_path: Path) -> None:
    os_release = tmp_path / "os-release"
    os_release.write_text(DEBIAN)
    problem = system_library_problem(
        {"QT_QPA_PLATFORM": "xcb"},
        loadable=lambda soname: soname != CURSOR.soname,
        os_release_path=os_release,
        platform="linux",
    )
    assert problem == (
        "The window needs system libraries that are not installed (libxcb-cursor.so.0); "
        "run: sudo apt-get install libxcb-cursor0"
    )


@pytest.mark.parametrize("environ", [{"QT_QPA_PLATFORM": "offscreen"}, {"WAYLAND_DISPLAY": "w-0"}])
def test_what_qt_itself_needs_is_checked_on_every_linux_platform(environ, tmp_path: Path) -> None:
    os_release = tmp_path / "os-release"
    os_release.write_text(FEDORA)
    problem = system_library_problem(
        environ,
        loadable=lambda soname: soname != DBUS.soname,
        os_release_path=os_release,
        platform="linux",
    )
    assert problem == (
        "The window needs system libraries that are not installed (libdbus-1.so.3); "
        "run: sudo dnf install dbus-libs"
    )
    assert libraries_to_check(environ, "linux") == QT_LIBRARIES
    assert libraries_to_check({"QT_QPA_PLATFORM": "xcb"}, "linux") == QT_LIBRARIES + XCB_LIBRARIES


def test_packages_are_named_once_per_distribution() -> None:
    missing = [lib for lib in XCB_LIBRARIES if lib.soname.startswith("libxcb")]
    debian = install_command(missing, UBUNTU)
    fedora = install_command(missing, FEDORA)
    assert debian.startswith("sudo apt-get install libxcb1 libxcb-cursor0 libxcb-icccm4")
    assert fedora.startswith("sudo dnf install libxcb xcb-util-cursor xcb-util-wm")
    assert fedora.count(" libxcb ") + fedora.endswith(" libxcb") == 1
    assert install_command([CURSOR], "ID=arch\n") == (
        "install the packages that provide libxcb-cursor.so.0"
    )


def test_nothing_is_reported_when_every_library_loads_or_xcb_is_not_used() -> None:
    xcb = {"QT_QPA_PLATFORM": "xcb"}
    offscreen = {"QT_QPA_PLATFORM": "offscreen"}
    xcb_only = {library.soname for library in XCB_LIBRARIES}
    assert system_library_problem(xcb, loadable=lambda _soname: True, platform="linux") is None
    assert (
        system_library_problem(offscreen, loadable=lambda s: s not in xcb_only, platform="linux")
        is None
    )
    for platform in ("darwin", "win32"):
        assert system_library_problem(xcb, loadable=lambda _s: False, platform=platform) is None


def test_a_library_bundled_beside_qt_counts_as_present(monkeypatch, tmp_path: Path) -> None:
    (tmp_path / CURSOR.soname).write_bytes(b"")
    monkeypatch.setattr(system_libraries, "_bundled_folders", lambda: [tmp_path])
    missing = missing_libraries(XCB_LIBRARIES, loadable=lambda _soname: False)
    assert CURSOR not in missing and len(missing) == len(XCB_LIBRARIES) - 1


@pytest.mark.parametrize(("platform", "listed_in"), [("xcb", "XCB"), ("offscreen", "QT")])
def test_the_app_prints_one_line_and_never_loads_qt(tmp_path: Path, platform, listed_in) -> None:
    """A library that cannot exist goes through the real dlopen; the app stops before Qt."""
    script = (
        "import sys\n"
        "from cloudroute_desk import system_libraries as s\n"
        f"s.{listed_in}_LIBRARIES += (s.SystemLibrary({SIMULATED!r}, 'libcrd-sim0', 'sim'),)\n"
        "from cloudroute_desk.app import main\n"
        f"code = main(['--db', {str(tmp_path / 'x.sqlite')!r}])\n"
        "print('qt loaded' if 'PySide6.QtGui' in sys.modules else 'qt not loaded')\n"
        "sys.exit(code)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM=platform, CLOUDROUTE_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cloudroute-desk: The window needs system")
    assert SIMULATED in lines[0]
    if Path("/etc/os-release").exists() and "debian" in Path("/etc/os-release").read_text():
        assert "sudo apt-get install" in lines[0] and "libcrd-sim0" in lines[0]
    assert result.stdout.strip() == "qt not loaded"
    assert not (tmp_path / "x.sqlite").exists()


def _needed(library: Path) -> set[str]:
    readelf = shutil.which("readelf")
    assert readelf is not None
    output = subprocess.run(
        [readelf, "-d", str(library)], capture_output=True, text=True, check=True
    ).stdout
    return {line.split("[", 1)[1].rstrip("]") for line in output.splitlines() if "(NEEDED)" in line}


GLIBC = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "ld-linux-x86-64.so.2"}


def _qt_folder() -> Path:
    import PySide6

    return Path(PySide6.__file__).parent / "Qt"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xcb is the Linux platform")
@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf (binutils) is not installed")
def test_the_list_covers_what_the_xcb_plugin_links_against() -> None:
    qt = _qt_folder()
    needed = _needed(qt / "plugins" / "platforms" / "libqxcb.so")
    needed |= _needed(qt / "lib" / "libQt6XcbQpa.so.6")
    system = {name for name in needed if not name.startswith("libQt6")} - GLIBC
    assert system <= {lib.soname for lib in XCB_LIBRARIES + QT_LIBRARIES}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux Qt links the system")
@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf (binutils) is not installed")
def test_the_qt_list_is_what_qts_own_libraries_link_against() -> None:
    """Every platform loads Core, Gui, Widgets and (through Gui) DBus: their needs outside Qt,
    ICU and glibc, no more and no less (the bundle leaves exactly these to the desktop)."""
    lib = _qt_folder() / "lib"
    needed: set[str] = set()
    for name in ("Core", "Gui", "Widgets", "DBus"):
        needed |= _needed(lib / f"libQt6{name}.so.6")
    system = {name for name in needed if not name.startswith(("libQt6", "libicu"))} - GLIBC
    assert system == {library.soname for library in QT_LIBRARIES}
