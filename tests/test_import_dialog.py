"""The GUI import: progress off the GUI thread, cancel between chunks, the result dialog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMenu, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.tables import InquiryRow
from cloudroute_desk.services.changes import ALL_ROWS, ChangeKind, Changes
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.importing import ImportReport, RowKind
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.import_dialog import ImportController

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
HEADER = (
    "external_id,company_name,website,funding_stage,region,vertical,service_profile,"
    "engagement_type,spend,arrived_at\n"
)


def csv_row(i: int, spend: str = "EC2=100", arrived: str = "2026-11-20T10:00:00Z") -> str:
    return f"r{i},Co {i},co{i}.example.com,seed,UK,fintech,AI-heavy,Build,{spend},{arrived}\n"


@pytest.fixture
def controller(database: Database, qtbot: QtBot, tmp_path: Path) -> Iterator[ImportController]:
    executor = DbExecutor(database)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = QWidget()
    qtbot.addWidget(window)
    controller = ImportController(AppContext(executor, "tester", settings, tmp_path), window)
    yield controller
    executor.shutdown()


def stored(database: Database) -> int:
    with database.reading() as session:
        return int(session.execute(select(func.count(InquiryRow.id))).scalar_one())


def run_import(qtbot: QtBot, controller: ImportController, path: Path) -> ImportReport:
    with qtbot.waitSignal(controller.finished, timeout=30_000) as blocker:
        controller.start(path, RowKind.INQUIRY)
        assert controller.progress_dialog is not None
    report = blocker.args[0]
    assert isinstance(report, ImportReport)
    return report


def test_menu_actions(controller: ImportController) -> None:
    menu = QMenu()
    quit_action = menu.addAction("Quit")
    controller.add_actions(menu, before=quit_action)
    assert [a.text() for a in menu.actions()] == [
        "Import inquiries…",
        "Import partners…",
        "Quit",
    ]


def test_rejected_rows_are_listed_as_plain_text(
    controller: ImportController, qtbot: QtBot, database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        HEADER.rstrip("\n")
        + ",notes\n"
        + csv_row(1).rstrip("\n")
        + ",x\n"
        + csv_row(2, spend="EC2=-5").rstrip("\n")
        + ",x\n"
        + 'r3,"<b>Bold</b> <a href=""http://x"">link</a>",co3.example.com,seed,UK,fintech,'
        "AI-heavy,Build,EC2=1,not-a-date,x\n",
        encoding="utf-8",
    )
    with qtbot.waitSignal(controller.imported, timeout=30_000) as changed:
        report = run_import(qtbot, controller, path)
    assert changed.args[0] == Changes.of(
        ChangeKind.INQUIRIES_ADDED,
        ChangeKind.ASSIGNMENTS,
        inquiries=ALL_ROWS,
        partners=ALL_ROWS,
        admin="tester",
    )
    assert (report.accepted, report.rejected) == (1, 2)
    assert stored(database) == 1
    assert controller.progress_dialog is None
    dialog = controller.result_dialog
    assert dialog is not None and dialog.isVisible()
    table = dialog.table
    assert table.rowCount() == 2
    cells = [[table.item(r, c).text() for c in range(3)] for r in range(2)]
    assert cells[0][:2] == ["3", "spend"]
    assert "amount -5 is negative" in cells[0][2]
    assert cells[1][:2] == ["4", "arrived_at"]
    assert dialog.summary_label.text() == report.summary()
    assert "ignored unknown columns: notes" in dialog.detail_label.text()
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == report.render_text()


def test_reimport_shows_duplicates_and_emits_no_changes(
    controller: ImportController, qtbot: QtBot, database: Database
) -> None:
    run_import(qtbot, controller, EXAMPLES / "inquiries.csv")
    assert controller.result_dialog is not None
    controller.result_dialog.close()
    with qtbot.assertNotEmitted(controller.imported):
        report = run_import(qtbot, controller, EXAMPLES / "inquiries.csv")
    assert report.complete and len(report.duplicates) == 5
    dialog = controller.result_dialog
    assert dialog is not None and not dialog.table.isVisibleTo(dialog)
    assert "already in the database" in dialog.detail_label.text()
    assert stored(database) == 5


def test_cancel_stops_between_chunks(
    controller: ImportController, qtbot: QtBot, database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "".join(csv_row(i) for i in range(30)), encoding="utf-8")
    controller.chunk_rows = 10
    seen: list[tuple[int, int]] = []

    def on_progressed(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 10:
            assert controller.progress_dialog is not None
            button = controller.progress_dialog.findChild(QPushButton)
            assert button is not None and button.text() == "Cancel"
            button.click()

    controller.progressed.connect(on_progressed)
    report = run_import(qtbot, controller, path)
    assert seen == [(0, 30), (10, 30)]
    assert (report.accepted, report.not_processed, report.cancelled) == (10, 20, True)
    assert stored(database) == 10
    assert controller.result_dialog is not None
    assert "cancelled" in controller.result_dialog.detail_label.text()
    assert all(action.isEnabled() for action in controller.actions.values())


def test_unreadable_file_reports_and_writes_nothing(
    controller: ImportController, qtbot: QtBot, database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + csv_row(1).replace("Co 1", "Café")).encode("latin-1"))
    with qtbot.waitSignal(controller.failed, timeout=30_000) as blocker:
        controller.start(path, RowKind.INQUIRY)
    assert "not UTF-8 at line 2" in blocker.args[0]
    assert "Nothing was written" in blocker.args[0]
    assert controller.progress_dialog is None and controller.result_dialog is None
    assert stored(database) == 0


def test_main_window_file_menu_imports(
    qtbot: QtBot, app_context: AppContext, database: Database
) -> None:
    from cloudroute_desk.views.main_window import MainWindow

    window = MainWindow(app_context)
    qtbot.addWidget(window)
    texts = [action.text() for action in window.file_menu.actions()]
    assert texts.index("Import inquiries…") < texts.index("Import partners…")
    assert texts.index("Import partners…") < texts.index("&Quit")
    applied: list[Changes] = []
    window.importer.imported.connect(applied.append)
    report = run_import(qtbot, window.importer, EXAMPLES / "inquiries.json")
    assert report.accepted == 2 and applied and applied[0].has(ChangeKind.INQUIRIES_ADDED)
    assert stored(database) == 2


def test_opening_another_database_stops_the_import_there(
    controller: ImportController, qtbot: QtBot, database: Database, tmp_path: Path
) -> None:
    from cloudroute_desk.db.opening import open_database

    path = tmp_path / "many.csv"
    path.write_text(HEADER + "".join(csv_row(i) for i in range(30)), encoding="utf-8")
    controller.chunk_rows = 10
    other = open_database(str(tmp_path / "other.sqlite"))
    executor = controller._context.executor

    def on_progressed(done: int, _total: int) -> None:
        if done == 10:
            executor.switch_to(other)

    controller.progressed.connect(on_progressed)
    report = run_import(qtbot, controller, path)
    assert (report.accepted, report.not_processed) == (10, 20)
    assert stored(database) == 10
    assert stored(other) == 0
