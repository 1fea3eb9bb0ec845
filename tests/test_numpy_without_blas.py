"""packaging/numpy_without_blas.py: the bundle's numpy is built once per version, from a wheel
kept in the cache, and a failed build leaves the environment's numpy to ship (said why)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "packaging"))
import numpy_without_blas

VERSION = importlib.metadata.version("numpy")


def _no_pip(*_args, **_kwargs):
    raise AssertionError("pip must not run when the cache holds the build")


def test_a_cached_wheel_is_unpacked_without_building(tmp_path: Path, monkeypatch) -> None:
    wheels = tmp_path / VERSION / "wheels"
    wheels.mkdir(parents=True)
    with zipfile.ZipFile(wheels / f"numpy-{VERSION}-cp311-cp311-linux_x86_64.whl", "w") as wheel:
        wheel.writestr("numpy/__init__.py", "BUILT_WITHOUT_BLAS = True\n")
    monkeypatch.setattr(subprocess, "run", _no_pip)
    site = numpy_without_blas.folder(tmp_path)
    assert site == tmp_path / VERSION / "site"
    assert (site / "numpy" / "__init__.py").read_text() == "BUILT_WITHOUT_BLAS = True\n"
    assert numpy_without_blas.folder(tmp_path) == site  # unpacked once, then reused


def test_the_build_asks_numpy_for_no_blas_and_a_failure_ships_the_wheel(
    tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commands: list[list[str]] = []

    def failing_pip(command: list[str], **_kwargs) -> subprocess.CompletedProcess[str]:
        commands.append(command)
        return subprocess.CompletedProcess(command, 1)

    monkeypatch.setattr(subprocess, "run", failing_pip)
    assert numpy_without_blas.folder(tmp_path) is None
    (command,) = commands
    assert command[:3] == [sys.executable, "-m", "pip"] and f"numpy=={VERSION}" in command
    assert "--no-binary" in command and "--config-settings=setup-args=-Dblas=none" in command
    assert "--no-cache-dir" in command  # pip's cache ignores the settings
    assert "--config-settings=setup-args=-Dlapack=none" in command
    assert "numpy ships with OpenBLAS" in capsys.readouterr().out
    assert not (tmp_path / VERSION / "site").exists()


def test_a_wheel_that_brings_openblas_is_refused(
    tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wheels = tmp_path / VERSION / "wheels"
    wheels.mkdir(parents=True)
    with zipfile.ZipFile(wheels / f"numpy-{VERSION}-cp311-cp311-linux_x86_64.whl", "w") as wheel:
        wheel.writestr("numpy/__init__.py", "")
        wheel.writestr("numpy.libs/libscipy_openblas64_-0.so", b"")
    monkeypatch.setattr(subprocess, "run", _no_pip)
    assert numpy_without_blas.folder(tmp_path) is None
    assert "libscipy_openblas64_-0.so" in capsys.readouterr().out
    assert not (tmp_path / VERSION / "site").exists()
