"""The editor form: inline messages, the findings summary, locks, hostile input, and a
hypothesis run of random edits through the form and the validator."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLineEdit, QPlainTextEdit

from cloudroute_desk.domain.ace.rules import ValidationContext, validate
from cloudroute_desk.domain.catalog import Pool, RecordState, Tier
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.models.findings_model import FIELD_ROLE, FindingsModel
from cloudroute_desk.models.record_list_model import OBJECT_ROLE, RecordListModel
from cloudroute_desk.services import records
from cloudroute_desk.services.changes import ChangeKind, Changes, Rows
from cloudroute_desk.views.editor.fields import LineField, TextField
from cloudroute_desk.views.editor.form_spec import LABELS, SECTIONS, label_for, owner_path
from cloudroute_desk.views.editor.record_form import RecordForm
from tests.editor_helpers import open_pane, seed_record
from tests.factories import add_inquiry, add_partner, add_record

CONTEXT = ValidationContext(partner_tier=Tier.ADVANCED, today=date(2026, 6, 1))
HOSTILE = [
    "x" * 100_000,
    "NUL\x00inside",
    "lone \ud800 surrogate",
    "RTL \u202eשלום עולם",
    "emoji 🚀👩🏽‍💻",
    "'; DROP TABLE ace_records; --",
]


def _form_widget(qtbot) -> RecordForm:  # type: ignore[no-untyped-def]
    form = RecordForm()
    qtbot.addWidget(form)
    form.set_context(CONTEXT)
    form.resize(900, 700)
    form.show()
    return form


def test_every_form_field_has_a_row_and_labels_cover_findings(qtbot) -> None:  # type: ignore[no-untyped-def]
    form = _form_widget(qtbot)
    paths = {spec.path for section in SECTIONS for spec in section.fields}
    assert set(LABELS) == paths
    for path in paths:
        form.editor(path)  # every path is an attribute the form can read and write
        form.form.value_at(path)
    assert owner_path("spend[2].monthly_usd") == "spend"
    assert label_for("spend[2].service") == "Projected monthly AWS spend, line 3"
    assert owner_path("technical_contact.email") == "technical_contact.email"


def test_typing_shows_inline_error_then_clears_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    form = _form_widget(qtbot)
    website = form.editor("customer.website").widget
    assert isinstance(website, QLineEdit)
    qtbot.keyClicks(website, "not a url")
    message = form.message_label("customer.website")
    qtbot.waitUntil(lambda: message.isVisible(), timeout=2000)
    assert "well-formed URL" in message.text()
    assert message.textFormat() == Qt.TextFormat.PlainText
    assert website.property("severity") == "error"
    website.clear()
    qtbot.keyClicks(website, "https://lumen.example.com")
    qtbot.waitUntil(lambda: not message.isVisible(), timeout=2000)
    assert website.property("severity") in ("", None)


def test_validation_is_debounced(qtbot) -> None:  # type: ignore[no-untyped-def]
    form = _form_widget(qtbot)
    calls: list[int] = []
    form.findings_changed.connect(lambda f: calls.append(len(f)))
    title = form.editor("title").widget
    qtbot.keyClicks(title, "Lumen")  # five edits
    assert form.validation_pending and calls == []
    qtbot.waitUntil(lambda: not form.validation_pending, timeout=5000)
    assert len(calls) == 1


def test_warning_is_amber_not_red(qtbot) -> None:  # type: ignore[no-untyped-def]
    form = _form_widget(qtbot)
    form.set_form(form.form.model_copy(update={"use_case": "A SaaS platform on AWS for teams"}))
    assert form.editor("use_case").widget.property("severity") == "warning"
    assert form.message_label("use_case").isVisible()


def test_hostile_text_in_every_text_field_stays_fast(qtbot) -> None:  # type: ignore[no-untyped-def]
    form = _form_widget(qtbot)
    text_paths = [path for path in LABELS if isinstance(form.editor(path), (LineField, TextField))]
    assert len(text_paths) > 20
    for bad in HOSTILE:
        for path in text_paths:
            editor = form.editor(path)
            editor.set_value(bad)
            editor.edited.emit()
        started = time.perf_counter()
        form.validate_now()
        elapsed = time.perf_counter() - started
        assert elapsed < 0.5, f"validating {bad[:10]!r} everywhere took {elapsed:.3f}s"
    long_text = form.editor("use_case").widget
    assert isinstance(long_text, QPlainTextEdit)
    form.editor("use_case").set_value("y" * 100_000)
    form.editor("use_case").edited.emit()
    assert len(form.form.use_case) == 100_000, "long text is never silently cut"
    form.validate_now()
    assert any(f.field == "use_case" and f.is_error for f in form.findings)


def test_pane_summary_click_focuses_the_field(qtbot, executor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inquiry_id, _ = seed_record(executor.database)
    pane = open_pane(qtbot, executor, tmp_path / "drafts.sqlite", inquiry_id)
    website = pane.form.editor("customer.website").widget
    website.setFocus()
    qtbot.keyClicks(website, " oops")
    qtbot.waitUntil(
        lambda: any(f.field == "customer.website" for f in pane.form.findings), timeout=2000
    )
    model = pane.findings_model
    rows = {model.index(r).data(FIELD_ROLE): r for r in range(model.rowCount())}
    assert "customer.postal_code" in rows
    index = model.index(rows["customer.postal_code"])
    pane.findings_view.scrollTo(index)
    rect = pane.findings_view.visualRect(index)
    qtbot.mouseClick(pane.findings_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    target = pane.form.editor("customer.postal_code").focus_widget()
    qtbot.waitUntil(lambda: target.hasFocus(), timeout=2000)


def test_errors_disable_mark_submitted_warnings_do_not(qtbot, executor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inquiry_id, _ = seed_record(executor.database)
    pane = open_pane(qtbot, executor, tmp_path / "drafts.sqlite", inquiry_id)
    submit = pane.lifecycle.buttons[RecordState.SUBMITTED]
    assert pane.form.has_errors() and not submit.isEnabled()
    from tests.test_records_service import _fixed_form

    fixed = _fixed_form(pane.form.form).model_copy(update={"annual_deal_size_usd": 0})
    pane.form.set_form(fixed)
    assert not pane.form.has_errors()
    assert any(not f.is_error for f in pane.form.findings), "a warning remains"
    assert submit.isEnabled()


def test_submitted_record_is_locked_and_shows_api_mapping(qtbot, executor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    database = executor.database
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned")
    add_record(database, inquiry_id, partner_id, state=RecordState.SUBMITTED)
    pane = open_pane(qtbot, executor, tmp_path / "drafts.sqlite", inquiry_id)
    assert pane.form.is_read_only()
    title = pane.form.editor("title").widget
    assert isinstance(title, QLineEdit) and title.isReadOnly()
    assert pane.form.editor("use_case").widget.isReadOnly()  # type: ignore[attr-defined]
    assert "Stage “Qualified”, ReviewStatus “Submitted”" in pane.lifecycle.api_label.text()
    assert set(pane.lifecycle.buttons) == {
        RecordState.VALIDATED,
        RecordState.REJECTED,
        RecordState.IDENTIFIED,
    }
    assert not pane.revert_button.isEnabled()


def test_new_record_is_prefilled_from_the_intake(qtbot, executor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inquiry_id, _ = seed_record(executor.database)
    pane = open_pane(qtbot, executor, tmp_path / "drafts.sqlite", inquiry_id)
    emitted = []
    pane.changes_made.connect(emitted.append)
    assert not pane.form.findChild(QGroupBox, "section_poc").isVisibleTo(pane.form)
    pane.pool_combo.setCurrentIndex(pane.pool_combo.findData(Pool.BEDROCK_POC.value))
    with qtbot.waitSignal(pane.record_opened, timeout=10_000):
        pane.new_button.click()
    assert pane.records_model.rowCount() == 2
    assert pane.opened is not None and pane.opened.summary.pool is Pool.BEDROCK_POC
    assert pane.form.form.customer.company_name == "Lumen Analytics Inc."
    assert pane.form.findChild(QGroupBox, "section_poc").isVisibleTo(pane.form)
    assert any(f.field.startswith("poc.") for f in pane.form.findings)
    created = [c for c in emitted if c.has(ChangeKind.RECORDS_ADDED)]
    assert len(created) == 1 and created[0].records == Rows.of(pane.opened.record_id)
    assert created[0].echoes("editor") and created[0].inquiries == Rows.of(inquiry_id)


def test_lifecycle_buttons_and_award_dialog(qtbot, executor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    database = executor.database
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned")
    record_id = add_record(
        database,
        inquiry_id,
        partner_id,
        state=RecordState.SUBMITTED,
        amount_awarded_usd=None,
        decided_at=None,
        credited_at=None,
        submitted_at=utcnow() - timedelta(days=12),
    )
    pane = open_pane(qtbot, executor, tmp_path / "drafts.sqlite", inquiry_id)
    emitted = []
    pane.changes_made.connect(emitted.append)
    with qtbot.waitSignal(pane.record_opened, timeout=10_000):
        pane.lifecycle.buttons[RecordState.VALIDATED].click()
    assert pane.opened is not None and pane.opened.summary.state is RecordState.VALIDATED
    pane.lifecycle.buttons[RecordState.DOWNGRADED].click()
    dialog = pane.award_dialog
    assert dialog is not None
    dialog.pool.setCurrentIndex(dialog.pool.findData(Pool.FOUNDERS.value))
    dialog.amount.setValue(25_000)
    with qtbot.waitSignal(pane.record_opened, timeout=10_000):
        dialog.accept()
    summary = records.open_record(database, record_id).summary
    assert summary.state is RecordState.DOWNGRADED
    assert (summary.awarded_pool, summary.amount_awarded_usd) == (Pool.FOUNDERS, 25_000)
    assert summary.days_to_credit == pytest.approx(12, abs=0.01)
    assert [c.kinds for c in emitted] == [
        {ChangeKind.RECORD_STATES},
        {ChangeKind.RECORD_STATES, ChangeKind.RECORD_FIGURES},  # the inquiry was not filed
    ]
    assert all(c.records == Rows.of(record_id) and c.echoes("editor") for c in emitted)
    assert emitted[1].partners == Rows.of(partner_id), "the routing index moved"
    newest = pane.history_list.item(0).text()
    assert "Validated → Downgraded: $25,000 Founders (partner-filed)" in newest
    assert "alice" in newest
    assert set(pane.lifecycle.buttons) == {RecordState.LAUNCHED}


def test_record_list_and_findings_models_pass_modeltester(qtmodeltester, executor) -> None:  # type: ignore[no-untyped-def]
    inquiry_id, _ = seed_record(executor.database)
    items = records.list_records(executor.database, inquiry_id)
    model = RecordListModel()
    model.set_items(items)
    qtmodeltester.check(model)
    assert model.index(0, 0).data(OBJECT_ROLE) == items[0]
    form = records.open_record(executor.database, items[0].summary.id)  # type: ignore[arg-type]
    findings = validate(form.form, form.context)
    findings_model = FindingsModel(label_for)
    findings_model.set_findings(findings)
    qtmodeltester.check(findings_model)
    assert findings_model.index(0).data(FIELD_ROLE) == findings_model.findings[0].field
    assert findings_model.findings[0].is_error


_TEXT_PATHS = sorted(
    path
    for section in SECTIONS
    for path in (spec.path for spec in section.fields)
    if path not in ("spend", "poc.budget", "delivery_models", "primary_needs", "sales_activities")
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(_TEXT_PATHS),
            st.one_of(st.text(max_size=300), st.sampled_from(HOSTILE), st.integers(0, 10**9)),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_random_edits_never_crash_form_or_validator(qtbot, edits) -> None:  # type: ignore[no-untyped-def]
    form = _form_widget(qtbot)
    for path, value in edits:
        editor = form.editor(path)
        current = editor.value()
        if isinstance(current, int):
            editor.set_value(value if isinstance(value, int) else len(str(value)))
        elif isinstance(editor, (LineField, TextField)):
            editor.set_value(str(value))
        else:
            editor.set_value(str(value))  # a picklist shows an unknown value, flagged
        editor.edited.emit()
        assert form.form.value_at(path) == editor.value()
    form.validate_now()
    assert validate(form.form, CONTEXT) == form.findings
    for finding in form.findings:
        assert owner_path(finding.field) is not None, finding.field


@pytest.mark.parametrize("bad", HOSTILE)
def test_hostile_text_stored_only_through_the_boundary(executor, bad: str) -> None:  # type: ignore[no-untyped-def]
    _, record_id = seed_record(executor.database)
    opened = records.open_record(executor.database, record_id)
    form = opened.form.model_copy(update={"partner_role": bad})
    findings = validate(form, opened.context)
    problem = any(f.field == "partner_role" and f.rule == "text" for f in findings)
    if problem:
        with pytest.raises(records.UnstorableTextError):
            records.save_form(executor.database, record_id, form, 1, "alice")
    else:
        records.save_form(executor.database, record_id, form, 1, "alice")
        assert records.open_record(executor.database, record_id).form.partner_role == bad


def test_mark_submitted_locks_the_form_and_export_passes_the_api_model(
    qtbot, executor, tmp_path: Path, monkeypatch
) -> None:
    import json

    from cloudroute_desk.domain.ace.api_model import check_request
    from cloudroute_desk.services.ace_export_service import client_token
    from tests.test_records_service import _fixed_form

    inquiry_id, record_id = seed_record(executor.database)
    pane = open_pane(qtbot, executor, tmp_path / "drafts.sqlite", inquiry_id)
    pane.export_button.click()
    assert "Fix the errors first" in pane.banner.label.text()
    fixed = _fixed_form(pane.form.form)
    pane.form.set_form(fixed)
    pane.autosave.edited(fixed)  # as if typed: it must reach the database before submitting
    target = tmp_path / "export.json"
    monkeypatch.setattr(pane, "ask_export_path", lambda suggested: str(target))
    with qtbot.waitSignal(pane.exported, timeout=10_000):
        pane.export_button.click()
    payload = json.loads(target.read_text("utf-8"))
    assert check_request(payload) == []
    # What was on screen (saved or not) is what the key stands for.
    assert payload["ClientToken"] == client_token(record_id, payload)
    assert payload["Project"]["CustomerBusinessProblem"] == fixed.use_case
    assert payload["Customer"]["Account"]["CompanyName"] == "Lumen Analytics Inc."
    with qtbot.waitSignal(pane.record_opened, timeout=10_000):
        pane.lifecycle.buttons[RecordState.SUBMITTED].click()
    stored = records.open_record(executor.database, record_id)
    assert stored.summary.state is RecordState.SUBMITTED
    assert stored.form.use_case == fixed.use_case, "the last edit was saved before submitting"
    assert pane.form.is_read_only()
    assert "ReviewStatus “Submitted”" in pane.lifecycle.api_label.text()


def test_other_records_changing_revalidates_the_open_one(qtbot, executor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    database = executor.database
    inquiry_id, _ = seed_record(database)
    pane = open_pane(qtbot, executor, tmp_path / "drafts.sqlite", inquiry_id)
    assert not any(f.rule == "customer.competing_partner" for f in pane.form.findings)
    rival = add_partner(database, name="Rival Cloud")
    add_record(database, inquiry_id, rival, state=RecordState.SUBMITTED, pool=Pool.FOUNDERS)
    pane.apply_changes(Changes.of(ChangeKind.RECORDS_ADDED, inquiries=Rows.of(inquiry_id)))
    qtbot.waitUntil(
        lambda: any(f.rule == "customer.competing_partner" for f in pane.form.findings),
        timeout=5000,
    )
    assert pane.form.message_label("customer.company_name").isVisible()
