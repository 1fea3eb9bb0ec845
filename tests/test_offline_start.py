"""Starting with the server away: the app opens on the offline copy a previous run took.

Whole processes, the way an admin starts the app: the first run opens the PostgreSQL server
through a TCP proxy on 127.0.0.1 and leaves a copy in the data folder; with the proxy stopped
(connection refused) or black-holed (no answer at all), ``--screenshot`` exits 0 and renders
the offline window instead of refusing with exit 2.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from cloudroute_desk.db import offline_copy
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.domain.catalog import Pool
from cloudroute_desk.services import records
from tests.factories import add_inquiry, add_partner
from tests.net_proxy import NetProxy
from tests.test_app_startup import run_app


@pytest.fixture
def served(pg_admin_url, pg_template, tmp_path: Path, request):
    """A seeded server database behind a proxy: (proxy, URL through the proxy)."""
    target = request.getfixturevalue("db_target")
    database = open_database(target)
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned")
    records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
    database.dispose()
    url = make_url(target)
    proxy = NetProxy.in_front_of(url).start()
    yield proxy, proxy.proxied(url).render_as_string(hide_password=False)
    proxy.stop()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
@pytest.mark.parametrize("fault", ["stopped", "black-holed"])
def test_the_app_opens_on_its_copy_when_the_server_is_away(
    backend: str,
    served,
    tmp_path: Path,
    fault: str,
) -> None:
    assert backend == "postgresql"  # only a server can be away; a SQLite file is its own copy
    proxy, url = served
    first = run_app("--db", url, "--screenshot", str(tmp_path / "online.png"), data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    identity = offline_copy.identity_for_target(url)
    assert identity is not None
    path = offline_copy.existing_copy(tmp_path, identity)
    assert path is not None
    with sqlite3.connect(path) as raw:
        complete = raw.execute("SELECT value FROM offline_meta WHERE key = 'complete'").fetchone()
        drafts = raw.execute("SELECT count(*) FROM ace_records").fetchone()
    assert complete == ("1",) and drafts == (1,)

    if fault == "stopped":
        proxy.stop()
    else:
        proxy.blackhole()
    started = time.monotonic()
    shot = tmp_path / "offline.png"
    second = run_app("--db", url, "--screenshot", str(shot), data_dir=tmp_path)
    elapsed = time.monotonic() - started
    assert second.returncode == 0, second.stderr
    assert "opening its offline copy" in second.stderr
    assert shot.stat().st_size > 10_000
    assert elapsed < 60  # a whole process under load; the 2 s figure is bench/offline_bench.py

    if fault == "black-holed":
        # The same link answering again: the question asked at process start sees it, so
        # the app opens the server, never its copy (nothing to sync, no banner).
        proxy.restore()
        third = run_app("--db", url, "--screenshot", str(tmp_path / "back.png"), data_dir=tmp_path)
        assert third.returncode == 0, third.stderr
        assert "opening its offline copy" not in third.stderr


def test_without_a_copy_an_unreachable_server_is_still_refused(tmp_path: Path) -> None:
    refused = run_app(
        "--db",
        "postgresql://nobody@127.0.0.1:9/none",
        "--screenshot",
        str(tmp_path / "x.png"),
        data_dir=tmp_path,
    )
    assert refused.returncode == 2
    assert "Cannot reach the server" in refused.stderr
