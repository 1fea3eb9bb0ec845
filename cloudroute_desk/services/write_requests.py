"""Request ids: results that are never wrong.

Every write the GUI makes carries a request id chosen before it is sent
(``new_request_id``). The use-case records the id, with what it changed, in its own
transaction (``recorded``), so exactly one of two things is true afterwards: the write and
its request row committed together, or neither did. When the connection drops between COMMIT
and its acknowledgement, the app asks ``outcome_of(database, request_id)`` once the server
answers, and reports "done" (fanning out the stored ``Changes``) or "not done".

A replay of a recorded id changes nothing: the use-case raises ``AlreadyApplied`` with the
stored outcome (``save_form`` answers with the saved version instead, so an outbox that sends
an edit twice reads the same result twice). ``request_id=None`` records nothing (scripts,
the importer): only a caller that can ask again needs an id.

    request_id = write_requests.new_request_id()
    records.save_form(db, record_id, form, version, admin, request_id=request_id)
    ...connection lost...
    outcome = write_requests.outcome_of(db, request_id)   # .applied, .changes, .result
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from cloudroute_desk.db import write_request_queries as queries
from cloudroute_desk.db.engine import Database, DatabaseBusyError
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.db.server_link import ServerNotAnsweringError
from cloudroute_desk.db.write_request_tables import WriteRequestRow
from cloudroute_desk.services.changes import ALL_ROWS, NOTHING, ChangeKind, Changes, Rows


def new_request_id() -> str:
    """A fresh id for one write (a UUID as text)."""
    return str(uuid.uuid4())


def part_id(request_id: str, item: int) -> str:
    """The id of one item of a request done in several transactions (a batch)."""
    return f"{request_id}#{item}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of a request id: applied (with what it changed) or not applied."""

    request_id: str
    applied: bool
    action: str = ""
    admin: str = ""
    at: datetime | None = None
    changes: Changes = NOTHING
    """What the write changed, the value its use-case returned: fan it out like one."""
    result: Mapping[str, Any] = field(default_factory=dict)
    """The few values the use-case stored with it (``save_form``: ``version``)."""
    parts: int = 0
    """How many transactions of the request committed (a batch's assignments; else 1)."""


class AlreadyApplied(Exception):  # noqa: N818 (a report, not a failure)
    """The request id was applied before; this replay changed nothing."""

    def __init__(self, outcome: Outcome) -> None:
        when = f" at {outcome.at:%Y-%m-%d %H:%M:%S} UTC" if outcome.at else ""
        super().__init__(f"Already done{when}: nothing was changed again.")
        self.outcome = outcome


class RequestedWrite:
    """The transaction of one recorded write: the use-case works in ``session`` and names
    what it changed with ``done`` before the transaction ends."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.changes: Changes | None = None
        self.result: dict[str, Any] = {}

    def done(self, changes: Changes, **result: Any) -> None:
        self.changes = changes
        self.result = result


@contextmanager
def recorded(
    database: Database,
    request_id: str | None,
    action: str,
    admin: str,
    *,
    part_of: str | None = None,
) -> Iterator[RequestedWrite]:
    """``database.writing()`` that stores ``request_id`` with the write, or raises
    ``AlreadyApplied`` (and writes nothing) when that id was applied before.

    The one place the rule lives: every write use-case the GUI calls runs in here."""
    try:
        with database.writing() as session:
            if request_id is not None and queries.is_recorded(session, request_id):
                raise AlreadyApplied(_outcome(request_id, queries.rows_of(session, request_id)))
            write = RequestedWrite(session)
            yield write
            if request_id is None:
                return
            if write.changes is None:
                raise RuntimeError(f"{action} did not say what it changed")
            stored = queries.insert_once(
                session,
                request_id,
                part_of=part_of,
                admin=admin,
                action=action,
                at=server_now(session),
                changes=_stored_changes(write.changes),
                result=write.result,
            )
            if not stored:
                # The same id committed meanwhile (a replay racing the original): undo ours.
                raise AlreadyApplied(_outcome(request_id, queries.rows_of(session, request_id)))
    except (AlreadyApplied, SQLAlchemyError, ServerNotAnsweringError, DatabaseBusyError):
        raise
    except Exception as refusal:
        # A refusal ("already assigned") may be the original of this very request, committed
        # while the replay waited for its locks: then the answer is "already done".
        if request_id is not None:
            outcome = _quiet_outcome(database, request_id)
            if outcome is not None and outcome.applied:
                raise AlreadyApplied(outcome) from refusal
        raise


def outcome_of(database: Database, request_id: str) -> Outcome:
    """Whether ``request_id`` was applied, and what it changed. Waits (within the server's
    lock limit) for a transaction of that id still in flight, so "not applied" is final."""
    with database.reading() as session:
        queries.wait_for_in_flight(session, request_id)
        return _outcome(request_id, queries.rows_of(session, request_id))


def applied_version(outcome: Outcome, record_id: int) -> int | None:
    """The version of ``record_id`` an applied save or transition wrote (else None)."""
    result = outcome.result
    if outcome.applied and result.get("record_id") == record_id and "version" in result:
        return int(result["version"])
    return None


def version_written(session: Session, request_id: str, record_id: int) -> int | None:
    """The version of ``record_id`` that the applied request ``request_id`` wrote, or None
    (not applied, or about another record): how a save recognises the admin's own earlier
    save whose answer was lost."""
    return applied_version(_outcome(request_id, queries.rows_of(session, request_id)), record_id)


def prune(session: Session, now: datetime) -> int:
    """Forget requests older than the retention (see ``write_request_queries.RETENTION``)."""
    return queries.prune(session, now)


def _quiet_outcome(database: Database, request_id: str) -> Outcome | None:
    try:
        return outcome_of(database, request_id)
    except (SQLAlchemyError, ServerNotAnsweringError, DatabaseBusyError):
        return None


def _outcome(request_id: str, rows: list[WriteRequestRow]) -> Outcome:
    if not rows:
        return Outcome(request_id, applied=False)
    changes = NOTHING
    for row in rows:
        changes = changes | _changes_of(row.changes, row.admin)
    first = rows[0]
    return Outcome(
        request_id,
        applied=True,
        action=first.action,
        admin=first.admin,
        at=first.at,
        changes=changes,
        result=dict(first.result or {}),
        parts=len(rows),
    )


_EVERY = "*"


def _stored_rows(rows: Rows) -> list[int] | str:
    return _EVERY if rows.every else sorted(rows.ids)


def _rows(value: object) -> Rows:
    if value == _EVERY:
        return ALL_ROWS
    return Rows.among(int(i) for i in value) if isinstance(value, list) else Rows()


def _stored_changes(changes: Changes) -> dict[str, Any]:
    return {
        "kinds": sorted(kind.value for kind in changes.kinds),
        "inquiries": _stored_rows(changes.inquiries),
        "records": _stored_rows(changes.records),
        "partners": _stored_rows(changes.partners),
    }


_KINDS = frozenset(kind.value for kind in ChangeKind)


def _changes_of(stored: Mapping[str, Any], admin: str) -> Changes:
    return Changes.of(
        *(ChangeKind(k) for k in stored.get("kinds", ()) if k in _KINDS),
        inquiries=_rows(stored.get("inquiries")),
        records=_rows(stored.get("records")),
        partners=_rows(stored.get("partners")),
        admin=admin,
    )
