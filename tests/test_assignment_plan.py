"""The checks an admin hears about before an assignment is written, judged in the service
(the partner pane only shows them), and reused from the routing on screen."""

from __future__ import annotations

from typing import Any

import pytest

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.routing.values import Ranking
from cloudroute_desk.services import assignment
from cloudroute_desk.services import routing as routing_service
from cloudroute_desk.services.assignment_plan import (
    PartnerMissingError,
    load_routing,
    plan_assignment,
)
from tests.partner_rankings import World, make_world


@pytest.fixture
def world(database: Database) -> World:
    return make_world(database)


def test_an_above_threshold_partner_asks_nothing(world: World) -> None:
    plan = plan_assignment(world.database, world.inquiry, world.strong)
    assert plan.partner.partner_name == "Strong Cloud"
    assert plan.question is None and plan.reason == ""


def test_a_below_threshold_partner_asks_and_names_the_better_one(world: World) -> None:
    plan = plan_assignment(world.database, world.inquiry, world.newcomer)
    assert plan.question is not None
    assert plan.question.startswith("Newcomer is below the 70 % close-rate threshold")
    assert plan.question.endswith("Strong Cloud is above it.")
    assert plan.reason == "below threshold, confirmed"


def test_refusals_come_in_the_order_the_admin_is_told(world: World) -> None:
    with pytest.raises(
        assignment.PartnerExcludedError,
        match=r"^Select Systems cannot take this inquiry: Select tier",
    ):
        plan_assignment(world.database, world.inquiry, world.select)
    with pytest.raises(PartnerMissingError, match="no longer in the partner list"):
        plan_assignment(world.database, world.inquiry, 999_999)
    assignment.assign(world.database, world.inquiry, world.strong, "bea")
    # Held beats excluded: the admin hears who has the inquiry, not why Select cannot.
    with pytest.raises(assignment.AlreadyAssigned, match="already assigned to Strong Cloud by bea"):
        plan_assignment(world.database, world.inquiry, world.select)
    with pytest.raises(assignment.NotAssignableError, match="no inquiry with id 999999"):
        plan_assignment(world.database, 999_999, world.strong)


def test_the_routing_on_screen_is_reused_unless_it_lacks_the_partner(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = load_routing(world.database, world.inquiry, limit=1)  # only Strong Cloud ranked
    calls: list[int] = []
    real = routing_service.rank_in

    def counting(read: routing_service.RankingRead, inquiry_id: int, **kwargs: Any) -> Ranking:
        calls.append(inquiry_id)
        return real(read, inquiry_id, **kwargs)

    monkeypatch.setattr("cloudroute_desk.services.assignment_plan.rank_in", counting)
    assert plan_assignment(world.database, world.inquiry, world.strong, routing=shown).ranking is (
        shown.ranking
    )
    with pytest.raises(assignment.PartnerExcludedError):
        plan_assignment(world.database, world.inquiry, world.select, routing=shown)
    assert calls == []
    # The newcomer is past the cut: the inquiry is ranked again, whole.
    plan = plan_assignment(world.database, world.inquiry, world.newcomer, routing=shown)
    assert calls == [world.inquiry] and plan.partner.partner_name == "Newcomer"
