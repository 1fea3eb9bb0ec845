"""An unusable first database at start-up: Retry / Open another database… / Quit, driven
through the dialog's buttons offscreen."""

from __future__ import annotations

import argparse
import asyncio
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from cloudroute_desk.db.engine import Database
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views import database_dialogs
from cloudroute_desk.views.startup import EXIT_REFUSED, first_database_or_exit
from cloudroute_desk.views.startup_refusal import StartupRefusalDialog

Answer = Callable[[StartupRefusalDialog], None]


@pytest.fixture
def start_up(qapp: QApplication, tmp_path: Path) -> Iterator[Callable[..., Database | int]]:
    """Run the start-up's first-database step on ``target``; each refusal dialog shown is
    answered by the next of ``answers``, which must all be used."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    executor = DbExecutor()
    opened: list[Database] = []

    def run(target: str, answers: list[Answer]) -> Database | int:
        pending = list(answers)
        messages: list[str] = []

        def answer_when_shown() -> None:
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, StartupRefusalDialog) and dialog.isVisible():
                messages.append(dialog.text())
                pending.pop(0)(dialog)

        watcher = QTimer()
        watcher.timeout.connect(answer_when_shown)
        watcher.start(20)
        args = argparse.Namespace(db=target, demo=False)
        result = first_database_or_exit(loop, DbJobs(executor), args, tmp_path, False)
        watcher.stop()
        assert pending == [] and len(messages) == len(answers)
        if isinstance(result, Database):
            opened.append(result)
        return result

    yield run
    for database in opened:
        database.dispose()
    executor.shutdown()
    loop.close()
    asyncio.set_event_loop(None)


def test_retry_opens_it_once_it_can_be_used(
    start_up: Callable[..., Database | int], sqlite_template: Path, tmp_path: Path
) -> None:
    target = tmp_path / "team.sqlite"
    target.write_text("not yet copied")  # e.g. a file still being restored from a backup

    def restore_then_retry(dialog: StartupRefusalDialog) -> None:
        assert str(target) in dialog.text()
        shutil.copyfile(sqlite_template, target)
        dialog.retry_button.click()

    database = start_up(str(target), [restore_then_retry])
    assert isinstance(database, Database) and database.url.database == str(target)


def test_retry_keeps_asking_while_it_still_fails_and_quit_exits_2(
    start_up: Callable[..., Database | int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "bogus.sqlite"
    target.write_text("not a database")
    code = start_up(
        str(target),
        [lambda dialog: dialog.retry_button.click(), lambda dialog: dialog.quit_button.click()],
    )
    assert code == EXIT_REFUSED
    assert capsys.readouterr().err.count(f"{target} is not a SQLite database.") == 2


def test_open_another_opens_the_chosen_file(
    start_up: Callable[..., Database | int],
    sqlite_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bogus, other = tmp_path / "bogus.sqlite", tmp_path / "other.sqlite"
    bogus.write_text("not a database")
    shutil.copyfile(sqlite_template, other)
    monkeypatch.setattr(database_dialogs, "ask_sqlite_file", lambda *_a, **_k: str(other))
    database = start_up(str(bogus), [lambda dialog: dialog.open_button.click()])
    assert isinstance(database, Database) and database.url.database == str(other)
