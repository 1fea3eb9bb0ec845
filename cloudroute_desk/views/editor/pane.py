"""The ACE record editor pane: an inquiry's records, the open record's form, its lifecycle.

Wiring only: the form validates, ``Autosave`` keeps drafts, the services do the work on the
DB executor. Every write use-case's ``Changes`` is re-emitted as ``changes_made`` for the main
window to fan out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QItemSelection, QModelIndex, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.ace.award import Award
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.ace.rules import ValidationContext
from cloudroute_desk.domain.acting_admin import acting_admin
from cloudroute_desk.domain.catalog import POOLS, Pool, RecordState
from cloudroute_desk.domain.findings import Severity
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.models.findings_model import FIELD_ROLE, FindingsModel
from cloudroute_desk.models.record_list_model import Column, RecordListModel
from cloudroute_desk.models.write_check import WriteCheck
from cloudroute_desk.services import ace_export_service, drafts, records
from cloudroute_desk.services.changes import ChangeKind, Changes
from cloudroute_desk.services.drafts import DraftStore
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.records import (
    EditConflict,
    InquiryRecords,
    OpenedRecord,
    RecordError,
)
from cloudroute_desk.services.write_requests import new_request_id
from cloudroute_desk.views import file_dialogs
from cloudroute_desk.views.editor.autosave import Autosave
from cloudroute_desk.views.editor.award_dialog import AwardDialog
from cloudroute_desk.views.editor.banner import Banner
from cloudroute_desk.views.editor.conflict_dialog import ConflictDialog
from cloudroute_desk.views.editor.form_spec import label_for
from cloudroute_desk.views.editor.lifecycle_bar import LifecycleBar
from cloudroute_desk.views.editor.record_form import RecordForm
from cloudroute_desk.views.elided_label import ElidedLabel
from cloudroute_desk.views.theme import status_colors

EXPORT_NEEDS_FIXES = "Fix the errors first: an exported request must pass Partner Central's checks."
SHARED_DRAFTS = (
    "Another CloudRoute Desk on this computer uses the same drafts file: both keep their "
    "edits, and the later save of a record wins."
)
EDITOR_PANE = "editor"
"""The initiator name on this pane's writes."""
RECORD_KINDS = (
    ChangeKind.RECORDS_ADDED,
    ChangeKind.RECORD_FIELDS,
    ChangeKind.RECORD_FIGURES,
    ChangeKind.RECORD_STATES,
)
SAVED_KINDS = (ChangeKind.RECORD_FIELDS, ChangeKind.RECORD_FIGURES, ChangeKind.RECORD_STATES)
"""What a save or a transition of the open record by someone else changes."""


def newer_version_text(latest: OpenedRecord) -> str:
    return (
        f"{latest.updated_by or 'Someone'} saved a newer version of this record; your unsaved "
        "changes are kept until you choose."
    )


def _unless(
    expected: type[BaseException] | tuple[type[BaseException], ...],
    handle: Callable[[BaseException], None],
) -> Callable[[BaseException], None]:
    """An error handler for the ``expected`` refusals; anything else goes to the app's one
    handler for unexpected errors."""

    def on_error(error: BaseException) -> None:
        if not isinstance(error, expected):
            raise error
        handle(error)

    return on_error


class RecordEditorPane(QWidget):
    changes_made = Signal(object)
    record_opened = Signal(int)
    """Emitted with the record id once a record (and any restored draft) is on screen."""
    exported = Signal(str)
    """The path a CreateOpportunity request was just written to."""

    def __init__(
        self,
        executor: DbExecutor,
        draft_store: DraftStore,
        parent: QWidget | None = None,
        *,
        admin: str | None = None,
        form_later: bool = False,
    ) -> None:
        """With ``form_later`` the caller builds the record form's rows with
        ``build_in_pieces`` before using the pane (start-up: no long GUI-thread step)."""
        super().__init__(parent)
        self.executor = executor
        self._jobs = DbJobs(executor, self)
        self._check = WriteCheck(self._jobs, self)
        self.draft_store = draft_store
        self._told_shared = False
        self.admin = acting_admin(admin)
        self.inquiry_id: int | None = None
        self.opened: OpenedRecord | None = None
        self.conflict_dialog: ConflictDialog | None = None
        self.award_dialog: AwardDialog | None = None
        self.newer: OpenedRecord | None = None
        """Someone else's newer save of the open record, while this admin's edits are unsaved."""
        self._recheck_newer = False
        self.autosave = Autosave(executor, draft_store, self.admin, self)
        self._build(form_later)
        self._connect()
        if not form_later:
            self._show_record(None)

    def build_in_pieces(self) -> Iterator[None]:
        """The form's rows a few at a time (``RecordForm.build_in_pieces``), then no record."""
        yield from self.form.build_in_pieces()
        self._show_record(None)

    # ---- layout ---------------------------------------------------------------------------

    def _build(self, form_later: bool) -> None:
        """Header and banner over three columns: the inquiry's records, the open record's
        form, and its lifecycle, findings and history (the Review workspace's whole width)."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        header = QHBoxLayout()
        self.title_label = ElidedLabel("No inquiry selected")
        header.addWidget(self.title_label, 1)
        self.pool_combo = QComboBox()
        self.pool_combo.setAccessibleName("Pool of the new record")
        self.pool_combo.setToolTip("The credit pool a new record applies to")
        for pool, spec in POOLS.items():
            if spec.partner_filed:
                self.pool_combo.addItem(spec.label, pool.value)
        self.new_button = QPushButton("New record")
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Discard unsaved changes and reload the saved record")
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Export to Partner Central: a CreateOpportunity request")
        self.export_button.setAccessibleName("Export to Partner Central")
        for widget in (self.pool_combo, self.new_button, self.revert_button, self.export_button):
            header.addWidget(widget)
        layout.addLayout(header)

        self.banner = Banner()
        layout.addWidget(self.banner)

        self.records_model = RecordListModel(self)
        self.records_view = QTableView()
        self.records_view.setObjectName("recordsView")
        self.records_view.setAccessibleName("ACE records of the inquiry")
        self.records_view.setModel(self.records_model)
        self.records_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.records_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.records_view.setTabKeyNavigation(False)
        self.records_view.verticalHeader().setVisible(False)
        # A narrow list beside the form: which pool, what state, how much. The title, partner
        # and save time are in the form and its history.
        for column in (Column.TITLE, Column.AWARDED, Column.PARTNER, Column.UPDATED):
            self.records_view.setColumnHidden(column, True)
        columns = self.records_view.horizontalHeader()
        columns.setSectionResizeMode(Column.POOL, QHeaderView.ResizeMode.Stretch)
        columns.setSectionResizeMode(Column.STATE, QHeaderView.ResizeMode.ResizeToContents)
        columns.setSectionResizeMode(Column.REQUESTED, QHeaderView.ResizeMode.ResizeToContents)
        self.records_view.setMinimumWidth(160)

        self.form = RecordForm(rows_later=form_later)
        side = QWidget()
        side.setMinimumWidth(220)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        self.lifecycle = LifecycleBar()
        side_layout.addWidget(self.lifecycle)
        self.save_status = QLabel()
        self.save_status.setTextFormat(Qt.TextFormat.PlainText)
        self.save_status.setWordWrap(True)
        side_layout.addWidget(self.save_status)
        self.findings_count = QLabel()
        self.findings_count.setTextFormat(Qt.TextFormat.PlainText)
        side_layout.addWidget(self.findings_count)
        self.findings_model = FindingsModel(label_for, self._severity_color, self)
        self.findings_view = QListView()
        self.findings_view.setAccessibleName("Findings")
        self.findings_view.setModel(self.findings_model)
        self.findings_view.setWordWrap(True)
        self.findings_view.setUniformItemSizes(False)
        side_layout.addWidget(self.findings_view, 3)
        history_label = QLabel("History")
        side_layout.addWidget(history_label)
        self.history_list = QListWidget()
        self.history_list.setAccessibleName("Record history")
        self.history_list.setWordWrap(True)
        self.history_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        history_label.setBuddy(self.history_list)
        side_layout.addWidget(self.history_list, 2)

        self.body = QSplitter(Qt.Orientation.Horizontal)
        self.body.setObjectName("review_splitter")
        self.body.setChildrenCollapsible(False)
        self.body.addWidget(self.records_view)
        self.body.addWidget(self.form)
        self.body.addWidget(side)
        self.body.setStretchFactor(0, 1)
        self.body.setStretchFactor(1, 4)
        self.body.setStretchFactor(2, 2)
        layout.addWidget(self.body, 1)

    DEFAULT_SPLIT = (240, 640, 380)

    def reset_layout(self) -> None:
        self.body.setSizes(list(self.DEFAULT_SPLIT))

    def _connect(self) -> None:
        self.records_view.selectionModel().selectionChanged.connect(
            self._on_records_selection_changed
        )
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.revert_button.clicked.connect(self._on_revert_clicked)
        self.banner.revert_button.clicked.connect(self._on_revert_clicked)
        self.banner.resolve_button.clicked.connect(self._on_banner_resolve_clicked)
        self.banner.reload_button.clicked.connect(self._on_revert_clicked)
        self.banner.compare_button.clicked.connect(self._on_banner_compare_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.form.form_edited.connect(self.autosave.edited)
        self.form.findings_changed.connect(self._on_form_findings_changed)
        self.findings_view.clicked.connect(self._on_findings_clicked)
        self.findings_view.activated.connect(self._on_findings_clicked)
        self.lifecycle.transition_requested.connect(self._on_lifecycle_transition_requested)
        self.autosave.status_changed.connect(self.save_status.setText)
        self._check.reported.connect(self.save_status.setText)
        self.autosave.synced.connect(self._on_autosave_synced)
        self.autosave.conflicted.connect(self._on_autosave_conflicted)
        self.autosave.locked.connect(self._on_autosave_locked)
        self.autosave.settled.connect(self._on_autosave_settled)

    def _severity_color(self, severity: Severity) -> QColor:
        return status_colors(self.palette())["error" if severity is Severity.ERROR else "warning"]

    # ---- inquiry and record list -----------------------------------------------------------

    def set_inquiry(self, inquiry_id: int | None) -> None:
        if inquiry_id == self.inquiry_id:
            return
        self.inquiry_id = inquiry_id
        self.autosave.stop()
        self._show_record(None)
        self._load_list(select=None)

    def apply_changes(self, changes: Changes) -> None:
        """Reload the record list when the shown inquiry or its records changed, and the open
        record's cross-record rules when its sibling records did; skip this pane's echo (its
        own writes already show)."""
        if self.opened is not None and self.autosave.identity != drafts.database_identity(
            self.executor.database
        ):
            # Another database was opened: these record ids mean nothing there.
            self.autosave.stop()
            self.inquiry_id = None
            self._show_record(None)
            self._load_list(select=None)
            return
        shown = self.inquiry_id
        if changes.echoes(EDITOR_PANE) or shown is None or not changes.inquiries.touches(shown):
            return
        self._load_list(select=self.opened.record_id if self.opened else None)
        if self.opened is not None and changes.has(*RECORD_KINDS):
            self._refresh_context(self.opened.record_id)
        if (
            self.opened is not None
            and changes.records.touches(self.opened.record_id)
            and changes.has(*SAVED_KINDS)
        ):
            self._check_newer(self.opened.record_id)

    # ---- someone else saved the open record ------------------------------------------------

    def _check_newer(self, record_id: int) -> None:
        """Read the open record back: did someone else save a version newer than ours?"""
        self._jobs.run(
            lambda db: records.open_record(db, record_id),
            on_done=self._on_latest_read,
            on_error=_unless(RecordError, lambda _error: None),  # deleted: the save will say
            key="newer",
        )

    def _on_latest_read(self, latest: OpenedRecord) -> None:
        """Reload quietly when this admin has nothing unsaved; otherwise ask (never overwrite
        their edits). A save of ours on its way may be what made the version move: wait for
        it and look again."""
        opened = self.opened
        if opened is None or opened.record_id != latest.record_id:
            return
        if self.autosave.syncing:
            self._recheck_newer = True
            return
        if latest.version <= self.autosave.version:
            return
        if self.autosave.has_unsynced():
            self.newer = latest
            self.banner.show_message(newer_version_text(latest), newer=True)
            return
        field = self.form.focused_field()
        self.autosave.stop()
        self._on_record_opened(latest)
        if field is not None:
            self.form.focus_field(field)

    def _on_autosave_settled(self) -> None:
        if self._recheck_newer and self.opened is not None:
            self._recheck_newer = False
            self._check_newer(self.opened.record_id)

    def _on_banner_compare_clicked(self) -> None:
        latest = self.newer
        if latest is None:
            return
        self._open_conflict_dialog(
            EditConflict(
                latest.form,
                latest.version,
                latest.updated_by,
                latest.updated_at,
                latest.summary.state,
            )
        )

    def _refresh_context(self, record_id: int) -> None:
        """Cross-record rules (ceiling, competing partner) follow the other records."""

        def show(context: ValidationContext) -> None:
            if self.opened is not None and self.opened.record_id == record_id:
                self.form.set_context(context)

        self._jobs.run(
            lambda db: records.validation_context(db, record_id),
            on_done=show,
            on_error=_unless(RecordError, lambda _error: None),
            key="context",
        )

    def _load_list(self, select: int | None) -> None:
        """Read the inquiry's records and select ``select`` (or the first)."""
        inquiry_id = self.inquiry_id
        if inquiry_id is None:
            self._jobs.cancel("list")
            self.records_model.set_items(())
            self.title_label.setText("No inquiry selected")
            self._update_buttons()
            return
        # A new inquiry opens its first record: read with the list, not asked for after it.
        open_first = select is None and self.opened is None
        self._jobs.read(
            lambda db: records.inquiry_records(db, inquiry_id, open_first=open_first),
            on_done=lambda loaded: self._on_list_loaded(inquiry_id, select, loaded),
            key="list",
        )

    def _on_list_loaded(self, inquiry_id: int, select: int | None, loaded: InquiryRecords) -> None:
        items = loaded.items
        first = loaded.first
        if (
            first is not None
            and self.opened is None
            and inquiry_id == self.inquiry_id
            # A draft with a sync to settle opens the settling way (selecting the row).
            and not drafts.awaits_settling(
                self.draft_store, drafts.database_identity(self.executor.database), first
            )
        ):
            self._jobs.cancel("open")
            self._on_record_opened(first)
        with QSignalBlocker(self.records_view.selectionModel()):
            self.records_model.set_items(items)
        pool = records.suggested_pool(loaded.pools_wanted, items)
        if pool is not None:
            self.pool_combo.setCurrentIndex(max(self.pool_combo.findData(pool.value), 0))
        self.title_label.setText(f"Inquiry {inquiry_id}: {len(items)} ACE record(s)")
        wanted = select if select is not None else (items[0].summary.id if items else None)
        row = self.records_model.row_of(wanted) if wanted is not None else None
        if row is not None:
            self.records_view.selectRow(row)  # opens it unless it is already open
        self._update_buttons()

    def _on_records_selection_changed(self, selected: QItemSelection, _: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        record_id = self.records_model.item(indexes[0].row()).summary.id
        if record_id is None or (self.opened and self.opened.record_id == record_id):
            return
        self.open_record(record_id)

    def open_record(self, record_id: int) -> None:
        self.autosave.stop()
        store = self.draft_store
        self._jobs.run(
            # A draft whose last sync's answer never came (a kill) is settled first.
            lambda db: drafts.open_settled(db, store, record_id),
            on_done=self._on_record_opened,
            on_error=_unless(RecordError, self._show_refusal),
            key="open",
        )

    def _show_refusal(self, error: BaseException) -> None:
        self.banner.show_message(str(error))

    def _on_record_opened(self, opened: OpenedRecord) -> None:
        record_id = opened.record_id
        identity = drafts.database_identity(self.executor.database)
        restore = drafts.restore_draft(self.draft_store, identity, opened)
        self._show_record(opened)
        if restore.unreadable is not None:
            self.save_status.setText(restore.unreadable)
        if self.draft_store.shared and not self._told_shared:
            self._told_shared = True
            self.banner.show_message(SHARED_DRAFTS)
        if restore.form is not None:
            self.form.set_form(restore.form)
        if restore.message is not None:
            self.banner.show_message(restore.message, revert=True)
        self.autosave.start(identity, record_id, restore.base_version, restore.pending_text)
        self.record_opened.emit(record_id)

    def _show_record(self, opened: OpenedRecord | None) -> None:
        self.opened = opened
        self.newer = None
        self._recheck_newer = False
        self.banner.hide()
        self.save_status.clear()
        if opened is None:
            self.history_list.clear()
            self.form.set_context(None)
            # An empty form, not the last record's values, when nothing is open.
            self.form.set_form(AceForm())
            self.form.setEnabled(False)
            self.lifecycle.set_record(None, has_errors=False)
            self._update_buttons()
            return
        self.history_list.clear()
        for entry in reversed(opened.history):
            self.history_list.addItem(f"{entry.at:%Y-%m-%d %H:%M} · {entry.actor} · {entry.text}")
        self.form.setEnabled(True)
        self.form.set_context(opened.context)
        self.form.set_read_only(not opened.editable)
        self.form.set_form(opened.form)
        self.lifecycle.set_record(opened.summary, has_errors=self.form.has_errors())
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_record = self.opened is not None
        self.new_button.setEnabled(self.inquiry_id is not None)
        self.pool_combo.setEnabled(self.inquiry_id is not None)
        self.revert_button.setEnabled(has_record and bool(self.opened and self.opened.editable))
        self.export_button.setEnabled(has_record)

    # ---- findings --------------------------------------------------------------------------

    def _on_form_findings_changed(self, findings: list[object]) -> None:
        self.findings_model.set_findings(self.form.findings)
        errors, warnings = self.findings_model.error_count(), self.findings_model.warning_count()
        self.findings_count.setText(
            f"{errors} error(s), {warnings} warning(s)" if findings else "No findings"
        )
        self.lifecycle.set_has_errors(errors > 0)

    def _on_findings_clicked(self, index: QModelIndex) -> None:
        field = index.data(FIELD_ROLE)
        if field:
            self.form.focus_field(str(field))

    # ---- new, revert, export ---------------------------------------------------------------

    def _on_new_button_clicked(self) -> None:
        if self.inquiry_id is None:
            return
        inquiry_id, pool, admin = self.inquiry_id, Pool(self.pool_combo.currentData()), self.admin
        request_id = new_request_id()
        label = POOLS[pool].label
        refused = _unless(RecordError, self._show_refusal)

        def failed(error: BaseException) -> None:
            if not self._check.handle(
                error,
                request_id,
                action=f"creating the {label} record",
                done_text=f"Created the {label} record.",
                on_applied=lambda found: self._on_record_created(
                    int(found.result["record_id"]), found.changes
                ),
            ):
                refused(error)

        self._jobs.run(
            lambda db: records.create_record(db, inquiry_id, pool, admin, request_id=request_id),
            on_done=lambda created: self._on_record_created(created[0].record_id, created[1]),
            on_error=failed,
        )

    def _on_record_created(self, record_id: int, changes: Changes) -> None:
        self.autosave.stop()
        self.opened = None
        self._emit_own(changes)
        self._load_list(select=record_id)

    def _on_revert_clicked(self) -> None:
        if self.opened is None:
            return
        record_id = self.opened.record_id
        self.autosave.discard()
        self.autosave.stop()
        self.opened = None
        self.open_record(record_id)

    def _on_export_button_clicked(self) -> None:
        if self.opened is None:
            return
        self.form.validate_now()
        if self.form.has_errors():
            self.banner.show_message(EXPORT_NEEDS_FIXES)
            return
        path = self.ask_export_path(f"ace-record-{self.opened.record_id}.json")
        if not path:
            return
        self._export(self.opened.record_id, self.form.form, Path(path))

    def _export(self, record_id: int, form: AceForm, path: Path) -> None:
        """Export what is on screen, saved or not, through the command line's own service."""

        def job(database: Database) -> ace_export_service.ExportResult:
            result = ace_export_service.export_record(database, record_id, form=form)
            if result.payload is not None:
                ace_export_service.write_request(result.payload, path)
            return result

        self._jobs.run(
            job,
            on_done=lambda result: self._on_exported(result, path),
            on_error=_unless((OSError, RecordError), lambda e: self._on_export_failed(e, path)),
        )

    def _on_exported(self, result: ace_export_service.ExportResult, path: Path) -> None:
        if not result.ok:
            self.banner.show_message(EXPORT_NEEDS_FIXES)
            return
        self.save_status.setText(f"Exported CreateOpportunity request to {path}")
        self.exported.emit(str(path))

    def _on_export_failed(self, error: BaseException, path: Path) -> None:
        if isinstance(error, OSError):
            self.banner.show_message(f"Could not write {path}: {error.strerror or error}.")
        else:
            self._show_refusal(error)

    def ask_export_path(self, suggested: str) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export to Partner Central", file_dialogs.start_path(suggested), "JSON (*.json)"
        )
        return file_dialogs.chosen(path)

    # ---- autosave outcomes -----------------------------------------------------------------

    def _on_autosave_synced(self, outcome: drafts.SyncOutcome) -> None:
        if self.banner.offers_action():
            self.banner.hide()
        # This editor shows what it saved: update its list row instead of reading it back.
        row = self.records_model.row_of(self.autosave.record_id or -1)
        if row is not None:
            item = self.records_model.item(row)
            self.records_model.replace_item(
                records.saved_item(
                    item, outcome.form, outcome.version, outcome.updated_at, self.admin
                )
            )
        self._emit_own(outcome.changes)

    def _emit_own(self, changes: Changes) -> None:
        self.changes_made.emit(changes.made_in(EDITOR_PANE))

    def _on_autosave_conflicted(self, conflict: EditConflict) -> None:
        self.banner.show_message(f"{conflict} Your changes are kept locally.", resolve=True)
        self._open_conflict_dialog(conflict)

    def _on_banner_resolve_clicked(self) -> None:
        if self.conflict_dialog is not None:
            self.conflict_dialog.open()

    def _open_conflict_dialog(self, conflict: EditConflict) -> None:
        dialog = ConflictDialog(self.form.form, conflict, self)
        dialog.finished.connect(lambda _: self._on_conflict_dialog_finished(dialog))
        self.conflict_dialog = dialog
        dialog.open()

    def _on_conflict_dialog_finished(self, dialog: ConflictDialog) -> None:
        conflict = dialog.conflict
        if dialog.choice == ConflictDialog.KEEP_MINE:
            self.autosave.keep_mine(self.form.form, conflict.their_version)
        elif dialog.choice == ConflictDialog.TAKE_THEIRS:
            self.autosave.take_theirs(conflict.their_version)
            self.form.set_form(conflict.theirs)
        else:
            return
        self.conflict_dialog = None
        self.newer = None
        self.banner.hide()

    def _on_autosave_locked(self, message: str) -> None:
        self.banner.show_message(
            f"{message} Your local changes are kept until you revert.", revert=True
        )

    # ---- lifecycle -------------------------------------------------------------------------

    def _on_lifecycle_transition_requested(self, state: RecordState) -> None:
        if self.opened is None:
            return
        if state in (RecordState.APPROVED, RecordState.DOWNGRADED):
            dialog = AwardDialog(self.opened.summary, state, self)
            dialog.accepted.connect(lambda: self._transition(state, dialog.award()))
            self.award_dialog = dialog
            dialog.open()
            return
        self._transition(state, None)

    def _transition(self, state: RecordState, award: Award | None) -> None:
        """Push pending edits first (a draft must be in the database before it moves on)."""
        opened = self.opened
        if opened is None:
            return
        if not opened.editable:
            self._run_transition(opened, opened.version, state, award)
            return

        def synced(ok: bool) -> None:
            if self.opened is not opened:
                return  # another record was opened meanwhile
            if not ok:
                self.banner.show_message(
                    "Save your changes to the database before changing the state."
                )
                return
            self._run_transition(opened, self.autosave.version, state, award)

        self.autosave.sync_now(synced)

    def _run_transition(
        self, opened: OpenedRecord, version: int, state: RecordState, award: Award | None
    ) -> None:
        record_id, admin = opened.record_id, self.admin
        request_id = new_request_id()
        refused = _unless(RecordError, self._show_refusal)

        def failed(error: BaseException) -> None:
            if not self._check.handle(
                error,
                request_id,
                action=f"moving the record to {state.value}",
                done_text=f"Moved the record to {state.value}.",
                on_applied=lambda found: self._on_transitioned(record_id, found.changes),
            ):
                refused(error)

        self._jobs.run(
            lambda db: records.transition(
                db, record_id, state, version, admin, award=award, request_id=request_id
            ),
            on_done=lambda result: self._on_transitioned(record_id, result.changes),
            on_error=failed,
        )

    def _on_transitioned(self, record_id: int, changes: Changes) -> None:
        self.autosave.stop()
        self.opened = None
        self._emit_own(changes)
        self._load_list(select=record_id)
