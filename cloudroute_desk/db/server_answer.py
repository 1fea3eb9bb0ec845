"""Does a PostgreSQL server answer? Asked at the very start of the process, beside the imports.

A start-up on a server with an offline copy gives the server a short wait before opening the
copy (``views/startup.py``). Asked only once the database layer, Qt and the window's modules
have loaded, a silent (black-holed) server would cost that wait on top of the imports. So
``app.py`` asks here first, on a thread of its own, and start-up reads the answer later: a
silent server then costs the longer of the imports and the wait, not their sum.

The question is PostgreSQL's own first message, an SSLRequest (8 bytes, no credentials): a
PostgreSQL server, or a pooler in front of one, answers it with one byte at once. A plain TCP
connect is not enough, since a black-holed link (a proxy, a VPN whose far end is gone) still
accepts it. Only the standard library is used, so asking costs no import time.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from enum import Enum
from urllib.parse import parse_qs, urlsplit

DEFAULT_PORT = 5432
SSL_REQUEST = struct.pack("!ii", 8, 80877103)
"""Length 8, then PostgreSQL's SSLRequest code; the server answers ``S`` or ``N``."""
ASK_TIMEOUT_S = 10.0
"""How long the asking thread itself keeps trying; start-up decides how long it waits."""


class Answer(Enum):
    ANSWERED = "answered"
    """Something at the address replied (or closed the connection): treat it as there."""
    REFUSED = "refused"
    """The connection could not be made (refused, no route, unknown host)."""
    SILENT = "silent"
    """No reply yet: the connection hangs or the packet went nowhere."""


class ServerAnswer:
    """One question to ``host:port`` on a daemon thread; ``wait`` reads the answer."""

    def __init__(self, host: str, port: int, timeout_s: float = ASK_TIMEOUT_S) -> None:
        self.host = host
        self.port = port
        self._timeout_s = timeout_s
        self._answer = Answer.SILENT
        self._done = threading.Event()
        self.asked_at = time.monotonic()
        """``time.monotonic()`` when the question was asked."""
        self._thread = threading.Thread(target=self._ask, name="cloudroute-answer", daemon=True)

    def start(self) -> ServerAnswer:
        self.asked_at = time.monotonic()
        self._thread.start()
        return self

    def wait(self, timeout_s: float) -> Answer:
        """The answer, waiting at most ``timeout_s`` for it (SILENT if none came)."""
        self._done.wait(max(0.0, timeout_s))
        return self._answer

    def _ask(self) -> None:
        try:
            with socket.create_connection((self.host, self.port), self._timeout_s) as sock:
                sock.sendall(SSL_REQUEST)
                sock.recv(1)  # one byte, or b"" when the peer closed: either way it is there
            self._answer = Answer.ANSWERED
        except TimeoutError:
            self._answer = Answer.SILENT
        except OSError:
            self._answer = Answer.REFUSED
        finally:
            self._done.set()


def ask_early(target: str | None) -> ServerAnswer | None:
    """Start asking the server ``target`` names, or None for anything but a plain
    ``postgresql://…host[:port]…`` URL (a SQLite file, a Unix socket, several hosts), which
    start-up then handles as before."""
    address = server_address(target or "")
    if address is None:
        return None
    return ServerAnswer(*address).start()


def server_address(target: str) -> tuple[str, int] | None:
    """(host, port) of a ``postgresql://`` URL with one TCP host, else None."""
    try:
        parts = urlsplit(target.strip())
        port = parts.port or DEFAULT_PORT
    except ValueError:
        return None
    if parts.scheme.split("+")[0] not in ("postgresql", "postgres"):
        return None
    query = parse_qs(parts.query)
    if "host" in query or "hostaddr" in query or "port" in query:
        return None  # libpq-style parameters: leave them to the real connection
    host = parts.hostname
    if not host or host.startswith("/") or "," in parts.netloc:
        return None
    return host, port
