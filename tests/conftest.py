"""Shared fixtures: offscreen Qt, and a fresh migrated database per test on each backend.

PostgreSQL: the URL in ``CLOUDROUTE_TEST_PG_URL`` when set (a server database the tests may
create and drop databases on), otherwise a throwaway server that the ``pgserver`` package
starts in a temporary folder for the session. Each test gets a database cloned from a
migrated template, which is much faster than migrating per test.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="crd-xdg-"))

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication, QWindow
from PySide6.QtTest import QTest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.gui_collector import GuiThreadCollector, collect_if_due

BACKENDS = ("sqlite", "postgresql")
_counter = itertools.count()


@pytest.fixture(scope="session", autouse=True)
def gui_thread_collector(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The app's own rule for the whole session: garbage is collected on the GUI thread only
    (see ``views/gui_collector.py``), never by a DB worker or loader thread a test started."""
    collector = GuiThreadCollector()
    yield
    collector.stop()


@pytest.fixture(autouse=True)
def collect_between_tests() -> Iterator[None]:
    """A test that never runs the event loop still has its garbage collected when due, here
    on the GUI thread, after pytest-qt has closed its widgets."""
    yield
    collect_if_due()


@pytest.fixture(autouse=True)
def no_modifier_left_held(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Qt takes the keyboard's modifiers from the last key event: after a test's Ctrl+B,
    Control stays "held" for the next test, whose ``selectRow`` then adds to the selection
    instead of replacing it. A plain key release after each test lets go of it."""
    yield
    if QGuiApplication.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        window = QWindow()
        QTest.keyRelease(window, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)
        window.destroy()


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[URL]:
    """A superuser URL on a PostgreSQL server for this test session."""
    given = os.environ.get("CLOUDROUTE_TEST_PG_URL")
    if given:
        yield make_url(given).set(drivername="postgresql+psycopg")
        return
    import pgserver

    # Outside pytest's basetemp: the server runs as an unprivileged user when the suite runs
    # as root, and pytest's own folders are private to the invoking user.
    data_dir = Path(tempfile.mkdtemp(prefix="crd-pg-"))
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    try:
        yield make_url(server.get_uri()).set(drivername="postgresql+psycopg")
    finally:
        server.cleanup()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_template(pg_admin_url: URL) -> str:
    """A migrated template database, built once per session."""
    name = f"crd_template_{os.getpid()}"
    _admin_execute(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    database = open_database(pg_admin_url.set(database=name).render_as_string(False))
    database.dispose()
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    open_database(str(path)).dispose()
    return path


def _admin_execute(admin_url: URL, *statements: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_target(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The location (path or URL) of a fresh, migrated, empty database on ``backend``."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.sqlite"
        shutil.copyfile(template, path)
        yield str(path)
        return
    admin_url: URL = request.getfixturevalue("pg_admin_url")
    template_name: str = request.getfixturevalue("pg_template")
    name = f"crd_test_{os.getpid()}_{next(_counter)}"
    _admin_execute(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_db_target(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The location of a brand-new database with no tables at all, on ``backend``."""
    if backend == "sqlite":
        yield str(tmp_path / "empty.sqlite")
        return
    admin_url: URL = request.getfixturevalue("pg_admin_url")
    name = f"crd_empty_{os.getpid()}_{next(_counter)}"
    _admin_execute(admin_url, f'CREATE DATABASE "{name}"')
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database(db_target: str) -> Iterator[Database]:
    """A fresh database on each backend, opened the way the app opens it."""
    database = open_database(db_target)
    yield database
    database.dispose()


@pytest.fixture
def executor(database: Database) -> Iterator[DbExecutor]:
    """The DB worker thread over this test's database."""
    worker = DbExecutor(database)
    yield worker
    worker.shutdown()


@pytest.fixture
def app_context(executor: DbExecutor, tmp_path: Path) -> AppContext:
    """What MainWindow and panes are given, with settings in a throwaway file."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    return AppContext(executor, "tester", settings, tmp_path)
