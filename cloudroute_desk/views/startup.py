"""GUI start-up: QApplication, the qasync loop, the exception dialog, the first database.

The first database opens before the window exists (a refusal is a plain message, not a
traceback), on the DB worker like every other database job. ``--demo`` generates the demo
database on first use behind a progress dialog, into a temporary file that is renamed only
when complete, so an interrupted generation never leaves a half-filled demo behind.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import qasync
from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from cloudroute_desk.assets import asset
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import DatabaseOpenError
from cloudroute_desk.demo.generator import generate_demo
from cloudroute_desk.domain.acting_admin import acting_admin
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services.executor import DbExecutor, Job
from cloudroute_desk.services.failures import failure_sentence, shown_elsewhere
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.main_window import MainWindow
from cloudroute_desk.views.theme import Theme, apply_theme

log = logging.getLogger(__name__)
T = TypeVar("T")

DEMO_INQUIRIES = 20_000
DEMO_PARTNERS = 400
DEMO_SEED = 7
SCREENSHOT_TIMEOUT_S = 30.0
SCREENSHOT_SIZE = QSize(1440, 900)
OPEN_FEEDBACK_MS = 500


def run_gui(args: argparse.Namespace, data_dir: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("CloudRoute")
    app.setApplicationName("CloudRoute Desk")
    app.setWindowIcon(QIcon(str(asset("icons", "app.svg"))))
    headless = args.screenshot is not None
    # A screenshot run must neither read nor change the user's window layout and theme.
    settings = (
        QSettings(str(data_dir / "screenshot-settings.ini"), QSettings.Format.IniFormat)
        if headless
        else QSettings()
    )
    apply_theme(app, _theme(args.theme or settings.value("ui/theme", "system")))
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    _install_exception_hook(loop, show_dialog=not headless)
    executor = DbExecutor()
    jobs = DbJobs(executor)
    with loop:
        try:
            database = loop.run_until_complete(_first_database(jobs, args, data_dir, headless))
        except DatabaseOpenError as error:
            _report_refusal(str(error), headless)
            executor.shutdown()
            return 2
        executor.switch_to(database)
        admin = acting_admin(args.admin)
        window = MainWindow(AppContext(executor, admin, settings, data_dir))
        if args.window_size is not None:
            window.show_at_size(QSize(*args.window_size))
        elif headless:
            window.show_at_size(SCREENSHOT_SIZE)
        else:
            window.show()
        try:
            if headless:
                code: int = loop.run_until_complete(_screenshot(window, executor, args.screenshot))
                return code
            closed: asyncio.Future[None] = loop.create_future()

            def _on_app_about_to_quit() -> None:
                if not closed.done():
                    closed.set_result(None)

            app.aboutToQuit.connect(_on_app_about_to_quit)
            loop.run_until_complete(closed)
            return 0
        finally:
            window.close()
            executor.shutdown()


def _theme(value: object) -> Theme:
    try:
        return Theme(str(value))
    except ValueError:
        return Theme.SYSTEM


async def _first_database(
    jobs: DbJobs, args: argparse.Namespace, data_dir: Path, headless: bool
) -> Database:
    if args.db:
        return await _open(jobs, args.db, headless)
    if args.demo:
        path = data_dir / "demo.sqlite"
        if not path.exists():
            await _generate_demo(jobs, path, headless)
        return await _open(jobs, str(path), headless)
    return await _open(jobs, str(data_dir / "cloudroute.sqlite"), headless)


async def _opened(jobs: DbJobs, target: str) -> Database:
    """``target`` opened on the DB worker, awaited (start-up runs inside the loop)."""
    result: asyncio.Future[Database] = asyncio.get_running_loop().create_future()
    jobs.open(target, on_done=result.set_result, on_error=result.set_exception)
    return await result


async def _ran(jobs: DbJobs, job: Job[T]) -> T:
    result: asyncio.Future[T] = asyncio.get_running_loop().create_future()
    jobs.run(job, on_done=result.set_result, on_error=result.set_exception)
    return await result


async def _open(jobs: DbJobs, target: str, headless: bool) -> Database:
    """Open on the DB worker; a slow open (a big file's integrity check, a far server)
    shows a busy dialog after half a second instead of nothing."""
    dialog: QProgressDialog | None = None
    if not headless:
        dialog = QProgressDialog("Opening the database…", "", 0, 0)
        dialog.setWindowTitle("CloudRoute Desk")
        dialog.setCancelButton(None)
        dialog.setMinimumDuration(OPEN_FEEDBACK_MS)
    try:
        return await _opened(jobs, target)
    finally:
        if dialog is not None:
            dialog.close()


async def _generate_demo(jobs: DbJobs, path: Path, headless: bool) -> None:
    loop = asyncio.get_running_loop()
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, partial.with_name(partial.name + "-wal")):
        leftover.unlink(missing_ok=True)
    dialog: QProgressDialog | None = None
    if not headless:
        dialog = QProgressDialog("Generating the demo database…", "", 0, 100)
        dialog.setWindowTitle("CloudRoute Desk")
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        dialog.show()

    def progress(done: int, total: int) -> None:
        if dialog is not None and total > 0:
            percent = min(100, done * 100 // total)
            loop.call_soon_threadsafe(dialog.setValue, percent)

    def build(database: Database) -> None:
        try:
            generate_demo(
                database,
                inquiries=DEMO_INQUIRIES,
                partners=DEMO_PARTNERS,
                seed=DEMO_SEED,
                progress=progress,
            )
            with database.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            # Closed before the rename, so no connection keeps the partial name's WAL.
            database.dispose()

    try:
        jobs.executor.switch_to(await _opened(jobs, str(partial)))
        await _ran(jobs, build)
        partial.replace(path)
    finally:
        if dialog is not None:
            dialog.close()


async def _screenshot(window: MainWindow, executor: DbExecutor, path: Path) -> int:
    """Load the queue, select its first inquiry so every pane has something to show, wait
    until the panes have loaded (the DB worker quiet for a while), then grab the window."""
    await _wait_until_quiet(executor)
    window.queue.select_row(0)
    await _wait_until_quiet(executor)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path)):
        print(f"cloudroute-desk: cannot write screenshot {path}", file=sys.stderr)
        return 1
    return 0


async def _wait_until_quiet(executor: DbExecutor) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SCREENSHOT_TIMEOUT_S
    quiet_checks = 0
    while quiet_checks < 5 and loop.time() < deadline:
        # Sleeping hands control back to the Qt loop, which paints and delivers results.
        await asyncio.sleep(0.05)
        busy = not executor.idle
        quiet_checks = 0 if busy else quiet_checks + 1


def _report_refusal(message: str, headless: bool) -> None:
    print(f"cloudroute-desk: {message}", file=sys.stderr)
    if not headless:
        QMessageBox.critical(None, "Cannot open database", message)


def _install_exception_hook(loop: asyncio.AbstractEventLoop, *, show_dialog: bool) -> None:
    """Log every unexpected error and, in the GUI, show it instead of dying silently."""

    def show(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if shown_elsewhere(value):
            log.info("%s", value)
            return
        details = "".join(traceback.format_exception(kind, value, tb))
        log.error("Unexpected error\n%s", details)
        if not show_dialog:
            return
        box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error", failure_sentence(value))
        box.setInformativeText("Your data is safe; the action that failed was not completed.")
        box.setDetailedText(details)
        box.exec()

    def loop_handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, BaseException):
            show(type(error), error, error.__traceback__)
        else:
            log.error("Event loop error: %s", context.get("message"))

    sys.excepthook = show
    loop.set_exception_handler(loop_handler)
