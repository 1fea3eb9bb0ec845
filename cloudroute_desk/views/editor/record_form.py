"""The ACE record form: every AceForm field in sections, live validation, inline messages.

Each edit replaces the form value (``AceForm.with_value``) and emits ``form_edited``; a 150 ms
single-shot timer, restarted per edit, then runs ``ace_rules.validate`` (the one rule set)
and puts each finding under its field: a small plain-text label plus a red (error) or amber
(warning) border, in colours taken from the current palette.

Its 51 rows take 0.1-0.2 s of GUI-thread time to build; the main window's start-up builds
them a few at a time (``build_in_pieces``), one event-loop turn apart, so no step stalls the
GUI (issue 17: ≤ 50 ms after the window is shown).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.ace.rules import ValidationContext, validate
from cloudroute_desk.domain.catalog import Pool
from cloudroute_desk.domain.findings import Finding, Severity
from cloudroute_desk.views.editor.fields import FieldEditor
from cloudroute_desk.views.editor.form_spec import SECTIONS, FieldSpec, owner_path
from cloudroute_desk.views.theme import status_colors

VALIDATE_DELAY_MS = 150
PIECE_S = 0.015
"""``build_in_pieces`` hands control back once a piece has taken this long (each row takes
2-5 ms, more on a loaded machine), so a piece stays well under the 50 ms stall limit."""


@dataclass
class _Row:
    spec: FieldSpec
    editor: FieldEditor
    message: QLabel
    second_message: QLabel
    """The warnings of a field that also has errors (``message`` then holds the errors)."""
    outline: _Outline
    severity: Severity | None = None


class RecordForm(QScrollArea):
    form_edited = Signal(object)
    """The AceForm after a user's edit (not after ``set_form``)."""
    findings_changed = Signal(list)

    def __init__(self, parent: QWidget | None = None, *, rows_later: bool = False) -> None:
        """With ``rows_later`` the caller builds the rows with ``build_in_pieces`` before
        using the form."""
        super().__init__(parent)
        self.setWidgetResizable(True)
        self._form = AceForm()
        self._context: ValidationContext | None = None
        self._findings: list[Finding] = []
        self._rows: dict[str, _Row] = {}
        self._sections: dict[str, QGroupBox] = {}
        self._read_only = False
        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATE_DELAY_MS)
        self._validate_timer.timeout.connect(self.validate_now)
        if not rows_later:
            for _piece in self.build_in_pieces():
                pass

    def build_in_pieces(self) -> Iterator[None]:
        """Build the sections and their rows, yielding whenever a piece took ``PIECE_S``."""
        piece_started = time.perf_counter()
        body = QWidget()
        layout = QVBoxLayout(body)
        for section in SECTIONS:
            box = QGroupBox(section.title)
            box.setObjectName(f"section_{section.key}")
            grid = QGridLayout(box)
            grid.setColumnStretch(0, 1)
            grid.setColumnStretch(1, 1)
            column, row = 0, 0
            for spec in section.fields:
                if time.perf_counter() - piece_started >= PIECE_S:
                    yield
                    piece_started = time.perf_counter()
                cell = self._build_row(spec)
                if spec.wide:
                    if column:
                        row, column = row + 1, 0
                    grid.addWidget(cell, row, 0, 1, 2)
                    row += 1
                else:
                    grid.addWidget(cell, row, column)
                    column = 1 - column
                    row += column == 0
            self._sections[section.key] = box
            layout.addWidget(box)
        yield  # setting the body polishes every row: a piece of its own
        layout.addStretch(1)
        self.setWidget(body)

    def _build_row(self, spec: FieldSpec) -> QWidget:
        editor = spec.make()
        editor.widget.setObjectName(f"field:{spec.path}")
        editor.widget.setAccessibleName(spec.label)
        message = _message_label(f"message:{spec.path}")
        second_message = _message_label(f"warning:{spec.path}")
        cell = QWidget()
        form = QFormLayout(cell)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        label = QLabel(spec.label)
        label.setBuddy(editor.focus_widget())
        outline = _Outline(editor.widget)
        form.addRow(label, outline)
        form.addRow(message)
        form.addRow(second_message)
        self._rows[spec.path] = _Row(spec, editor, message, second_message, outline)
        editor.edited.connect(lambda path=spec.path: self._on_editor_edited(path))
        return cell

    # ---- state ----------------------------------------------------------------------------

    @property
    def form(self) -> AceForm:
        return self._form

    @property
    def findings(self) -> list[Finding]:
        return list(self._findings)

    def has_errors(self) -> bool:
        return any(f.is_error for f in self._findings)

    def editor(self, path: str) -> FieldEditor:
        return self._rows[path].editor

    def message_label(self, path: str) -> QLabel:
        return self._rows[path].message

    def warning_label(self, path: str) -> QLabel:
        """The amber warnings of a field that also has errors (shown under them)."""
        return self._rows[path].second_message

    def set_context(self, context: ValidationContext | None) -> None:
        self._context = context
        self.schedule_validation()

    def set_form(self, form: AceForm) -> None:
        """Show ``form`` (a record opened, a draft restored, their version taken)."""
        self._form = form
        for path, row in self._rows.items():
            row.editor.set_value(_plain(form.value_at(path)))
        self._show_pool_sections()
        self.validate_now()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for row in self._rows.values():
            row.editor.set_read_only(read_only)

    def is_read_only(self) -> bool:
        return self._read_only

    def _on_editor_edited(self, path: str) -> None:
        if self._read_only:
            self._rows[path].editor.set_value(_plain(self._form.value_at(path)))
            return
        value = self._rows[path].editor.value()
        try:
            self._form = self._form.with_value(path, value)
        except ValueError:
            # The widget can only produce well-typed values; anything else is not an edit.
            return
        if path == "pool":
            self._show_pool_sections()
            # The generated title follows the pool (AceForm.with_value): show it.
            self._rows["title"].editor.set_value(self._form.title)
        self.form_edited.emit(self._form)
        self.schedule_validation()

    def _show_pool_sections(self) -> None:
        self._sections["poc"].setVisible(self._form.pool == Pool.BEDROCK_POC.value)

    # ---- validation -----------------------------------------------------------------------

    def schedule_validation(self) -> None:
        self._validate_timer.start()

    @property
    def validation_pending(self) -> bool:
        """True while an edit waits for the debounced validation."""
        return self._validate_timer.isActive()

    def validate_now(self) -> None:
        self._validate_timer.stop()
        findings = [] if self._context is None else validate(self._form, self._context)
        self._findings = findings
        self._show_findings()
        self.findings_changed.emit(list(findings))

    def _show_findings(self) -> None:
        by_row: dict[str, list[Finding]] = {}
        for finding in self._findings:
            owner = owner_path(finding.field)
            if owner is not None:
                by_row.setdefault(owner, []).append(finding)
        colors = status_colors(self.palette())
        for path, row in self._rows.items():
            found = by_row.get(path, [])
            errors = [f.message for f in found if f.is_error]
            warnings = [f.message for f in found if not f.is_error]
            severity = Severity.ERROR if errors else (Severity.WARNING if warnings else None)
            # Each message in its own severity's colour: red errors first, amber warnings
            # under them (in the second label when the field has both).
            first, second = (errors, warnings) if errors else (warnings, [])
            _show_message(row.message, first, colors["error" if errors else "warning"])
            _show_message(row.second_message, second, colors["warning"])
            if severity != row.severity:
                row.severity = severity
                row.outline.set_severity(severity, colors)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            for row in self._rows.values():
                row.severity = None
            self._show_findings()
        super().changeEvent(event)

    # ---- navigation -----------------------------------------------------------------------

    def focused_field(self) -> str | None:
        """The path of the field the keyboard focus is in, if any (kept across a reload)."""
        focus = QApplication.focusWidget()
        for path, row in self._rows.items():
            widget = row.editor.widget
            if focus is not None and (focus is widget or widget.isAncestorOf(focus)):
                return path
        return None

    def focus_field(self, field: str) -> bool:
        """Scroll to and focus the row that shows findings on ``field``."""
        owner = owner_path(field)
        if owner is None:
            return False
        row = self._rows[owner]
        section = row.editor.widget.parentWidget()
        while section is not None and not isinstance(section, QGroupBox):
            section = section.parentWidget()
        if section is not None and not section.isVisible():
            section.setVisible(True)
        target = row.editor.focus_widget()
        self.ensureWidgetVisible(target)
        target.setFocus()
        return True


def _show_message(label: QLabel, messages: list[str], color: QColor) -> None:
    if not messages:
        label.hide()
        label.clear()
        return
    label.setText("\n".join(messages))
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, color)
    label.setPalette(palette)
    label.show()


def _message_label(name: str) -> QLabel:
    message = QLabel()
    message.setTextFormat(Qt.TextFormat.PlainText)
    message.setWordWrap(True)
    message.setObjectName(name)
    message.hide()
    return message


def _plain(value: object) -> object:
    """Form values as the field editors take them (nested models as dicts)."""
    if isinstance(value, list):
        return [item.model_dump() if hasattr(item, "model_dump") else item for item in value]
    return value


class _Outline(QWidget):
    """Draws the red/amber border around a field's editor. Painting it here, instead of a
    style sheet on the editor, costs nothing when the editor holds 100 kB of text (a style
    sheet change re-polishes and re-lays out the whole text)."""

    def __init__(self, inner: QWidget) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(inner)
        self._inner = inner
        self._color: QColor | None = None

    def set_severity(self, severity: Severity | None, colors: dict[str, QColor]) -> None:
        self._color = (
            None
            if severity is None
            else colors["error" if severity is Severity.ERROR else "warning"]
        )
        self._inner.setProperty("severity", severity.value if severity else "")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._color is None:
            return
        painter = QPainter(self)
        pen = QPen(self._color)
        pen.setWidth(2)
        painter.setPen(pen)
        painter.drawRoundedRect(self.rect().adjusted(1, 1, -1, -1), 3, 3)
