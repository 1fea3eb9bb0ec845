"""File → Sync with Partner Central…: the sync runs off the GUI thread against the emulator,
shows its progress, fans its changes out, and a Cancel leaves whole pages and the matching
cursor, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import RecordState
from cloudroute_desk.partner_central_emulator.server import EmulatorServer
from cloudroute_desk.partner_central_emulator.service import Emulator
from cloudroute_desk.partner_central_emulator.store import PartnerCentralState
from cloudroute_desk.partner_central_emulator.throttle import Rates
from cloudroute_desk.services import records
from cloudroute_desk.services.partner_central_calls import Connection, Pace
from cloudroute_desk.services.partner_central_sync import (
    CANCELLED,
    COMPLETE,
    SyncProgress,
    SyncResult,
    read_cursor,
)
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.partner_central_sync_dialog import (
    PartnerCentralSyncController,
    PartnerCentralSyncDialog,
)
from tests.partner_central import emulator_client
from tests.partner_central_samples import exportable_record, submit
from tests.test_partner_central_sync import TenSecondClock


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    state = PartnerCentralState(clock=TenSecondClock())
    with EmulatorServer(Emulator(state, Rates.unlimited())) as running:
        yield running


def _approved_in_emulator(
    database: Database, emulator: EmulatorServer, count: int
) -> list[tuple[int, str]]:
    client = emulator_client(emulator.endpoint_url)
    filed = []
    for number in range(count):
        record_id, payload = exportable_record(database, company=f"Dialog {number} Inc.")
        submit(database, record_id)
        created = client.create_opportunity(**payload)
        client.submit_opportunity(
            Catalog="AWS", Identifier=created["Id"], InvolvementType="Co-Sell"
        )
        emulator.emulator.state.review("AWS", created["Id"], "Approved")
        filed.append((record_id, created["Id"]))
    return filed


def _state(database: Database, record_id: int) -> RecordState:
    return records.open_record(database, record_id).summary.state


def _dialog(
    qtbot: QtBot, app_context: AppContext, endpoint: str, **options: Any
) -> PartnerCentralSyncDialog:
    dialog = PartnerCentralSyncDialog(app_context, **options)
    qtbot.addWidget(dialog)
    dialog.catalog_box.setCurrentText("AWS")
    dialog.endpoint_edit.setText(endpoint)
    dialog.show()
    return dialog


def test_a_sync_through_the_dialog(
    qtbot: QtBot, app_context: AppContext, database: Database, emulator: EmulatorServer
) -> None:
    filed = _approved_in_emulator(database, emulator, 3)
    dialog = _dialog(qtbot, app_context, emulator.endpoint_url, pace=Pace(requests_per_second=None))
    qtbot.waitUntil(lambda: dialog.cursor_label.text().startswith("Never synced"), timeout=10_000)
    with (
        qtbot.waitSignal(dialog.synced, timeout=30_000) as synced,
        qtbot.waitSignal(dialog.runner.finished, timeout=30_000) as finished,
    ):
        dialog.start_button.click()
        assert not dialog.start_button.isEnabled() and dialog.progress_bar.isVisible()
    result = finished.args[0]
    assert isinstance(result, SyncResult) and result.state == COMPLETE
    assert synced.args[0].records.touches(filed[0][0])
    assert [_state(database, r) for r, _ in filed] == [RecordState.APPROVED] * 3
    assert dialog.status_label.text().startswith("Sync complete: 3 opportunities in 1 page")
    assert dialog.counts_label.text() == "3 records moved · 0 unmatched · 0 refused"
    assert not dialog.table.isVisibleTo(dialog)
    assert dialog.close_button.isVisible() and dialog.start_button.text() == "Sync again"
    qtbot.waitUntil(lambda: dialog.cursor_label.text().startswith("Synced through"), timeout=10_000)
    assert "by tester" in dialog.cursor_label.text()
    # The choices are remembered for the next time.
    assert app_context.settings.value("partner_central_sync/endpoint") == emulator.endpoint_url

    with (
        qtbot.assertNotEmitted(dialog.synced, wait=100),
        qtbot.waitSignal(dialog.runner.finished, timeout=30_000) as again,
    ):
        dialog.start_button.click()
    assert again.args[0].state == COMPLETE and not again.args[0].changes.any


def test_cancel_leaves_whole_pages_and_the_matching_cursor(
    qtbot: QtBot, app_context: AppContext, database: Database, emulator: EmulatorServer
) -> None:
    filed = _approved_in_emulator(database, emulator, 6)
    dialog = _dialog(
        qtbot, app_context, emulator.endpoint_url, pace=Pace(requests_per_second=4.0), page_size=1
    )
    seen: list[SyncProgress] = []

    def cancel_after_two_pages(progress: SyncProgress) -> None:
        seen.append(progress)
        if progress.pages == 2:
            dialog.cancel_button.click()

    dialog.runner.progressed.connect(cancel_after_two_pages)
    with qtbot.waitSignal(dialog.runner.finished, timeout=30_000) as finished:
        dialog.start_button.click()
    result = finished.args[0]
    assert result.state == CANCELLED
    assert 2 <= result.pages < 6
    assert "What was applied stays; the next sync resumes from there." in dialog.status_label.text()
    cursor = read_cursor(database, Connection("AWS", endpoint_url=emulator.endpoint_url))
    assert cursor is not None and cursor.run_state == CANCELLED
    modified = {
        o.id: o.modified.replace(tzinfo=None) for o in emulator.emulator.state.opportunities()
    }
    assert cursor.modified_through is not None
    for record_id, identifier in filed:
        applied = modified[identifier] <= cursor.modified_through
        expected = RecordState.APPROVED if applied else RecordState.SUBMITTED
        assert _state(database, record_id) is expected
    assert sum(1 for r, _ in filed if _state(database, r) is RecordState.APPROVED) == result.pages

    # The next sync resumes and finishes the rest.
    dialog.runner.progressed.disconnect(cancel_after_two_pages)
    with qtbot.waitSignal(dialog.runner.finished, timeout=30_000) as resumed:
        dialog.start_button.click()
    assert resumed.args[0].state == COMPLETE
    assert [_state(database, r) for r, _ in filed] == [RecordState.APPROVED] * 6


def test_closing_a_running_sync_cancels_it_first(
    qtbot: QtBot, app_context: AppContext, database: Database, emulator: EmulatorServer
) -> None:
    _approved_in_emulator(database, emulator, 3)
    dialog = _dialog(
        qtbot, app_context, emulator.endpoint_url, pace=Pace(requests_per_second=1.0), page_size=1
    )
    with qtbot.waitSignal(dialog.runner.finished, timeout=30_000) as finished:
        dialog.start_button.click()
        qtbot.waitUntil(lambda: dialog.counts_label.text().startswith("1 page"), timeout=10_000)
        dialog.close()
        assert dialog.isVisible()  # it stays until the sync has stopped
    assert finished.args[0].state == CANCELLED
    dialog.close()
    assert not dialog.isVisible()


def test_partner_central_itself_needs_a_profile(
    qtbot: QtBot, app_context: AppContext, database: Database
) -> None:
    dialog = _dialog(qtbot, app_context, "")
    dialog.start_button.click()
    assert not dialog.runner.running
    assert dialog.status_label.text().startswith("Name the AWS profile")


def test_the_menu_action_opens_one_dialog(
    qtbot: QtBot, app_context: AppContext, database: Database
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    controller = PartnerCentralSyncController(app_context, window)
    assert controller.action.text() == "Sync with Partner Central…"
    controller.action.trigger()
    first = controller.dialog
    assert first is not None and first.isVisible()
    controller.action.trigger()
    assert controller.dialog is first
    first.close()
    qtbot.waitUntil(lambda: controller.dialog is None, timeout=5_000)
