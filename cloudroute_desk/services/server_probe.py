"""Waiting for a server to answer again while the window works from the offline copy.

The probe opens the server (``open_database``: connect, schema check, invariants) on a thread
of its own, after 0, 0.5, 1, 2, 4, 8 and then every 15 s, and hands the opened ``Database``
to ``on_open`` once it succeeds. It runs beside the DB worker rather than on it: a black-holed
server holds each attempt for its connect deadline, and the single worker must keep serving
the offline window meanwhile. Nothing else touches the server until the window switches to
the database the probe opened.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import DatabaseOpenError, open_database
from cloudroute_desk.db.server_link import BACKOFF_S

log = logging.getLogger(__name__)


class ServerProbe:
    def __init__(
        self,
        target: str,
        on_open: Callable[[Database], None],
        backoff: Sequence[float] = (0.0, *BACKOFF_S),
    ) -> None:
        self._target = target
        self._on_open = on_open
        self._backoff = tuple(backoff)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cloudroute-probe", daemon=True)

    def start(self) -> ServerProbe:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stopped.is_set()

    def _run(self) -> None:
        attempt = 0
        while True:
            delay = self._backoff[min(attempt, len(self._backoff) - 1)]
            attempt += 1
            if self._stopped.wait(delay):
                return
            try:
                database = open_database(self._target, check_integrity=False)
            except DatabaseOpenError as error:
                log.info("Server still away: %s", error)
                continue
            if self._stopped.is_set():
                database.dispose()
                return
            self._on_open(database)
            return
