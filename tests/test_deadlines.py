"""With the link to PostgreSQL black-holed, every job ends within 6 s and nothing queues behind
a dead connection; when the link comes back, the app reconnects by itself.

PostgreSQL only: a black-holed network is a server-link fault; SQLite's counterpart (a file
locked by another process) is tested in test_sqlite_locks.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from cloudroute_desk.db import deadlines
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.server_link import ServerNotAnsweringError
from cloudroute_desk.db.tables import InquiryRow
from cloudroute_desk.domain.queue_filter import QueueFilter
from cloudroute_desk.services import queue, routing
from cloudroute_desk.services.executor import DbExecutor
from tests.factories import add_inquiry, add_partner
from tests.net_proxy import NetProxy

JOB_BOUND_S = 6.0
EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


@pytest.fixture
def proxied(request: pytest.FixtureRequest) -> Iterator[tuple[NetProxy, Database]]:
    """The test database, opened the app's way, through a fault proxy."""
    request.getfixturevalue("pg_admin_url")
    target: str = request.getfixturevalue("db_target")
    url = make_url(target)
    with NetProxy.in_front_of(url) as proxy:
        database = open_database(proxy.proxied(url).render_as_string(hide_password=False))
        try:
            yield proxy, database
        finally:
            proxy.restore()
            database.dispose()


@pytest.fixture
def backend() -> str:
    return "postgresql"


def _seed(database: Database) -> int:
    add_partner(database)
    return add_inquiry(database)


def _timed(future: object) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        future.result(timeout=30)  # type: ignore[attr-defined]
    except Exception as error:
        return time.monotonic() - started, error
    return time.monotonic() - started, None


def test_server_limits_are_set_on_every_connection(proxied: tuple[NetProxy, Database]) -> None:
    _, database = proxied
    with database.reading() as session:
        shown = {
            name: session.execute(text(f"SHOW {name}")).scalar()
            for name in ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")
        }
        keepalive = session.execute(text("SHOW tcp_keepalives_idle")).scalar()
    assert shown == {
        "statement_timeout": "5s",
        "lock_timeout": "3s",
        "idle_in_transaction_session_timeout": "30s",
    }
    assert keepalive is not None


def test_blackholed_link_fails_every_queued_job_within_the_bound(
    proxied: tuple[NetProxy, Database],
) -> None:
    proxy, database = proxied
    inquiry_id = _seed(database)
    executor = DbExecutor(database)
    try:
        now = datetime.now(UTC)
        assert executor.call(lambda db: queue.count(db, QueueFilter(), now)) == 1
        proxy.blackhole()
        blackholed_at = time.monotonic()
        jobs = [
            executor.submit(lambda db: queue.count(db, QueueFilter(), now)),
            executor.submit(lambda db: routing.rank_inquiry(db, inquiry_id)),
            executor.submit(lambda db: queue.inquiry_detail(db, inquiry_id)),
            executor.submit(lambda db: queue.count(db, QueueFilter(), now)),
        ]
        errors = [_timed(job)[1] for job in jobs]
        elapsed = time.monotonic() - blackholed_at
        assert all(isinstance(error, ServerNotAnsweringError) for error in errors), errors
        assert elapsed < JOB_BOUND_S, f"four jobs took {elapsed:.1f} s"
        assert database.link is not None and not database.link.answering
        assert "postgresql://" in str(errors[0]) and "+psycopg" not in str(errors[0])
    finally:
        executor.shutdown()


def test_statement_in_flight_is_cut_and_the_worker_moves_on(
    proxied: tuple[NetProxy, Database],
) -> None:
    proxy, database = proxied
    _seed(database)
    executor = DbExecutor(database)
    first_read = threading.Event()

    def stalls_mid_transaction(db: Database) -> object:
        with db.writing() as session:
            session.execute(select(InquiryRow.id)).all()
            first_read.set()
            proxy.blackhole()
            return session.execute(select(InquiryRow.id)).all()

    try:
        severed_before = deadlines.watchdog.severed
        stalled = executor.submit(stalls_mid_transaction)
        behind = executor.submit(lambda db: queue.count(db, QueueFilter(), datetime.now(UTC)))
        assert first_read.wait(5)
        started = time.monotonic()
        elapsed, error = _timed(stalled)
        assert isinstance(error, ServerNotAnsweringError)
        assert elapsed < JOB_BOUND_S
        _, behind_error = _timed(behind)
        assert isinstance(behind_error, ServerNotAnsweringError)
        assert time.monotonic() - started < JOB_BOUND_S
        assert deadlines.watchdog.severed > severed_before
    finally:
        executor.shutdown()


def test_link_reconnects_by_itself_when_the_server_answers_again(
    proxied: tuple[NetProxy, Database],
) -> None:
    proxy, database = proxied
    _seed(database)
    link = database.link
    assert link is not None
    heard: list[bool] = []
    back = threading.Event()

    def listener(answering: bool) -> None:
        heard.append(answering)
        if answering:
            back.set()

    link.subscribe(listener)
    executor = DbExecutor(database)
    try:
        proxy.blackhole()
        now = datetime.now(UTC)
        _, error = _timed(executor.submit(lambda db: queue.count(db, QueueFilter(), now)))
        assert isinstance(error, ServerNotAnsweringError)
        assert not back.wait(1.0), "still black-holed: no reconnect can succeed"
        proxy.restore()
        assert back.wait(20), "the link did not reconnect"
        assert heard == [False, True]
        assert executor.call(lambda db: queue.count(db, QueueFilter(), now)) == 1
    finally:
        executor.shutdown()


def test_bulk_work_may_outlast_the_statement_limit(database: Database) -> None:
    from cloudroute_desk.db.bulk import bulk_loader

    with bulk_loader(database) as loader:
        connection = loader._connection
        with connection.begin():
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "0"
    with database.reading() as session:
        assert session.execute(text("SHOW statement_timeout")).scalar() == "5s"


def test_a_slow_statement_on_a_live_link_is_refused_by_the_server(database: Database) -> None:
    from sqlalchemy.exc import OperationalError

    with pytest.raises(OperationalError, match="statement timeout"), database.reading() as s:
        # A shorter limit than the app's keeps the test quick; the answer is the same kind.
        s.execute(text("SET LOCAL statement_timeout = 100"))
        s.execute(text("SELECT pg_sleep(2)"))
    assert database.link is not None and database.link.answering, "the link itself is fine"


def test_import_cut_off_mid_file_says_the_connection_was_lost(
    proxied: tuple[NetProxy, Database],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cloudroute_desk.cli import main
    from cloudroute_desk.services.importing import ImportJob

    proxy, database = proxied
    example = (EXAMPLES / "inquiries.csv").read_text(encoding="utf-8").splitlines()
    header, row = example[0], example[1]
    lines = [header] + [row.replace("web-10421", f"web-{n}", 1) for n in range(3)]
    source = tmp_path / "three.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    real_chunk = ImportJob.run_next_chunk
    chunks: list[int] = []

    def chunk_then_cut(job: ImportJob, db: Database) -> int:
        done = real_chunk(job, db)
        chunks.append(done)
        proxy.blackhole()  # the link dies after the first chunk is stored
        return done

    monkeypatch.setattr(ImportJob, "run_next_chunk", chunk_then_cut)
    real_open = ImportJob.open.__func__  # type: ignore[attr-defined]

    def one_row_chunks(cls: type[ImportJob], *args: object, **kwargs: object) -> ImportJob:
        return real_open(cls, *args, **{**kwargs, "chunk_rows": 1})  # type: ignore[no-any-return]

    monkeypatch.setattr(ImportJob, "open", classmethod(one_row_chunks))
    url = database.url.render_as_string(hide_password=False)
    database.dispose()
    code = main(["import", str(source), "--db", url.replace("+psycopg", "")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().endswith("the import stopped: the server connection was lost"), err
    assert "cancel" not in err
    assert chunks == [1], "the first chunk was stored, the second never answered"
