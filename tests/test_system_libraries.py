"""The first run on a desktop without Qt's xcb libraries: one line with the install command
instead of Qt's abort; no check where xcb is not the platform."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cloudroute_desk import system_libraries
from cloudroute_desk.system_libraries import (
    XCB_LIBRARIES,
    install_command,
    missing_xcb_libraries,
    uses_xcb,
    xcb_problem,
)

DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n'
UBUNTU = "ID=ubuntu\nID_LIKE=debian\n"
FEDORA = "ID=fedora\nVERSION_ID=40\n"
CURSOR = next(lib for lib in XCB_LIBRARIES if lib.soname == "libxcb-cursor.so.0")
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
    problem = xcb_problem(
        {"QT_QPA_PLATFORM": "xcb"},
        loadable=lambda soname: soname != CURSOR.soname,
        os_release_path=os_release,
    )
    assert problem == (
        "The window needs system libraries that are not installed (libxcb-cursor.so.0); "
        "run: sudo apt-get install libxcb-cursor0"
    )


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
    assert xcb_problem({"QT_QPA_PLATFORM": "xcb"}, loadable=lambda _soname: True) is None
    assert xcb_problem({"QT_QPA_PLATFORM": "offscreen"}, loadable=lambda _soname: False) is None


def test_a_library_bundled_beside_qt_counts_as_present(monkeypatch, tmp_path: Path) -> None:
    (tmp_path / CURSOR.soname).write_bytes(b"")
    monkeypatch.setattr(system_libraries, "_bundled_folders", lambda: [tmp_path])
    missing = missing_xcb_libraries(loadable=lambda _soname: False)
    assert CURSOR not in missing and len(missing) == len(XCB_LIBRARIES) - 1


def test_the_app_prints_one_line_and_never_loads_qt(tmp_path: Path) -> None:
    """A library that cannot exist goes through the real dlopen; the app stops before Qt."""
    script = (
        "import sys\n"
        "from cloudroute_desk import system_libraries as s\n"
        f"s.XCB_LIBRARIES += (s.SystemLibrary({SIMULATED!r}, 'libcloudroute-sim0', 'sim'),)\n"
        "from cloudroute_desk.app import main\n"
        f"code = main(['--db', {str(tmp_path / 'x.sqlite')!r}])\n"
        "print('qt loaded' if 'PySide6.QtGui' in sys.modules else 'qt not loaded')\n"
        "sys.exit(code)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", CLOUDROUTE_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cloudroute-desk: The window needs system")
    assert SIMULATED in lines[0]
    if Path("/etc/os-release").exists() and "debian" in Path("/etc/os-release").read_text():
        assert "sudo apt-get install" in lines[0] and "libcloudroute-sim0" in lines[0]
    assert result.stdout.strip() == "qt not loaded"
    assert not (tmp_path / "x.sqlite").exists()


def _needed(library: Path) -> set[str]:
    readelf = shutil.which("readelf")
    assert readelf is not None
    output = subprocess.run(
        [readelf, "-d", str(library)], capture_output=True, text=True, check=True
    ).stdout
    return {line.split("[", 1)[1].rstrip("]") for line in output.splitlines() if "(NEEDED)" in line}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xcb is the Linux platform")
@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf (binutils) is not installed")
def test_the_list_covers_what_the_xcb_plugin_links_against() -> None:
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    needed = _needed(qt / "plugins" / "platforms" / "libqxcb.so")
    needed |= _needed(next((qt / "lib").glob("libQt6XcbQpa.so.6")))
    runtime = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1"}
    system = {name for name in needed if not name.startswith("libQt6")} - runtime
    assert system <= {lib.soname for lib in XCB_LIBRARIES}
