"""Render the Review workspace with a demo record open to docs/review-1280x720.png.

Usage (from the repository root); the database is created with demo data when missing:

    python bench/review_screenshot.py review-demo.sqlite [--state approved] [--out PNG]

The whole main window at 1280x720, as ``--screenshot`` renders it, but on the Review
workspace with a record open: the newest one in ``--state`` of an inquiry that has just
that record (``--screenshot`` opens the queue's first inquiry, which in a demo has just
arrived and has no record yet).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QSettings, QSize
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.tables import AceRecordRow
from cloudroute_desk.demo.generator import generate_demo
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.workspaces import Workspace

TIMEOUT_S = 120


def settle(app: QApplication, executor: DbExecutor, seconds: float = 1.5) -> None:
    """Process events until the DB worker has been idle for ``seconds``."""
    deadline = time.monotonic() + TIMEOUT_S
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        app.processEvents()
        if executor.idle:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= seconds:
                return
        else:
            quiet_since = None
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", help="SQLite file (demo data is generated if missing)")
    parser.add_argument("--state", default="approved", help="record state to open")
    parser.add_argument("--out", default="docs/review-1280x720.png")
    args = parser.parse_args()
    fresh = not Path(args.database).exists()
    database = open_database(args.database)
    if fresh:
        generate_demo(database, inquiries=20_000, partners=400, seed=7)
    with database.reading() as session:
        # An inquiry with this one record, so the record list's selection is the open record.
        single = (
            select(AceRecordRow.inquiry_id)
            .group_by(AceRecordRow.inquiry_id)
            .having(func.count() == 1)
            .scalar_subquery()
        )
        row = session.execute(
            select(AceRecordRow.id, AceRecordRow.inquiry_id)
            .where(AceRecordRow.state == args.state, AceRecordRow.inquiry_id.in_(single))
            .order_by(AceRecordRow.updated_at.desc())
            .limit(1)
        ).first()
    if row is None:
        print(f"no {args.state} record in that database", file=sys.stderr)
        return 1
    app = QApplication([])
    executor = DbExecutor(database)
    from cloudroute_desk.views.main_window import MainWindow

    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(AppContext(executor, "admin", settings, Path(folder)))
        try:
            window.show_at_size(QSize(1280, 720))
            settle(app, executor)
            window.show_workspace(Workspace.REVIEW)
            window.queue.inquiry_selected.emit(row.inquiry_id)
            settle(app, executor)
            window.record_editor.open_record(row.id)
            settle(app, executor)
            window.grab().save(args.out)
            print(f"{args.out}: record {row.id} ({args.state}) of inquiry {row.inquiry_id}")
        finally:
            window.close()
            executor.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
