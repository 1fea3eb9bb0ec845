"""File → Recent: the last databases and servers, most recent first, refreshed each time
the menu opens."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QWidget

from cloudroute_desk.views.recent_databases import RecentDatabases, RecentEntry


class RecentMenu(QMenu):
    chosen = Signal(object)
    """Emitted with the RecentEntry the admin picked."""

    def __init__(self, recent: RecentDatabases, parent: QWidget | None = None) -> None:
        super().__init__("Open &Recent", parent)
        self._recent = recent
        self.aboutToShow.connect(self.refresh)

    def refresh(self) -> None:
        self.clear()
        entries = self._recent.recent()
        if not entries:
            self.addAction("No recent databases").setEnabled(False)
        for entry in entries:
            self.addAction(entry.label).triggered.connect(
                lambda _checked=False, entry=entry: self._choose(entry)
            )

    def _choose(self, entry: RecentEntry) -> None:
        self.chosen.emit(entry)
