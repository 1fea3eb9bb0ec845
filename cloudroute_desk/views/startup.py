"""GUI start-up: QApplication, the qasync loop, the exception dialog, the first database.

The order is what makes the first paint quick. The first database opens before the window
exists (a refusal is a plain message, not a traceback), on the DB worker like every other
database job, without SQLite's full-file integrity check; the window's modules load only then
(``--demo`` on first use shows its progress dialog before them); once every pane is quiet,
botocore's service model (the editor's picklists) loads and the integrity check runs, both off
the GUI thread; an integrity failure is shown (and closes the app) instead of being skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import qasync
from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from cloudroute_desk.assets import asset
from cloudroute_desk.db import offline_copy as offline_copies
from cloudroute_desk.db.engine import Database, shown_url
from cloudroute_desk.db.offline_copy import OfflineStart
from cloudroute_desk.db.opening import (
    DatabaseOpenError,
    ServerUnreachableError,
    integrity_problem,
    open_database,
    parse_target,
)
from cloudroute_desk.db.server_answer import Answer, ServerAnswer
from cloudroute_desk.domain.ace.api_model import service_model
from cloudroute_desk.domain.acting_admin import acting_admin
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.failures import failure_sentence, shown_elsewhere
from cloudroute_desk.views.charts.deferred_panel import load_chart_modules
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.demo_first_use import demo_path, generate_demo_on_first_use
from cloudroute_desk.views.gui_collector import GuiThreadCollector
from cloudroute_desk.views.startup_milestones import (
    LATER_PANES_BUILT,
    PANES_QUIET,
    WINDOW_SHOWN,
    FirstRowsPaint,
    milestone,
    wait_until_quiet,
)
from cloudroute_desk.views.startup_refusal import RefusalChoice, StartupRefusalDialog
from cloudroute_desk.views.theme import Theme, apply_theme

if TYPE_CHECKING:
    from cloudroute_desk.views.main_window import MainWindow

log = logging.getLogger(__name__)

SCREENSHOT_TIMEOUT_S = 30.0
QUIET_TIMEOUT_S = 120.0
SCREENSHOT_SIZE = QSize(1440, 900)
OPEN_FEEDBACK_MS = 500
EXIT_REFUSED = 2
EXIT_CANCELLED = 1
FIRST_ROWS_WAIT_S = 2.0
"""The later panes are built after the queue's first rows, or after this long without them."""
SERVER_WAIT_S = 0.8
"""How long start-up waits for a server that has an offline copy before opening the copy."""


def run_gui(
    args: argparse.Namespace, data_dir: Path, server_answer: ServerAnswer | None = None
) -> int:
    """``server_answer``: the question ``app.py`` asked ``args.db``'s server at process
    start (see ``_server_or_copy``)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    collector = GuiThreadCollector(app, starting_up=True)
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
    # Until the window is up, the only windows are start-up's dialogs (the demo's progress,
    # a refusal): closing the last of them must not quit the app and stop the event loop
    # under the database being opened.
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    _install_exception_hook(loop, show_dialog=not headless)
    executor = DbExecutor()
    jobs = DbJobs(executor)
    with loop:
        opened = first_database_or_exit(loop, jobs, args, data_dir, headless, server_answer)
        if isinstance(opened, int):
            executor.shutdown()
            return opened
        # The window's modules load after the database opened (see the module docstring).
        from cloudroute_desk.views.main_window import MainWindow

        admin = acting_admin(args.admin)
        offline = opened if isinstance(opened, OfflineStart) else None
        database = opened.copy if isinstance(opened, OfflineStart) else opened
        executor.switch_to(database.signed_as(admin))
        window = MainWindow(
            AppContext(
                executor,
                admin,
                settings,
                data_dir,
                target=args.db or "",
                offline_start=offline,
            ),
            panes_after_first_paint=True,
        )
        first_rows = FirstRowsPaint(
            window.queue.table.viewport(), window.queue.model.first_rows_loaded
        )
        if args.window_size is not None:
            window.show_at_size(QSize(*args.window_size))
        elif headless:
            window.show_at_size(SCREENSHOT_SIZE)
        else:
            window.show()
        app.setQuitOnLastWindowClosed(True)
        milestone(WINDOW_SHOWN)
        later_panes = loop.create_task(_later_panes(window, first_rows))
        try:
            if headless:
                code: int = loop.run_until_complete(
                    _screenshot(
                        window, executor, later_panes, args.screenshot, collector.start_up_done
                    )
                )
                return code
            closed: asyncio.Future[int] = loop.create_future()

            def close_with(code: int) -> None:
                if not closed.done():
                    closed.set_result(code)

            app.aboutToQuit.connect(lambda: close_with(0))
            after_start = loop.create_task(
                _after_start(window, executor, close_with, later_panes, collector.start_up_done)
            )
            code = loop.run_until_complete(closed)
            after_start.cancel()
            return code
        finally:
            later_panes.cancel()
            window.close()
            executor.shutdown()


def _theme(value: object) -> Theme:
    try:
        return Theme(str(value))
    except ValueError:
        return Theme.SYSTEM


async def _first_database(
    jobs: DbJobs,
    args: argparse.Namespace,
    data_dir: Path,
    headless: bool,
    server_answer: ServerAnswer | None,
) -> Database | OfflineStart | None:
    """The database to open, or None when the admin cancelled creating the demo."""
    if args.db:
        return await _server_or_copy(jobs, args.db, data_dir, headless, server_answer)
    if args.demo:
        path = demo_path(data_dir)
        if not path.exists() and not await generate_demo_on_first_use(
            path, show_dialog=not headless
        ):
            return None
        return await _open(jobs, str(path), headless)
    return await _open(jobs, str(data_dir / "cloudroute.sqlite"), headless)


async def _server_or_copy(
    jobs: DbJobs,
    target: str,
    data_dir: Path,
    headless: bool,
    server_answer: ServerAnswer | None = None,
) -> Database | OfflineStart:
    """A server with an offline copy on this computer is given ``SERVER_WAIT_S`` to answer;
    if it has not by then (or cannot be reached), the window opens on the copy at once and
    reconnects by itself. The first attempt runs beside the DB worker, so the copy can open on
    the worker meanwhile; a refusal from a server that did answer is still a refusal.

    ``server_answer`` was asked at process start: its wait counts from then, so a silent
    server's wait has passed during the imports. Only a server that answered it gets the
    attempt (and its own wait); one that refused or stayed silent means the copy at once."""
    identity = offline_copies.identity_for_target(target)
    copy_path = offline_copies.existing_copy(data_dir, identity) if identity else None
    if identity is None or copy_path is None:
        return await _open(jobs, target, headless)
    loop = asyncio.get_running_loop()
    # The copy opens on the DB worker meanwhile, so giving up on the server costs no more.
    copy_opening = asyncio.ensure_future(_opened(jobs, str(copy_path)))
    if server_answer is not None:
        left_s = server_answer.asked_at + SERVER_WAIT_S - time.monotonic()
        answer = (
            await loop.run_in_executor(None, server_answer.wait, left_s)
            if left_s > 0
            else server_answer.wait(0)  # the wait is over already: no thread hop
        )
        log.debug(
            "server %s %.2f s after it was asked",
            answer.value,
            time.monotonic() - server_answer.asked_at,
        )
        if answer is not Answer.ANSWERED:
            return await _offline_start(target, identity, copy_opening)
    attempt = loop.run_in_executor(
        None, functools.partial(open_database, target, check_integrity=False)
    )
    done, _ = await asyncio.wait({attempt}, timeout=SERVER_WAIT_S)
    if attempt in done and attempt.exception() is None:
        copy_opening.add_done_callback(_dispose_late)
        return attempt.result()
    if attempt in done:
        error = attempt.exception()
        if not isinstance(error, ServerUnreachableError):
            copy_opening.add_done_callback(_dispose_late)
            raise error  # type: ignore[misc]
    else:
        # Late success is not wasted work to keep: the probe opens the server afresh.
        attempt.add_done_callback(_dispose_late)
    return await _offline_start(target, identity, copy_opening)


async def _offline_start(
    target: str, identity: str, copy_opening: asyncio.Future[Database]
) -> OfflineStart:
    print(
        f"cloudroute-desk: the server at {target_shown(target)} is not answering; "
        "opening its offline copy",
        file=sys.stderr,
    )
    return OfflineStart(target, identity, await copy_opening)


def _dispose_late(attempt: asyncio.Future[Database]) -> None:
    if not attempt.cancelled() and attempt.exception() is None:
        attempt.result().dispose()


def target_shown(target: str) -> str:
    try:
        return shown_url(parse_target(target))
    except DatabaseOpenError:
        return target


async def _opened(jobs: DbJobs, target: str) -> Database:
    """``target`` opened on the DB worker, awaited (start-up runs inside the loop). The full
    integrity check is left for later (``_after_start``), so a big file opens at once."""
    result: asyncio.Future[Database] = asyncio.get_running_loop().create_future()
    jobs.open(
        target, on_done=result.set_result, on_error=result.set_exception, check_integrity=False
    )
    return await result


async def _open(jobs: DbJobs, target: str, headless: bool) -> Database:
    """Open on the DB worker; a slow open (a far server, an upgrade) shows a busy dialog
    after half a second instead of nothing."""
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


async def _integrity(executor: DbExecutor) -> str | None:
    """The deferred integrity check, on a pool thread with its own read-only connection, so
    the DB worker keeps serving the panes while SQLite reads the whole file."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, integrity_problem, executor.database)


async def _first_rows_on_screen(window: MainWindow, first_rows: FirstRowsPaint) -> None:
    """Until the queue painted its first rows, found none (its empty state shows instead) or
    failed to load; at once when the window opened on Review or Charts (no queue on screen);
    at most ``FIRST_ROWS_WAIT_S``."""
    viewport = window.queue.table.viewport()
    if not viewport.isVisible():
        return
    shown: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def done(*_args: object) -> None:
        if not shown.done():
            shown.set_result(None)

    def loaded() -> None:
        if window.queue.model.rowCount() == 0:
            done()

    first_rows.painted.connect(done)
    window.queue.model.first_rows_loaded.connect(loaded)
    window.queue.model.load_failed.connect(done)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(shown, FIRST_ROWS_WAIT_S)


async def _later_panes(window: MainWindow, first_rows: FirstRowsPaint) -> None:
    """The rest of the window, once the queue's first rows are on screen."""
    await _first_rows_on_screen(window, first_rows)
    await window.build_panes_later()
    milestone(LATER_PANES_BUILT)


async def _after_start(
    window: MainWindow,
    executor: DbExecutor,
    close_with: Callable[[int], None],
    later_panes: asyncio.Future[None] | None = None,
    start_up_done: Callable[[], None] = lambda: None,
) -> None:
    if later_panes is not None:
        await later_panes
    quiet_since = await wait_until_quiet(executor, QUIET_TIMEOUT_S)
    if quiet_since is not None:
        milestone(PANES_QUIET, quiet_since)
    loop = asyncio.get_running_loop()
    # The editor's picklists and rules come from botocore's service model; load it now, off
    # the GUI thread, so opening the first record does not wait for it. The same for the
    # chart stack, so the first look at the charts imports nothing (a third of a second).
    await loop.run_in_executor(None, service_model)
    await loop.run_in_executor(None, load_chart_modules)
    start_up_done()
    problem = await _integrity(executor)
    if problem is None:
        return
    print(f"cloudroute-desk: {problem}", file=sys.stderr)
    box = QMessageBox(QMessageBox.Icon.Critical, "Database damaged", problem, parent=window)
    box.setInformativeText(
        "CloudRoute Desk will close so that nothing more is written to it. Restore the file "
        "from a backup, or open another database."
    )
    box.finished.connect(lambda _result: close_with(EXIT_REFUSED))
    box.open()


async def _screenshot(
    window: MainWindow,
    executor: DbExecutor,
    later_panes: asyncio.Future[None],
    path: Path,
    start_up_done: Callable[[], None] = lambda: None,
) -> int:
    """Load the queue, select its first inquiry so every pane has something to show (as an
    admin may while the later panes are still being built: they catch up with it), wait
    until those panes exist and every pane has loaded (DB worker and tasks quiet), check the
    file's integrity, then grab the window."""
    await wait_until_quiet(executor, SCREENSHOT_TIMEOUT_S)
    window.queue.select_row(0)
    await asyncio.wait_for(later_panes, SCREENSHOT_TIMEOUT_S)
    if window.charts.isVisible():
        window.charts.build()  # the shot shows the charts, not the pieces still to come
    quiet_since = await wait_until_quiet(executor, SCREENSHOT_TIMEOUT_S)
    if quiet_since is not None:
        milestone(PANES_QUIET, quiet_since)
    start_up_done()
    problem = await _integrity(executor)
    if problem is not None:
        print(f"cloudroute-desk: {problem}", file=sys.stderr)
        return EXIT_REFUSED
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path)):
        print(f"cloudroute-desk: cannot write screenshot {path}", file=sys.stderr)
        return 1
    return 0


def first_database_or_exit(
    loop: asyncio.AbstractEventLoop,
    jobs: DbJobs,
    args: argparse.Namespace,
    data_dir: Path,
    headless: bool,
    server_answer: ServerAnswer | None = None,
) -> Database | OfflineStart | int:
    """The first database, or the exit code. A refusal offers Retry / Open another
    database… / Quit (a screenshot run just exits). ``server_answer`` serves the first try
    only: a retry asks the server afresh."""
    target: str | None = None  # None: the one the command line names
    while True:
        try:
            database = loop.run_until_complete(
                _first_database(jobs, args, data_dir, headless, server_answer)
                if target is None
                else _open(jobs, target, headless)
            )
        except DatabaseOpenError as error:
            server_answer = None
            print(f"cloudroute-desk: {error}", file=sys.stderr)
            if headless:
                return EXIT_REFUSED
            choice = StartupRefusalDialog(str(error)).choose()
            if choice is RefusalChoice.QUIT:
                return EXIT_REFUSED
            if choice is RefusalChoice.OPEN_ANOTHER:
                # Loaded only here: start-up itself does not need the dialogs' modules.
                from cloudroute_desk.views import database_dialogs

                target = database_dialogs.ask_sqlite_file(None, create=False) or target
            continue
        if database is None:
            print("cloudroute-desk: demo generation cancelled; nothing was kept.", file=sys.stderr)
            return EXIT_CANCELLED
        return database


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
