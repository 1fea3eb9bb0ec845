"""File → Sync with Partner Central…: pull review outcomes, with progress and Cancel.

The admin picks the catalog and the AWS profile (and, to try it locally, the endpoint of a
``cloudroute-desk partner-central-emulator``); the dialog says how far the catalog was synced
last time, runs the sync in the background (``models.partner_central_sync_runner``), shows
pages, opportunities and what it is waiting for, and ends with the result: how many records
moved, and each opportunity that matched no record or whose change the state rules refused.
Cancel stops at the next wait; what was applied stays, and the next sync resumes there.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QObject, Qt, QTimeZone, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.models.partner_central_sync_runner import PartnerCentralSyncRunner
from cloudroute_desk.services.failures import failure_sentence
from cloudroute_desk.services.partner_central_calls import Connection, Pace
from cloudroute_desk.services.partner_central_import import OutcomeKind
from cloudroute_desk.services.partner_central_sync import (
    COMPLETE,
    FAILED,
    SyncCursor,
    SyncProgress,
    SyncResult,
    opportunity_names,
    read_cursor,
)
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.plain_text import plain_label
from cloudroute_desk.views.report_dialog import ReportTable

TITLE = "Sync with Partner Central"
_SETTINGS = "partner_central_sync"


def _plain(text: str, parent: QWidget) -> QLabel:
    label = plain_label(text, parent, selectable=True)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


def cursor_text(cursor: SyncCursor | None) -> str:
    if cursor is None or cursor.modified_through is None:
        return "Never synced: the first sync lists every opportunity of the catalog."
    how = "" if cursor.run_state == COMPLETE else f"; the last run was {cursor.run_state}"
    return (
        f"Synced through {cursor.modified_through:%Y-%m-%d %H:%M} UTC (Partner Central's "
        f"time) by {cursor.updated_by}{how}."
    )


def progress_text(progress: SyncProgress) -> str:
    return (
        f"{progress.pages:,} page{'' if progress.pages == 1 else 's'} · "
        f"{progress.opportunities:,} opportunities · {progress.applied:,} records moved · "
        f"{progress.retries:,} retried"
    )


class PartnerCentralSyncDialog(QDialog):
    synced = Signal(object)
    """The ``Changes`` of a sync that moved at least one record."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        pace: Pace | None = None,
        page_size: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setMinimumWidth(560)
        self.resize(760, 300)
        self._context = context
        self._pace = pace
        self._page_size = page_size
        """The sync's pace and page size; None: the sync's defaults (tests shorten them)."""
        self._jobs = DbJobs(context.executor, self)
        self.runner = PartnerCentralSyncRunner(context.executor, self)
        self.runner.progressed.connect(self._on_runner_progressed)
        self.runner.finished.connect(self._on_runner_finished)
        self.runner.failed.connect(self._on_runner_failed)
        self.sync_result: SyncResult | None = None

        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.catalog_box = QComboBox(self)
        self.catalog_box.addItems(["AWS", "Sandbox"])
        form.addRow("Catalog:", self.catalog_box)
        self.profile_edit = QLineEdit(self)
        self.profile_edit.setPlaceholderText("e.g. partner-readonly (from ~/.aws/config)")
        self.profile_edit.setToolTip(
            "The AWS profile of a role the partner granted, read-only: "
            "partnercentral:ListOpportunities"
        )
        form.addRow("AWS profile:", self.profile_edit)
        self.endpoint_edit = QLineEdit(self)
        self.endpoint_edit.setPlaceholderText("Partner Central (leave empty)")
        self.endpoint_edit.setToolTip(
            "Another endpoint, e.g. http://127.0.0.1:8765 for "
            "`cloudroute-desk partner-central-emulator`"
        )
        form.addRow("Endpoint:", self.endpoint_edit)
        since_row = QHBoxLayout()
        self.since_check = QCheckBox("Only changes after", self)
        self.since_edit = QDateTimeEdit(self)
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setTimeZone(QTimeZone.utc())
        self.since_edit.setDisplayFormat("yyyy-MM-dd HH:mm 'UTC'")
        self.since_edit.setDateTime(QDateTime.currentDateTimeUtc().addDays(-30))
        self.since_edit.setEnabled(False)
        self.since_check.toggled.connect(self.since_edit.setEnabled)
        since_row.addWidget(self.since_check)
        since_row.addWidget(self.since_edit, 1)
        form.addRow("Since:", since_row)
        layout.addLayout(form)
        self.cursor_label = _plain("", self)
        layout.addWidget(self.cursor_label)

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, 0)  # the total is unknown until the last page
        self.progress_bar.setTextVisible(False)
        self.progress_bar.hide()
        layout.addWidget(self.progress_bar)
        self.status_label = _plain("", self)
        layout.addWidget(self.status_label)
        self.counts_label = _plain("", self)
        layout.addWidget(self.counts_label)
        self.table = ReportTable(
            ("Opportunity", "Outcome", "Why", "Where"),
            self,
            stretch=2,
            tooltip_columns=(0, 1, 2, 3),
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 240)
        header.resizeSection(3, 120)
        self.table.hide()
        layout.addWidget(self.table, 1)
        # Takes the spare height while the table is hidden, so the lines stay together.
        layout.addStretch(0)

        buttons = QDialogButtonBox(self)
        self.start_button = QPushButton("Start sync", self)
        self.start_button.setDefault(True)
        buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.hide()
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.close_button.clicked.connect(self.accept)
        layout.addWidget(buttons)

        self._restore_choices()
        self.catalog_box.currentTextChanged.connect(lambda _text: self._load_cursor())
        self.endpoint_edit.editingFinished.connect(self._load_cursor)
        self._load_cursor()

    # ---- choices -------------------------------------------------------------------------

    def connection(self) -> Connection:
        return Connection(
            self.catalog_box.currentText(),
            self.profile_edit.text().strip() or None,
            self.endpoint_edit.text().strip() or None,
        )

    def since(self) -> datetime | None:
        if not self.since_check.isChecked():
            return None
        moment = self.since_edit.dateTime().toSecsSinceEpoch()
        return datetime.fromtimestamp(moment, UTC).replace(tzinfo=None)

    def _restore_choices(self) -> None:
        settings = self._context.settings
        self.catalog_box.setCurrentText(str(settings.value(f"{_SETTINGS}/catalog", "AWS")))
        self.profile_edit.setText(str(settings.value(f"{_SETTINGS}/profile", "")))
        self.endpoint_edit.setText(str(settings.value(f"{_SETTINGS}/endpoint", "")))

    def _remember_choices(self) -> None:
        settings = self._context.settings
        settings.setValue(f"{_SETTINGS}/catalog", self.catalog_box.currentText())
        settings.setValue(f"{_SETTINGS}/profile", self.profile_edit.text().strip())
        settings.setValue(f"{_SETTINGS}/endpoint", self.endpoint_edit.text().strip())

    def _load_cursor(self) -> None:
        connection = self.connection()
        self.cursor_label.setText("Reading the last sync…")
        self._jobs.run(
            lambda database: read_cursor(database, connection),
            on_done=lambda cursor: self.cursor_label.setText(cursor_text(cursor)),
            on_error=lambda error: self.cursor_label.setText(failure_sentence(error)),
            key="cursor",
        )

    # ---- running -------------------------------------------------------------------------

    def start(self) -> None:
        connection = self.connection()
        if connection.profile is None and not connection.is_local:
            self.status_label.setText(
                "Name the AWS profile of the role the partner granted (read-only: "
                "ListOpportunities)."
            )
            self.profile_edit.setFocus()
            return
        self._remember_choices()
        self._set_running(True)
        self.cancel_button.show()
        self.close_button.hide()
        self.status_label.setText("Connecting to Partner Central…")
        self.counts_label.setText("")
        self.table.hide()
        self.runner.start(
            connection,
            admin=self._context.admin,
            since=self.since(),
            pace=self._pace,
            page_size=self._page_size,
        )

    def cancel_sync(self) -> None:
        if self.runner.running:
            self.runner.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText("Cancelling after the current page…")

    def _on_cancel_clicked(self) -> None:
        if self.runner.running:
            self.cancel_sync()
        else:
            self.reject()

    def _set_running(self, running: bool) -> None:
        for widget in (
            self.catalog_box,
            self.profile_edit,
            self.endpoint_edit,
            self.since_check,
            self.start_button,
        ):
            widget.setEnabled(not running)
        self.since_edit.setEnabled(not running and self.since_check.isChecked())
        self.cancel_button.setEnabled(True)
        self.progress_bar.setVisible(running)

    def _on_runner_progressed(self, progress: SyncProgress) -> None:
        if self.cancel_button.isEnabled():
            self.status_label.setText(progress.note)
        self.counts_label.setText(progress_text(progress))

    def _on_runner_finished(self, result: SyncResult) -> None:
        self.sync_result = result
        self._set_running(False)
        self.start_button.setText("Sync again")
        if result.state == FAILED and result.requests == 0:
            lines = [f"The sync did not start: {result.message}"]
        else:
            lines = [result.summary()]
            if result.message:
                lines.append(result.message)
            if result.state != COMPLETE:
                lines.append("What was applied stays; the next sync resumes from there.")
        self.status_label.setText("\n".join(lines))
        self.counts_label.setText(
            f"{result.count(OutcomeKind.APPLIED):,} records moved · "
            f"{result.count(OutcomeKind.UNMATCHED):,} unmatched · "
            f"{result.count(OutcomeKind.REFUSED):,} refused"
        )
        self._show_rows(result)
        self.close_button.show()
        self.cancel_button.hide()
        self._load_cursor()
        if result.changes.any:
            self.synced.emit(result.changes)

    def _on_runner_failed(self, error: BaseException) -> None:
        self._set_running(False)
        self.status_label.setText(
            f"The sync stopped: {failure_sentence(error)}\nWhat was applied stays; the next "
            "sync resumes from there."
        )
        self.close_button.show()
        self.cancel_button.hide()

    def _show_rows(self, result: SyncResult) -> None:
        rows = [
            (opportunity_names(o), o.kind.value, o.message, o.where)
            for o in result.outcomes
            if o.kind in (OutcomeKind.UNMATCHED, OutcomeKind.REFUSED)
        ] + [("", "unreadable", p.message, p.where) for p in result.problems]
        self.table.show_rows(rows)

    def closeEvent(self, event: QCloseEvent) -> None:
        # The sync thread must end before the dialog (and its runner) goes: closing a running
        # sync cancels it instead, and the dialog closes once the result is in.
        if self.runner.running:
            self.cancel_sync()
            event.ignore()
            return
        super().closeEvent(event)

    def stop_and_wait(self, timeout: float) -> bool:
        """For the main window closing: cancel and wait for the sync thread to end."""
        self.runner.cancel()
        return self.runner.wait(timeout)

    def reject(self) -> None:
        if self.runner.running:
            self.cancel_sync()
            return
        super().reject()


class PartnerCentralSyncController(QObject):
    """Owns File → Sync with Partner Central… and the one dialog it opens."""

    synced = Signal(object)
    """The ``Changes`` of a sync that moved records, for the main window to fan out."""

    def __init__(self, context: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self._context = context
        self._window = window
        self.dialog: PartnerCentralSyncDialog | None = None
        self.pace: Pace | None = None
        """The sync's pace; None: Partner Central's published rate (tests shorten it)."""
        self.action = QAction(f"{TITLE}…", self)
        self.action.setStatusTip("Pull review outcomes from AWS Partner Central")
        self.action.triggered.connect(self.open)

    def open(self) -> PartnerCentralSyncDialog:
        if self.dialog is None:
            dialog = PartnerCentralSyncDialog(self._context, self._window, pace=self.pace)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.synced.connect(self.synced)
            dialog.destroyed.connect(self._on_dialog_destroyed)
            self.dialog = dialog
        self.dialog.open()
        return self.dialog

    def stop(self, timeout: float = 10.0) -> None:
        """The window is closing: a running sync stops at its next wait."""
        if self.dialog is not None:
            self.dialog.stop_and_wait(timeout)

    def _on_dialog_destroyed(self) -> None:
        self.dialog = None
