"""``cloudroute-desk demo``: fill a new database with realistic, deterministic demo data."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from cloudroute_desk.cli.command_error import CommandError, open_or_fail
from cloudroute_desk.cli.terminal_progress import TerminalProgress
from cloudroute_desk.demo.generator import generate_demo
from cloudroute_desk.demo.partner_central_file import file_text

NAME = "demo"
HELP = "Fill an empty database with demo partners, inquiries, assignments and ACE records."

SQLITE_HEADER = b"SQLite format 3\x00"
PARTNER_CENTRAL_SUFFIX = "partner-central.json"
DEFAULT_WORKERS = 2 if (os.cpu_count() or 1) >= 2 else 0
"""Two worker processes make the chunks while this one writes: 100,000 inquiries in 25 s
instead of 40 s with a thread on a 2-core machine. More would wait on the one writer."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    parser.add_argument("--inquiries", type=int, default=20_000, help="default: 20000")
    parser.add_argument("--partners", type=int, default=400, help="default: 400")
    parser.add_argument("--seed", type=int, default=7, help="same seed, same data (default: 7)")
    parser.add_argument(
        "--partner-central",
        metavar="FILE",
        type=Path,
        help="where to write Partner Central's answers about part of the records, to try with "
        "File > Import from Partner Central (default: NAME-partner-central.json beside a "
        "SQLite file; for PostgreSQL only when given)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help="worker processes that make the inquiries while this one writes (default: 2 on "
        "a machine with two cores or more, else 0: a thread of this one)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="delete an existing SQLite file first (never touches a PostgreSQL database)",
    )


def _sqlite_path(target: str) -> Path | None:
    if "://" in target:
        return None
    return Path(target).expanduser().resolve()


def _partner_central_path(args: argparse.Namespace, sqlite: Path | None) -> Path | None:
    """The file to write; None for a server database without ``--partner-central`` (there
    is no "beside" a server, and the current folder is nobody's choice)."""
    if args.partner_central is not None:
        return Path(args.partner_central).expanduser()
    if sqlite is not None:
        return sqlite.with_name(f"{sqlite.stem}-{PARTNER_CENTRAL_SUFFIX}")
    return None


def _write_partner_central(path: Path, pages: list[dict[str, Any]]) -> None:
    """Whole or not at all: written beside, then renamed over any older file."""
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(file_text(pages), encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CommandError(
            f"The demo data is written, but not Partner Central's file {path}: {error}"
        ) from None


def _remove_sqlite_file(path: Path) -> None:
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise CommandError(f"{path} is not a SQLite database; --force deletes only those.")
    _remove_with_journals(path)


def _remove_with_journals(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _partial(path: Path) -> Path:
    """Where a new SQLite demo is built: renamed to ``path`` only when complete, so a
    failed or interrupted run leaves no half-built database (and none written without a
    journal, see ``bulk.bulk_loader``'s ``scratch``)."""
    return path.with_name(path.name + ".partial")


def run(args: argparse.Namespace) -> int:
    if args.inquiries < 0 or args.partners < 0 or args.workers < 0:
        raise CommandError("--inquiries, --partners and --workers cannot be negative.")
    path = _sqlite_path(args.db)
    if args.force:
        if path is None:
            raise CommandError("--force deletes SQLite files only; empty PostgreSQL yourself.")
        if path.exists():
            _remove_sqlite_file(path)
    building = _partial(path) if path is not None and not path.exists() else None
    if building is not None:
        _remove_with_journals(building)  # a leftover of an interrupted run
    database = open_or_fail(str(building) if building is not None else args.db)
    complete = False
    try:
        summary = generate_demo(
            database,
            inquiries=args.inquiries,
            partners=args.partners,
            seed=args.seed,
            progress=TerminalProgress("Generating inquiries"),
            scratch=building is not None,
            workers=args.workers,
        )
        if building is not None:
            with database.engine.connect() as connection:
                # Everything into the main file, so the rename moves the whole database.
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        complete = True
    except ValueError as error:
        hint = " Use --force to replace the file." if path is not None else ""
        raise CommandError(f"{error}{hint}") from None
    finally:
        database.dispose()
        if building is not None and not complete:
            _remove_with_journals(building)
    if building is not None and path is not None:
        building.replace(path)
        Path(f"{building}-wal").unlink(missing_ok=True)
        Path(f"{building}-shm").unlink(missing_ok=True)
    size = ""
    if path is not None:
        size = f", {os.path.getsize(path) / 1e6:,.1f} MB"
    print(
        f"Wrote {summary.partners:,} partners, {summary.inquiries:,} inquiries, "
        f"{summary.assignments:,} assignments and {summary.records:,} ACE records "
        f"in {summary.seconds:.1f} s to {path or database.display_name}{size}."
    )
    pages = summary.partner_central_pages
    answers = _partner_central_path(args, path)
    if pages and answers is None:
        print("Add --partner-central FILE to also write Partner Central's answers.")
    elif pages and answers is not None:
        _write_partner_central(answers, pages)
        reviews = sum(len(page["OpportunitySummaries"]) for page in pages)
        print(
            f"Wrote Partner Central's answers on {reviews:,} opportunities to {answers} "
            "(File > Import from Partner Central...)."
        )
    return 0
