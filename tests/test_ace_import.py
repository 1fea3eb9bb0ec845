"""``cloudroute-desk import --records``: per-row errors with item, field and reason; each row
all or nothing; a second import adds nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from cloudroute_desk import cli
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.tables import AceRecordRow, AuditEventRow
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.catalog import InquiryStatus, Tier
from cloudroute_desk.domain.clock import utcnow
from tests.ace_samples import bedrock_form, portfolio_form
from tests.factories import add_inquiry, add_partner

CLOSE = {"target_close_date": (utcnow().date() + timedelta(days=60)).isoformat()}


def _setup(database: Database) -> None:
    partner_id = add_partner(database, external_id="apn-1", tier=Tier.ADVANCED)
    add_partner(database, external_id="apn-2", name="Other Partner", tier=Tier.PREMIER)
    add_inquiry(database, external_id="inq-1", partner_id=partner_id, status=InquiryStatus.ASSIGNED)


def _row(external_id: str, form: AceForm, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "external_id": external_id,
        "inquiry_external_id": "inq-1",
        "partner_external_id": "apn-1",
        "form": form.model_dump(mode="json"),
    }
    row.update(overrides)
    return row


def _import(db_target: str, tmp_path: Path, rows: Any) -> int:
    path = tmp_path / "records.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    return cli.main(["import", str(path), "--db", db_target, "--records", "--admin", "tess"])


def _count(database: Database) -> int:
    with database.reading() as session:
        return int(session.scalar(select(func.count()).select_from(AceRecordRow)) or 0)


def test_import_is_idempotent(
    database: Database, db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(database)
    rows = [
        _row("rec-1", portfolio_form(**CLOSE), pool="portfolio"),
        _row("rec-2", bedrock_form(**CLOSE)),
    ]
    assert _import(db_target, tmp_path, rows) == 0
    assert "2 ACE records imported, 0 already present, 0 rejected" in capsys.readouterr().out
    with database.reading() as session:
        stored = {
            r.external_id: (r.pool, r.state, r.amount_requested_usd, dict(r.fields))
            for r in session.scalars(select(AceRecordRow))
        }
        audits = session.scalar(
            select(func.count())
            .select_from(AuditEventRow)
            .where(AuditEventRow.kind == "record_imported", AuditEventRow.actor == "tess")
        )
    assert set(stored) == {"rec-1", "rec-2"}
    assert stored["rec-2"][:3] == ("bedrock_poc", "identified", 25_000)
    assert AceForm.model_validate(stored["rec-1"][3]) == portfolio_form(**CLOSE)
    assert audits == 2

    assert _import(db_target, tmp_path, rows) == 0
    assert "0 ACE records imported, 2 already present" in capsys.readouterr().out
    assert _count(database) == 2


def test_bad_rows_are_reported_and_good_rows_still_go_in(
    database: Database, db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(database)
    bad_amount = portfolio_form(**CLOSE).model_dump(mode="json")
    bad_amount["spend"][0]["monthly_usd"] = "lots"
    nul = portfolio_form(**CLOSE).model_dump(mode="json")
    nul["customer"]["company_name"] = "Lumen\u0000"
    rows = [
        _row("ok-1", portfolio_form(**CLOSE)),
        _row("r-2", portfolio_form(**CLOSE), inquiry_external_id="inq-404"),
        _row("r-3", portfolio_form(**CLOSE), partner_external_id="apn-2"),
        _row("r-4", bedrock_form(amount_requested_usd=60_000, **CLOSE)),
        {**_row("r-5", portfolio_form(**CLOSE)), "form": bad_amount},
        {**_row("r-6", portfolio_form(**CLOSE)), "form": nul},
        "not a record",
        _row("ok-1", bedrock_form(**CLOSE)),
        _row("r-9", portfolio_form(**CLOSE), pool="founders"),
    ]
    assert _import(db_target, tmp_path, rows) == 1
    out = capsys.readouterr().out
    assert "9 rows read: 1 ACE records imported, 0 already present, 8 rejected" in out
    expected = [
        ("2", "inquiry_external_id", "no inquiry has id 'inq-404'"),
        ("3", "partner_external_id", "the inquiry is assigned to another partner"),
        ("4", "form.amount_requested_usd", "Bedrock POC takes $10,000 to $50,000"),
        ("5", "form.spend[0].monthly_usd", "valid integer"),
        ("6", "form.customer.company_name", "NUL character"),
        ("7", "row", "not a JSON object"),
        ("8", "external_id", "also the id of a different record (item 1)"),
        ("9", "pool", "founders disagrees with form.pool portfolio"),
    ]
    lines = out.splitlines()
    for item, field, reason in expected:
        assert any(
            line.split()[:3] == ["item", item, field] and reason in line for line in lines
        ), (item, field, out)
    assert _count(database) == 1


def test_earlier_rows_count_towards_the_ceiling(
    database: Database, db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(database)
    rows = [
        _row("c-1", portfolio_form(**CLOSE)),
        _row("c-2", bedrock_form(**CLOSE)),
        _row("c-3", bedrock_form(amount_requested_usd=30_000, **CLOSE)),
    ]
    assert _import(db_target, tmp_path, rows) == 1
    out = capsys.readouterr().out
    assert "form.amount_requested_usd" in out and "$150,000 stacked ceiling" in out
    assert _count(database) == 2


@pytest.mark.parametrize("content", ['{"external_id": "x"}', "{nope", "[" * 50_000])
def test_unreadable_file_writes_nothing(
    database: Database, db_target: str, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "records.json"
    path.write_text(content, encoding="utf-8")
    assert cli.main(["import", str(path), "--db", db_target, "--records"]) == 2
    assert _count(database) == 0


def _history_form() -> AceForm:
    """The sample record as filed two months ago (its target close date then ahead)."""
    return portfolio_form(target_close_date=(utcnow().date() - timedelta(days=10)).isoformat())


def test_history_is_replayed_with_its_states_dates_and_audit(
    database: Database, db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(database)
    filed = (utcnow() - timedelta(days=60)).replace(microsecond=0)
    submitted, validated = filed + timedelta(days=1), filed + timedelta(days=3)
    approved = filed + timedelta(days=14)
    history = [
        {"state": "submitted", "at": submitted.isoformat()},
        {"state": "validated", "at": validated.isoformat() + "+00:00"},
        {"state": "approved", "at": approved.isoformat(), "amount_awarded_usd": 90_000,
         "credited_on": approved.date().isoformat()},
    ]  # fmt: skip
    row = _row("rec-h", _history_form(), created_at=filed.isoformat(), history=history)
    assert _import(db_target, tmp_path, [row]) == 0
    assert "1 ACE records imported" in capsys.readouterr().out
    with database.reading() as session:
        (record,) = session.scalars(select(AceRecordRow)).all()
        assert record.state == "approved" and record.amount_awarded_usd == 90_000
        assert (record.created_at, record.submitted_at, record.decided_at) == (
            filed,
            submitted,
            approved,
        )
        assert record.days_to_credit == pytest.approx(13.0, abs=0.6)
        events = session.execute(
            select(AuditEventRow.kind, AuditEventRow.at, AuditEventRow.actor)
            .where(AuditEventRow.record_id == record.id)
            .order_by(AuditEventRow.id)
        ).all()
    assert [(e.kind, e.at) for e in events] == [
        ("record_imported", filed),
        ("record_state", submitted),
        ("record_state", validated),
        ("record_state", approved),
    ]
    assert {e.actor for e in events} == {"tess"}
    # The decided record now counts in the routing index like any other.
    assert _import(db_target, tmp_path, [row]) == 0
    assert _count(database) == 1


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ([{"state": "approved", "at": "T1"}], "cannot go from identified to approved"),
        ([{"state": "submitted", "at": "T2"}, {"state": "validated", "at": "T1"}],
         "before the record's last recorded step"),
        ([{"state": "submitted", "at": "T1"}, {"state": "validated", "at": "T2"},
          {"state": "approved", "at": "T2"}], "awarded amount"),
        ([{"state": "submitted", "at": "FUTURE"}], "in the future"),
    ],
)  # fmt: skip
def test_a_refused_history_step_refuses_the_whole_row(
    database: Database,
    db_target: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    history: list[dict[str, str]],
    message: str,
) -> None:
    _setup(database)
    filed = utcnow() - timedelta(days=30)
    times = {
        "T1": (filed + timedelta(days=1)).isoformat(),
        "T2": (filed + timedelta(days=2)).isoformat(),
        "FUTURE": (utcnow() + timedelta(days=3)).isoformat(),
    }
    steps = [{**step, "at": times[step["at"]]} for step in history]
    row = _row("rec-x", _history_form(), created_at=filed.isoformat(), history=steps)
    assert _import(db_target, tmp_path, [row]) == 1
    out = capsys.readouterr().out
    assert "1 rejected" in out and message in out
    assert _count(database) == 0
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(AuditEventRow)) == 0


def test_a_history_submission_is_judged_on_its_own_day(
    database: Database, db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The submission rules run with the step's date as "today": a target close date that is
    past now but was ahead then passes; one already past then is refused."""
    _setup(database)
    filed = utcnow() - timedelta(days=30)
    late = portfolio_form(target_close_date=(filed - timedelta(days=1)).date().isoformat())
    step = [{"state": "submitted", "at": (filed + timedelta(hours=1)).isoformat()}]
    rows = [
        _row("rec-ok", _history_form(), created_at=filed.isoformat(), history=step),
        _row("rec-late", late, created_at=filed.isoformat()),
    ]
    assert _import(db_target, tmp_path, rows) == 1
    out = capsys.readouterr().out
    assert "1 ACE records imported" in out and "form.target_close_date" in out
