"""What a write changed, which rows, and who made it: the one value panes reload from.

Every write use-case returns a ``Changes`` (Anki's OpChanges idea); the main window hands it
to every pane, and each pane decides from the kinds and ids whether anything it shows is
affected. The value is built only from facts about rows (this inquiry's status, that record's
state, those partners), so a change another admin made, read back from the database's change
feed, is the same value as the one the local use-case returned: ``Changes`` built from feed
rows and merged with ``|`` equal the use-case's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum


class ChangeKind(StrEnum):
    """What happened to the rows named in a ``Changes``."""

    INQUIRIES_ADDED = "inquiries_added"
    """New inquiry rows (an import): the queue's counts change."""
    INQUIRY_STATUS = "inquiry_status"
    """Inquiries' status or assigned partner (assignment, re-route, decline, records filed)."""
    ASSIGNMENTS = "assignments"
    """Which partner holds which inquiry: the partners' loads against their capacity."""
    RECORDS_ADDED = "records_added"
    """New ACE records (the editor's New record, an import)."""
    RECORD_FIELDS = "record_fields"
    """An ACE record's form fields (a synced draft)."""
    RECORD_FIGURES = "record_figures"
    """Records' pools and requested amounts: what the charts add up."""
    RECORD_STATES = "record_states"
    """Records' lifecycle states; the routing index follows the decided ones."""
    PARTNERS = "partners"
    """Partner rows added or edited (tier, capacity, regions, active)."""
    DATABASE = "database"
    """Anything may have changed: another database was opened (every id means something
    else now) or the admin asked to refresh everything."""


@dataclass(frozen=True, slots=True)
class Rows:
    """Some rows of one table, by id, or all of them."""

    ids: frozenset[int] = frozenset()
    every: bool = False

    @classmethod
    def of(cls, *ids: int | None) -> Rows:
        return cls(frozenset(i for i in ids if i is not None))

    @classmethod
    def among(cls, ids: Iterable[int]) -> Rows:
        return cls(frozenset(ids))

    def __bool__(self) -> bool:
        return self.every or bool(self.ids)

    def __or__(self, other: Rows) -> Rows:
        if self.every or other.every:
            return ALL_ROWS
        return Rows(self.ids | other.ids)

    def touches(self, row_id: int | None) -> bool:
        return row_id is not None and (self.every or row_id in self.ids)

    def touches_any(self, row_ids: Iterable[int]) -> bool:
        return self.every or not self.ids.isdisjoint(row_ids)


NO_ROWS = Rows()
ALL_ROWS = Rows(every=True)


@dataclass(frozen=True, slots=True)
class Initiator:
    """Who made a change: the admin, and the pane they made it in (None when unknown, as for
    a change read back from the database). A pane skips the echo of its own writes."""

    admin: str | None = None
    pane: str | None = None


@dataclass(frozen=True, slots=True)
class Changes:
    kinds: frozenset[ChangeKind] = frozenset()
    inquiries: Rows = NO_ROWS
    """Inquiries whose row changed, or whose ACE records did (see ``kinds``)."""
    records: Rows = NO_ROWS
    """ACE records that changed."""
    partners: Rows = NO_ROWS
    """Partners whose row or load changed."""
    initiator: Initiator | None = None

    @classmethod
    def of(
        cls,
        *kinds: ChangeKind,
        inquiries: Rows = NO_ROWS,
        records: Rows = NO_ROWS,
        partners: Rows = NO_ROWS,
        admin: str | None = None,
    ) -> Changes:
        initiator = Initiator(admin) if admin is not None else None
        return cls(frozenset(kinds), inquiries, records, partners, initiator)

    def __or__(self, other: Changes) -> Changes:
        """Both changes at once; the initiator survives only when both share it."""
        if not other.kinds:
            return self
        if not self.kinds:
            return other
        return Changes(
            self.kinds | other.kinds,
            self.inquiries | other.inquiries,
            self.records | other.records,
            self.partners | other.partners,
            self.initiator if self.initiator == other.initiator else None,
        )

    @property
    def any(self) -> bool:
        return bool(self.kinds)

    def has(self, *kinds: ChangeKind) -> bool:
        """True when any of ``kinds`` happened (a database switch counts as every kind)."""
        return ChangeKind.DATABASE in self.kinds or not self.kinds.isdisjoint(kinds)

    def made_in(self, pane: str) -> Changes:
        """The same change, marked as made in ``pane`` (views stamp what they started)."""
        admin = self.initiator.admin if self.initiator is not None else None
        return replace(self, initiator=Initiator(admin, pane))

    def echoes(self, pane: str) -> bool:
        """True when ``pane`` made this change itself (and already shows its result)."""
        return self.initiator is not None and self.initiator.pane == pane


NOTHING = Changes()
EVERYTHING = Changes(
    frozenset({ChangeKind.DATABASE}),
    inquiries=ALL_ROWS,
    records=ALL_ROWS,
    partners=ALL_ROWS,
)
"""Anything may have changed (another database, Refresh): every pane reloads."""
