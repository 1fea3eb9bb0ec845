"""Importing inquiries and partners from CSV or JSON files.

The whole file is read, decoded and split into rows before anything is written, so a file
that cannot be read writes nothing. Rows then go in chunk by chunk: each chunk is validated
row by row (``domain.intake_schema``), and its valid rows are inserted in one transaction with
``ON CONFLICT (external_id) DO NOTHING``, inquiry and spend lines together. Should the
database still refuse something in a chunk, that chunk is retried row by row, each in its own
savepoint, so one bad row never takes its neighbours down and no row is ever half-written.

Each chunk is its own job on the DB executor (``ImportJob.run_next_chunk``), so the GUI can
show progress, other panes' queries run between chunks, and a cancel takes effect at the
next chunk boundary. Importing the same file twice adds nothing: every row has an external
id (its own ``external_id``/``id`` column, or a hash of its content), and rows whose id is
already stored are reported as duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any, cast

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from cloudroute_desk.db import audit, import_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.domain.entities import Inquiry, Partner
from cloudroute_desk.domain.intake.files import (
    FileFormat,
    IntakeFile,
    IntakeFileError,
    read_intake,
)
from cloudroute_desk.domain.intake.report import DuplicateRow, ImportReport
from cloudroute_desk.domain.intake.schema import PARSERS, ParsedRow, RowError, RowKind
from cloudroute_desk.domain.intake.values import show
from cloudroute_desk.services.changes import ALL_ROWS, NOTHING, ChangeKind, Changes

__all__ = [
    "CHUNK_ROWS",
    "FileFormat",
    "ImportJob",
    "ImportReport",
    "IntakeFileError",
    "RowKind",
    "import_file",
    "read_import_file",
]

CHUNK_ROWS = 2_000
Progress = Callable[[int, int], None]

AUDIT_KINDS = {RowKind.INQUIRY: "inquiries_imported", RowKind.PARTNER: "partners_imported"}


def read_import_file(
    path: Path, kind: RowKind, file_format: FileFormat | None = None
) -> IntakeFile:
    """Read and split ``path`` into rows; ``IntakeFileError`` when it cannot be imported."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IntakeFileError(f"cannot read {path}: {error.strerror or error}") from None
    return read_intake(data, path.name, kind, file_format)


def import_changes(kind: RowKind, actor: str) -> Changes:
    """What an import that stored rows changed: too many rows to name, so all of them."""
    if kind is RowKind.PARTNER:
        return Changes.of(ChangeKind.PARTNERS, partners=ALL_ROWS, admin=actor)
    # Imported inquiries may arrive already assigned: partners' loads change too.
    return Changes.of(
        ChangeKind.INQUIRIES_ADDED,
        ChangeKind.ASSIGNMENTS,
        inquiries=ALL_ROWS,
        partners=ALL_ROWS,
        admin=actor,
    )


class ImportJob:
    """One file being imported, a chunk per executor job. Not thread-safe: run its chunks
    one after another (the single DB executor does)."""

    def __init__(
        self,
        intake: IntakeFile,
        kind: RowKind,
        *,
        source: str,
        actor: str,
        chunk_rows: int = CHUNK_ROWS,
        now: datetime | None = None,
    ) -> None:
        self.kind = kind
        self.source = source
        self._actor = actor
        self._intake = intake
        self._rows = intake.rows()
        self._chunk_rows = max(1, chunk_rows)
        self._now = now
        self._done = 0
        self._accepted = 0
        self._duplicates: list[DuplicateRow] = []
        self._errors: list[RowError] = []
        self._seen: dict[str, tuple[int, str]] = {}

    @classmethod
    def open(
        cls,
        path: Path,
        kind: RowKind,
        *,
        actor: str,
        file_format: FileFormat | None = None,
        chunk_rows: int = CHUNK_ROWS,
    ) -> ImportJob:
        intake = read_import_file(path, kind, file_format)
        return cls(intake, kind, source=path.name, actor=actor, chunk_rows=chunk_rows)

    @property
    def total(self) -> int:
        return self._intake.total

    @property
    def done(self) -> int:
        return self._done

    @property
    def finished(self) -> bool:
        return self._done >= self.total

    @property
    def accepted(self) -> int:
        return self._accepted

    def report(self) -> ImportReport:
        """What happened so far; rows not reached yet count as not processed."""
        return ImportReport(
            kind=self.kind,
            source=self.source,
            rows_read=self.total,
            accepted=self._accepted,
            duplicates=tuple(self._duplicates),
            errors=tuple(sorted(self._errors, key=lambda error: error.line)),
            warnings=self._intake.warnings,
            not_processed=self.total - self._done,
        )

    @property
    def changes(self) -> Changes:
        return import_changes(self.kind, self._actor) if self._accepted else NOTHING

    def run_next_chunk(self, database: Database) -> int:
        """Validate and store the next chunk of rows; returns how many rows are done."""
        if self.finished:
            return self._done
        now = self._now or utcnow()
        chunk = list(islice(self._rows, self._chunk_rows))
        if not chunk:
            raise RuntimeError(f"{self.source}: fewer rows than counted ({self._done:,})")
        errors_before, duplicates_before = len(self._errors), len(self._duplicates)
        accepted_before = self._accepted
        parse = PARSERS[self.kind]
        valid: list[ParsedRow[Any]] = []
        try:
            for raw in chunk:
                parsed = parse(raw, now)
                if not parsed.ok:
                    self._errors.extend(parsed.errors)
                elif self._first_in_file(parsed):
                    valid.append(parsed)
            if valid:
                refused = self._store(database, valid, now)
                for parsed in valid:
                    assert parsed.external_id is not None
                    if parsed.external_id in refused:
                        reason = refused[parsed.external_id]
                        self._errors.append(RowError(parsed.line, "row", reason))
        except BaseException:
            # The chunk's transaction rolled back: its rows count as not processed, so the
            # report still adds up, and the chunk can be retried with the same outcome.
            del self._errors[errors_before:]
            del self._duplicates[duplicates_before:]
            self._accepted = accepted_before
            for parsed in valid:
                assert parsed.external_id is not None
                self._seen.pop(parsed.external_id, None)
            self._rows = chain(chunk, self._rows)
            raise
        self._done += len(chunk)
        return self._done

    def _first_in_file(self, parsed: ParsedRow[Any]) -> bool:
        """Whether this is the first row in the file with its external id."""
        external_id = parsed.external_id
        assert external_id is not None
        earlier = self._seen.get(external_id)
        if earlier is None:
            self._seen[external_id] = (parsed.line, parsed.fingerprint)
            return True
        line, fingerprint = earlier
        if fingerprint == parsed.fingerprint:
            self._duplicates.append(DuplicateRow(parsed.line, external_id, f"repeats line {line}"))
        else:
            self._errors.append(
                RowError(
                    parsed.line,
                    "external_id",
                    f"{show(external_id)} is also the id of a different row on line {line}",
                )
            )
        return False

    def _store(
        self, database: Database, valid: list[ParsedRow[Any]], now: datetime
    ) -> dict[str, str]:
        """Insert the chunk; returns {external_id: reason} for rows the database refused."""
        refused: dict[str, str] = {}
        try:
            with database.writing() as session:
                inserted = self._insert(session, valid, now)
        except (IntegrityError, DataError):
            with database.writing() as session:
                inserted = {}
                for parsed in valid:
                    try:
                        with session.begin_nested():
                            inserted.update(self._insert(session, [parsed], now))
                    except (IntegrityError, DataError) as error:
                        assert parsed.external_id is not None
                        refused[parsed.external_id] = _database_reason(error)
        for parsed in valid:
            if parsed.external_id in inserted:
                self._accepted += 1
            elif parsed.external_id not in refused:
                assert parsed.external_id is not None
                self._duplicates.append(
                    DuplicateRow(parsed.line, parsed.external_id, "already in the database")
                )
        return refused

    def _insert(
        self, session: Session, rows: list[ParsedRow[Any]], now: datetime
    ) -> dict[str, int]:
        # ``now`` judged the rows (an inquiry cannot arrive in the future); what is stored
        # carries the server's time, like every other write.
        now = server_now(session)
        if self.kind is RowKind.PARTNER:
            partners = [cast(Partner, row.value) for row in rows]
            inserted = import_queries.insert_partners(session, partners, created_at=now)
        else:
            inquiries = [cast(Inquiry, row.value) for row in rows]
            inserted = import_queries.insert_inquiries(session, inquiries)
        if inserted:
            audit.add_audit_event(
                session,
                at=now,
                actor=self._actor,
                kind=AUDIT_KINDS[self.kind],
                detail={"source": self.source, "count": len(inserted)},
            )
        return inserted


def _database_reason(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    first_line = str(original).strip().splitlines()[0] if str(original).strip() else ""
    return f"the database refused the row: {first_line[:200]}"


def import_file(
    database: Database,
    path: Path,
    kind: RowKind,
    *,
    actor: str,
    progress: Progress | None = None,
    file_format: FileFormat | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportReport:
    """Import ``path`` in one go (the CLI's way); ``IntakeFileError`` if it cannot be read."""
    job = ImportJob.open(path, kind, actor=actor, file_format=file_format, chunk_rows=chunk_rows)
    if progress is not None:
        progress(0, job.total)
    while not job.finished:
        job.run_next_chunk(database)
        if progress is not None:
            progress(job.done, job.total)
    return job.report()
