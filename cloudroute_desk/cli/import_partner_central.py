"""``cloudroute-desk import FILE --db URL --partner-central``: outcomes from Partner Central.

FILE is Partner Central's own JSON (GetOpportunity or GetAwsOpportunitySummary responses,
ListOpportunities pages; one, an array, or JSON Lines) or a bulk-export CSV; see
``domain/ace/partner_central_snapshot``. Each snapshot is applied by
``services/partner_central_import.apply_snapshots`` and gets one line on stdout (applied,
noted, older, unmatched, refused; the unchanged are only counted), then a summary line.

Exit codes: 0 every snapshot matched and was applied or already known, 1 some entries were
malformed, unmatched or refused (each listed), 2 the file cannot be read or is no Partner
Central file, or the database cannot be opened (one line on stderr; nothing was written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from cloudroute_desk.cli.ace_output import safe_text
from cloudroute_desk.cli.command_error import CommandError, open_or_fail
from cloudroute_desk.db.engine import DatabaseBusyError
from cloudroute_desk.db.server_link import ServerNotAnsweringError
from cloudroute_desk.domain.ace.partner_central_snapshot import (
    PartnerCentralFileError,
    parse_partner_central_file,
)
from cloudroute_desk.domain.acting_admin import acting_admin
from cloudroute_desk.services.failures import STOPPED_CONNECTION_LOST, connection_lost
from cloudroute_desk.services.partner_central_import import apply_snapshots


def run_partner_central_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if getattr(args, "format", None) not in (None, "json", "csv"):
        raise CommandError("Partner Central files are JSON or CSV.", 2)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror or error}", 2) from None
    try:
        parsed = parse_partner_central_file(data)
    except PartnerCentralFileError as error:
        raise CommandError(f"{path}: {error}", 2) from None
    database = open_or_fail(args.db)
    try:
        report = apply_snapshots(
            database,
            parsed.snapshots,
            source=path.name,
            admin=acting_admin(getattr(args, "admin", None)),
        )
    except (SQLAlchemyError, OSError, ServerNotAnsweringError, DatabaseBusyError) as error:
        if connection_lost(error):
            raise CommandError(f"the import {STOPPED_CONNECTION_LOST}", 2) from None
        raise CommandError(f"the import stopped: {error}", 2) from None
    finally:
        database.dispose()
    out = sys.stdout
    for problem in parsed.problems:
        out.write(safe_text(f"{problem.where} — malformed: {problem.message}") + "\n")
    for line in report.lines():
        out.write(safe_text(line) + "\n")
    malformed = f", {len(parsed.problems):,} malformed" if parsed.problems else ""
    out.write(safe_text(f"{path.name}: {report.summary()}{malformed}") + "\n")
    return 0 if report.clean and not parsed.problems else 1
