"""File → Import inquiries… / Import partners…: pick a file, watch it go in, read the report.

The file is read and each chunk of rows stored as separate jobs on the DB executor, so the
window stays live, other panes' queries slot in between chunks, and Cancel takes effect at
the next chunk boundary (rows already stored stay; importing the file again adds the rest).
The result dialog lists every rejected row with its line, field and reason as plain text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QProgressDialog, QWidget

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.intake.report import ImportReport
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services.failures import (
    STOPPED_CONNECTION_LOST,
    connection_lost,
    failure_sentence,
)
from cloudroute_desk.services.importing import CHUNK_ROWS, ImportJob, IntakeFileError, RowKind
from cloudroute_desk.views import file_dialogs
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.report_dialog import ReportDialog, ReportTable, show_failure

TITLES = {RowKind.INQUIRY: "Import inquiries", RowKind.PARTNER: "Import partners"}
FILE_FILTER = (
    "CSV or JSON files (*.csv *.json);;CSV files (*.csv);;JSON files (*.json);;All files (*)"
)


def _rows(count: int) -> str:
    return f"{count:,} row was" if count == 1 else f"{count:,} rows were"


class ImportResultDialog(ReportDialog):
    """What an import did: the counts, any warnings, and each rejected row's reasons."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        table = ReportTable(("Line", "Field", "Reason"), parent, tooltip_columns=(2,))
        table.show_rows([(error.line, error.field, error.reason) for error in report.errors])
        super().__init__(
            f"{TITLES[report.kind]}: {report.source}",
            report.summary(),
            _detail_text(report),
            table,
            report.render_text(),
            parent,
        )
        self.report = report


def _detail_text(report: ImportReport) -> str:
    """Warnings, skipped and rejected rows, and what to do about them."""
    lines = [f"warning: {warning}" for warning in report.warnings]
    if report.duplicates:
        lines.append(
            f"{_rows(len(report.duplicates))} skipped: already in the database or a "
            "repeat of an earlier row of the file."
        )
    if report.errors:
        lines.append(
            f"{_rows(report.rejected)} not imported: fix them in the file and import it "
            "again (rows already imported will be skipped)."
        )
    elif report.complete:
        lines.append("Every row of the file is now in the database.")
    if report.cancelled:
        lines.append("The import was cancelled; import the same file again to add the rest.")
    return "\n".join(lines)


class ImportController(QObject):
    """Owns the import actions, the progress dialog and the result dialog."""

    imported = Signal(object)
    """Emitted with the ``Changes`` of an import that stored at least one row."""
    finished = Signal(object)
    """Emitted with the ``ImportReport`` once an import ends (completed or cancelled)."""
    failed = Signal(str)
    """Emitted with the message when a file cannot be imported at all."""
    progressed = Signal(int, int)
    """Rows done and rows in the file, after each stored chunk."""

    def __init__(self, context: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self._context = context
        self._window = window
        self._jobs = DbJobs(context.executor, self)
        self._job: ImportJob | None = None
        self._cancelled = False
        self._database: Database | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.result_dialog: ImportResultDialog | None = None
        self.actions: dict[RowKind, QAction] = {}
        self.chunk_rows = CHUNK_ROWS

    # ---- menu ----------------------------------------------------------------------------

    def add_actions(self, menu: QMenu, before: QAction | None = None) -> None:
        for kind in (RowKind.INQUIRY, RowKind.PARTNER):
            action = QAction(f"{TITLES[kind]}…", self)
            action.setStatusTip(f"{TITLES[kind]} from a CSV or JSON file")
            action.triggered.connect(lambda _=False, k=kind: self.choose_and_import(k))
            if before is None:
                menu.addAction(action)
            else:
                menu.insertAction(before, action)
            self.actions[kind] = action

    @property
    def running(self) -> bool:
        return self.progress_dialog is not None

    def choose_and_import(self, kind: RowKind) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self._window, f"{TITLES[kind]} from…", file_dialogs.start_path(), FILE_FILTER
        )
        if file_dialogs.chosen(path):
            self.start(Path(path), kind)

    # ---- running -------------------------------------------------------------------------

    def start(self, path: Path, kind: RowKind) -> None:
        """Import ``path`` in the background with a progress dialog; one import at a time."""
        if self.running:
            return
        self._set_actions_enabled(False)
        self._cancelled = False
        self._job = None
        self._database = self._context.executor.database
        progress = QProgressDialog(f"Reading {path.name}…", "Cancel", 0, 0, self._window)
        progress.setWindowTitle(TITLES[kind])
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(self._on_progress_canceled)
        progress.show()
        self.progress_dialog = progress
        admin, chunk_rows = self._context.admin, self.chunk_rows

        def open_file(_database: Database) -> ImportJob:
            return ImportJob.open(path, kind, actor=admin, chunk_rows=chunk_rows)

        self._jobs.run(
            open_file,
            on_done=self._on_job_opened,
            on_error=lambda error: self._on_job_failed(path, error),
        )

    def cancel(self) -> None:
        self._cancelled = True
        if self.progress_dialog is not None:
            self.progress_dialog.setLabelText("Cancelling after the current chunk…")

    def _on_progress_canceled(self) -> None:
        self.cancel()

    def _on_job_opened(self, job: ImportJob) -> None:
        self._job = job
        if self.progress_dialog is not None:
            self.progress_dialog.setMaximum(max(job.total, 1))
        self._next_chunk()

    def _next_chunk(self) -> None:
        job = self._job
        assert job is not None
        if self.progress_dialog is not None:
            # Escape and close() cancel without emitting canceled(); wasCanceled() sees both.
            self._cancelled = self._cancelled or self.progress_dialog.wasCanceled()
            self.progress_dialog.setValue(job.done)
            if not self._cancelled:
                self.progress_dialog.setLabelText(
                    f"Importing {job.source}: {job.done:,} of {job.total:,} rows"
                )
        self.progressed.emit(job.done, job.total)
        if self._context.executor.database is not self._database:
            # Another database was opened meanwhile: the rest of this file must not go there.
            self._cancelled = True
        if job.finished or self._cancelled:
            self._finish(job.report())
            return
        self._jobs.run(
            job.run_next_chunk,
            on_done=lambda _done: self._next_chunk(),
            on_error=lambda error: self._on_job_failed(Path(job.source), error),
        )

    def _close_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect(self._on_progress_canceled)
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        self._set_actions_enabled(True)

    def _finish(self, report: ImportReport) -> None:
        self._close_progress()
        job = self._job
        if job is not None and job.accepted:
            self.imported.emit(job.changes)
        self.result_dialog = ImportResultDialog(report, self._window)
        self.result_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.result_dialog.destroyed.connect(self._on_result_dialog_destroyed)
        self.result_dialog.open()
        self.finished.emit(report)

    def _on_result_dialog_destroyed(self) -> None:
        self.result_dialog = None

    def _on_job_failed(self, path: Path, error: BaseException) -> None:
        job = self._job
        self._close_progress()
        if job is not None and job.accepted:
            self.imported.emit(job.changes)
        if isinstance(error, IntakeFileError):
            message = f"{path.name} cannot be imported: {error}\n\nNothing was written."
        else:
            done = job.report().summary() if job is not None else "nothing was written"
            if connection_lost(error):
                stopped = STOPPED_CONNECTION_LOST
            else:
                stopped = f"stopped: {failure_sentence(error)}"
            message = f"The import of {path.name} {stopped}\n\nSo far: {done}."
        show_failure(self._window, "Import failed", message)
        self.failed.emit(message)

    def _set_actions_enabled(self, enabled: bool) -> None:
        for action in self.actions.values():
            action.setEnabled(enabled)
