"""Landmarks of the queue's order: the keys of rows spread down the table, read in the
background.

A jump deep into a million rows (dragging the scrollbar's thumb, End) needs the key of the
row it lands on. Walking the sort index from the first row to row 500,000 is a deep OFFSET
(25-45 ms at a million rows); walking it from the nearest landmark is at most one step.
The landmarks belong to one order, filter and read of the data: the model clears them with
every reset (a new filter, sort or data change) and reads them again once the count is in,
a few milliseconds of DB worker per job, so a page the user asks for waits behind one
short job at most.

The step between landmarks follows what a step costs: an unfiltered order walks its index
alone (10,000 entries in well under a millisecond), while a filter SQLite tests row by row
on the sort index may read several table rows per match; so the step halves while one costs
more than a job's budget and doubles while it costs far less.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from cloudroute_desk.services.queue import Landmark

FIRST_STEP = 2_000
MIN_STEP = 250
MAX_STEP = 16_000
"""Rows between landmarks: a jump walks at most this many index entries from one."""
JOB_BUDGET_S = 0.005
"""DB worker time one gathering job aims at (it reads at least one landmark)."""
TOTAL_BUDGET_S = 0.5
"""DB worker time spent on one reset's landmarks at most; a jump further down walks from
the last one."""
DELAY_MS = 100
"""Gathering starts this long after the count is in: not while the first paint runs."""
KEYED_WALK_COST = 4
"""A walk from a key tests every index entry against the key (SQLite checks the row value
per entry): about this many times the cost of walking from the first row."""


class Landmarks:
    """The landmarks read so far, in order from the first row, and the next step to take."""

    def __init__(self) -> None:
        self._rows: list[int] = []
        self._keys: list[Landmark] = []
        self.step = FIRST_STEP
        self._spent_s = 0.0

    def clear(self) -> None:
        self._rows.clear()
        self._keys.clear()
        self.step = FIRST_STEP
        self._spent_s = 0.0

    def add(self, found: tuple[Landmark, ...], seconds: float) -> None:
        """Landmarks one job read, ``step`` rows apart, in ``seconds`` of DB worker."""
        self._keys.extend(found)
        self._rows.extend(row for row, _key in found)
        self._spent_s += seconds
        per_step = seconds / max(len(found), 1)
        if per_step > JOB_BUDGET_S:
            self.step = max(MIN_STEP, self.step // 2)
        elif per_step < JOB_BUDGET_S / 8:
            self.step = min(MAX_STEP, self.step * 2)

    @property
    def last(self) -> Landmark | None:
        return self._keys[-1] if self._keys else None

    def start_for(self, row: int, known: Iterable[Landmark] = ()) -> Landmark | None:
        """Where a seek to ``row`` should walk the index from: the nearest landmark, or row
        of ``known`` (loaded pages' first rows), at or above it; None (from the first row)
        when none is near enough to beat a walk from the top."""
        index = bisect.bisect_right(self._rows, row) - 1
        best = self._keys[index] if index >= 0 else None
        for landmark in known:
            if landmark[0] <= row and (best is None or landmark[0] > best[0]):
                best = landmark
        if best is None or (row - best[0]) * KEYED_WALK_COST >= row:
            return None
        return best

    def wanted(self, count: int) -> bool:
        """More landmarks would help a table of ``count`` rows (and the budget allows)."""
        last_row = self._rows[-1] if self._rows else 0
        return (
            count > 2 * MAX_STEP and last_row + self.step < count and self._spent_s < TOTAL_BUDGET_S
        )
