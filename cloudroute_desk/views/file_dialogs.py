"""Where file dialogs start: the folder last used in any of them, else the user's documents.

Never the working directory (for a desktop app that is wherever it was launched from). The
main window restores the last folder from its settings at start and saves it at close.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

_last_folder: Path | None = None


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def start_folder() -> Path:
    if _last_folder is not None and _last_folder.is_dir():
        return _last_folder
    return documents_folder()


def start_path(file_name: str = "") -> str:
    """What to pass a QFileDialog as its directory (with a suggested file name, if any)."""
    folder = start_folder()
    return str(folder / file_name) if file_name else str(folder)


def chosen(path: str) -> str:
    """Remember the folder of a path the user picked (empty = cancelled); returns ``path``."""
    global _last_folder
    if path:
        _last_folder = Path(path).parent
    return path


def restore(folder: object) -> None:
    global _last_folder
    _last_folder = Path(str(folder)) if folder else None


def last_folder() -> str:
    return str(_last_folder) if _last_folder is not None else ""
