"""Request ids on both backends: a write and its request row commit together, a replay of
the same id changes nothing and says "already done", ``outcome_of`` tells applied from not
applied, a save recognises the admin's own earlier save, and old rows are pruned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from cloudroute_desk.db import write_request_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.db.tables import AceRecordRow, AssignmentRow, AuditEventRow
from cloudroute_desk.db.write_request_tables import WriteRequestRow
from cloudroute_desk.domain.catalog import InquiryStatus, Pool, RecordState
from cloudroute_desk.services import assignment, inquiry_status, partners, records
from cloudroute_desk.services.write_requests import (
    AlreadyApplied,
    new_request_id,
    outcome_of,
)
from tests.factories import add_inquiry, add_partner, add_record


def _count(database: Database, table: type) -> int:
    with database.reading() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_a_replayed_assignment_changes_nothing_and_reports_already_done(
    database: Database,
) -> None:
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database)
    request_id = new_request_id()
    assert not outcome_of(database, request_id).applied
    changes = assignment.assign(database, inquiry_id, partner_id, "alice", request_id=request_id)
    audit_rows = _count(database, AuditEventRow)
    with pytest.raises(AlreadyApplied, match="Already done") as replay:
        assignment.assign(database, inquiry_id, partner_id, "alice", request_id=request_id)
    assert replay.value.outcome.changes == changes
    assert _count(database, AssignmentRow) == 1
    assert _count(database, AuditEventRow) == audit_rows
    outcome = outcome_of(database, request_id)
    assert (outcome.applied, outcome.action, outcome.admin) == (True, "assign", "alice")
    assert outcome.changes == changes
    assert outcome.at is not None


def test_a_refused_write_records_no_request(database: Database) -> None:
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database)
    assignment.assign(database, inquiry_id, partner_id, "alice")
    request_id = new_request_id()
    with pytest.raises(assignment.AlreadyAssigned):
        assignment.assign(database, inquiry_id, partner_id, "bob", request_id=request_id)
    assert not outcome_of(database, request_id).applied
    assert _count(database, WriteRequestRow) == 0, "no id, no row (scripts, importer)"


def test_a_replayed_save_answers_with_the_version_it_wrote(database: Database) -> None:
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned")
    record_id = add_record(database, inquiry_id, partner_id, state=RecordState.IDENTIFIED)
    opened = records.open_record(database, record_id)
    form = opened.form.model_copy(update={"title": "Mine"})
    request_id = new_request_id()
    first = records.save_form(
        database, record_id, form, opened.version, "alice", request_id=request_id
    )
    again = records.save_form(
        database, record_id, form, opened.version, "alice", request_id=request_id
    )
    assert again.version == first.version == opened.version + 1
    assert again.changes == first.changes
    assert records.open_record(database, record_id).version == first.version
    outcome = outcome_of(database, request_id)
    assert outcome.result == {"record_id": record_id, "version": first.version}


def test_a_save_recognises_its_own_earlier_save_but_not_someone_elses(
    database: Database,
) -> None:
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned")
    record_id = add_record(database, inquiry_id, partner_id, state=RecordState.IDENTIFIED)
    opened = records.open_record(database, record_id)
    lost = new_request_id()
    records.save_form(
        database,
        record_id,
        opened.form.model_copy(update={"title": "One"}),
        opened.version,
        "alice",
        request_id=lost,
    )
    # The answer was lost: the editor still stands on the old version, with newer edits.
    newer = opened.form.model_copy(update={"title": "Two"})
    with pytest.raises(records.EditConflict):
        records.save_form(database, record_id, newer, opened.version, "alice")
    saved = records.save_form(
        database,
        record_id,
        newer,
        opened.version,
        "alice",
        request_id=new_request_id(),
        after_request=lost,
    )
    assert saved.version == opened.version + 2
    # Someone else saved after ours: our lost save no longer vouches for the version.
    records.save_form(database, record_id, opened.form, saved.version, "bob")
    with pytest.raises(records.EditConflict, match="bob saved"):
        records.save_form(
            database,
            record_id,
            newer,
            opened.version,
            "alice",
            request_id=new_request_id(),
            after_request=lost,
        )


def test_replays_of_every_gui_write_change_nothing(database: Database) -> None:
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned")
    ids = {name: new_request_id() for name in ("create", "move", "held", "decline", "partner")}

    opened, _ = records.create_record(
        database, inquiry_id, Pool.PORTFOLIO, "alice", request_id=ids["create"]
    )
    with pytest.raises(AlreadyApplied) as replay:
        records.create_record(
            database, inquiry_id, Pool.PORTFOLIO, "alice", request_id=ids["create"]
        )
    assert replay.value.outcome.result == {"record_id": opened.record_id}
    assert _count(database, AceRecordRow) == 1

    submitted = add_record(database, inquiry_id, partner_id, state=RecordState.SUBMITTED)

    def move() -> records.TransitionResult:
        return records.transition(
            database, submitted, RecordState.IDENTIFIED, 1, "alice", request_id=ids["move"]
        )

    moved = move()
    with pytest.raises(AlreadyApplied):
        move()
    assert records.open_record(database, submitted).version == moved.summary.version

    def held() -> object:
        return inquiry_status.mark_discovery_call_held(
            database, inquiry_id, "alice", request_id=ids["held"]
        )

    held()
    with pytest.raises(AlreadyApplied):
        held()

    def decline() -> object:
        return inquiry_status.decline(
            database,
            inquiry_id,
            "alice",
            expected=InquiryStatus.CONNECTED,
            request_id=ids["decline"],
        )

    decline()
    with pytest.raises(AlreadyApplied):
        decline()

    partner = partners.get_partner(database, partner_id)
    edited = partner.model_copy(update={"capacity": partner.capacity + 1})
    partners.update_partner(database, edited, "alice", request_id=ids["partner"])
    with pytest.raises(AlreadyApplied):
        partners.update_partner(database, edited, "alice", request_id=ids["partner"])
    assert partners.get_partner(database, partner_id).version == partner.version + 1
    assert all(outcome_of(database, i).applied for i in ids.values())


def test_a_batch_sent_again_assigns_only_what_did_not_go_through(database: Database) -> None:
    add_partner(database, capacity=10)
    for n in range(3):
        add_inquiry(database, company_name=f"Co {n}", website=f"https://co{n}.example")
    items = assignment.suggest_batch(database).items
    assert len(items) == 3
    request_id = new_request_id()
    first = assignment.accept_batch(database, items[:2], "alice", request_id=request_id)
    assert len(first.assigned) == 2
    # The answer was lost after two of three; the admin sends the whole batch again.
    again = assignment.accept_batch(database, items, "alice", request_id=request_id)
    assert (len(again.assigned), again.lost) == (3, ())
    assert _count(database, AssignmentRow) == 3
    outcome = outcome_of(database, request_id)
    assert (outcome.applied, outcome.parts) == (True, 3)
    assert outcome.changes.inquiries.ids == {item.inquiry_id for item in items}


def test_old_requests_are_pruned(database: Database) -> None:
    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database)
    kept = new_request_id()
    assignment.assign(database, inquiry_id, partner_id, "alice", request_id=kept)
    with database.writing() as session:
        old = server_now(session) - write_request_queries.RETENTION - timedelta(hours=1)
        session.execute(
            text(
                "INSERT INTO write_requests (request_id, admin, action, at, changes, result)"
                " VALUES ('old', 'alice', 'assign', :at, '{}', '{}')"
            ),
            {"at": old},
        )
    with database.writing() as session:
        assert write_request_queries.prune(session, server_now(session)) == 1
    assert outcome_of(database, kept).applied
    assert not outcome_of(database, "old").applied
