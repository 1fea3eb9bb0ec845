"""The one accessor for shipped files (icons, reference CSVs) in the top-level resources/ folder.

resources/ installs as the package ``cloudroute_desk.resources``, so importlib.resources finds
it in a source checkout, an installed wheel and a PyInstaller bundle alike.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable


def asset(*parts: str) -> Traversable:
    node = resources.files("cloudroute_desk.resources")
    for part in parts:
        node = node / part
    return node


def asset_text(*parts: str) -> str:
    return asset(*parts).read_text(encoding="utf-8")
