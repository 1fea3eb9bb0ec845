"""A TCP proxy on 127.0.0.1 for fault tests: forward, black-hole, add latency, reset after COMMIT.

Put it between a client and the test PostgreSQL server and change its behaviour while the
client is connected::

    with NetProxy.in_front_of(pg_url) as proxy:
        url = proxy.proxied(pg_url)   # the same database, reached through 127.0.0.1:proxy.port
        ...
        proxy.blackhole()        # bytes stop flowing both ways; nothing is closed or reset
        proxy.restore()          # forwarding resumes (held bytes are dropped, as a link would)
        proxy.set_latency(0.2)   # every chunk arrives 200 ms after it was sent, each way
        proxy.reset_after(b"COMMIT")  # forward the next chunk holding COMMIT, then reset
                                      # the client with an RST before the server's answer

A black-holed link keeps every socket open and answers nothing, so a client without its own
deadline waits forever: exactly what a dropped Wi-Fi or a silent firewall does. Latency is a
delay line, as on a long link: chunks sent one after another arrive one after another, each
``latency`` late, instead of each waiting for the one before it to be delayed. Threads, not
asyncio, so the proxy never touches the test's event loop.
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import re
import select
import socket
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Self

from sqlalchemy.engine import URL

_CHUNK = 65536
_POLL_S = 0.05


Upstream = tuple[str, int] | Path
"""A TCP (host, port), or the path of a Unix socket (pgserver listens only on one)."""


class NetProxy:
    def __init__(self, upstream: Upstream) -> None:
        self._upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(_POLL_S)
        self._lock = threading.Lock()
        self._blackholed = False
        self._latency_s = 0.0
        self._reset_pattern: bytes | None = None
        self._muted: set[socket.socket] = set()
        """Client sockets being reset: what the server answers them is dropped."""
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: set[socket.socket] = set()
        self.connections_accepted = 0
        self.resets_sent = 0
        self.requests: dict[int, int] = {}
        """Chunks each client connection sent, by connection number: one per request the
        client flushed, so on PostgreSQL's request-answer protocol one round trip each."""
        self._connection_numbers = itertools.count()

    @classmethod
    def in_front_of(cls, url: URL) -> Self:
        """A proxy to the server of a PostgreSQL URL (TCP host or ``?host=/socket/dir``)."""
        port = url.port or 5432
        host = url.host or url.query.get("host") or "/tmp"
        if isinstance(host, tuple):
            host = host[0]
        if host.startswith("/"):
            return cls(Path(host) / f".s.PGSQL.{port}")
        return cls((host, port))

    def proxied(self, url: URL) -> URL:
        """``url`` pointed at this proxy instead of the server."""
        query = {key: value for key, value in url.query.items() if key != "host"}
        return url.set(host=self.host, port=self.port, query=query)

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def start(self) -> NetProxy:
        self._spawn(self._accept_loop)
        return self

    def stop(self) -> None:
        self._stopping.set()
        for thread in list(self._threads):
            thread.join(timeout=2)
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()
            self._sockets.clear()
        self._listener.close()

    def __enter__(self) -> NetProxy:
        return self.start()

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- faults ----------------------------------------------------------------------------

    def blackhole(self) -> None:
        """Drop every byte in both directions, on open and new connections, without closing."""
        with self._lock:
            self._blackholed = True

    def restore(self) -> None:
        with self._lock:
            self._blackholed = False

    def set_latency(self, seconds: float) -> None:
        with self._lock:
            self._latency_s = seconds

    def reset_after(self, pattern: bytes = b"COMMIT") -> None:
        """Once: forward the next client chunk containing ``pattern`` as whole words to the
        server, then reset the client connection (RST) so it never sees the server's answer.
        Whole words, so ``COMMIT`` is not found in ``BEGIN ISOLATION LEVEL READ COMMITTED``."""
        with self._lock:
            self._reset_pattern = pattern

    def reset_all(self) -> None:
        """Reset every open connection now (a server restart or a NAT timeout)."""
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _send_reset(sock)

    # -- plumbing --------------------------------------------------------------------------

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections_accepted += 1
            try:
                client = self._accepted(client)
                server = self._connect_upstream()
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, server))
            self._spawn(self._pump, client, server, True)
            self._spawn(self._pump, server, client, False)

    def _accepted(self, client: socket.socket) -> socket.socket:
        """A hook for subclasses that speak to the client first (e.g. terminate TLS)."""
        return client

    def _connect_upstream(self) -> socket.socket:
        if isinstance(self._upstream, Path):
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.settimeout(5)
            server.connect(str(self._upstream))
        else:
            server = socket.create_connection(self._upstream, timeout=5)
        server.settimeout(None)
        return server

    def round_trips(self) -> tuple[int, int]:
        """(all requests, the most on one connection) so far: compare two readings."""
        with self._lock:
            counts = list(self.requests.values())
        return sum(counts), max(counts, default=0)

    def _request_counter(self, from_client: bool) -> int | None:
        if not from_client:
            return None
        number = next(self._connection_numbers)
        with self._lock:
            self.requests[number] = 0
        return number

    def _count_request(self, number: int | None) -> None:
        if number is not None:
            with self._lock:
                self.requests[number] += 1

    def _pump(self, source: socket.socket, target: socket.socket, from_client: bool) -> None:
        counter = self._request_counter(from_client)
        line = _DelayLine(target, dropped=lambda: self._drops(target, from_client))
        try:
            while not self._stopping.is_set():
                # A TLS socket may hold decrypted bytes that select() cannot see.
                buffered = getattr(source, "pending", lambda: 0)()
                readable, _, _ = (
                    ([source], None, None) if buffered else select.select([source], [], [], _POLL_S)
                )
                if not readable:
                    continue
                data = source.recv(_CHUNK)
                if not data:
                    break
                with self._lock:
                    latency = self._latency_s
                    pattern = self._reset_pattern if from_client else None
                    if pattern is not None and _holds_words(data, pattern):
                        self._reset_pattern = None
                        # Before forwarding: the server's answer may come back before the
                        # reset goes out, and the client must never read it.
                        self._muted.add(source)
                    else:
                        pattern = None
                if self._drops(target, from_client):
                    continue
                self._count_request(counter)
                if pattern is None:
                    line.send(data, delay=latency, then_reset=None)
                    continue
                # Counted before the delay line resets the client, which can then see the
                # reset before this thread would get to count it.
                self.resets_sent += 1
                line.send(data, delay=latency, then_reset=source)
                break
        except OSError:
            pass
        finally:
            line.close()

    def _drops(self, target: socket.socket, from_client: bool) -> bool:
        """Whether bytes bound for ``target`` are lost: a black hole, or the server's answer
        to a client being reset."""
        with self._lock:
            return self._blackholed or (not from_client and target in self._muted)


class _DelayLine:
    """The bytes on their way to one socket, each delivered at its due time and in order.

    With no delay and nothing in flight a chunk goes out at once, on the caller's thread;
    otherwise a sender thread waits for each chunk's due time. What is in flight when the
    link is black-holed is lost, as on a real link."""

    def __init__(self, target: socket.socket, *, dropped: Callable[[], bool]) -> None:
        self._target = target
        self._dropped = dropped
        self._queue: queue.Queue[tuple[float, bytes, socket.socket | None] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._in_flight = 0
        self._sender: threading.Thread | None = None

    def send(self, data: bytes, *, delay: float, then_reset: socket.socket | None) -> None:
        """Deliver ``data`` ``delay`` seconds from now; then reset ``then_reset``, if given."""
        with self._lock:
            at_once = delay <= 0 and self._in_flight == 0
            if not at_once:
                self._in_flight += 1
        if at_once:
            self._deliver(data, then_reset)
            return
        if self._sender is None:
            self._sender = threading.Thread(target=self._send_when_due, daemon=True)
            self._sender.start()
        self._queue.put((time.monotonic() + delay, data, then_reset))

    def close(self) -> None:
        """Deliver what is in flight, then end the target's sending side."""
        if self._sender is not None:
            self._queue.put(None)
            self._sender.join(timeout=5)
        with contextlib.suppress(OSError):
            self._target.shutdown(socket.SHUT_WR)

    def _send_when_due(self) -> None:
        while (item := self._queue.get()) is not None:
            due, data, then_reset = item
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                self._deliver(data, then_reset)
            except OSError:
                pass  # the target is gone; what follows is lost with it
            finally:
                with self._lock:
                    self._in_flight -= 1

    def _deliver(self, data: bytes, then_reset: socket.socket | None) -> None:
        if not self._dropped():
            self._target.sendall(data)
        if then_reset is not None:
            _send_reset(then_reset)


def _holds_words(data: bytes, words: bytes) -> bool:
    return (
        re.search(rb"(?<![A-Za-z0-9_])" + re.escape(words) + rb"(?![A-Za-z0-9_])", data) is not None
    )


def _send_reset(sock: socket.socket) -> None:
    """Close with SO_LINGER 0: the kernel answers with an RST instead of a FIN."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
