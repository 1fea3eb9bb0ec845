"""The demo data generator: counts, determinism, the domain's invariants, refusal, the CLI."""

from __future__ import annotations

import os
import re
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import DateTime, select

from cloudroute_desk.cli import demo_cmd, main
from cloudroute_desk.db import bulk, chart_months, routing_queries
from cloudroute_desk.db.base import Base
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.db.routing_tables import RoutingIndexDirtyRow
from cloudroute_desk.db.schema import metadata
from cloudroute_desk.db.tables import (
    AceRecordRow,
    AssignmentRow,
    AuditEventRow,
    InquiryRow,
    InquirySpendRow,
    PartnerRow,
)
from cloudroute_desk.demo.chunk_source import WorkerFailedError, made_chunks
from cloudroute_desk.demo.chunks import ChunkPlan
from cloudroute_desk.demo.generator import HISTORY_DAYS, generate_demo
from cloudroute_desk.demo.lifecycle import RECORD_TRAIL, opportunity_id
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.catalog import (
    AWARDED_STATES,
    AWS_SERVICES,
    POOLS,
    ROUTING_SLA_HOURS,
    STACKED_CEILING_USD,
    InquiryStatus,
    Pool,
    RecordState,
    Tier,
    record_transition_allowed,
    tier_may_file,
)

NOW = datetime(2026, 11, 20, 15, 30, 0)
ASSIGNED_LIKE = {
    InquiryStatus.ASSIGNED,
    InquiryStatus.CONNECTED,
    InquiryStatus.FILED,
    InquiryStatus.CREDITED,
}
E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")


def _generate(database: Database, seed: int = 11, inquiries: int = 300, **options: Any) -> Any:
    return generate_demo(database, inquiries=inquiries, partners=30, seed=seed, now=NOW, **options)


def _dump(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    result: dict[str, list[tuple[Any, ...]]] = {}
    with database.reading() as session:
        for name in bulk.BULK_TABLES:
            table = metadata.tables[name]
            rows = session.execute(select(table).order_by(table.c.id)).all()
            result[name] = [tuple(row) for row in rows]
    return result


def _rows(database: Database, row_class: type[Base]) -> list[Any]:
    """Plain (never expiring) rows of a table, in id order."""
    table = metadata.tables[row_class.__tablename__]
    with database.reading() as session:
        return list(session.execute(select(table).order_by(table.c.id)).all())


def _sqlite(tmp_path: Path, name: str) -> Database:
    return open_database(str(tmp_path / name))


def test_counts_match_the_summary(database: Database) -> None:
    calls: list[tuple[int, int]] = []
    summary = generate_demo(
        database,
        inquiries=300,
        partners=30,
        seed=11,
        now=NOW,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[0] == (0, 300) and calls[-1] == (300, 300)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    dump = _dump(database)
    assert summary.inquiries == len(dump["inquiries"]) == 300
    assert summary.partners == len(dump["partners"]) == 30
    assert summary.records == len(dump["ace_records"]) > 0
    assert summary.assignments == len(dump["assignments"]) > 0
    assert summary.spend_lines == len(dump["inquiry_spend"]) >= 300
    assert summary.audit_events == len(dump["audit_events"]) >= summary.assignments
    assert summary.seconds > 0


def test_same_seed_gives_the_same_rows_on_either_backend(
    database: Database, tmp_path: Path
) -> None:
    _generate(database, seed=5)
    reference = _sqlite(tmp_path, "same.sqlite")
    other = _sqlite(tmp_path, "other.sqlite")
    try:
        _generate(reference, seed=5)
        _generate(other, seed=6)
        assert _dump(database) == _dump(reference)
        assert _dump(other)["inquiries"] != _dump(reference)["inquiries"]
    finally:
        reference.dispose()
        other.dispose()


def test_refuses_a_database_that_holds_data(database: Database) -> None:
    _generate(database, inquiries=20)
    with pytest.raises(ValueError, match="already holds"):
        _generate(database, inquiries=20)


def test_rejects_impossible_counts(database: Database) -> None:
    with pytest.raises(ValueError, match="partner"):
        generate_demo(database, inquiries=10, partners=0, seed=1, now=NOW)


def test_assignments_follow_the_one_active_partner_rule(database: Database) -> None:
    _generate(database)
    inquiries = _rows(database, InquiryRow)
    assignments = _rows(database, AssignmentRow)
    partners = {p.id: p for p in _rows(database, PartnerRow)}
    by_inquiry: dict[int, list[AssignmentRow]] = defaultdict(list)
    for assignment in assignments:
        by_inquiry[assignment.inquiry_id].append(assignment)
    statuses = Counter(row.status for row in inquiries)
    assert statuses[InquiryStatus.CREDITED] > 0 and statuses[InquiryStatus.DECLINED] > 0
    for inquiry in inquiries:
        history = by_inquiry[inquiry.id]
        active = [a for a in history if a.active]
        if InquiryStatus(inquiry.status) in ASSIGNED_LIKE:
            assert len(active) == 1
            assert active[0].partner_id == inquiry.partner_id
            assert active[0].assigned_at == inquiry.assigned_at
            assert inquiry.assigned_at >= inquiry.arrived_at
            assert Tier(partners[inquiry.partner_id].tier) is not Tier.REGISTERED
        else:
            assert active == [] and inquiry.partner_id is None and inquiry.assigned_at is None
        if inquiry.status == InquiryStatus.REROUTE:
            assert history and all(a.end_reason == "did_not_connect" for a in history)
        if len(history) > 1:
            assert len({a.partner_id for a in history}) == len(history)
        for ended in (a for a in history if not a.active):
            assert ended.ended_at is not None and ended.ended_at >= ended.assigned_at
            assert ended.ended_at <= NOW


def test_records_respect_pools_tiers_and_ranges(database: Database) -> None:
    _generate(database)
    inquiries = {i.id: i for i in _rows(database, InquiryRow)}
    partners = {p.id: p for p in _rows(database, PartnerRow)}
    records = _rows(database, AceRecordRow)
    assignments = _rows(database, AssignmentRow)
    states = Counter(RecordState(r.state) for r in records)
    assert states[RecordState.REJECTED] > 0 and states[RecordState.DOWNGRADED] > 0
    assert sum(states[s] for s in AWARDED_STATES) > states[RecordState.REJECTED]
    handled = {(a.inquiry_id, a.partner_id) for a in assignments}
    requested_per_inquiry: Counter[int] = Counter()
    for record in records:
        inquiry = inquiries[record.inquiry_id]
        pool = Pool(record.pool)
        spec = POOLS[pool]
        state = RecordState(record.state)
        assert (record.inquiry_id, record.partner_id) in handled
        assert tier_may_file(Tier(partners[record.partner_id].tier), pool)
        assert pool.value in inquiry.pools_wanted or pool is Pool.FOUNDERS
        if pool is Pool.PORTFOLIO:
            assert inquiry.lead_investor, "Portfolio needs a named lead investor"
        assert spec.min_usd is not None and spec.max_usd is not None
        assert spec.min_usd <= record.amount_requested_usd <= spec.max_usd
        requested_per_inquiry[record.inquiry_id] += record.amount_requested_usd
        assert record.created_at >= inquiry.arrived_at
        if state is RecordState.IDENTIFIED:
            assert record.submitted_at is None and record.external_id is None
            continue
        assert record.submitted_at is not None and record.submitted_at >= record.created_at
        assert record.external_id is not None and re.fullmatch(r"O[0-9]+", record.external_id)
        if state in (RecordState.SUBMITTED, RecordState.VALIDATED):
            assert record.decided_at is None and record.credited_at is None
            continue
        assert record.decided_at is not None and record.submitted_at < record.decided_at <= NOW
        if state is RecordState.REJECTED:
            assert record.amount_awarded_usd is None and record.days_to_credit is None
            continue
        assert record.awarded_pool is not None and record.amount_awarded_usd is not None
        awarded = POOLS[Pool(record.awarded_pool)]
        assert awarded.min_usd is not None and awarded.max_usd is not None
        assert awarded.min_usd <= record.amount_awarded_usd <= awarded.max_usd
        if state is RecordState.DOWNGRADED:
            assert (
                record.amount_awarded_usd < record.amount_requested_usd
                or record.awarded_pool != record.pool
            )
        else:
            assert record.awarded_pool == record.pool
            assert record.amount_awarded_usd <= record.amount_requested_usd
        assert record.credited_at == record.decided_at
        assert record.days_to_credit is not None and 1.0 <= record.days_to_credit <= 60.0
        elapsed = (record.credited_at - record.submitted_at).total_seconds() / 86_400
        assert record.days_to_credit == pytest.approx(elapsed, abs=1e-3)
    assert max(requested_per_inquiry.values()) <= STACKED_CEILING_USD
    for inquiry in inquiries.values():
        has_records = inquiry.id in requested_per_inquiry
        if inquiry.status in (InquiryStatus.FILED, InquiryStatus.CREDITED):
            assert has_records
        elif inquiry.status != InquiryStatus.DECLINED:
            assert not has_records


def test_audit_history_replays_assignments_and_recent_record_states(database: Database) -> None:
    _generate(database)
    events = _rows(database, AuditEventRow)
    assignments = _rows(database, AssignmentRow)
    records = {r.id: r for r in _rows(database, AceRecordRow)}
    kinds = Counter(e.kind for e in events)
    assert kinds["assigned"] == len(assignments)
    assert kinds["did_not_connect"] == sum(a.end_reason == "did_not_connect" for a in assignments)
    recent = {i for i, r in records.items() if NOW - r.created_at <= RECORD_TRAIL}
    assert 0 < len(recent) < len(records)
    assert kinds["record_created"] == len(recent)
    trail: dict[int, list[Any]] = defaultdict(list)
    for event in sorted(events, key=lambda e: (e.at, e.id)):
        assert event.at <= NOW
        if event.record_id is not None:
            trail[event.record_id].append(event)
    assert set(trail) == recent
    for record_id in recent:
        record = records[record_id]
        state = RecordState.IDENTIFIED
        steps = trail[record_id]
        assert steps[0].kind == "record_created" and steps[0].at == record.created_at
        for step in steps[1:]:
            assert step.kind == "record_state" and step.detail["from"] == state
            new = RecordState(step.detail["to"])
            assert record_transition_allowed(state, new), (state, new)
            state = new
            if new in AWARDED_STATES and "amount_awarded_usd" in step.detail:
                assert step.detail["amount_awarded_usd"] == record.amount_awarded_usd
                assert step.at == record.credited_at
        assert state == record.state
        assert record.updated_at == steps[-1].at


def test_every_record_carries_a_form_the_editor_opens(database: Database) -> None:
    """Drafts and filed records alike (tests/test_demo_forms.py checks them against the rules)."""
    generate_demo(database, inquiries=3_000, partners=40, seed=2, now=NOW)
    inquiries = {i.id: i for i in _rows(database, InquiryRow)}
    records = _rows(database, AceRecordRow)
    assert {r.state for r in records} >= {RecordState.IDENTIFIED, RecordState.CLOSED}
    for record in records:
        form = AceForm.model_validate(record.fields)
        inquiry = inquiries[record.inquiry_id]
        assert form.pool == record.pool
        assert form.amount_requested_usd == record.amount_requested_usd
        assert form.customer.company_name == inquiry.company_name
        assert len(form.use_case) > 100 and inquiry.company_name.split(" ")[0] in form.use_case
        if form.pool == Pool.BEDROCK_POC:
            assert form.poc.budget_total_usd == record.amount_requested_usd


def test_inquiries_and_partners_look_real(database: Database) -> None:
    _generate(database)
    inquiries = _rows(database, InquiryRow)
    partners = _rows(database, PartnerRow)
    spend = _rows(database, InquirySpendRow)
    totals: Counter[int] = Counter()
    for line in spend:
        assert line.service in AWS_SERVICES and line.monthly_usd > 0
        totals[line.inquiry_id] += line.monthly_usd
    for inquiry in inquiries:
        assert NOW - timedelta(days=HISTORY_DAYS) <= inquiry.arrived_at <= NOW
        assert totals[inquiry.id] == inquiry.monthly_spend_usd
        assert inquiry.website.startswith("https://")
        if inquiry.engagement_type == "Migrate":
            assert inquiry.current_cloud != "none"
        if Pool.PORTFOLIO.value in inquiry.pools_wanted:
            assert inquiry.lead_investor
        for contact in (inquiry.technical_contact, inquiry.business_contact):
            assert contact["email"] == contact["email"].lower() and "@" in contact["email"]
            assert E164.match(contact["phone"]), contact["phone"]
    assert len({i.company_name for i in inquiries}) > 0.95 * len(inquiries)
    ids = [i.id for i in sorted(inquiries, key=lambda i: (i.arrived_at, i.id))]
    assert ids == sorted(ids), "ids follow arrival order"
    for partner in partners:
        assert 5 <= partner.capacity <= 40
        assert 1 <= len(partner.regions) <= 3 and 1 <= len(partner.verticals) <= 3
        assert 1 <= len(partner.service_profiles) <= 2 and partner.engagement_types
        assert partner.contact["email"] == partner.contact["email"].lower()
    assert len({p.name for p in partners}) == len(partners)


def test_a_larger_desk_has_a_queue_an_sla_and_spread_close_rates(database: Database) -> None:
    generate_demo(database, inquiries=4_000, partners=60, seed=7, now=NOW)
    inquiries = _rows(database, InquiryRow)
    assignments = _rows(database, AssignmentRow)
    records = _rows(database, AceRecordRow)
    recent = [i for i in inquiries if NOW - i.arrived_at < timedelta(days=2)]
    waiting = [i for i in recent if i.status == InquiryStatus.NEW]
    assert len(waiting) >= len(recent) / 2
    sla = timedelta(hours=ROUTING_SLA_HOURS)
    assert any(NOW - i.arrived_at > sla for i in waiting), "some queue items are past the SLA"
    assert any(sla - timedelta(hours=6) < NOW - i.arrived_at < sla for i in waiting)
    arrived = {i.id: i.arrived_at for i in inquiries}
    delays = [(a.assigned_at - arrived[a.inquiry_id]).total_seconds() / 3600 for a in assignments]
    assert 14 <= statistics.median(delays) <= 19
    breaches = sum(d > ROUTING_SLA_HOURS for d in delays) / len(delays)
    assert 0.03 < breaches < 0.2
    halves = (NOW - timedelta(days=HISTORY_DAYS // 2), NOW)
    older = sum(i.arrived_at < halves[0] for i in inquiries)
    assert older < len(inquiries) - older, "more recent inquiries than old ones"
    decided: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for record in records:
        if record.decided_at is not None:
            decided[record.partner_id][1] += 1
            decided[record.partner_id][0] += record.state != RecordState.REJECTED
    rates = [won / total for won, total in decided.values() if total >= 20]
    assert min(rates) < 0.7 < max(rates)
    assert any(total < 10 for _, total in decided.values()), "some small-sample partners"


def test_cli_writes_refuses_and_forces(
    db_target: str, backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["demo", "--db", db_target, "--inquiries", "40", "--partners", "8", "--seed", "3"]
    args += ["--partner-central", str(tmp_path / "answers.json")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "40 inquiries" in out and "8 partners" in out
    if backend == "sqlite":
        assert "MB" in out
    assert main(args) == 2
    assert "already holds" in capsys.readouterr().err
    if backend == "sqlite":
        assert main([*args, "--force"]) == 0
        assert "40 inquiries" in capsys.readouterr().out
    else:
        assert main([*args, "--force"]) == 2
        assert "SQLite" in capsys.readouterr().err


def test_cli_force_never_deletes_a_file_that_is_not_sqlite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    assert main(["demo", "--db", str(notes), "--inquiries", "5", "--force"]) == 2
    assert notes.read_text() == "my notes\n"
    assert "not a SQLite database" in capsys.readouterr().err


DERIVED_TABLES = ("chart_inquiry_facts", "chart_record_facts", "routing_index")


def _derived(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    result: dict[str, list[tuple[Any, ...]]] = {}
    with database.reading() as session:
        for name in DERIVED_TABLES:
            table = metadata.tables[name]
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            result[name] = [tuple(row) for row in rows]
    return result


MONTHLY_SUMS = (
    ("chart_record_months", chart_months.RECORD_KEYS, "records, requested_usd, awarded_usd"),
    ("chart_days_months", chart_months.DAYS_KEYS, "records"),
    ("chart_routing_months", chart_months.ROUTING_KEYS, "inquiries"),
)
assert {table for table, *_ in MONTHLY_SUMS} == set(chart_months.AGGREGATE_TABLES)


def _monthly_sums(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Each monthly aggregate's sums per key (the triggers' path appends +1/-1 rows that the
    readers sum; the bulk path writes one row per key), in an order both backends share."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    with database.engine.connect() as connection:
        for table, keys, sums in MONTHLY_SUMS:
            totals = ", ".join(f"sum({column.strip()})" for column in sums.split(","))
            rows = connection.exec_driver_sql(
                f"SELECT {keys}, {totals} FROM {table} GROUP BY {keys}"
                f" HAVING sum({sums.split(',')[0]}) <> 0"
            ).all()
            result[table] = sorted(
                _rounded([tuple(row) for row in rows]),
                key=lambda row: tuple((value is None, value or 0) for value in row),
            )
    return result


def _rounded(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Floats to 9 places: PostgreSQL and SQLite may differ in the last bit of a quotient."""
    return [tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in rows]


def _schema_objects(database: Database) -> set[tuple[str, str, str]]:
    with database.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
            " AND sql IS NOT NULL"
        ).all()
    return {(kind, name, sql) for kind, name, sql in rows}


def _search(database: Database, words: list[str]) -> dict[str, list[int]]:
    with database.engine.connect() as connection:
        return {
            word: [
                row[0]
                for row in connection.exec_driver_sql(
                    "SELECT rowid FROM inquiry_fts WHERE inquiry_fts MATCH ? ORDER BY rowid",
                    (word,),
                )
            ]
            for word in words
        }


FAST_PATHS = {
    "one thread": {},
    "worker processes, no journal": {"workers": 2, "chunk_size": 150, "scratch": True},
}


@pytest.mark.parametrize("options", list(FAST_PATHS.values()), ids=list(FAST_PATHS))
def test_derived_data_built_after_the_load_equals_what_the_triggers_write(
    database: Database, tmp_path: Path, options: dict[str, Any]
) -> None:
    """The demo builds indexes, search, chart projections, their monthly aggregates and the
    routing index after the load (on SQLite); a copy of its rows inserted through the
    per-row triggers ends up with the same derived rows, the same schema objects and the
    same search results, and the file is back in WAL mode."""
    _generate(database, seed=3, inquiries=600, **options)
    copy = _sqlite(tmp_path, "through-triggers.sqlite")
    try:
        with database.reading() as source, copy.writing() as target:
            for name in bulk.BULK_TABLES:
                table = metadata.tables[name]
                rows = [dict(r._mapping) for r in source.execute(select(table)).all()]
                bulk.insert_rows(target, name, rows)
        with copy.writing() as session:
            assert session.execute(select(RoutingIndexDirtyRow.partner_id)).first() is not None
            routing_queries.bring_index_up_to_date(
                session, routing_queries.window_end_for(NOW), NOW
            )
        built, triggered = _derived(database), _derived(copy)
        for name in DERIVED_TABLES:
            assert built[name], name
            assert _rounded(built[name]) == _rounded(triggered[name]), name
        for name, sums in _monthly_sums(database).items():
            assert sums, name
            assert sums == _monthly_sums(copy)[name], name
        with database.reading() as session:
            assert routing_queries.index_is_current(session, routing_queries.window_end_for(NOW))
        if database.backend == "sqlite":
            with database.engine.connect() as connection:
                mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            assert mode == "wal"
            assert _schema_objects(database) == _schema_objects(copy)
            with database.engine.begin() as connection:
                # FTS5 compares its index with the content view: raises if they differ.
                connection.exec_driver_sql(
                    "INSERT INTO inquiry_fts (inquiry_fts, rank) VALUES ('integrity-check', 1)"
                )
            with database.reading() as session:
                names = session.scalars(select(InquiryRow.company_name).limit(5)).all()
            words = [name.split(" ")[0].lower() for name in names]
            assert _search(database, words) == _search(copy, words)
            assert all(_search(database, words).values())
    finally:
        copy.dispose()


def test_demo_companies_are_distinct_customers(database: Database) -> None:
    """Every demo inquiry is its own customer (domain/customer.py): no shared normalised name
    or registrable domain, so the demo's independent routing never creates competing records."""
    _generate(database, inquiries=2_000)
    inquiries = _rows(database, InquiryRow)
    names = Counter(i.customer_name_key for i in inquiries)
    domains = Counter(i.customer_domain_key for i in inquiries)
    assert all(domains)
    assert names.most_common(1)[0][1] == 1
    assert domains.most_common(1)[0][1] == 1


def test_worker_processes_make_the_same_demo_as_one_thread(
    database: Database, tmp_path: Path
) -> None:
    """Each chunk has random streams of its own and is renumbered once the earlier chunks
    are counted: two worker processes write the rows a helper thread writes, ids dense."""
    _generate(database, seed=4, inquiries=900, workers=2, chunk_size=200)
    reference = _sqlite(tmp_path, "one-thread.sqlite")
    try:
        _generate(reference, seed=4, inquiries=900, workers=0, chunk_size=200)
        dump = _dump(database)
        assert dump == _dump(reference)
        for name, rows in dump.items():
            assert [row[0] for row in rows] == list(range(1, len(rows) + 1)), name
    finally:
        reference.dispose()


def _raw_text(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """The bulk tables as SQLite stores them: driver values, no SQLAlchemy conversion."""
    with database.reading() as session:
        connection = session.connection()
        return {
            name: list(connection.exec_driver_sql(f'SELECT * FROM "{name}" ORDER BY id').all())
            for name in bulk.BULK_TABLES
        }


def test_the_bulk_loader_stores_what_a_sqlalchemy_insert_stores(tmp_path: Path) -> None:
    """The loader converts values itself (``bulk.prepare``, column by column): the same
    rows inserted the ordinary way store the same text, dates and JSON included."""
    loaded = _sqlite(tmp_path, "loaded.sqlite")
    inserted = _sqlite(tmp_path, "inserted.sqlite")
    try:
        _generate(loaded, seed=3, inquiries=200)
        with loaded.reading() as session:
            values = {
                name: [dict(row._mapping) for row in session.execute(select(table)).all()]
                for name, table in ((n, metadata.tables[n]) for n in bulk.BULK_TABLES)
            }
        with inserted.writing() as session:
            for name in bulk.BULK_TABLES:
                session.execute(metadata.tables[name].insert(), values[name])
        assert _raw_text(inserted) == _raw_text(loaded)
    finally:
        loaded.dispose()
        inserted.dispose()


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2025, 5, 25, 1, 34, 5),
        datetime(2025, 1, 2, 3, 4, 5, 6),
        datetime(999, 12, 31, 23, 59, 59, 999_999),
        datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
    ],
)
def test_the_bulk_loaders_datetime_text_is_sqlalchemys(moment: datetime) -> None:
    ordinary = DateTime().dialect_impl(bulk.SQLITE_DIALECT).bind_processor(bulk.SQLITE_DIALECT)
    assert ordinary is not None
    prepared = bulk.prepare("sqlite", "audit_events", [{"id": 1, "at": moment}])
    assert prepared.values == [(1, ordinary(moment))]


def test_renumbered_chunks_keep_every_reference(database: Database) -> None:
    _generate(database, seed=8, inquiries=800, workers=2, chunk_size=150)
    inquiries = {row.id for row in _rows(database, InquiryRow)}
    assignments = {row.id: row.inquiry_id for row in _rows(database, AssignmentRow)}
    records = {row.id: row for row in _rows(database, AceRecordRow)}
    assert {row.inquiry_id for row in _rows(database, InquirySpendRow)} == inquiries
    assert set(assignments.values()) <= inquiries
    ended = 0
    for event in _rows(database, AuditEventRow):
        if event.record_id is not None:
            assert records[event.record_id].inquiry_id == event.inquiry_id
        if "assignment_id" in event.detail:
            assert assignments[event.detail["assignment_id"]] == event.inquiry_id
            ended += 1
    assert ended > 0
    submitted = [r for r in records.values() if r.external_id is not None]
    assert submitted and all(r.external_id == opportunity_id(r.id) for r in submitted)


def _chunk_workers() -> list[int]:
    """This process's live demo worker processes (Linux: read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = re.search(r"^PPid:\s+(\d+)", status, re.MULTILINE)
        if parent and int(parent.group(1)) == os.getpid() and b"chunk_worker" in command:
            found.append(int(entry.name))
    return found


class _CancelledError(Exception):
    pass


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_a_cancelled_run_stops_its_worker_processes(database: Database) -> None:
    seen: list[int] = []

    def cancel_after_the_first_chunk(done: int, _total: int) -> None:
        seen.append(len(_chunk_workers()))
        if done:
            raise _CancelledError

    with pytest.raises(_CancelledError):
        _generate(
            database, inquiries=2_000, workers=2, chunk_size=100,
            progress=cancel_after_the_first_chunk,
        )  # fmt: skip
    assert seen[-1] == 2
    assert _chunk_workers() == []


def test_a_failing_worker_is_reported_and_stopped() -> None:
    plan = ChunkPlan(
        seed=1,
        now=NOW,
        inquiries=10,
        partners=(),
        first_ids={"inquiry_spend": 1, "assignments": 1, "ace_records": 1, "audit_events": 1},
        backend="sqlite",
    )
    with pytest.raises(WorkerFailedError, match="KeyError: 'inquiries'"):
        list(made_chunks(plan, 1))
    if Path("/proc/self/status").exists():
        assert _chunk_workers() == []


def test_cli_builds_beside_and_an_interrupted_run_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "demo.sqlite"
    args = ["demo", "--db", str(target), "--inquiries", "400", "--partners", "10"]

    def interrupted(_label: str) -> Any:
        def progress(done: int, _total: int) -> None:
            if done:
                raise KeyboardInterrupt

        return progress

    with monkeypatch.context() as patch:
        patch.setattr(demo_cmd, "TerminalProgress", interrupted)
        assert main(args) == 130
    assert list(tmp_path.iterdir()) == []
    assert main(args) == 0
    assert "400 inquiries" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "demo-partner-central.json",
        "demo.sqlite",
    ]
    reopened = open_database(str(target))
    try:
        with reopened.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA quick_check").scalar() == "ok"
        assert len(_rows(reopened, InquiryRow)) == 400
    finally:
        reopened.dispose()
