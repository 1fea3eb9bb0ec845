"""The early question to a PostgreSQL server (``db/server_answer.py``): asked over real sockets
on 127.0.0.1, and asked by ``app.py`` before Qt or the database layer load."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from cloudroute_desk.db.server_answer import (
    SSL_REQUEST,
    Answer,
    ServerAnswer,
    ask_early,
    server_address,
)

WAIT_S = 10.0
"""Generous: an answer that comes returns at once; only SILENT ever waits it out."""


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    sock = socket.create_server(("127.0.0.1", 0))
    yield sock
    sock.close()


def _port(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


def test_a_server_that_answers_the_ssl_request_is_answered(listener: socket.socket) -> None:
    received: list[bytes] = []

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            received.append(connection.recv(8))
            connection.sendall(b"N")  # "no TLS here", as a plain PostgreSQL answers

    threading.Thread(target=serve, daemon=True).start()
    answer = ServerAnswer("127.0.0.1", _port(listener)).start()
    assert answer.wait(WAIT_S) is Answer.ANSWERED
    assert received == [SSL_REQUEST]


def test_a_closed_port_is_refused() -> None:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        port = _port(sock)  # closed again when the block ends: nothing listens there
    assert ServerAnswer("127.0.0.1", port).start().wait(WAIT_S) is Answer.REFUSED


def test_a_link_that_accepts_but_never_answers_is_silent(listener: socket.socket) -> None:
    """What a black-holed proxy or a dead VPN does: the TCP connect succeeds, then nothing."""
    answer = ServerAnswer("127.0.0.1", _port(listener)).start()
    accepted, _ = listener.accept()
    with accepted:
        assert answer.wait(0.3) is Answer.SILENT
        accepted.sendall(b"S")  # and an answer that comes later is still seen
        assert answer.wait(WAIT_S) is Answer.ANSWERED


@pytest.mark.parametrize(
    ("target", "address"),
    [
        ("postgresql://u:p@db.example:6543/crd", ("db.example", 6543)),
        ("postgresql+psycopg://u@127.0.0.1/crd", ("127.0.0.1", 5432)),
        ("postgres://u@[::1]:5433/crd", ("::1", 5433)),
        ("/home/me/cloudroute.sqlite", None),
        ("sqlite:///x.sqlite", None),
        ("postgresql://u@/crd?host=/var/run/postgresql", None),
        ("postgresql://u@h1:5432,h2:5432/crd", None),
        ("postgresql://u@h:notaport/crd", None),
    ],
)
def test_only_a_plain_tcp_server_url_is_asked(target: str, address: tuple[str, int] | None) -> None:
    assert server_address(target) == address
    if address is None:
        assert ask_early(target) is None


def test_the_app_asks_the_server_before_qt_and_the_database_layer_load(tmp_path) -> None:
    """A silent server's wait overlaps the imports only if the question goes out first."""
    script = (
        "import sys\n"
        "from cloudroute_desk import app\n"
        "from cloudroute_desk.db import server_answer\n"
        "def start(self):\n"
        "    heavy = ('PySide6', 'sqlalchemy', 'pydantic', 'numpy', 'psycopg', 'qasync')\n"
        "    print('loaded:', sorted(m for m in heavy if m in sys.modules))\n"
        "    raise SystemExit(0)\n"
        "server_answer.ServerAnswer.start = start\n"
        "app.main(['--db', 'postgresql://u@127.0.0.1:9/x', '--screenshot', 'x.png'])\n"
        "print('never asked')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env=dict(os.environ, CLOUDROUTE_DATA_DIR=str(tmp_path), QT_QPA_PLATFORM="offscreen"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "loaded: []"
