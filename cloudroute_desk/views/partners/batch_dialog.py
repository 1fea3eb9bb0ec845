""" "Suggest for all new inquiries": an optimal assignment of the waiting queue, previewed.

The suggestion runs on the DB executor with progress and cancel (thousands of inquiries must
not freeze the window); the admin unticks what they disagree with and accepts the rest. Each
accepted pair is its own transaction, so one lost to a colleague does not undo the others;
the losses are listed. Batch acceptance is not on the undo stack (undo each from the queue).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.domain.formatting import money
from cloudroute_desk.domain.routing.batch import BatchItem, BatchSuggestion
from cloudroute_desk.models.batch_preview_model import BatchColumn, BatchPreviewModel
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.models.write_check import WriteCheck
from cloudroute_desk.services import assignment as assignment_service
from cloudroute_desk.services.assignment import BatchResult
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.write_requests import Outcome, new_request_id
from cloudroute_desk.views.plain_text import plain_label


class _Progress(QObject):
    """Carries progress from the worker thread to the GUI thread (a queued signal)."""

    moved = Signal(int, int)

    def callback(self) -> Callable[[int, int], None]:
        last = [-1]

        def report(done: int, total: int) -> None:
            percent = done * 100 // max(total, 1)
            if percent != last[0] or done == total:
                last[0] = percent
                self.moved.emit(done, total)

        return report


class BatchSuggestDialog(QDialog):
    changes_made = Signal(object)
    suggestion_shown = Signal(object)
    """The BatchSuggestion now previewed (or a cancelled one)."""
    batch_accepted = Signal(object)
    """The BatchResult of an acceptance."""

    def __init__(self, executor: DbExecutor, admin: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Suggest partners for all new inquiries")
        self._jobs = DbJobs(executor, self)
        self._check = WriteCheck(self._jobs, self)
        self._admin = admin
        self._cancel = threading.Event()
        self._running = False
        self._progress = _Progress(self)
        self._progress.moved.connect(self._on_progress_moved)
        self.model = BatchPreviewModel(self)
        self.model.checked_changed.connect(self._on_checked_changed)
        self._build()
        self._set_running(False)
        self.resize(1100, 640)

    def _build(self) -> None:
        intro = plain_label(
            "Proposes one partner for every inquiry waiting for one (new or re-route), "
            "choosing the combination with the largest total expected credit landed while "
            "no partner goes over its free capacity. Nothing is assigned until you accept."
        )
        self.suggest_button = QPushButton("Suggest")
        self.suggest_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel run")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress_bar = QProgressBar()
        self.progress_bar.setFormat("%v / %m inquiries")
        self.summary_label = plain_label()
        self._check.reported.connect(self.summary_label.setText)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in (
            (BatchColumn.ACCEPT, 60),
            (BatchColumn.INQUIRY, 230),
            (BatchColumn.PARTNER, 170),
            (BatchColumn.RANK, 70),
            (BatchColumn.EXPECTED, 110),
            (BatchColumn.SCORE, 90),
            (BatchColumn.THRESHOLD, 80),
        ):
            self.table.setColumnWidth(column, width)
        self.check_all_button = QPushButton("Check all")
        self.check_all_button.clicked.connect(lambda: self.model.set_all_checked(True))
        self.check_none_button = QPushButton("Check none")
        self.check_none_button.clicked.connect(lambda: self.model.set_all_checked(False))
        self.accept_checked_button = QPushButton("Accept checked")
        self.accept_checked_button.clicked.connect(lambda: self.accept_items(checked_only=True))
        self.accept_all_button = QPushButton("Accept all")
        self.accept_all_button.clicked.connect(lambda: self.accept_items(checked_only=False))
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)

        run_row = QHBoxLayout()
        run_row.addWidget(self.suggest_button)
        run_row.addWidget(self.cancel_button)
        run_row.addWidget(self.progress_bar, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_all_button)
        buttons.addWidget(self.check_none_button)
        buttons.addStretch(1)
        buttons.addWidget(self.accept_checked_button)
        buttons.addWidget(self.accept_all_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(run_row)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    # ---- suggesting ----------------------------------------------------------------------

    def start(self) -> None:
        if self._running:
            return
        self._cancel = threading.Event()
        cancel = self._cancel
        report = self._progress.callback()
        self.model.set_suggestion(None)
        self.summary_label.setText("Scoring the waiting inquiries…")
        self.progress_bar.setRange(0, 0)
        self._set_running(True)
        self._jobs.run(
            lambda db: assignment_service.suggest_batch(
                db, progress=report, cancelled=cancel.is_set
            ),
            on_done=self._on_suggested,
            on_error=self._on_failed,
        )

    def cancel(self) -> None:
        self._cancel.set()
        self.summary_label.setText("Cancelling…")

    def _on_progress_moved(self, done: int, total: int) -> None:
        if self._running:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)

    def _on_suggested(self, suggestion: BatchSuggestion) -> None:
        self._set_running(False)
        if suggestion.cancelled:
            self.summary_label.setText("Cancelled: nothing suggested.")
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)
        else:
            self.model.set_suggestion(suggestion)
            matched = len(suggestion.items)
            waiting = matched + len(suggestion.unmatched)
            unmatched = (
                f" · {len(suggestion.unmatched)} without an eligible partner with free capacity"
                if suggestion.unmatched
                else ""
            )
            self.summary_label.setText(
                f"{matched} of {waiting} waiting inquiries matched · total expected credit "
                f"{money(suggestion.total_expected_award_usd)} · total score "
                f"{money(suggestion.total_score)}{unmatched}"
            )
        self._on_checked_changed(self.model.checked_count)
        self.suggestion_shown.emit(suggestion)

    # ---- accepting -----------------------------------------------------------------------

    def accept_items(self, *, checked_only: bool) -> None:
        items: list[BatchItem] = self.model.checked_items() if checked_only else self.model.items
        if not items or self._running:
            return
        admin = self._admin
        report = self._progress.callback()
        self._set_running(True, accepting=True)
        self.summary_label.setText(f"Assigning {len(items)} inquiries…")
        request_id = new_request_id()

        def failed(error: BaseException) -> None:
            if not self._check.handle(
                error,
                request_id,
                action=f"assigning {len(items)} inquiries",
                done_text="Accepted the batch.",
                on_applied=lambda outcome: self._on_batch_found(outcome, len(items)),
                on_not_applied=lambda: self._set_running(False),
            ):
                self._on_failed(error)

        self._jobs.run(
            lambda db: assignment_service.accept_batch(
                db, items, admin, progress=report, request_id=request_id
            ),
            on_done=self._on_batch_accepted,
            on_error=failed,
        )

    def _on_batch_found(self, outcome: Outcome, sent: int) -> None:
        """The batch's answer was lost, but ``outcome.parts`` of its assignments went through."""
        self._set_running(False)
        self.model.remove_inquiries(set(outcome.changes.inquiries.ids))
        rows = self.model.rowCount()
        left = f"; {rows} suggestions left to review" if sent > outcome.parts else ""
        self.summary_label.setText(
            f"Done: {outcome.parts} of {sent} inquiries assigned before the connection "
            f"dropped{left}."
        )
        self.changes_made.emit(outcome.changes)

    def _on_batch_accepted(self, result: BatchResult) -> None:
        self._set_running(False)
        lines = [f"Assigned {len(result.assigned)} inquiries."]
        if result.lost:
            lines.append(f"{len(result.lost)} not assigned:")
            lines += [f"  #{loss.inquiry_id}: {loss.message}" for loss in result.lost[:20]]
            if len(result.lost) > 20:
                lines.append(f"  … and {len(result.lost) - 20} more")
        # The suggestions not accepted stay, to accept later or leave; only the decided go.
        self.model.remove_inquiries(
            {item.inquiry_id for item in result.assigned}
            | {loss.inquiry_id for loss in result.lost}
        )
        if self.model.rowCount():
            left = self.model.rowCount()
            lines.append(f"{left} suggestion{'' if left == 1 else 's'} left to review.")
        self.summary_label.setText("\n".join(lines))
        self.batch_accepted.emit(result)
        self.changes_made.emit(result.changes)

    def _on_failed(self, error: BaseException) -> None:
        self._set_running(False)
        self.summary_label.setText(f"Failed: {error}")

    # ---- state ---------------------------------------------------------------------------

    def _set_running(self, running: bool, *, accepting: bool = False) -> None:
        self._running = running
        self.suggest_button.setEnabled(not running)
        self.cancel_button.setEnabled(running and not accepting)
        self.close_button.setEnabled(not running)
        self.progress_bar.setVisible(running or self.progress_bar.value() > 0)
        self._on_checked_changed(self.model.checked_count)

    def _on_checked_changed(self, checked: int) -> None:
        has_rows = self.model.rowCount() > 0 and not self._running
        self.accept_checked_button.setEnabled(has_rows and checked > 0)
        self.accept_checked_button.setText(f"Accept checked ({checked})")
        self.accept_all_button.setEnabled(has_rows)
        self.check_all_button.setEnabled(has_rows)
        self.check_none_button.setEnabled(has_rows)

    def reject(self) -> None:
        if self._running:
            self.cancel()
            return
        super().reject()
