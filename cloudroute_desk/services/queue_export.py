"""Export the queue's current filtered, sorted view as CSV, streaming by keyset batches.

Each batch is its own short job on the DB executor, so exporting a million rows never holds
the worker (or memory) for long, and the GUI can show progress between batches. Text cells
that a spreadsheet would run as a formula are prefixed with an apostrophe (OWASP's advice).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from cloudroute_desk.db import queue_queries as q
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import INQUIRY_STATUS_LABELS
from cloudroute_desk.domain.queue_filter import QueueFilter, sla_view
from cloudroute_desk.services.queue import QueueRow, queue_rows

BATCH_ROWS = 5_000

HEADER = (
    "id",
    "arrived_at_utc",
    "sla",
    "company_name",
    "website",
    "funding_stage",
    "region",
    "vertical",
    "service_profile",
    "engagement_type",
    "pools_wanted",
    "monthly_spend_usd",
    "status",
    "partner",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    """Neutralise a cell a spreadsheet would evaluate (``=cmd|...``, ``@SUM``, ``-2+3``)."""
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_cells(row: QueueRow, now: datetime) -> list[str]:
    cells = [
        str(row.id),
        row.arrived_at.isoformat(sep=" ", timespec="seconds"),
        sla_view(row.status, row.arrived_at, row.assigned_at, now).text,
        row.company_name,
        row.website,
        row.funding_stage.value,
        row.region.value,
        row.vertical.value,
        row.service_profile.value,
        row.engagement_type.value,
        " ".join(p.value for p in row.pools_wanted),
        str(row.monthly_spend_usd),
        INQUIRY_STATUS_LABELS[row.status],
        row.partner_name,
    ]
    return [escape_cell(cell) for cell in cells]


@dataclass
class CsvExport:
    """An export in progress: call ``step`` as a job until it returns True, then ``close``."""

    out: TextIO
    queue_filter: QueueFilter
    now: datetime
    batch_rows: int = BATCH_ROWS
    written: int = 0
    _after: q.Key | None = None
    _done: bool = False

    def __post_init__(self) -> None:
        self._csv = csv.writer(self.out, lineterminator="\r\n")
        self._csv.writerow(HEADER)

    @property
    def done(self) -> bool:
        return self._done

    def step(self, database: Database) -> bool:
        """Write the next batch; True once every row of the view is written."""
        if self._done:
            return True
        with database.reading() as session:
            raw = q.page(
                session, self.queue_filter, self.now, limit=self.batch_rows, key=self._after
            )
            rows = queue_rows(self.queue_filter, raw)
        for row in rows:
            self._csv.writerow(csv_cells(row, self.now))
        self.written += len(rows)
        if rows:
            self._after = rows[-1].key
        self._done = len(rows) < self.batch_rows
        return self._done


def export_csv(
    database: Database,
    queue_filter: QueueFilter,
    now: datetime,
    path: Path,
    *,
    batch_rows: int = BATCH_ROWS,
) -> int:
    """Write the whole view to ``path`` (UTF-8 with BOM, for spreadsheets); rows written."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        export = CsvExport(out, queue_filter, now, batch_rows)
        done = False
        while not done:
            done = export.step(database)
        return export.written
