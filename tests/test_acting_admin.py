"""Every front end records actions under one rule for "who is acting"."""

from __future__ import annotations

import getpass

import pytest

from cloudroute_desk.domain.acting_admin import UNKNOWN_ADMIN, acting_admin


def test_the_given_name_wins_else_the_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "zoe")
    assert acting_admin("ann") == "ann"
    assert acting_admin(None) == acting_admin("") == "zoe"


@pytest.mark.parametrize("failure", [KeyError("uid 1000"), OSError("no login")])
def test_a_machine_without_a_login_name_still_records_someone(
    monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    def unknown() -> str:
        raise failure

    monkeypatch.setattr(getpass, "getuser", unknown)
    assert acting_admin(None) == UNKNOWN_ADMIN
