"""Render File → Sync with Partner Central… against the local emulator:
docs/partner-central-sync-running.png (a paced sync between pages: progress, counts, Cancel)
and docs/partner-central-sync-done.png (the result, with an opportunity that matched no
record listed).

Usage (from the repository root): ``python bench/partner_central_sync_screenshots.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from cloudroute_desk.db.opening import open_database
from cloudroute_desk.partner_central_emulator.server import EmulatorServer
from cloudroute_desk.partner_central_emulator.service import Emulator
from cloudroute_desk.partner_central_emulator.throttle import Rates
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.partner_central_calls import Pace
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.partner_central_sync_dialog import PartnerCentralSyncDialog
from tests.partner_central import emulator_client
from tests.partner_central_samples import exportable_record, submit

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _pump(app: QApplication, seconds: float, until: Callable[[], bool]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not until():
        app.processEvents()
        time.sleep(0.01)


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    with (
        tempfile.TemporaryDirectory() as folder,
        EmulatorServer(Emulator(rates=Rates.unlimited())) as server,
    ):
        database = open_database(str(Path(folder) / "shots.sqlite"))
        client = emulator_client(server.endpoint_url)
        state = server.emulator.state
        reviews = ["Approved", "Rejected", "Action Required", "Approved", "In review"] * 2
        for number, review in enumerate(reviews):
            record_id, payload = exportable_record(database, company=f"Startup {number} Inc.")
            submit(database, record_id)
            created = client.create_opportunity(**payload)
            client.submit_opportunity(
                Catalog="AWS", Identifier=created["Id"], InvolvementType="Co-Sell"
            )
            state.review("AWS", created["Id"], review, reason="Clarify Revenue")
        _, stranger = exportable_record(database, company="Northwind Robotics")
        stranger["PartnerOpportunityIdentifier"] = "SF-0061a00000XYZ"
        stranger["ClientToken"] = "not-ours"
        client.create_opportunity(**stranger)

        executor = DbExecutor(database)
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        context = AppContext(executor, "ann", settings, Path(folder))
        dialog = PartnerCentralSyncDialog(context, pace=Pace(requests_per_second=1.0), page_size=4)
        dialog.catalog_box.setCurrentText("AWS")
        dialog.endpoint_edit.setText(server.endpoint_url)
        dialog.resize(760, 420)
        dialog.show()
        _pump(app, 5, lambda: "synced" in dialog.cursor_label.text().lower())
        dialog.start()
        _pump(app, 20, lambda: dialog.counts_label.text().startswith("1 page"))
        dialog.grab().save(str(DOCS / "partner-central-sync-running.png"))
        _pump(app, 30, lambda: not dialog.runner.running)
        _pump(app, 5, lambda: dialog.cursor_label.text().startswith("Synced through"))
        dialog.grab().save(str(DOCS / "partner-central-sync-done.png"))
        dialog.close()
        executor.shutdown()
    print("wrote docs/partner-central-sync-running.png and docs/partner-central-sync-done.png")


if __name__ == "__main__":
    main()
