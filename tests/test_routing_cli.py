"""``cloudroute-desk route``: text and JSON rankings, one-line failures with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cloudroute_desk.cli import main
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import Tier
from tests.factories import add_inquiry, add_partner, add_record


def seed(database: Database) -> tuple[int, int, int, int]:
    strong = add_partner(database, name="Strong")
    small = add_partner(database, name="Small", tier=Tier.PREMIER)
    select_tier = add_partner(database, name="Selective", tier=Tier.SELECT)
    history = add_inquiry(database, company_name="Earlier Co", website="https://earlier.example")
    for _ in range(20):
        add_record(database, history, strong)
    for _ in range(3):
        add_record(database, history, small)
    return add_inquiry(database), strong, small, select_tier


def test_route_json(database: Database, db_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    inquiry, strong, small, select_tier = seed(database)
    assert main(["route", "--db", db_target, "--inquiry", str(inquiry), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [p["partner_id"] for p in out["ranked"]] == [strong, small]
    best = out["ranked"][0]
    assert best["partner_name"] == "Strong" and best["above_threshold"] is True
    assert best["score"] > out["ranked"][1]["score"]
    stage = best["axes"][0]
    assert (stage["axis"], stage["n"], stage["rate"]) == ("funding_stage", 20, 1.0)
    assert out["excluded"] == [
        {
            "partner_id": select_tier,
            "partner_name": "Selective",
            "tier": "Select",
            "code": "tier",
            "reason": "Select tier is routable only for MAP / basic engagements, not credit pools",
            "all_codes": ["tier", "rights"],
            "all_reasons": [
                "Select tier is routable only for MAP / basic engagements, not credit pools",
                "Select tier may not file Activate Portfolio",
            ],
        }
    ]


def test_route_text(database: Database, db_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    inquiry, *_ = seed(database)
    assert main(["route", "--db", db_target, "--inquiry", str(inquiry)]) == 0
    text = capsys.readouterr().out
    assert "  1. Strong (Advanced)" in text
    assert "Stage Series-A: 100 % · 20/20" in text
    assert "Selective (#3, Select): Select tier is routable only" in text


def test_unknown_inquiry_fails_in_one_line(
    database: Database, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["route", "--db", db_target, "--inquiry", "999"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "cloudroute-desk route: no inquiry with id 999\n"


def test_unopenable_database_fails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "not-a-db.sqlite"
    bogus.write_text("hello, this is not SQLite\n")
    assert main(["route", "--db", str(bogus), "--inquiry", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cloudroute-desk route: ") and err.count("\n") == 1
