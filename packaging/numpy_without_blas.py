"""numpy for the Linux bundle: the same version, built from its source release without BLAS.

numpy's Linux wheels link OpenBLAS (``numpy.libs/libscipy_openblas64_``, 25 MB, with 3 MB
of gfortran runtime). It serves matrix products and ``numpy.linalg``, which the app never
calls: routing, matching and pyqtgraph's charts use element-wise operations, sorting and
reductions. numpy's build has a documented switch for this (``-Dblas=none -Dlapack=none``
with ``allow-noblas``): the same numpy, with its own unoptimised loops for matrix products
and its bundled LAPACK subset (``lapack_lite``) for ``numpy.linalg``, so every function
still works. The bundle then carries 27 MB less.

The spec puts the folder this returns first on PyInstaller's search path, so the analysis
finds this numpy instead of the environment's; the environment itself is not touched (the
test suite runs on the wheel). The wheel is built once per numpy version with pip (the
source release and its build tools come from PyPI, a C/C++ compiler must be there) into
``build/numpy-without-blas/``, which ``pyinstaller --clean`` keeps; several minutes on two
cores. Without a compiler, or offline, the environment's numpy (with OpenBLAS) ships and the
build says why.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import linux_libraries  # packaging/linux_libraries.py: ELF NEEDED (readelf)

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "numpy-without-blas"
SETUP_ARGS = ("-Dblas=none", "-Dlapack=none", "-Dallow-noblas=true")


def folder(cache: Path = CACHE) -> Path | None:
    """A folder holding the environment's numpy version built without BLAS (built on first
    use), or None when it cannot be built (the reason is printed)."""
    version = importlib.metadata.version("numpy")
    site = cache / version / "site"
    if (site / "numpy" / "__init__.py").exists():
        return site
    wheels = cache / version / "wheels"
    wheel = next(iter(sorted(wheels.glob("numpy-*.whl"))), None) if wheels.exists() else None
    if wheel is None:
        print(f"building numpy {version} without BLAS (once per version; minutes)", flush=True)
        # pip's own wheel cache is keyed by the download alone, not by the settings, so it
        # could hand back a numpy built another way: build here, keep it in our cache.
        command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-cache-dir"]
        command += ["--no-binary", "numpy", f"numpy=={version}", "--wheel-dir", str(wheels)]
        command += [f"--config-settings=setup-args={arg}" for arg in SETUP_ARGS]
        built = subprocess.run(command, check=False)
        wheel = next(iter(sorted(wheels.glob("numpy-*.whl"))), None) if wheels.exists() else None
        if built.returncode != 0 or wheel is None:
            print(f"numpy ships with OpenBLAS: building it without BLAS failed ({command[3:]})")
            return None
    unpacked = site.with_name("site-unpacking")
    shutil.rmtree(unpacked, ignore_errors=True)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    blas = linked_blas(unpacked)
    if blas:
        print(f"numpy ships with OpenBLAS: {wheel.name} links {', '.join(blas)}")
        return None
    unpacked.rename(site)  # whole or not at all
    return site


def linked_blas(site: Path) -> list[str]:
    """The BLAS/LAPACK libraries numpy's core extension links (none for this build), or its
    bundled copies of them (a wheel's ``numpy.libs``)."""
    libs = site / "numpy.libs"
    found = sorted(p.name for p in libs.glob("*")) if libs.exists() else []
    core = next((site / "numpy" / "_core").glob("_multiarray_umath*.so"), None)
    if core is not None and linux_libraries.readelf_missing() is None:
        found += [n for n in linux_libraries.needed(core) if "blas" in n or "lapack" in n]
    return found
