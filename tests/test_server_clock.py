"""One clock, the server's: with the laptop's clock a day off, every stored time and the SLA
countdown still follow the database server's clock, on both backends."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.db.tables import (
    AceRecordRow,
    AssignmentRow,
    AuditEventRow,
    InquiryRow,
    PartnerRow,
)
from cloudroute_desk.domain import clock
from cloudroute_desk.domain.catalog import InquiryStatus, Pool
from cloudroute_desk.models.inquiry_queue_model import COL_SLA, InquiryQueueModel
from cloudroute_desk.services import assignment, inquiry_status, partners, records
from cloudroute_desk.services.executor import DbExecutor
from tests.factories import add_inquiry, add_partner, make_partner

SKEW = timedelta(hours=24)
TOLERANCE = timedelta(minutes=2)


@pytest.fixture
def skewed_laptop(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every module's ``utcnow`` runs a day ahead, as on a laptop with a wrong clock."""
    real = clock.utcnow

    def ahead() -> datetime:
        return real() + SKEW

    for name, module in list(sys.modules.items()):
        if name.startswith("cloudroute_desk") and getattr(module, "utcnow", None) is real:
            monkeypatch.setattr(module, "utcnow", ahead)
    yield


def _server(database: Database) -> datetime:
    with database.reading() as session:
        return server_now(session)


def _stored_times(database: Database) -> list[tuple[str, datetime]]:
    with database.reading() as session:
        found: list[tuple[str, datetime | None]] = []
        found += [("partner created", t) for t in session.scalars(select(PartnerRow.created_at))]
        found += [("inquiry assigned", t) for t in session.scalars(select(InquiryRow.assigned_at))]
        found += [("assignment", t) for t in session.scalars(select(AssignmentRow.assigned_at))]
        found += [
            ("audit " + k, t)
            for k, t in session.execute(select(AuditEventRow.kind, AuditEventRow.at))
        ]
        for created, updated in session.execute(
            select(AceRecordRow.created_at, AceRecordRow.updated_at)
        ):
            found += [("record created", created), ("record saved", updated)]
    return [(what, t) for what, t in found if t is not None]


@pytest.mark.usefixtures("skewed_laptop")
def test_stored_times_come_from_the_server_clock(database: Database) -> None:
    assert abs(clock.utcnow() - _server(database) - SKEW) < TOLERANCE  # the laptop is off
    partner = partners.create_partner(
        database, make_partner(name="Clockwise Partners"), "alice"
    ).partner
    assert partner.id is not None
    first, second = add_inquiry(database), add_inquiry(database, company_name="Other Co")
    assignment.assign(database, first, partner.id, "alice")
    inquiry_status.mark_discovery_call_held(database, first, "alice")
    inquiry_status.decline(database, second, "alice", expected=InquiryStatus.NEW)
    opened, _changes = records.create_record(database, first, Pool.PORTFOLIO, "alice")
    records.save_form(database, opened.summary.id or 0, opened.form, opened.summary.version, "bob")

    server = _server(database)
    stored = _stored_times(database)
    kinds = {what for what, _t in stored}
    assert {"partner created", "inquiry assigned", "assignment", "record saved"} <= kinds
    assert {"audit assigned", "audit declined"} <= kinds
    off = [(what, t) for what, t in stored if abs(t - server) > TOLERANCE]
    assert off == [], "stored from the laptop's clock"


@pytest.mark.usefixtures("skewed_laptop")
def test_sla_countdown_uses_the_server_time(database: Database, qtbot) -> None:  # type: ignore[no-untyped-def]
    arrived = _server(database) - timedelta(hours=1)
    add_inquiry(database, arrived_at=arrived.replace(microsecond=0))
    add_partner(database)
    executor = DbExecutor(database)
    try:
        qtbot.waitUntil(lambda: executor.clock.measured, timeout=10_000)
        assert abs(executor.clock.offset + SKEW) < TOLERANCE
        assert abs(executor.now() - _server(database)) < TOLERANCE
        model = InquiryQueueModel(executor)
        with qtbot.waitSignal(model.window_loaded, timeout=10_000):
            model.refresh()
        # 23 h left by the server's clock, give or take the offset's measuring error (which
        # can land either side of the minute); the laptop's clock, 24 h off, would say breached.
        assert model.data(model.index(0, COL_SLA)).startswith(("22h 59", "23h 00"))
    finally:
        executor.shutdown()
