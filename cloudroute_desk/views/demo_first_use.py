"""The demo database on first use (``--demo``, or the empty queue's *Open the demo*):
generate it behind a progress dialog with Cancel.

The data goes into ``NAME.partial`` and is renamed to ``NAME`` only when complete, so a
cancelled, failed or killed generation never leaves a half-built demo behind (leftovers of a
killed run are removed by the next one). The dialog appears before the window's modules load,
so a first start shows something at once.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog

DEMO_INQUIRIES = 20_000
DEMO_PARTNERS = 400
DEMO_SEED = 7
Progress = Callable[[int, int], None]


def demo_path(data_dir: Path) -> Path:
    """Where the demo database lives: in the user data folder, shared by ``--demo`` and the
    empty queue's *Open the demo*."""
    return data_dir / "demo.sqlite"


class DemoCancelledError(Exception):
    """The admin pressed Cancel; raised inside the generator to stop it between chunks."""


def _sidecars(path: Path) -> list[Path]:
    return [path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]


async def generate_demo_on_first_use(
    path: Path,
    *,
    show_dialog: bool,
    inquiries: int = DEMO_INQUIRIES,
    partners: int = DEMO_PARTNERS,
) -> bool:
    """Write the demo database to ``path``; False if the admin cancelled (nothing is left)."""
    loop = asyncio.get_running_loop()
    partial = path.with_name(path.name + ".partial")
    for leftover in _sidecars(partial):
        leftover.unlink(missing_ok=True)
    cancelled = threading.Event()
    dialog: QProgressDialog | None = None
    if show_dialog:
        dialog = QProgressDialog(
            f"Generating the demo database ({inquiries:,} inquiries, {partners:,} partners)…",
            "Cancel",
            0,
            100,
        )
        dialog.setObjectName("demoProgressDialog")
        dialog.setWindowTitle("CloudRoute Desk")
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setAutoClose(False)
        dialog.setMinimumDuration(0)
        dialog.canceled.connect(cancelled.set)
        dialog.show()

    def progress(done: int, total: int) -> None:
        if cancelled.is_set():
            raise DemoCancelledError
        if dialog is not None and total > 0:
            loop.call_soon_threadsafe(dialog.setValue, min(99, done * 100 // total))

    try:
        await loop.run_in_executor(None, _build, partial, inquiries, partners, progress)
        if cancelled.is_set():
            raise DemoCancelledError
        partial.replace(path)
        return True
    except DemoCancelledError:
        return False
    finally:
        for leftover in _sidecars(partial):
            leftover.unlink(missing_ok=True)
        if dialog is not None:
            dialog.close()
            dialog.deleteLater()


def _build(partial: Path, inquiries: int, partners: int, progress: Progress) -> None:
    # Imported here: the generator and the database layer's writers are not needed to open
    # an existing database, and the dialog above should not wait for them.
    from cloudroute_desk.db.opening import open_database
    from cloudroute_desk.demo.generator import generate_demo

    database = open_database(str(partial))
    try:
        generate_demo(
            database,
            inquiries=inquiries,
            partners=partners,
            seed=DEMO_SEED,
            progress=progress,
        )
        with database.engine.connect() as connection:
            # Everything into the main file, so the rename moves the whole database.
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        database.dispose()
