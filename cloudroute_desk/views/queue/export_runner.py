"""Runs a CSV export of the queue view batch by batch on the DB executor, with progress."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from PySide6.QtCore import QObject, Signal

from cloudroute_desk.domain.queue_filter import QueueFilter
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.failures import failure_sentence
from cloudroute_desk.services.queue_export import CsvExport


class ExportRunner(QObject):
    progressed = Signal(int)
    """Rows written so far."""
    finished = Signal(str, int)
    """(path, rows written) once the file is complete and closed."""
    failed = Signal(str)

    def __init__(self, executor: DbExecutor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = DbJobs(executor, self)
        self._export: CsvExport | None = None
        self._out: TextIO | None = None
        self._path = ""
        self._cancelled = False

    @property
    def running(self) -> bool:
        return self._export is not None

    def start(self, path: Path, queue_filter: QueueFilter) -> None:
        if self._export is not None:
            raise RuntimeError("An export is already running.")
        self._path = str(path)
        self._cancelled = False
        try:
            self._out = path.open("w", encoding="utf-8-sig", newline="")
        except OSError as error:
            self.failed.emit(f"Cannot write {path}: {error.strerror or error}")
            return
        self._export = CsvExport(self._out, queue_filter, self._jobs.executor.now())
        self._next()

    def cancel(self) -> None:
        self._cancelled = True

    def _next(self) -> None:
        export = self._export
        assert export is not None
        self._jobs.run(export.step, on_done=self._on_step, on_error=self._on_error)

    def _on_step(self, done: bool) -> None:
        export = self._export
        assert export is not None
        self.progressed.emit(export.written)
        if self._cancelled:
            self._close()
            Path(self._path).unlink(missing_ok=True)
            self.failed.emit("Export cancelled.")
        elif done:
            written = export.written
            self._close()
            self.finished.emit(self._path, written)
        else:
            self._next()

    def _on_error(self, error: BaseException) -> None:
        self._close()
        self.failed.emit(f"Export failed: {failure_sentence(error)}")

    def _close(self) -> None:
        if self._out is not None:
            self._out.close()
        self._out = None
        self._export = None
