"""The CloudRoute id carried as PartnerOpportunityIdentifier: one spelling per record, a
parser that refuses everything else, and a value Partner Central's model accepts."""

from __future__ import annotations

import pytest

from cloudroute_desk.domain.ace import api_model
from cloudroute_desk.domain.ace.partner_central_ids import (
    MAX_ID,
    CloudRouteOpportunityId,
    cloudroute_opportunity_id,
    parse_cloudroute_opportunity_id,
)


def test_the_id_names_inquiry_and_record() -> None:
    assert cloudroute_opportunity_id(42, 1337) == "CR-I42-R1337"
    assert str(CloudRouteOpportunityId(42, 1337)) == "CR-I42-R1337"


@pytest.mark.parametrize("pair", [(1, 1), (42, 1337), (MAX_ID, MAX_ID), (7, 10**12)])
def test_round_trip(pair: tuple[int, int]) -> None:
    text = cloudroute_opportunity_id(*pair)
    assert parse_cloudroute_opportunity_id(text) == CloudRouteOpportunityId(*pair)


def test_longest_id_fits_the_api_member() -> None:
    longest = cloudroute_opportunity_id(MAX_ID, MAX_ID)
    shape = api_model.operation_model().input_shape.members["PartnerOpportunityIdentifier"]
    pattern = shape.metadata["pattern"]
    assert api_model.compile_pattern(pattern).fullmatch(longest) is not None
    assert len(longest) <= 64


@pytest.mark.parametrize(
    "bad", [(0, 1), (1, 0), (-1, 5), (MAX_ID + 1, 1), (True, 2), (1.0, 2), ("1", 2)]
)
def test_only_positive_integer_ids(bad: tuple[object, object]) -> None:
    with pytest.raises(ValueError, match="positive integer"):
        cloudroute_opportunity_id(*bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "CR-2026-000123",  # the demo's old typed Partner CRM ID
        "cr-i42-r1337",
        "CR-I042-R1337",  # a second spelling of the same pair is not ours
        " CR-I42-R1337",
        "CR-I42-R1337\n",
        "CR-I42-R1337-x",
        "CR-I-R1",
        "CR-I٤٢-R1337",  # Arabic-Indic digits look like digits to \d
        "CR-I42-R1337\x00",
        f"CR-I{MAX_ID + 1}-R1",
        "CR-I" + "9" * 400 + "-R1",
        "SF-0061a00000ABCDE",
        None,
        42,
        ["CR-I42-R1337"],
    ],
)
def test_anything_else_is_not_ours(text: object) -> None:
    assert parse_cloudroute_opportunity_id(text) is None
