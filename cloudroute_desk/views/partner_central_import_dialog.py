"""File → Import from Partner Central…: pick a Partner Central file (API response JSON or the
bulk-export CSV), apply it, read what happened to each opportunity.

The file is read, parsed and applied in one job on the DB executor
(``services/partner_central_import.apply_snapshots``, the same call the command line makes),
so the window stays live; the result dialog lists every snapshot that did something or could
not (applied, noted, older, unmatched with its customer and ids, refused with the reason,
malformed with its place in the file) as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QProgressDialog, QWidget

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.ace.partner_central_snapshot import (
    PartnerCentralFileError,
    SnapshotProblem,
    parse_partner_central_file,
)
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services.failures import failure_sentence
from cloudroute_desk.services.partner_central_import import (
    OutcomeKind,
    PartnerCentralReport,
    apply_snapshots,
)
from cloudroute_desk.views import file_dialogs
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.report_dialog import ReportDialog, ReportTable, show_failure

TITLE = "Import from Partner Central"
FILE_FILTER = (
    "Partner Central files (*.json *.jsonl *.csv);;JSON (*.json *.jsonl);;CSV (*.csv);;"
    "All files (*)"
)
COLUMNS = ("Where", "Record", "Opportunity", "Customer", "Outcome", "Detail")


@dataclass(frozen=True, slots=True)
class PartnerCentralImport:
    """What one file did: its malformed entries and the report of the rest."""

    file_name: str
    problems: tuple[SnapshotProblem, ...]
    report: PartnerCentralReport

    def summary(self) -> str:
        malformed = f", {len(self.problems):,} malformed" if self.problems else ""
        return f"{self.file_name}: {self.report.summary()}{malformed}"

    def text(self) -> str:
        lines = [f"{p.where} — malformed: {p.message}" for p in self.problems]
        lines.extend(self.report.lines())
        lines.append(self.summary())
        return "\n".join(lines) + "\n"


def import_file(database: Database, path: Path, admin: str) -> PartnerCentralImport:
    """Read, parse and apply ``path``; raises ``PartnerCentralFileError`` or ``OSError``
    for a file that cannot be used at all."""
    parsed = parse_partner_central_file(path.read_bytes())
    report = apply_snapshots(database, parsed.snapshots, source=path.name, admin=admin)
    return PartnerCentralImport(path.name, parsed.problems, report)


class PartnerCentralResultDialog(ReportDialog):
    """What one Partner Central file did, one row per snapshot that needs reading."""

    def __init__(self, result: PartnerCentralImport, parent: QWidget | None = None) -> None:
        table = ReportTable(COLUMNS, parent, tooltip_columns=(2, 3, 5))
        table.show_rows(_rows(result))
        super().__init__(
            f"{TITLE}: {result.file_name}",
            result.summary(),
            _hint(result.report),
            table,
            result.text(),
            parent,
        )
        self.outcome = result


def _rows(result: PartnerCentralImport) -> list[tuple[str, ...]]:
    """The malformed entries, then every snapshot that did something or could not."""
    rows: list[tuple[str, ...]] = [
        (p.where, "", "", "", "malformed", p.message) for p in result.problems
    ]
    for outcome in result.report.outcomes:
        if outcome.kind is OutcomeKind.UNCHANGED:
            continue
        ids = outcome.opportunity_id or ""
        if outcome.kind is OutcomeKind.UNMATCHED and outcome.partner_opportunity_identifier:
            ids = " · ".join(i for i in (ids, outcome.partner_opportunity_identifier) if i)
        record = "" if outcome.record_id is None else str(outcome.record_id)
        customer = outcome.customer_name or ""
        rows.append((outcome.where, record, ids, customer, outcome.kind.value, outcome.message))
    return rows


def _hint(report: PartnerCentralReport) -> str:
    lines = []
    if report.count(OutcomeKind.UNMATCHED):
        lines.append(
            "Unmatched opportunities carry neither a CloudRoute id nor a Partner Central "
            "id we know; nothing was guessed from names."
        )
    if report.count(OutcomeKind.REFUSED):
        lines.append("Refused changes were not forced: the record keeps its state.")
    if report.count(OutcomeKind.UNCHANGED):
        lines.append(
            f"{report.count(OutcomeKind.UNCHANGED):,} snapshots were already applied (not listed)."
        )
    return "\n".join(lines) or "Every snapshot matched a record."


class PartnerCentralImportController(QObject):
    """Owns the menu action, the busy dialog and the result dialog."""

    imported = Signal(object)
    """The ``Changes`` of an import that changed something."""
    finished = Signal(object)
    """The ``PartnerCentralImport`` once done."""
    failed = Signal(str)

    def __init__(self, context: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self._context = context
        self._window = window
        self._jobs = DbJobs(context.executor, self)
        self.action = QAction(f"{TITLE}…", self)
        self.action.setStatusTip(
            "Apply Partner Central's review outcomes from a GetOpportunity / ListOpportunities "
            "JSON file or a bulk-export CSV"
        )
        self.action.triggered.connect(self.choose_and_import)
        self.progress_dialog: QProgressDialog | None = None
        self.result_dialog: PartnerCentralResultDialog | None = None

    def add_to(self, menu: QMenu, before: QAction | None = None) -> None:
        if before is None:
            menu.addAction(self.action)
        else:
            menu.insertAction(before, self.action)

    def choose_and_import(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self._window, f"{TITLE} from…", file_dialogs.start_path(), FILE_FILTER
        )
        if file_dialogs.chosen(path):
            self.start(Path(path))

    def start(self, path: Path) -> None:
        if self.progress_dialog is not None:
            return
        self.action.setEnabled(False)
        progress = QProgressDialog(f"Applying {path.name}…", "", 0, 0, self._window)
        progress.setCancelButton(None)
        progress.setWindowTitle(TITLE)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.show()
        self.progress_dialog = progress
        admin = self._context.admin
        self._jobs.run(
            lambda database: import_file(database, path, admin),
            on_done=self._on_done,
            on_error=lambda error: self._on_failed(path, error),
        )

    def _close_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        self.action.setEnabled(True)

    def _on_done(self, result: PartnerCentralImport) -> None:
        self._close_progress()
        if result.report.changes.any:
            self.imported.emit(result.report.changes)
        self.result_dialog = PartnerCentralResultDialog(result, self._window)
        self.result_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.result_dialog.destroyed.connect(self._on_result_dialog_destroyed)
        self.result_dialog.open()
        self.finished.emit(result)

    def _on_result_dialog_destroyed(self) -> None:
        self.result_dialog = None

    def _on_failed(self, path: Path, error: BaseException) -> None:
        self._close_progress()
        if isinstance(error, PartnerCentralFileError):
            message = f"{path.name} cannot be imported: {error}\n\nNothing was written."
        elif isinstance(error, OSError):
            message = f"{path.name} cannot be read: {error.strerror or error}."
        else:
            message = (
                f"The import of {path.name} stopped: {failure_sentence(error)}\n\n"
                "Chunks already applied stay; importing the file again applies the rest."
            )
        show_failure(self._window, "Import failed", message)
        self.failed.emit(message)
