"""The database itself refuses what the domain forbids, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.tables import InquiryTransitionRow, RecordTransitionRow
from cloudroute_desk.domain.catalog import INQUIRY_TRANSITIONS, RECORD_TRANSITIONS


def test_transition_tables_match_the_domain_catalog(database: Database) -> None:
    with database.reading() as session:
        inquiry = {
            (r.from_status, r.to_status) for r in session.scalars(select(InquiryTransitionRow))
        }
        record = {(r.from_state, r.to_state) for r in session.scalars(select(RecordTransitionRow))}
    assert inquiry == {(a.value, b.value) for a, b in INQUIRY_TRANSITIONS}
    assert record == {(a.value, b.value) for a, b in RECORD_TRANSITIONS}


def _insert_audit(database: Database) -> None:
    with database.writing() as session:
        session.execute(
            text(
                "INSERT INTO audit_events (at, actor, kind, detail) "
                "VALUES (:at, 'tester', 'test', '{}')"
            ),
            {"at": "2026-01-01 00:00:00"},
        )


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"]
)
def test_audit_log_is_append_only(database: Database, statement: str) -> None:
    _insert_audit(database)
    with pytest.raises(DBAPIError, match="append-only"), database.writing() as session:
        session.execute(text(statement))
    with database.reading() as session:
        assert session.execute(text("SELECT actor FROM audit_events")).scalar_one() == "tester"


def test_factories_round_trip(database: Database) -> None:
    from factories import add_inquiry, add_partner, add_record

    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database)
    add_record(database, inquiry_id, partner_id)
    with database.reading() as session:
        assert session.execute(text("SELECT count(*) FROM ace_records")).scalar_one() == 1


def test_invalid_inquiry_transition_is_refused(database: Database) -> None:
    from factories import add_inquiry

    inquiry_id = add_inquiry(database)
    with pytest.raises(DBAPIError, match="invalid inquiry transition"), database.writing() as s:
        s.execute(text("UPDATE inquiries SET status = 'credited' WHERE id = :i"), {"i": inquiry_id})
