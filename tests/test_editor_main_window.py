"""The editor inside the main window: selecting an inquiry in the queue shows its records."""

from __future__ import annotations

from cloudroute_desk.views.main_window import MainWindow
from tests.editor_helpers import seed_record


def test_queue_selection_opens_the_inquirys_records(qtbot, app_context) -> None:  # type: ignore[no-untyped-def]
    inquiry_id, record_id = seed_record(app_context.executor.database)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 1, timeout=10_000)
    editor = window.record_editor
    with qtbot.waitSignal(editor.record_opened, timeout=10_000) as opened:
        window.queue.select_row(0)
    assert opened.args == [record_id]
    assert editor.inquiry_id == inquiry_id
    assert editor.records_model.rowCount() == 1
    assert editor.form.form.customer.company_name == "Lumen Analytics Inc."
    assert app_context.data_dir in editor.draft_store.path.parents
