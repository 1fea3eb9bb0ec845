"""``cloudroute-desk import --records FILE --db URL``: ACE records kept elsewhere, as drafts.

Wired into the shared ``import`` command (``import_cmd``), which calls ``run_records_import``.
Exit codes as for the other imports: 0 every row is in the database (new or from an earlier
import), 1 some rows were rejected (item, field and reason on stdout), 2 the file cannot be
read or the database cannot be opened (nothing was written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cloudroute_desk.cli.ace_output import safe_text
from cloudroute_desk.cli.command_error import CommandError, open_or_fail
from cloudroute_desk.domain.acting_admin import acting_admin
from cloudroute_desk.services.ace_import import RecordFileError, import_records


def run_records_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if getattr(args, "format", None) not in (None, "json"):
        raise CommandError("ACE records are imported from JSON only.", 2)
    database = open_or_fail(args.db)
    try:
        report = import_records(database, path, actor=acting_admin(getattr(args, "admin", None)))
    except RecordFileError as error:
        raise CommandError(str(error), 2) from None
    finally:
        database.dispose()
    for line in report.render_text().splitlines():
        sys.stdout.write(safe_text(line) + "\n")
    return 0 if report.complete else 1
