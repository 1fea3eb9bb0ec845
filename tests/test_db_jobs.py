"""The one primitive for database work from the GUI: results on the GUI thread, the latest
request per key wins, cancellation, and one error path."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import DatabaseOpenError
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services.executor import DbExecutor
from tests.db_worker import settle

WAIT_MS = 10_000
MAIN = threading.main_thread()


def _gate() -> tuple[threading.Event, Callable[[Database], None]]:
    """A job that holds the single worker until the event is set."""
    release = threading.Event()

    def hold(_database: Database) -> None:
        assert release.wait(10)

    return release, hold


def test_result_arrives_on_the_gui_thread(qtbot: QtBot, executor: DbExecutor) -> None:
    jobs = DbJobs(executor)
    seen: list[tuple[str, bool]] = []
    ran_on: list[str] = []

    def job(database: Database) -> str:
        ran_on.append(threading.current_thread().name)
        return database.backend

    jobs.run(
        job,
        on_done=lambda backend: seen.append((backend, threading.current_thread() is MAIN)),
    )
    assert jobs.pending == 1
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    assert seen == [(executor.database.backend, True)]
    assert ran_on[0].startswith("cloudroute-db")
    assert jobs.pending == 0


def test_a_newer_request_with_the_same_key_supersedes_the_older(
    qtbot: QtBot, executor: DbExecutor
) -> None:
    jobs = DbJobs(executor)
    release, hold = _gate()
    executor.submit(hold)
    ran: list[str] = []
    shown: list[str] = []

    def read(name: str) -> Callable[[Database], str]:
        def job(_database: Database) -> str:
            ran.append(name)
            return name

        return job

    first = jobs.run(read("first"), on_done=shown.append, key="detail")
    jobs.run(read("other key"), on_done=shown.append, key="summary")
    jobs.run(read("second"), on_done=shown.append, key="detail")
    release.set()
    settle(qtbot, executor)
    assert first.cancelled(), "a superseded read that had not started never runs"
    assert ran == ["other key", "second"]
    assert shown == ["other key", "second"]
    assert jobs.pending == 0


def test_a_started_superseded_job_runs_but_its_result_is_dropped(
    qtbot: QtBot, executor: DbExecutor
) -> None:
    jobs = DbJobs(executor)
    started, release = threading.Event(), threading.Event()
    shown: list[str] = []

    def slow(_database: Database) -> str:
        started.set()
        assert release.wait(10)
        return "old"

    jobs.run(slow, on_done=shown.append, key="k")
    assert started.wait(10)
    jobs.run(lambda _db: "new", on_done=shown.append, key="k")
    release.set()
    settle(qtbot, executor)
    assert shown == ["new"]


def test_cancel_drops_results_and_forget_lets_writes_run(
    qtbot: QtBot, executor: DbExecutor
) -> None:
    jobs = DbJobs(executor)
    release, hold = _gate()
    executor.submit(hold)
    ran: list[str] = []
    shown: list[str] = []

    def job(name: str) -> Callable[[Database], str]:
        def run(_database: Database) -> str:
            ran.append(name)
            return name

        return run

    jobs.run(job("read"), on_done=shown.append, key="read")
    jobs.cancel("read")
    jobs.run(job("write"), on_done=shown.append)
    jobs.forget()
    release.set()
    settle(qtbot, executor)
    assert ran == ["write"], "a cancelled read never ran; a forgotten write still did"
    assert shown == []


def test_an_error_goes_to_on_error_or_to_the_one_handler(
    qtbot: QtBot, executor: DbExecutor
) -> None:
    jobs = DbJobs(executor)
    errors: list[BaseException] = []

    def fail(_database: Database) -> None:
        raise ValueError("the inquiry is gone")

    jobs.run(fail, on_done=lambda _r: None, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert [str(e) for e in errors] == ["the inquiry is gone"]

    with qtbot.captureExceptions() as raised:
        jobs.run(fail, on_done=lambda _r: None)
        qtbot.waitUntil(lambda: bool(raised), timeout=WAIT_MS)
    assert [str(value) for _type, value, _tb in raised] == ["the inquiry is gone"]


def test_results_for_a_deleted_owner_are_dropped(qtbot: QtBot, executor: DbExecutor) -> None:
    owner = QObject()
    jobs = DbJobs(executor, owner)
    release, hold = _gate()
    executor.submit(hold)
    shown: list[str] = []
    jobs.run(lambda _db: "late", on_done=shown.append)
    owner.deleteLater()
    qtbot.waitUntil(lambda: _deleted(jobs), timeout=WAIT_MS)
    release.set()
    settle(qtbot, executor)
    assert shown == []


def _deleted(relay: QObject) -> bool:
    try:
        relay.objectName()
    except RuntimeError:
        return True
    return False


def test_open_runs_on_the_worker_and_refusals_come_back(
    qtbot: QtBot, executor: DbExecutor, sqlite_template: Path, tmp_path: Path
) -> None:
    jobs = DbJobs(executor)
    opened: list[Database] = []
    refused: list[BaseException] = []
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("hello")
    jobs.open(str(bogus), on_done=opened.append, on_error=refused.append)
    qtbot.waitUntil(lambda: bool(refused), timeout=WAIT_MS)
    assert isinstance(refused[0], DatabaseOpenError) and opened == []
    jobs.open(str(sqlite_template), on_done=opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=WAIT_MS)
    assert opened[0].url.database == str(sqlite_template)
    assert executor.database is not opened[0], "opening does not switch"
    opened[0].dispose()


def test_a_job_before_any_database_is_refused_at_once() -> None:
    idle = DbExecutor()
    try:
        with pytest.raises(RuntimeError, match="No database is open"):
            idle.submit(lambda database: database.backend)
    finally:
        idle.shutdown()


def test_after_shutdown_a_late_result_starts_nothing(qtbot: QtBot, database: Database) -> None:
    """Closing the app stops the worker; a result delivered afterwards may ask for more work,
    which is refused quietly instead of raising into whatever runs next."""
    stopped = DbExecutor(database)
    jobs = DbJobs(stopped)
    stopped.shutdown()
    shown: list[str] = []
    future = jobs.run(lambda _db: "never", on_done=shown.append)
    assert future.cancelled() and jobs.pending == 0
    with pytest.raises(RuntimeError, match="stopped"):
        stopped.submit(lambda _db: None)
    assert shown == []
