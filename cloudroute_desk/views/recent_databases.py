"""Saved servers and File → Recent, kept in QSettings. A server entry holds what the admin
typed (host, port, database, user, TLS settings) and never a password: that lives in the
operating system's keyring (``services.password_store``), keyed by the entry's label."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from PySide6.QtCore import QSettings

RECENT_KEY = "connections/recent"
SERVERS_KEY = "connections/servers"
RECENT_LIMIT = 8
SERVERS_LIMIT = 20


@dataclass(frozen=True)
class SavedServer:
    host: str
    port: int
    database: str
    user: str
    sslmode: str = ""
    sslrootcert: str = ""
    allow_cleartext: bool = False

    @property
    def label(self) -> str:
        """What the admin typed, as a URL without a password or driver."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"


@dataclass(frozen=True)
class RecentEntry:
    """A SQLite file (``path``) or a server (``server``)."""

    path: str = ""
    server: SavedServer | None = None

    @property
    def label(self) -> str:
        return self.server.label if self.server is not None else self.path


class RecentDatabases:
    """The last databases opened (most recent first) and the servers connected to."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def servers(self) -> list[SavedServer]:
        return [server for item in self._read(SERVERS_KEY) if (server := _server(item))]

    def recent(self) -> list[RecentEntry]:
        entries: list[RecentEntry] = []
        for item in self._read(RECENT_KEY):
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                entries.append(RecentEntry(path=item["path"]))
            elif server := _server(item):
                entries.append(RecentEntry(server=server))
        return entries

    def remember_file(self, path: str) -> None:
        self._put_first(RECENT_KEY, {"path": path}, RECENT_LIMIT)

    def remember_server(self, server: SavedServer) -> None:
        self._put_first(SERVERS_KEY, asdict(server), SERVERS_LIMIT)
        self._put_first(RECENT_KEY, asdict(server), RECENT_LIMIT)

    def _put_first(self, key: str, item: dict[str, object], limit: int) -> None:
        """``item`` first, replacing an older entry for the same file or server."""
        items = [other for other in self._read(key) if _label(other) != _label(item)]
        self._settings.setValue(key, json.dumps([item, *items][:limit]))
        self._settings.sync()

    def _read(self, key: str) -> list[object]:
        try:
            items = json.loads(str(self._settings.value(key, "[]")))
        except ValueError:
            return []  # a hand-edited or damaged value: start over rather than fail
        return items if isinstance(items, list) else []


def _server(item: object) -> SavedServer | None:
    if not isinstance(item, dict):
        return None
    try:
        return SavedServer(
            host=str(item["host"]),
            port=int(item["port"]),
            database=str(item["database"]),
            user=str(item["user"]),
            sslmode=str(item.get("sslmode", "")),
            sslrootcert=str(item.get("sslrootcert", "")),
            allow_cleartext=bool(item.get("allow_cleartext", False)),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _label(item: object) -> str | None:
    if isinstance(item, dict) and isinstance(item.get("path"), str):
        return str(item["path"])
    server = _server(item)
    return server.label if server is not None else None
