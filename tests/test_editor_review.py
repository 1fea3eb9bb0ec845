"""The Review editor an admin can trust: an empty form when no record is open, a new record in
the pool the startup asked for with a title that follows the pool, dates picked from a
calendar with an empty state, and amber warnings under a field that also has errors."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate

from cloudroute_desk.db.draft_store import DraftStore
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.ace.form import AceForm, CustomerPart, generated_title
from cloudroute_desk.domain.catalog import POOLS, Pool
from cloudroute_desk.domain.findings import Finding, Severity
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.editor import RecordEditorPane
from cloudroute_desk.views.editor.fields import NO_DATE, DateField
from cloudroute_desk.views.editor.record_form import RecordForm
from cloudroute_desk.views.theme import status_colors
from tests.editor_helpers import open_pane, seed_record
from tests.factories import add_inquiry, add_partner

WAIT = 10_000


def test_title_follows_the_pool_until_the_admin_edits_it() -> None:
    form = AceForm(
        customer=CustomerPart(company_name="Lumen"),
        title=generated_title("Lumen", Pool.FOUNDERS),
        pool=Pool.FOUNDERS.value,
    )
    moved = form.with_value("pool", Pool.PORTFOLIO.value)
    assert moved.title == f"Lumen - {POOLS[Pool.PORTFOLIO].label}"
    edited = form.with_value("title", "Lumen: GPU migration")
    assert edited.with_value("pool", Pool.PORTFOLIO.value).title == "Lumen: GPU migration"


def test_new_record_defaults_to_the_first_wanted_pool_without_a_record(
    qtbot, database: Database, executor: DbExecutor, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(
        database,
        partner_id=partner_id,
        status="assigned",
        pools_wanted=(Pool.FOUNDERS_SELF_SERVE, Pool.PORTFOLIO, Pool.BEDROCK_POC),
    )
    pane = RecordEditorPane(executor, DraftStore(tmp_path / "d.sqlite"), admin="alice")
    qtbot.addWidget(pane)
    pane.show()
    pane.set_inquiry(inquiry_id)
    # Self-serve is not partner-filed: the first wanted pool a partner files is Portfolio.
    qtbot.waitUntil(lambda: pane.pool_combo.currentData() == Pool.PORTFOLIO.value, timeout=WAIT)
    with qtbot.waitSignal(pane.record_opened, timeout=WAIT):
        pane.new_button.click()
    assert pane.form.form.pool == Pool.PORTFOLIO.value
    assert pane.form.form.title.endswith(POOLS[Pool.PORTFOLIO].label)
    # With Portfolio filed, the next new record defaults to the next wanted pool.
    qtbot.waitUntil(lambda: pane.pool_combo.currentData() == Pool.BEDROCK_POC.value, timeout=WAIT)
    pool_editor = pane.form.editor("pool")
    pool_editor.set_value(Pool.BEDROCK_POC.value)
    pool_editor.edited.emit()
    assert pane.form.form.title.endswith(POOLS[Pool.BEDROCK_POC].label)
    assert pane.form.editor("title").value() == pane.form.form.title
    pane.autosave.stop()  # the edit's autosave would outlive this test's database


def test_the_form_is_cleared_when_no_record_is_open(
    qtbot, database: Database, executor: DbExecutor, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    inquiry_id, _record_id = seed_record(database)
    empty_inquiry = add_inquiry(database, company_name="No Records Yet Ltd")
    pane = open_pane(qtbot, executor, tmp_path / "d.sqlite", inquiry_id)
    assert pane.form.editor("customer.company_name").value() != ""
    pane.set_inquiry(empty_inquiry)
    qtbot.waitUntil(lambda: "0 ACE record" in pane.title_label.full_text(), timeout=WAIT)
    assert pane.opened is None and not pane.form.isEnabled()
    assert pane.form.editor("customer.company_name").value() == ""
    assert pane.form.editor("target_close_date").value() == ""
    assert pane.form.editor("engagement_type").value() == AceForm().engagement_type


def test_date_picker_has_an_empty_state(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field.widget)
    edits: list[str] = []
    field.edited.connect(lambda: edits.append(field.value()))
    field.set_value("")
    assert field.date.date() == NO_DATE and field.date.text() == "Not set"
    field.set_value("2027-01-15")
    assert field.date.date() == QDate(2027, 1, 15) and edits == []
    field.date.setDate(QDate(2027, 2, 1))
    assert edits == ["2027-02-01"]
    field.clear_button.click()
    assert edits[-1] == "" and field.value() == ""
    field.set_value("next spring")  # not a date: kept for the validator, shown as empty
    assert field.value() == "next spring" and "not a date" in field.date.toolTip()


def test_warnings_are_amber_under_a_field_that_also_has_errors(qtbot) -> None:  # type: ignore[no-untyped-def]
    form = RecordForm()
    qtbot.addWidget(form)
    form.show()
    form.set_context(None)
    finding_field = "use_case"
    form._findings = [
        Finding(field=finding_field, severity=Severity.ERROR, message="Too long.", rule="a"),
        Finding(field=finding_field, severity=Severity.WARNING, message="Generic.", rule="b"),
    ]
    form._show_findings()
    colors = status_colors(form.palette())
    error_label = form.message_label(finding_field)
    warning_label = form.warning_label(finding_field)
    assert error_label.text() == "Too long." and warning_label.text() == "Generic."
    assert error_label.palette().color(error_label.foregroundRole()) == colors["error"]
    assert warning_label.palette().color(warning_label.foregroundRole()) == colors["warning"]
