"""Build the bundle and prove it runs: ``python packaging/smoke_bundle.py`` from the project
root (needs the ``bundle`` extra: ``pip install -e ".[bundle]"``). CI runs it after the tests.

1. ``pyinstaller packaging/cloudroute-desk.spec`` into ``dist/`` (``--no-build`` reuses one);
2. the bundle's size, against a 148 MB guard (145 MB on Linux); on Linux, that its numpy
   is the one built without OpenBLAS, and that every library a bundled one links is in the
   bundle, glibc's, Wayland's or named by the app's pre-Qt check (readelf);
3. every module the source imports once all of it is loaded is in the bundle (the charts
   and the editor load on first use, which step 5's screenshot never reaches);
4. the bundled CLI validates docs/example-record.json, which loads the one botocore service
   model the bundle ships;
5. the bundled app starts offscreen on a fresh, empty data folder with ``--demo`` (so it
   generates the demo database, opens it, loads every pane) and writes a screenshot; it must
   exit 0 and the PNG must be a real window-sized image.
Exits 0 when all hold; otherwise prints what failed and exits 1.
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "cloudroute-desk.spec"
sys.path.insert(0, str(ROOT / "packaging"))
import linux_libraries  # noqa: E402  (packaging/linux_libraries.py: the spec's library rules)

SIZE_BUDGET_MB = 148 if sys.platform.startswith("linux") else 200
"""A guard against the bundle growing back: 145 MB on Linux, where the issue asks for
<= 150 MB (what is in it: packaging/README.md); Windows and macOS builds were not measured
here, so they keep the old 200 MB guard."""
RUN_TIMEOUT_S = 600


def build(dist: Path, work: Path) -> None:
    started = time.perf_counter()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level=WARN"]
    command += ["--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    subprocess.run(command, cwd=ROOT, check=True)
    print(f"built in {time.perf_counter() - started:.0f} s")


def folder_mb(folder: Path) -> float:
    """What the folder takes on disk; PyInstaller links some libraries twice (symlinks)."""
    files = (f for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
    return sum(f.stat().st_size for f in files) / 1e6


GLIBC = ("libc.so", "libm.so", "libdl.so", "libpthread.so", "librt.so", "libresolv.so", "ld-linux")
WAYLAND = "libwayland-"
"""A Wayland session's own libraries, which only Qt's wayland plugin links (PyInstaller never
bundles them either: they must match the compositor's)."""


def unnamed_system_libraries(bundle: Path) -> list[str]:
    """Linux: every library a bundled one links (ELF NEEDED) that the bundle does not hold must
    be glibc, Wayland's or one the pre-Qt check names with its install command: so nothing
    the spec left out (a Qt library, a plugin's dependency) and nothing the desktop might lack
    without the app saying so."""
    if not sys.platform.startswith("linux") or linux_libraries.readelf_missing() is not None:
        return []
    internal = bundle / "_internal"
    held = {path.name for path in internal.rglob("*.so*") if path.exists()}  # no dead links
    named = linux_libraries.desktop_sonames()
    problems = []
    for library in sorted(internal.rglob("*.so*")):
        if library.is_symlink() or not library.is_file():
            continue
        outside = set(linux_libraries.needed(library)) - held - named
        unnamed = {n for n in outside if not n.startswith((*GLIBC, WAYLAND))}
        if unnamed:
            needed = ", ".join(sorted(unnamed))
            problems.append(f"{library.relative_to(bundle)} needs {needed}: not bundled, not named")
    return problems


IMPORTED_MODULES = """
import importlib, json, pkgutil, sys
import cloudroute_desk
for info in pkgutil.walk_packages(cloudroute_desk.__path__, "cloudroute_desk."):
    if not info.name.endswith("__main__") and ".migrations" not in info.name:
        importlib.import_module(info.name)
def origin(module):
    return getattr(getattr(module, "__spec__", None), "origin", None)
print(json.dumps(sorted(
    name for name, module in list(sys.modules.items())
    if origin(module) not in (None, "built-in", "frozen")
)))
"""
"""Every module the app's code imports once all of it is loaded, as the GUI is after every
page was shown (charts and editor load on first use, so the screenshot run never sees them)."""
ONLY_IN_DEVELOPMENT = ("__editable__", "_distutils_hack", "PySide6.support", "signature_bootstrap")
"""The editable install's finder, setuptools' shim, and shiboken's own embedded loader."""


def modules_left_out(bundle: Path) -> list[str]:
    """Modules the source tree imports (in this environment) that the bundle does not hold:
    a guard for the spec's excludes and for imports by name that PyInstaller cannot see."""
    from PyInstaller.archive.readers import CArchiveReader, ZlibArchiveReader

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    listed = subprocess.run(
        [sys.executable, "-c", IMPORTED_MODULES],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    imported = json.loads(listed.stdout)
    executable = next(f for f in bundle.iterdir() if f.is_file() and f.stem == "cloudroute-desk")
    archive = CArchiveReader(str(executable))
    held = set(archive.toc)
    with tempfile.TemporaryDirectory(prefix="crd-pyz-") as folder:
        pyz = Path(folder) / "PYZ.pyz"
        pyz.write_bytes(archive.extract("PYZ.pyz"))
        held |= set(ZlibArchiveReader(str(pyz)).toc)
    internal = bundle / "_internal"
    with zipfile.ZipFile(internal / "base_library.zip") as library:
        held |= {
            n.removesuffix(".pyc").replace("/", ".").removesuffix(".__init__")
            for n in library.namelist()
        }
    for extension in internal.rglob("*.so"):
        parts = list(extension.relative_to(internal).parts)
        if parts[0].startswith("python3") and parts[1] == "lib-dynload":
            parts = parts[2:]
        parts[-1] = parts[-1].split(".")[0]
        held.add(".".join(parts))
    for extension in internal.rglob("*.pyd"):
        parts = list(extension.relative_to(internal).parts)
        parts[-1] = parts[-1].split(".")[0]
        held.add(".".join(parts))
    return [
        f"{name} is imported by the app but not in the bundle"
        for name in imported
        if name not in held and not name.startswith(ONLY_IN_DEVELOPMENT)
    ]


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def run(executable: Path, *args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CLOUDROUTE_DATA_DIR=str(data_dir))
    return subprocess.run(
        [str(executable), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    parser.add_argument("--no-build", action="store_true", help="test an existing bundle")
    args = parser.parse_args()
    if not args.no_build:
        build(args.dist, args.work)
    bundle = args.dist / "cloudroute-desk"
    executable = bundle / ("cloudroute-desk.exe" if sys.platform == "win32" else "cloudroute-desk")
    failures: list[str] = []

    size = folder_mb(bundle)
    print(f"bundle: {bundle} {size:.0f} MB (budget {SIZE_BUDGET_MB} MB)")
    if size > SIZE_BUDGET_MB:
        failures.append(f"the bundle is {size:.0f} MB, over {SIZE_BUDGET_MB} MB")

    left_out = modules_left_out(bundle)
    print(f"modules the app imports that the bundle lacks: {len(left_out)}")
    failures.extend(left_out)

    if sys.platform.startswith("linux") and (bundle / "_internal" / "numpy.libs").exists():
        failures.append(
            "numpy ships with OpenBLAS (numpy.libs): building it without BLAS failed, see the "
            "build's output and packaging/numpy_without_blas.py"
        )

    unnamed = unnamed_system_libraries(bundle)
    print(f"libraries needing one neither bundled nor named by the pre-Qt check: {len(unnamed)}")
    failures.extend(unnamed)

    with tempfile.TemporaryDirectory(prefix="crd-smoke-") as folder:
        data_dir = Path(folder)
        example = ROOT / "docs" / "example-record.json"
        checked = run(executable, "validate", str(example), "--json", data_dir=data_dir)
        print(f"validate: exit {checked.returncode}")
        if checked.returncode != 0 or '"findings": []' not in checked.stdout:
            failures.append(f"validate exited {checked.returncode}: {checked.stderr.strip()}")

        shot = data_dir / "window.png"
        started = time.perf_counter()
        result = run(executable, "--demo", "--screenshot", str(shot), data_dir=data_dir)
        seconds = time.perf_counter() - started
        print(f"--demo --screenshot: exit {result.returncode} in {seconds:.0f} s")
        if result.returncode != 0:
            failures.append(f"the app exited {result.returncode}: {result.stderr.strip()[-2000:]}")
        elif not shot.exists():
            failures.append("the app exited 0 but wrote no screenshot")
        else:
            width, height = png_size(shot)
            print(f"screenshot: {width}x{height}")
            if width < 800 or height < 500:
                failures.append(f"the screenshot is only {width}x{height}")
        if not (data_dir / "demo.sqlite").exists():
            failures.append("no demo database in the fresh data folder")

    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    if not failures:
        print("bundle smoke test passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
