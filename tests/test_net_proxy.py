"""The fault proxy itself: it forwards, black-holes, delays and resets as it says."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import URL

from tests.net_proxy import NetProxy


class _EchoServer:
    """Echoes every chunk and remembers what it received."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.received = bytearray()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self.listener.getsockname()[1])

    def _serve(self) -> None:
        try:
            while True:
                conn, _ = self.listener.accept()
                threading.Thread(target=self._echo, args=(conn,), daemon=True).start()
        except OSError:
            return

    def _echo(self, conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(4096):
                self.received += data
                conn.sendall(data)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def echo_proxy() -> Iterator[tuple[_EchoServer, NetProxy]]:
    server = _EchoServer()
    with NetProxy(("127.0.0.1", server.port)) as proxy:
        yield server, proxy
    server.close()


def _client(proxy: NetProxy) -> socket.socket:
    sock = socket.create_connection((proxy.host, proxy.port), timeout=2)
    return sock


def test_forwards_both_ways(echo_proxy: tuple[_EchoServer, NetProxy]) -> None:
    _, proxy = echo_proxy
    with _client(proxy) as sock:
        sock.sendall(b"hello")
        assert sock.recv(100) == b"hello"


def test_blackhole_answers_nothing_and_restore_resumes(
    echo_proxy: tuple[_EchoServer, NetProxy],
) -> None:
    server, proxy = echo_proxy
    with _client(proxy) as sock:
        sock.sendall(b"one")
        assert sock.recv(100) == b"one"
        proxy.blackhole()
        sock.sendall(b"lost")
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):
            sock.recv(100)
        assert b"lost" not in server.received
        proxy.restore()
        sock.settimeout(2)
        sock.sendall(b"two")
        assert sock.recv(100) == b"two"


def test_latency_delays_each_chunk(echo_proxy: tuple[_EchoServer, NetProxy]) -> None:
    _, proxy = echo_proxy
    proxy.set_latency(0.15)
    with _client(proxy) as sock:
        started = time.monotonic()
        sock.sendall(b"slow")
        assert sock.recv(100) == b"slow"
        # one delay on the way in and one on the way out
        assert time.monotonic() - started >= 0.3


def test_reset_after_forwards_the_chunk_then_resets(
    echo_proxy: tuple[_EchoServer, NetProxy],
) -> None:
    server, proxy = echo_proxy
    proxy.reset_after(b"COMMIT")
    with _client(proxy) as sock:
        sock.sendall(b"COMMIT")
        with pytest.raises((ConnectionResetError, BrokenPipeError)):
            data = sock.recv(100)
            assert data == b"", "an RST, not an answer"
            raise ConnectionResetError
    deadline = time.monotonic() + 2
    while b"COMMIT" not in server.received and time.monotonic() < deadline:
        time.sleep(0.01)
    assert b"COMMIT" in server.received
    assert proxy.resets_sent == 1


def test_reset_after_matches_whole_words_only(
    echo_proxy: tuple[_EchoServer, NetProxy],
) -> None:
    """A read's ``BEGIN ISOLATION LEVEL READ COMMITTED`` is not the COMMIT a test means."""
    _, proxy = echo_proxy
    proxy.reset_after(b"COMMIT")
    with _client(proxy) as sock:
        sock.sendall(b"Q\x00BEGIN ISOLATION LEVEL READ COMMITTED\x00")
        assert sock.recv(100).startswith(b"Q")
        assert proxy.resets_sent == 0
        sock.sendall(b"Q\x00COMMIT\x00")
        with pytest.raises((ConnectionResetError, BrokenPipeError)):
            if sock.recv(100) == b"":
                raise ConnectionResetError
    assert proxy.resets_sent == 1


def test_postgresql_through_the_proxy(pg_admin_url: URL) -> None:
    with NetProxy.in_front_of(pg_admin_url) as proxy:
        url = proxy.proxied(pg_admin_url).set(drivername="postgresql")
        with psycopg.connect(url.render_as_string(hide_password=False), connect_timeout=3) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        assert proxy.connections_accepted == 1
