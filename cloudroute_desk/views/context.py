"""What the window and its panes are given at start-up (explicit injection, no globals)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from cloudroute_desk.db.offline_copy import OfflineStart
from cloudroute_desk.services.executor import DbExecutor


@dataclass(frozen=True)
class AppContext:
    executor: DbExecutor
    admin: str
    """Who is at the keyboard; written into every audit row."""
    settings: QSettings
    data_dir: Path
    """The platform's per-user data folder: default database, drafts."""
    target: str = ""
    """What the first database was opened from (a server's URL is kept for reconnecting)."""
    offline_start: OfflineStart | None = None
    """Start-up found the server away and opened its offline copy instead."""
