"""``cloudroute-desk import FILE --db URL [--partners | --records | --partner-central]``.

Exit codes: 0 every row is in the database (new or from an earlier import), 1 some rows were
rejected (the report on stdout lists line, field and reason), 2 the file cannot be read or the
database cannot be opened (one line on stderr; nothing was written).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import cast

from sqlalchemy.exc import SQLAlchemyError

from cloudroute_desk.cli.command_error import CommandError, open_or_fail
from cloudroute_desk.cli.terminal_progress import TerminalProgress
from cloudroute_desk.db.engine import DatabaseBusyError
from cloudroute_desk.db.server_link import ServerNotAnsweringError
from cloudroute_desk.domain.acting_admin import acting_admin
from cloudroute_desk.services.failures import STOPPED_CONNECTION_LOST, connection_lost
from cloudroute_desk.services.importing import FileFormat, ImportJob, IntakeFileError, RowKind

NAME = "import"
HELP = "Import inquiries (or partners) from a CSV or JSON file."
RECORDS_MODULE = "cloudroute_desk.cli.import_records"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a .csv or .json file")
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--partners", action="store_true", help="the file holds partners")
    what.add_argument("--records", action="store_true", help="the file holds ACE records")
    what.add_argument(
        "--partner-central",
        action="store_true",
        help="the file holds Partner Central outcomes (API response JSON or bulk-export CSV)",
    )
    parser.add_argument(
        "--format",
        choices=[f.value for f in FileFormat],
        help="file format (default: from the file name, else from its first character)",
    )
    parser.add_argument(
        "--admin", default=None, help="name written to the audit log (default: your login)"
    )


def run(args: argparse.Namespace) -> int:
    if args.partner_central:
        from cloudroute_desk.cli.import_partner_central import run_partner_central_import

        return run_partner_central_import(args)
    if args.records:
        if importlib.util.find_spec(RECORDS_MODULE) is None:
            raise CommandError("record import is not available in this build", 2)
        module = importlib.import_module(RECORDS_MODULE)
        return cast(int, module.run_records_import(args))
    kind = RowKind.PARTNER if args.partners else RowKind.INQUIRY
    file_format = FileFormat(args.format) if args.format else None
    try:
        job = ImportJob.open(
            args.file, kind, actor=acting_admin(args.admin), file_format=file_format
        )
    except IntakeFileError as error:
        raise CommandError(f"{args.file}: {error}", 2) from None
    database = open_or_fail(args.db)
    progress = TerminalProgress(f"Importing {args.file.name}")
    try:
        progress(0, job.total)
        while not job.finished:
            job.run_next_chunk(database)
            progress(job.done, job.total)
    except (SQLAlchemyError, OSError, ServerNotAnsweringError, DatabaseBusyError) as error:
        # Chunks stored so far stay (each is whole); say what they were, then why it stopped.
        sys.stdout.write(job.report().render_text())
        if connection_lost(error):
            raise CommandError(f"the import {STOPPED_CONNECTION_LOST}", 2) from None
        raise CommandError(f"the import stopped: {_one_line(error)}", 2) from None
    finally:
        database.dispose()
    report = job.report()
    sys.stdout.write(report.render_text())
    return 0 if report.complete else 1


def _one_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(error).__name__
