"""The package list in pyproject.toml covers every package folder, so installs are complete."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(folder.relative_to(ROOT).parts)
        for folder in (ROOT / "cloudroute_desk").rglob("*")
        if folder.is_dir() and any(folder.glob("*.py")) and "__pycache__" not in folder.parts
    }
    found.add("cloudroute_desk")
    assert found - listed == set(), "add these to [tool.setuptools] packages"
    assert "cloudroute_desk.resources" in listed


def test_pyside_is_pinned_below_612() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pins = [d for d in config["project"]["dependencies"] if d.lower().startswith("pyside6")]
    assert pins and all("<6.12" in pin for pin in pins)
