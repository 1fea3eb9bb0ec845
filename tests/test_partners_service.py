"""Partner use-cases on both backends: add, edit, version conflicts, validation, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.tables import AuditEventRow
from cloudroute_desk.domain.catalog import Region, Tier
from cloudroute_desk.domain.entities import Contact
from cloudroute_desk.services import partners
from cloudroute_desk.services.changes import ChangeKind, Changes, Rows
from tests.factories import add_partner, make_partner


def test_create_then_get_and_list(database: Database) -> None:
    saved = partners.create_partner(database, make_partner(name="  Zeta Cloud "), "ann")
    assert saved.changes == Changes.of(
        ChangeKind.PARTNERS, partners=Rows.of(saved.partner.id), admin="ann"
    )
    assert saved.partner.id is not None
    assert saved.partner.name == "Zeta Cloud"
    assert saved.partner.version == 1
    add_partner(database, name="alpha works")
    assert partners.get_partner(database, saved.partner.id) == saved.partner
    assert [p.name for p in partners.list_partners(database)] == ["alpha works", "Zeta Cloud"]


def test_list_can_leave_out_inactive(database: Database) -> None:
    add_partner(database, name="Active")
    add_partner(database, name="Dormant", active=False)
    assert [p.name for p in partners.list_partners(database, include_inactive=False)] == ["Active"]


def test_update_bumps_version_and_audits_changed_fields(database: Database) -> None:
    partner_id = add_partner(database, tier=Tier.ADVANCED)
    opened = partners.get_partner(database, partner_id)
    edited = opened.model_copy(update={"tier": Tier.PREMIER, "regions": (Region.EU,)})
    saved = partners.update_partner(database, edited, "bea")
    assert saved.partner.tier is Tier.PREMIER
    assert saved.partner.regions == (Region.EU,)
    assert saved.partner.version == opened.version + 1
    assert partners.get_partner(database, partner_id) == saved.partner
    with database.reading() as session:
        actor, audited_id, detail = session.execute(
            select(AuditEventRow.actor, AuditEventRow.partner_id, AuditEventRow.detail).where(
                AuditEventRow.kind == "partner_updated"
            )
        ).one()
    assert actor == "bea"
    assert audited_id == partner_id
    assert detail["changed"] == {
        "tier": ["Advanced", "Premier"],
        "regions": [["US-East"], ["EU"]],
    }


def test_stale_edit_is_refused_with_a_clear_message(database: Database) -> None:
    partner_id = add_partner(database, name="Northwind", capacity=10)
    mine = partners.get_partner(database, partner_id)
    theirs = partners.get_partner(database, partner_id)
    partners.update_partner(database, theirs.model_copy(update={"capacity": 12}), "bea")
    with pytest.raises(partners.PartnerConflictError, match="changed by someone else") as caught:
        partners.update_partner(database, mine.model_copy(update={"capacity": 3}), "ann")
    assert "version 1" in str(caught.value) and "version 2" in str(caught.value)
    assert partners.get_partner(database, partner_id).capacity == 12


def test_invalid_partner_is_refused_and_nothing_written(database: Database) -> None:
    bad = make_partner(name="  ", contact=Contact(email="not-an-email", phone="555"))
    with pytest.raises(partners.PartnerInvalidError) as caught:
        partners.create_partner(database, bad, "ann")
    fields = {p.field for p in caught.value.problems}
    assert fields == {"name", "contact.email", "contact.phone"}
    assert partners.list_partners(database) == []


def test_external_id_must_be_unique(database: Database) -> None:
    add_partner(database, name="One", external_id="P-1")
    with pytest.raises(partners.PartnerInvalidError, match="in use"):
        partners.create_partner(database, make_partner(name="Two", external_id="P-1"), "ann")
    two = partners.create_partner(database, make_partner(name="Two", external_id="P-2"), "ann")
    with pytest.raises(partners.PartnerInvalidError, match="in use"):
        partners.update_partner(
            database, two.partner.model_copy(update={"external_id": "P-1"}), "ann"
        )


def test_editing_a_deleted_or_unsaved_partner_fails(database: Database) -> None:
    with pytest.raises(partners.PartnerNotFoundError):
        partners.update_partner(database, make_partner(), "ann")
    with pytest.raises(partners.PartnerNotFoundError):
        partners.update_partner(database, make_partner(id=999), "ann")
    with pytest.raises(partners.PartnerNotFoundError):
        partners.get_partner(database, 999)


def test_tier_change_takes_effect_in_the_next_ranking(database: Database) -> None:
    from cloudroute_desk.services.routing import rank_inquiry
    from tests.partner_rankings import make_world

    world = make_world(database)
    assert rank_inquiry(database, world.inquiry).ranked[0].partner_id == world.strong
    strong = partners.get_partner(database, world.strong)
    partners.update_partner(database, strong.model_copy(update={"tier": Tier.SELECT}), "ann")
    ranking = rank_inquiry(database, world.inquiry)
    assert world.strong not in {p.partner_id for p in ranking.ranked}
    excluded = {e.partner_id: e.reason for e in ranking.excluded}
    assert "Select tier" in excluded[world.strong]
