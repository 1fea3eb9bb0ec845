"""CSV export of the queue view on both backends: the filtered order, escaped formulas."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import InquiryStatus
from cloudroute_desk.domain.queue_filter import QueueFilter, SortKey
from cloudroute_desk.services.queue_export import HEADER, escape_cell, export_csv
from tests.factories import add_inquiry
from tests.queue_helpers import NOW, seed_queue


@pytest.mark.parametrize(
    ("cell", "escaped"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Plain = fine", "Plain = fine"),
        ("", ""),
    ],
)
def test_escape_cell(cell: str, escaped: str) -> None:
    assert escape_cell(cell) == escaped


def test_export_writes_the_filtered_view_in_order(database: Database, tmp_path: Path) -> None:
    seed_queue(database, 40)
    add_inquiry(database, company_name="=cmd|' /C calc'!A0", website="@evil", arrived_at=NOW)
    view = QueueFilter(
        statuses=frozenset({InquiryStatus.NEW}), sort=SortKey.ARRIVED, descending=False
    )
    target = tmp_path / "out.csv"
    written = export_csv(database, view, NOW, target, batch_rows=3)  # several batches
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == HEADER
    body = rows[1:]
    assert written == len(body) == 7
    arrived = [r[1] for r in body]
    assert arrived == sorted(arrived)
    assert {r[12] for r in body} == {"New"}
    assert body[-1][3] == "'=cmd|' /C calc'!A0"
    assert body[-1][4] == "'@evil"
