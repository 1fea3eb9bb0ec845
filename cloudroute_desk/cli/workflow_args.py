"""Arguments the workflow commands (assign, reroute, record) share."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from cloudroute_desk.domain.acting_admin import acting_admin


def add_db_and_admin(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    parser.add_argument(
        "--admin", default=None, help="who does it, for the audit log (default: your login)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def admin_of(args: argparse.Namespace) -> str:
    return acting_admin(args.admin)


def utc_time(text: str) -> datetime:
    """An ISO 8601 date or time, as naive UTC (how the database stores times)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 date or time (e.g. 2026-03-14T09:30)"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
