"""Which rows another admin changed a moment ago, by whom and when: the queue marks them for
a few seconds so an admin sees what moved under them without reading every row."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from cloudroute_desk.db.change_feed import FeedEntry

MARK_SECONDS = 4.0


@dataclass(frozen=True, slots=True)
class RemoteMark:
    admin: str
    at: datetime
    until: float
    """``time.monotonic()`` after which the mark is gone."""

    def describe(self) -> str:
        who = self.admin or "Someone outside the app"
        return f"{who} changed this at {self.at:%H:%M:%S} UTC"


class RemoteMarks:
    def __init__(self, entity: str) -> None:
        self._entity = entity
        self._marks: dict[int, RemoteMark] = {}

    def mark(self, entries: Iterable[FeedEntry]) -> list[int]:
        """Mark the ids of ``entity`` in ``entries``; returns them."""
        until = time.monotonic() + MARK_SECONDS
        marked = []
        for entry in entries:
            if entry.entity == self._entity:
                self._marks[entry.entity_id] = RemoteMark(entry.admin, entry.at, until)
                marked.append(entry.entity_id)
        return marked

    def get(self, entity_id: int) -> RemoteMark | None:
        mark = self._marks.get(entity_id)
        if mark is None or mark.until < time.monotonic():
            return None
        return mark

    def expire(self) -> list[int]:
        """Forget the marks whose time is up; returns their ids."""
        now = time.monotonic()
        gone = [i for i, mark in self._marks.items() if mark.until <= now]
        for entity_id in gone:
            del self._marks[entity_id]
        return gone

    @property
    def next_expiry_s(self) -> float | None:
        """Seconds until the next mark goes, or None when there is none."""
        if not self._marks:
            return None
        return max(0.0, min(m.until for m in self._marks.values()) - time.monotonic())
