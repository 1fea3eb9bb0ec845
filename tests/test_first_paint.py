"""The first paint waits only for the queue: what the start-up's window leaves for later, and
that the later panes, once built, make the same window as building it all at once."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QWidget

from cloudroute_desk.db.engine import Database
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.main_window import MainWindow
from tests.factories import add_inquiry
from tests.qasync_loop import running_qasync_loop  # noqa: F401 (the fixture)

LATER = (
    "numpy",
    "scipy",
    "botocore",
    "pyqtgraph",
    "psycopg",
    "keyring",
    "cloudroute_desk.domain.ace.form",
    "cloudroute_desk.services.drafts",
    "cloudroute_desk.services.records",
    "cloudroute_desk.views.editor",
    "cloudroute_desk.views.partners.partner_dock",
)
"""Modules the first paint must not wait for (the later panes, the charts, other backends)."""


def test_the_first_paint_modules_leave_the_heavy_ones_unimported() -> None:
    script = (
        "import sys\n"
        "import cloudroute_desk.app, cloudroute_desk.views.startup\n"
        "import cloudroute_desk.views.main_window\n"
        f"print(sorted(m for m in {LATER!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _action_texts(window: MainWindow) -> list[str]:
    return [action.text() for action in window.all_actions()]


@pytest.mark.usefixtures("running_qasync_loop")
def test_the_later_panes_complete_the_same_window_and_catch_up_with_the_selection(
    qtbot, app_context: AppContext, database: Database
) -> None:
    inquiry_id = add_inquiry(database)
    whole = MainWindow(app_context)
    qtbot.addWidget(whole)

    window = MainWindow(app_context, panes_after_first_paint=True)
    qtbot.addWidget(window)
    window.show()
    assert not window.panes_ready
    assert not hasattr(window, "partners") and not hasattr(window, "record_editor")
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 1, timeout=10_000)
    window.queue.select_row(0)  # chosen before the ranking and the editor exist
    assert window.queue.selected_id == inquiry_id

    task = asyncio.ensure_future(window.build_panes_later())
    with qtbot.waitSignal(window.panes_built, timeout=30_000):
        pass
    qtbot.waitUntil(task.done, timeout=5_000)
    assert window.panes_ready
    assert _action_texts(window) == _action_texts(whole)
    assert window.partners.pane.isVisible()
    assert window.partners.pane.inquiry_id == inquiry_id
    assert window.record_editor.inquiry_id == inquiry_id


def test_closing_before_the_later_panes_exist_stops_their_build(
    qtbot, app_context: AppContext
) -> None:
    window = MainWindow(app_context, panes_after_first_paint=True)
    qtbot.addWidget(window)
    window.show()
    window.close()
    asyncio.run(window.build_panes_later())  # imports the first step's modules, builds none
    assert not window.panes_ready and not hasattr(window, "partners")


@pytest.mark.usefixtures("running_qasync_loop")
def test_a_window_opening_on_review_builds_its_later_panes_without_waiting_for_rows(
    qtbot, app_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No queue on screen means no first rows to wait for: the editor must not come late."""
    from cloudroute_desk.views import startup
    from cloudroute_desk.views.startup_milestones import FirstRowsPaint
    from cloudroute_desk.views.workspaces import Workspace

    monkeypatch.setattr(startup, "FIRST_ROWS_WAIT_S", 600.0)
    window = MainWindow(app_context, panes_after_first_paint=True)
    qtbot.addWidget(window)
    window.show_workspace(Workspace.REVIEW)
    window.show()
    first_rows = FirstRowsPaint(window.queue.table.viewport(), window.queue.model.first_rows_loaded)
    task = asyncio.ensure_future(startup._later_panes(window, first_rows))
    qtbot.waitUntil(task.done, timeout=30_000)
    assert window.panes_ready and window.record_editor.isVisible()


@pytest.mark.usefixtures("running_qasync_loop")
def test_the_later_editor_is_built_in_pieces_with_the_gui_answering_between_them(
    qtbot, app_context: AppContext, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No one long GUI-thread step for the editor (issue 17: ≤ 50 ms after the window is
    shown): its form's rows come in pieces, and a Qt timer fires between them."""
    from PySide6.QtCore import QTimer

    from cloudroute_desk.views.editor import record_form

    monkeypatch.setattr(record_form, "PIECE_S", 0.0)  # every row a piece of its own
    ticks = [0]
    ticks_at_rows: list[int] = []
    build_row = record_form.RecordForm._build_row

    def counted_build_row(form: record_form.RecordForm, spec: object) -> object:
        ticks_at_rows.append(ticks[0])
        return build_row(form, spec)  # type: ignore[arg-type]

    monkeypatch.setattr(record_form.RecordForm, "_build_row", counted_build_row)
    heartbeat = QTimer()
    heartbeat.setInterval(0)
    heartbeat.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    heartbeat.start()
    window = MainWindow(app_context, panes_after_first_paint=True)
    qtbot.addWidget(window)
    window.show()
    task = asyncio.ensure_future(window.build_panes_later())
    with qtbot.waitSignal(window.panes_built, timeout=30_000):
        pass
    qtbot.waitUntil(task.done, timeout=5_000)
    heartbeat.stop()
    assert len(ticks_at_rows) > 40
    turns = sum(after > before for before, after in itertools.pairwise(ticks_at_rows))
    assert turns >= len(ticks_at_rows) - 1  # the timer fired between every two rows
    whole = record_form.RecordForm()
    qtbot.addWidget(whole)
    fields = sorted(w.objectName() for w in window.record_editor.form.findChildren(QWidget))
    assert fields == sorted(w.objectName() for w in whole.findChildren(QWidget))
