"""What a use-case changed, so each pane reloads only what it shows (Anki's OpChanges idea)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Changes:
    queue: bool = False
    """Inquiry rows, counts or statuses changed."""
    ranking: bool = False
    """Partner rankings or the routing index changed."""
    records: bool = False
    """ACE records changed."""
    partners: bool = False
    """The partner list changed."""
    charts: bool = False
    """Anything the charts aggregate changed."""

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            queue=self.queue or other.queue,
            ranking=self.ranking or other.ranking,
            records=self.records or other.records,
            partners=self.partners or other.partners,
            charts=self.charts or other.charts,
        )

    @property
    def any(self) -> bool:
        return self.queue or self.ranking or self.records or self.partners or self.charts


EVERYTHING = Changes(queue=True, ranking=True, records=True, partners=True, charts=True)
