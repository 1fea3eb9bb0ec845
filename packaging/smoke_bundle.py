"""Build the bundle and prove it runs: ``python packaging/smoke_bundle.py`` from the project
root (needs the ``bundle`` extra: ``pip install -e ".[bundle]"``). CI runs it after the tests.

1. ``pyinstaller packaging/cloudroute-desk.spec`` into ``dist/`` (``--no-build`` reuses one);
2. the bundle's size, against a 320 MB guard (292 MB unstripped, 258 MB stripped);
3. the bundled CLI validates docs/example-record.json, which loads the one botocore service
   model the bundle ships;
4. the bundled app starts offscreen on a fresh, empty data folder with ``--demo`` (so it
   generates the demo database, opens it, loads every pane) and writes a screenshot; it must
   exit 0 and the PNG must be a real window-sized image.
Exits 0 when all hold; otherwise prints what failed and exits 1.
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "cloudroute-desk.spec"
SIZE_BUDGET_MB = 320
"""A guard against the bundle growing back; the issue's 150 MB is not reached (Qt with its
ICU data and the two OpenBLAS builds of numpy and scipy alone take ~150 MB; README, Speed)."""
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
