"""Calling Partner Central politely (services/partner_central_calls.py), against the
emulator: pacing keeps under its quota, throttling and server faults are retried with
back-off, what cannot succeed stops with one sentence, and Cancel cuts any wait short."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cloudroute_desk.partner_central_emulator.server import EmulatorServer
from cloudroute_desk.partner_central_emulator.service import Emulator
from cloudroute_desk.partner_central_emulator.throttle import Rates
from cloudroute_desk.services.partner_central_calls import (
    Connection,
    Pace,
    PartnerCentralError,
    PoliteCaller,
    SyncCancelled,
    Waiting,
    make_client,
)

FAST_RETRIES = Pace(requests_per_second=None, max_attempts=8, base_delay=0.02, max_delay=0.2)


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(Emulator(rates=Rates.unlimited())) as running:
        yield running


def _caller(
    server: EmulatorServer, pace: Pace, cancel: threading.Event | None = None, **kw: object
) -> PoliteCaller:
    client = make_client(Connection("Sandbox", endpoint_url=server.endpoint_url))
    return PoliteCaller(client, pace, cancel or threading.Event(), **kw)  # type: ignore[arg-type]


def test_throttled_calls_are_retried_until_they_pass(server: EmulatorServer) -> None:
    server.emulator.throttle.set_rates(Rates(reads=20.0, writes=None))
    waits: list[Waiting] = []
    caller = _caller(server, FAST_RETRIES, on_wait=waits.append)
    for _ in range(8):
        assert caller.call("list_opportunities", Catalog="Sandbox")["OpportunitySummaries"] == []
    assert server.emulator.throttle.refused > 0
    assert caller.retries == server.emulator.throttle.refused
    assert caller.requests == 8 + caller.retries
    assert {w.reason for w in waits} == {"Partner Central asked us to slow down"}


def test_a_paced_caller_stays_under_the_quota(server: EmulatorServer) -> None:
    # Half the quota, as the sync's 1/s is a tenth of the read quota: the network's jitter
    # must not bring two paced calls closer than the quota allows.
    server.emulator.throttle.set_rates(Rates(reads=5.0, writes=None))
    caller = _caller(server, Pace(requests_per_second=2.5, max_attempts=1))
    started = time.monotonic()
    for _ in range(5):
        caller.call("list_opportunities", Catalog="Sandbox")
    assert time.monotonic() - started >= 4 / 2.5 - 0.05  # four gaps of 0.4 s
    assert server.emulator.throttle.refused == 0 and caller.retries == 0


def test_server_faults_are_retried(server: EmulatorServer) -> None:
    server.emulator.fail_next(2)
    caller = _caller(server, FAST_RETRIES)
    caller.call("list_opportunities", Catalog="Sandbox")
    assert caller.retries == 2


def test_giving_up_after_the_last_attempt_says_so(server: EmulatorServer) -> None:
    server.emulator.fail_next(5, "ServiceUnavailableException")
    caller = _caller(server, Pace(requests_per_second=None, max_attempts=3, base_delay=0.01))
    with pytest.raises(
        PartnerCentralError, match="ServiceUnavailableException on ListOpportunities 3 times"
    ):
        caller.call("list_opportunities", Catalog="Sandbox")
    assert caller.retries == 2


def test_a_refusal_is_not_retried(server: EmulatorServer) -> None:
    caller = _caller(server, FAST_RETRIES)
    with pytest.raises(
        PartnerCentralError, match=r"refused GetOpportunity \(ResourceNotFoundException\)"
    ):
        caller.call("get_opportunity", Catalog="Sandbox", Identifier="O1")
    with pytest.raises(
        PartnerCentralError, match=r"AccessDeniedException.*partnercentral:ListOpportunities"
    ):
        caller.call("list_opportunities", Catalog="Elsewhere")
    assert caller.retries == 0


def test_cancel_cuts_a_long_back_off_short(server: EmulatorServer) -> None:
    server.emulator.fail_next(1)
    cancel = threading.Event()
    caller = _caller(
        server, Pace(requests_per_second=None, base_delay=60.0, max_delay=60.0), cancel
    )
    waiting = threading.Event()
    caller = _caller(
        server,
        Pace(requests_per_second=None, base_delay=60.0, max_delay=60.0),
        cancel,
        on_wait=lambda _w: waiting.set(),
    )
    threading.Thread(target=lambda: waiting.wait(30) and cancel.set(), daemon=True).start()
    started = time.monotonic()
    with pytest.raises(SyncCancelled):
        caller.call("list_opportunities", Catalog="Sandbox")
    assert time.monotonic() - started < 20  # the back-off alone is 30-60 s


def test_cancel_stops_a_paced_caller_before_its_next_call(server: EmulatorServer) -> None:
    cancel = threading.Event()
    caller = _caller(server, Pace(requests_per_second=0.01), cancel)
    caller.call("list_opportunities", Catalog="Sandbox")
    cancel.set()
    with pytest.raises(SyncCancelled):
        caller.call("list_opportunities", Catalog="Sandbox")
    assert server.emulator.calls == {"ListOpportunities": 1}


def test_a_server_that_is_not_there_is_retried_then_named() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(Connection("Sandbox", endpoint_url=f"http://127.0.0.1:{port}"))
    caller = PoliteCaller(
        client, Pace(requests_per_second=None, max_attempts=2, base_delay=0.01), threading.Event()
    )
    with pytest.raises(
        PartnerCentralError, match="Partner Central did not answer on ListOpportunities 2 times"
    ):
        caller.call("list_opportunities", Catalog="Sandbox")


def test_an_unknown_profile_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.write_text("[profile partner-readonly]\nregion = us-east-1\n", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    with pytest.raises(PartnerCentralError, match="There is no AWS profile named 'nobody'"):
        make_client(Connection("AWS", profile="nobody"))
    with pytest.raises(PartnerCentralError, match="must start with http"):
        make_client(Connection("AWS", profile="partner-readonly", endpoint_url="ftp://x"))
