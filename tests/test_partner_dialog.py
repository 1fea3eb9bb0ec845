"""The partner dialog: live validation, create, edit, and a colleague's edit winning first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import Region, Tier, Vertical
from cloudroute_desk.services import partners
from cloudroute_desk.services.changes import ChangeKind, Changes, Initiator, Rows
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.partners.partner_dialog import PartnerDialog
from tests.db_worker import settle
from tests.factories import add_partner


@pytest.fixture
def executor(database: Database) -> Iterator[DbExecutor]:
    executor = DbExecutor(database)
    yield executor
    executor._pool.shutdown(wait=True)


def _save_button(dialog: PartnerDialog):  # type: ignore[no-untyped-def]
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def test_validation_messages_follow_typing(qtbot, executor: DbExecutor) -> None:  # type: ignore[no-untyped-def]
    dialog = PartnerDialog(executor, "ann")
    qtbot.addWidget(dialog)
    assert not _save_button(dialog).isEnabled()
    assert "Enter the partner's name." in dialog.problems_label.text()
    dialog.name_edit.setText("Northwind Cloud")
    dialog.regions.boxes["EU"].setChecked(True)
    assert _save_button(dialog).isEnabled()
    dialog.contact_email.setText("pat@")
    assert not _save_button(dialog).isEnabled()
    assert "not an e-mail address" in dialog.problems_label.text()
    dialog.contact_email.setText("pat@northwind.example")
    dialog.tier_combo.setCurrentIndex(list(Tier).index(Tier.REGISTERED))
    # Advice, not a block: a Registered partner can be stored but will never be routed.
    assert _save_button(dialog).isEnabled()
    assert "no ACE filing rights" in dialog.problems_label.text()


def test_new_partner_is_created(qtbot, executor: DbExecutor, database: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = PartnerDialog(executor, "ann")
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Blue Harbor")
    dialog.tier_combo.setCurrentIndex(list(Tier).index(Tier.PREMIER))
    dialog.capacity_spin.setValue(7)
    dialog.regions.boxes["UK"].setChecked(True)
    dialog.verticals.boxes["fintech"].setChecked(True)
    with qtbot.waitSignal(dialog.partner_saved, timeout=10_000) as saved:
        _save_button(dialog).click()
    result = saved.args[0]
    assert result.changes == Changes(
        frozenset({ChangeKind.PARTNERS}),
        partners=Rows.of(result.partner.id),
        initiator=Initiator("ann"),
    )
    stored = partners.get_partner(database, result.partner.id)
    assert (stored.name, stored.tier, stored.capacity) == ("Blue Harbor", Tier.PREMIER, 7)
    assert stored.regions == (Region.UK,)
    assert stored.verticals == (Vertical.FINTECH,)
    assert dialog.result() == PartnerDialog.DialogCode.Accepted


def test_edit_keeps_fields_and_saves_a_tier_change(
    qtbot, executor: DbExecutor, database: Database
) -> None:
    partner_id = add_partner(database, name="Cirrus", tier=Tier.ADVANCED)
    dialog = PartnerDialog(executor, "ann", partners.get_partner(database, partner_id))
    qtbot.addWidget(dialog)
    assert dialog.name_edit.text() == "Cirrus"
    assert dialog.regions.checked() == ["US-East"]
    dialog.tier_combo.setCurrentIndex(list(Tier).index(Tier.SELECT))
    with qtbot.waitSignal(dialog.partner_saved, timeout=10_000):
        _save_button(dialog).click()
    stored = partners.get_partner(database, partner_id)
    assert stored.tier is Tier.SELECT and stored.version == 2


def test_stale_edit_shows_the_conflict_and_stays_open(
    qtbot, executor: DbExecutor, database: Database
) -> None:
    partner_id = add_partner(database, name="Cirrus", capacity=10)
    dialog = PartnerDialog(executor, "ann", partners.get_partner(database, partner_id))
    qtbot.addWidget(dialog)
    dialog.show()
    colleague = partners.get_partner(database, partner_id).model_copy(update={"capacity": 4})
    partners.update_partner(database, colleague, "bea")
    dialog.capacity_spin.setValue(20)
    with qtbot.assertNotEmitted(dialog.partner_saved):
        _save_button(dialog).click()
        qtbot.waitUntil(dialog.save_error_label.isVisible, timeout=10_000)
        settle(qtbot, executor)
    assert "changed by someone else" in dialog.save_error_label.text()
    assert dialog.isVisible()
    assert partners.get_partner(database, partner_id).capacity == 4
