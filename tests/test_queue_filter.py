"""Pure queue rules: the SLA clock, its labels and colour classes, search splitting."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from cloudroute_desk.domain.catalog import InquiryStatus
from cloudroute_desk.domain.queue_filter import (
    QueueFilter,
    SlaState,
    SlaTone,
    SortKey,
    format_duration,
    search_terms,
    sla_arrival_bounds,
    sla_state,
    sla_view,
)

NOW = datetime(2026, 6, 10, 12, 0)


@pytest.mark.parametrize(
    ("age", "state", "tone", "text"),
    [
        (timedelta(hours=0), SlaState.ON_TRACK, SlaTone.PLENTY, "1d 0h left"),
        (timedelta(hours=6, minutes=48), SlaState.ON_TRACK, SlaTone.PLENTY, "17h 12m left"),
        (timedelta(hours=18, minutes=48), SlaState.DUE_SOON, SlaTone.DUE_SOON, "5h 12m left"),
        (
            timedelta(hours=23, minutes=59, seconds=30),
            SlaState.DUE_SOON,
            SlaTone.DUE_SOON,
            "0m left",
        ),
        (timedelta(hours=24), SlaState.BREACHED, SlaTone.BREACHED, "0m over"),
        (timedelta(hours=27, minutes=40), SlaState.BREACHED, SlaTone.BREACHED, "3h 40m over"),
        (timedelta(days=3, hours=2), SlaState.BREACHED, SlaTone.BREACHED, "2d 2h over"),
    ],
)
def test_open_inquiry_clock(age: timedelta, state: SlaState, tone: SlaTone, text: str) -> None:
    for status in (InquiryStatus.NEW, InquiryStatus.REROUTE):
        view = sla_view(status, NOW - age, None, NOW)
        assert (view.state, view.tone, view.text) == (state, tone, text)
        assert sla_state(status, NOW - age, NOW) is state


def test_routed_inquiry_clock_stops() -> None:
    arrived = NOW - timedelta(days=2)
    on_time = sla_view(
        InquiryStatus.ASSIGNED, arrived, arrived + timedelta(hours=16, minutes=5), NOW
    )
    assert (on_time.state, on_time.tone, on_time.text) == (
        None,
        SlaTone.NEUTRAL,
        "routed in 16h 05m",
    )
    late = sla_view(InquiryStatus.CREDITED, arrived, arrived + timedelta(hours=30), NOW)
    assert late.text == "routed in 1d 6h (late)"
    assert sla_view(InquiryStatus.DECLINED, arrived, None, NOW).text == "—"
    assert sla_state(InquiryStatus.FILED, arrived, NOW) is None


def test_arrival_bounds_partition_the_clock() -> None:
    for minutes in range(0, 40 * 60, 17):
        arrived = NOW - timedelta(minutes=minutes)
        state = sla_state(InquiryStatus.NEW, arrived, NOW)
        assert state is not None
        matches = []
        for candidate in SlaState:
            low, high = sla_arrival_bounds(candidate, NOW)
            if (low is None or arrived >= low) and (high is None or arrived < high):
                matches.append(candidate)
        assert matches == [state]


def test_format_duration() -> None:
    assert format_duration(timedelta(minutes=45)) == "45m"
    assert format_duration(timedelta(hours=5, minutes=2)) == "5h 02m"
    assert format_duration(-timedelta(hours=3, minutes=40)) == "3h 40m"


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Lumen Analytics", ("lumen", "analytics")),
        ('"NEAR(a b)" OR -x*', ("near", "a", "b", "or", "x")),
        ("ada@lumen.example.com", ("ada", "lumen", "example", "com")),
        ("'; DROP TABLE inquiries; --", ("drop", "table", "inquiries")),
        ("a & b | !c :*", ("a", "b", "c")),
        ("\x00\\*^", ()),
        ("Ünïcode Straße", ("ünïcode", "straße")),
        ("under_score", ("under", "score")),
        ("dup dup DUP", ("dup",)),
    ],
)
def test_search_terms_strip_every_operator(text: str, terms: tuple[str, ...]) -> None:
    assert search_terms(text) == terms


def test_search_terms_are_capped() -> None:
    assert len(search_terms(" ".join(f"w{i}" for i in range(50)))) == 8


def test_filter_helpers() -> None:
    assert QueueFilter().is_unfiltered
    assert QueueFilter(sort=SortKey.COMPANY, descending=False).is_unfiltered
    assert not QueueFilter(search="x").is_unfiltered
    assert QueueFilter(record_days=(1.0, 2.0)).filters_records
    assert QueueFilter().sorted_by(SortKey.SPEND, False).sort is SortKey.SPEND
