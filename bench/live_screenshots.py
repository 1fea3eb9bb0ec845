"""Render what another admin's work looks like in an open window at 1280x720:
docs/live-highlight.png (a row bob just assigned, tinted, with its tooltip) and
docs/live-claim.png (bob is triaging another inquiry: its row and alice's detail panel say so).

Usage (from the repository root): ``python bench/live_screenshots.py`` (builds a small demo
database in a temporary folder; the window follows it as the app does).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QPoint, QSettings, QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QToolTip
from sqlalchemy import select

from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.tables import InquiryRow, PartnerRow
from cloudroute_desk.demo.generator import generate_demo
from cloudroute_desk.models.inquiry_queue_model import COL_COMPANY
from cloudroute_desk.services import assignment, claims
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.main_window import MainWindow

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _pump(app: QApplication, seconds: float, until: object = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if callable(until) and until():
            return
        time.sleep(0.01)


def main() -> None:
    import asyncio

    import qasync

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    asyncio.events._set_running_loop(loop)  # coroutines advance as Qt processes events
    folder = Path(tempfile.mkdtemp(prefix="crd-live-shots-"))
    target = str(folder / "live.sqlite")
    seed = open_database(target)
    generate_demo(seed, inquiries=600, partners=40, seed=7)
    seed.dispose()

    executor = DbExecutor(open_database(target).signed_as("alice"))
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(AppContext(executor, "alice", settings, folder))
    window.show_at_size(QSize(1280, 720))
    model, table = window.queue.model, window.queue.table
    _pump(app, 30, lambda: model.rowCount() > 3 and window.live.following)

    bob = open_database(target).signed_as("bob")
    with bob.reading() as session:
        new = InquiryRow.status == "new"
        waiting = set(session.scalars(select(InquiryRow.id).where(new)))
        roomy = select(PartnerRow.id).order_by(PartnerRow.capacity.desc())
        partner = session.scalars(roomy).first()
    rows = []
    for r in range(min(12, model.rowCount())):
        shown = model.row_object(r)
        if shown is not None and shown.id in waiting:
            rows.append(r)
    target_row = rows[1] if len(rows) > 1 else rows[0]
    inquiry = model.row_object(target_row)
    assert inquiry is not None and partner is not None
    assignment.assign(bob, inquiry.id, partner, "bob")
    _pump(app, 10, lambda: model.remote_marks.get(inquiry.id) is not None)
    _pump(app, 1.0)

    cell = table.visualRect(model.index(target_row, COL_COMPANY))
    QToolTip.showText(
        table.viewport().mapToGlobal(cell.center()),
        str(model.data(model.index(target_row, COL_COMPANY), 3)),
        table.viewport(),
    )
    _pump(app, 0.5)
    shot = window.grab()
    tips = [w for w in app.topLevelWidgets() if w.inherits("QTipLabel") and w.isVisible()]
    if tips:
        painter = QPainter(shot)
        spot = window.mapFromGlobal(table.viewport().mapToGlobal(cell.center()))
        painter.drawPixmap(spot + QPoint(12, 16), tips[0].grab())
        painter.end()
    DOCS.mkdir(exist_ok=True)
    shot.save(str(DOCS / "live-highlight.png"))
    print(f"wrote {DOCS / 'live-highlight.png'} ({model.data(model.index(target_row, 0), 3)!r})")
    QToolTip.hideText()

    claimed_row = rows[2] if len(rows) > 2 else rows[0]
    claimed = model.row_object(claimed_row)
    assert claimed is not None
    claims.claim(bob, claimed.id)
    bob.dispose()
    company = model.index(claimed_row, COL_COMPANY)
    _pump(app, 10, lambda: "bob is on this" in str(model.data(company)))
    window.queue.select_row(claimed_row)
    _pump(app, 10, lambda: not window.inquiry_detail.claim_label.isHidden())
    _pump(app, 1.0)
    window.grab().save(str(DOCS / "live-claim.png"))
    print(f"wrote {DOCS / 'live-claim.png'} ({model.data(company)!r})")
    window.close()
    executor.shutdown()


if __name__ == "__main__":
    main()
