"""Whether the PostgreSQL server answers, and reconnecting with back-off when it does not.

When a call finds the link dead (the deadline watchdog cut it, or a connect timed out), the
link is marked lost: every unit of work after it fails at once with
``ServerNotAnsweringError`` instead of each waiting out its own deadline behind the single DB
worker, and a probe thread tries to reconnect after 0.5, 1, 2, 4, 8 and then every 15 s. The
first probe that gets an answer marks the link answering again. Listeners (the window's
banner) hear both changes, on the thread that made them.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext

BACKOFF_S: Sequence[float] = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)

Listener = Callable[[bool], None]
"""Called with True when the server answers again, False when it stopped answering."""


class ServerNotAnsweringError(Exception):
    """The server did not answer in time; the work was not done (or its outcome is unknown
    if it was a commit). The link retries by itself."""


def is_link_failure(error: BaseException | None) -> bool:
    """A failure of the connection itself, not an answer from the server: errors libpq raises
    without an SQLSTATE (timeouts, resets, a socket the watchdog shut), or SQLSTATE class 08
    and the server shutting down (57P01-57P03)."""
    import psycopg

    if not isinstance(error, psycopg.OperationalError):
        return False
    state = error.sqlstate
    return state is None or state.startswith("08") or state in {"57P01", "57P02", "57P03"}


class ServerLink:
    def __init__(self, engine: Engine, where: str, backoff: Sequence[float] = BACKOFF_S) -> None:
        self._engine = engine
        self._where = where
        self._backoff = tuple(backoff)
        self._lock = threading.Lock()
        self._answering = True
        self._listeners: list[Listener] = []
        self._closed = threading.Event()
        self._probe: threading.Thread | None = None
        self.lost_at: float | None = None
        event.listen(engine, "handle_error", self._on_handle_error)

    @property
    def answering(self) -> bool:
        return self._answering

    @property
    def where(self) -> str:
        return self._where

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Hear about changes; returns the function that stops it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    def not_answering_error(self) -> ServerNotAnsweringError:
        return ServerNotAnsweringError(f"The server at {self._where} is not answering; retrying.")

    def ensure_answering(self) -> None:
        """Fail at once while the link is lost, instead of waiting on a dead connection."""
        if not self._answering:
            raise self.not_answering_error()

    def mark_lost(self) -> None:
        with self._lock:
            if not self._answering or self._closed.is_set():
                return
            self._answering = False
            self.lost_at = time.monotonic()
            self._probe = threading.Thread(
                target=self._reconnect, name="cloudroute-db-reconnect", daemon=True
            )
            self._probe.start()
        # Every pooled connection went down the same link: none is worth a ping.
        self._engine.pool.dispose()
        self._notify(False)

    def close(self) -> None:
        self._closed.set()
        probe = self._probe
        if probe is not None and probe is not threading.current_thread():
            probe.join(timeout=5)
        with contextlib.suppress(Exception):
            event.remove(self._engine, "handle_error", self._on_handle_error)

    def _reconnect(self) -> None:
        attempt = 0
        while True:
            delay = self._backoff[min(attempt, len(self._backoff) - 1)]
            attempt += 1
            if self._closed.wait(delay):
                return
            try:
                with self._engine.connect() as connection:
                    connection.exec_driver_sql("SELECT 1")
            except Exception:
                continue
            with self._lock:
                self._answering = True
                self.lost_at = None
            self._notify(True)
            return

    def _notify(self, answering: bool) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(answering)

    def _on_handle_error(self, context: ExceptionContext) -> BaseException | None:
        if not is_link_failure(context.original_exception):
            return None
        context.is_disconnect = True
        if context.is_pre_ping:
            # A stale pooled connection: the pool reconnects, and only that can tell.
            return None
        if threading.current_thread() is not self._probe:
            self.mark_lost()
        error = self.not_answering_error()
        error.__cause__ = context.original_exception
        return error
