"""File → Import from Partner Central…: the import runs off the GUI thread, the result dialog
lists every snapshot that did something or could not, and an unusable file says why."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import RecordState
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.services import records
from cloudroute_desk.services.changes import ChangeKind
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.partner_central_import_dialog import (
    PartnerCentralImport,
    PartnerCentralImportController,
)
from tests.partner_central_samples import exportable_record, opportunity


@pytest.fixture
def controller(
    database: Database, qtbot: QtBot, tmp_path: Path
) -> Iterator[PartnerCentralImportController]:
    executor = DbExecutor(database)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = QWidget()
    qtbot.addWidget(window)
    yield PartnerCentralImportController(AppContext(executor, "tester", settings, tmp_path), window)
    executor.shutdown()


def test_import_lists_outcomes_and_emits_changes(
    controller: PartnerCentralImportController, database: Database, qtbot: QtBot, tmp_path: Path
) -> None:
    record_id, payload = exportable_record(database)
    now = utcnow()
    stranger = opportunity(payload, "O77", "Approved", now)
    stranger["PartnerOpportunityIdentifier"] = "ACME-CRM-1"
    stranger["Customer"] = {"Account": {"CompanyName": "Stranger Ltd"}}
    broken = dict(stranger, LifeCycle={"ReviewStatus": "Won"})
    answer = opportunity(
        payload,
        "O5",
        "Rejected",
        now,
        reason="Clarify Solution",
        comments="Name the AWS services the credits fund.",
    )
    path = tmp_path / "pc-answer.json"
    path.write_text(json.dumps([answer, stranger, broken]), encoding="utf-8")

    changes = []
    controller.imported.connect(changes.append)
    with qtbot.waitSignal(controller.finished, timeout=30_000) as blocker:
        controller.start(path)
        assert controller.progress_dialog is not None
    result = blocker.args[0]
    assert isinstance(result, PartnerCentralImport)
    assert records.open_record(database, record_id).summary.state is RecordState.REJECTED
    assert changes and changes[0].has(ChangeKind.RECORD_STATES)
    dialog = controller.result_dialog
    assert dialog is not None
    assert dialog.summary_label.text() == (
        "pc-answer.json: 2 snapshots: 1 applied, 1 unmatched, 1 malformed"
    )
    table = dialog.table
    rows = [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]
    assert rows[0][0] == "item 3" and rows[0][4] == "malformed"
    assert rows[2][:5] == ["item 2", "", "O77 · ACME-CRM-1", "Stranger Ltd", "unmatched"]
    assert rows[1][1] == str(record_id) and rows[1][4] == "applied"
    dialog.copy_button.click()
    assert "Stranger Ltd — unmatched" in QApplication.clipboard().text()
    if os.environ.get("CLOUDROUTE_SCREENSHOTS"):
        dialog.resize(900, 300)
        dialog.grab().save(os.environ["CLOUDROUTE_SCREENSHOTS"] + "/pc-import-dialog.png")


def test_a_foreign_file_is_refused_in_one_sentence(
    controller: PartnerCentralImportController, qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,email\nAda,a@b.c\n", encoding="utf-8")
    with qtbot.waitSignal(controller.failed, timeout=30_000) as blocker:
        controller.start(path)
    message = blocker.args[0]
    assert message.startswith("people.csv cannot be imported: The file is neither")
    assert "Nothing was written." in message
    assert controller.action.isEnabled()
