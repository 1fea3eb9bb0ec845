"""Render the partner pane, with its "why" view open, to docs/partner-pane[-dark].png.

Usage (from the repository root); the database is created with demo data when missing:

    python bench/partner_pane_screenshots.py partners-demo.sqlite

The pane shows the newest waiting inquiry with its best-ranked partner selected.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.tables import InquiryRow
from cloudroute_desk.demo.generator import generate_demo
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.partners.partner_pane import PartnerPane
from cloudroute_desk.views.theme import dark_palette


def render(app: QApplication, executor: DbExecutor, inquiry_id: int, path: str) -> None:
    pane = PartnerPane(executor)
    pane.resize(1280, 800)
    shown: list[int] = []
    pane.ranking_shown.connect(shown.append)
    pane.set_inquiry(inquiry_id)
    deadline = time.monotonic() + 60
    while not shown and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    pane.show()
    pane.why_action.setChecked(True)
    pane.table.selectRow(0)
    pane.splitter.setSizes([430, 330])
    for _ in range(20):
        app.processEvents()
    pane.grab().save(path)
    print(f"{path}: {pane.header_label.text()}")
    pane.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", help="SQLite file (demo data is generated if missing)")
    parser.add_argument("--out", default="docs")
    args = parser.parse_args()
    fresh = not Path(args.database).exists()
    database = open_database(args.database)
    if fresh:
        generate_demo(database, inquiries=3000, partners=40, seed=7)
    with database.reading() as session:
        inquiry_id = session.scalar(
            select(InquiryRow.id)
            .where(InquiryRow.status == "new")
            .order_by(InquiryRow.arrived_at.desc())
            .limit(1)
        )
    if inquiry_id is None:
        print("no waiting inquiry in that database", file=sys.stderr)
        return 1
    app = QApplication([])
    app.setStyle("Fusion")
    executor = DbExecutor(database)
    try:
        app.setPalette(app.style().standardPalette())
        render(app, executor, inquiry_id, f"{args.out}/partner-pane.png")
        app.setPalette(dark_palette())
        render(app, executor, inquiry_id, f"{args.out}/partner-pane-dark.png")
    finally:
        executor.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
