"""The queue's columns and what each cell shows, built once per row read.

A page of rows is turned into cells on the DB worker when it is read (``Page.of``), so a
repaint answers each cell from one dict. ``row_cells`` returns them in column order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt

from cloudroute_desk.domain.catalog import INQUIRY_STATUS_LABELS
from cloudroute_desk.domain.formatting import money
from cloudroute_desk.domain.queue_filter import sla_deadline
from cloudroute_desk.services.queue import QueueRow

PLACEHOLDER = "…"
"""What a cell of a row not read yet shows."""

(
    COL_ARRIVED,
    COL_SLA,
    COL_COMPANY,
    COL_STAGE,
    COL_REGION,
    COL_VERTICAL,
    COL_PROFILE,
    COL_ENGAGEMENT,
    COL_POOLS,
    COL_SPEND,
    COL_STATUS,
    COL_PARTNER,
) = range(12)
COLUMN_COUNT = 12

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
"""Raw value for sorting/comparing (datetime, str, int)."""
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2
"""The whole ``QueueRow``, or None while the row is loading."""
SLA_ROLE = Qt.ItemDataRole.UserRole + 3
"""The SLA cell's ``SlaView`` (state, colour class, text), computed at call time."""


DISPLAY_ROLE = int(Qt.ItemDataRole.DisplayRole)
TOOLTIP_ROLE = int(Qt.ItemDataRole.ToolTipRole)
ALIGNMENT_ROLE = int(Qt.ItemDataRole.TextAlignmentRole)
BACKGROUND_ROLE = int(Qt.ItemDataRole.BackgroundRole)
FOREGROUND_ROLE = int(Qt.ItemDataRole.ForegroundRole)
FONT_ROLE = int(Qt.ItemDataRole.FontRole)
RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
Cell = dict[int, Any]
"""One cell's value per role; a role it does not have is None."""


@dataclass(frozen=True, slots=True)
class Page:
    """Fetched rows with every cell's roles, built once on the DB worker when the page is
    read, so a repaint answers a cell from one dict: a screenful is ~400 cells, each asked
    for 7 roles, and each Python call per cell costs about a millisecond per screen.

    The SLA cell, which runs with the clock and is coloured by the palette, and the company
    cell's notes and other admins' marks are made at paint time (``_live_cell``)."""

    rows: tuple[QueueRow, ...]
    cells: tuple[tuple[Cell, ...], ...]

    @classmethod
    def of(cls, rows: tuple[QueueRow, ...]) -> Page:
        return cls(rows, tuple(row_cells(row) for row in rows))


def row_cells(row: QueueRow) -> tuple[Cell, ...]:
    """Every cell of one row: display text, sort value, the row itself (and the SLA's
    tooltip, the spend's alignment). Written out rather than looped over the columns: this
    runs for every row read, on the way to the first paint."""
    arrived = row.arrived_at
    pools = [pool.value for pool in row.pools_wanted]
    stage = row.funding_stage.value
    region = row.region.value
    vertical = row.vertical.value
    profile = row.service_profile.value
    engagement = row.engagement_type.value
    status = INQUIRY_STATUS_LABELS[row.status]
    return (
        {DISPLAY_ROLE: minute_text(arrived), SORT_ROLE: arrived, OBJECT_ROLE: row},
        {
            TOOLTIP_ROLE: deadline_tip(arrived),
            SORT_ROLE: arrived,
            OBJECT_ROLE: row,
        },
        {DISPLAY_ROLE: row.company_name, SORT_ROLE: row.company_name, OBJECT_ROLE: row},
        {DISPLAY_ROLE: stage, SORT_ROLE: stage, OBJECT_ROLE: row},
        {DISPLAY_ROLE: region, SORT_ROLE: region, OBJECT_ROLE: row},
        {DISPLAY_ROLE: vertical, SORT_ROLE: vertical, OBJECT_ROLE: row},
        {DISPLAY_ROLE: profile, SORT_ROLE: profile, OBJECT_ROLE: row},
        {DISPLAY_ROLE: engagement, SORT_ROLE: engagement, OBJECT_ROLE: row},
        {DISPLAY_ROLE: ", ".join(pools), SORT_ROLE: ",".join(pools), OBJECT_ROLE: row},
        {
            DISPLAY_ROLE: money(row.monthly_spend_usd),
            SORT_ROLE: row.monthly_spend_usd,
            OBJECT_ROLE: row,
            ALIGNMENT_ROLE: RIGHT_ALIGNED,
        },
        {DISPLAY_ROLE: status, SORT_ROLE: status, OBJECT_ROLE: row},
        {DISPLAY_ROLE: row.partner_name, SORT_ROLE: row.partner_name, OBJECT_ROLE: row},
    )


def minute_text(moment: datetime) -> str:
    """``2026-12-02 14:05``, without ``strftime``: under PySide each ``strftime`` imports
    ``time`` through PySide's Python import hook (~8 µs, twice per row read)."""
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
        f"{moment.hour:02d}:{moment.minute:02d}"
    )


def deadline_tip(arrived_at: datetime) -> str:
    return f"Routing deadline {minute_text(sla_deadline(arrived_at))} UTC"
