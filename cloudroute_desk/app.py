"""Start-up: parse arguments, set up logging and the event loop, open the database, build the
window. Headless commands (``cloudroute-desk demo|import|route|validate|export``) go to
``cloudroute_desk.cli`` before any Qt object exists.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from cloudroute_desk import __version__, cli
from cloudroute_desk.db.server_answer import ask_early
from cloudroute_desk.system_libraries import system_library_problem

log = logging.getLogger("cloudroute_desk")

SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1"}
"""Native thread pools the app has no use for. numpy's OpenBLAS starts one thread per core
when numpy loads, and each spins on its core for a while waiting for work: on a 2-core
machine that starved the GUI thread for 30-60 ms while start-up's later panes loaded (issue
17). Nothing here multiplies matrices (the routing arrays use element-wise numpy only)."""


def without_unused_thread_pools() -> None:
    """Before numpy can load; a value the user set is kept."""
    for name, value in SINGLE_THREADED.items():
        os.environ.setdefault(name, value)


def data_dir() -> Path:
    override = os.environ.get("CLOUDROUTE_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir("cloudroute-desk"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def window_size(text: str) -> tuple[int, int]:
    """``1280x720`` → (1280, 720); argparse turns the ValueError into a usage message."""
    width, separator, height = text.lower().partition("x")
    if not separator or not width.isdigit() or not height.isdigit():
        raise ValueError(text)
    size = (int(width), int(height))
    if not (320 <= size[0] <= 10_000 and 240 <= size[1] <= 10_000):
        raise ValueError(text)
    return size


def parse_gui_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cloudroute-desk",
        description="CloudRoute Desk. Commands: "
        + ", ".join(sorted(cli.COMMAND_NAMES))
        + " (see cloudroute-desk COMMAND --help).",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", metavar="PATH_OR_URL", help="SQLite file or postgresql:// URL")
    where.add_argument(
        "--demo",
        action="store_true",
        help="open the demo database (generated on first use in the user data folder)",
    )
    parser.add_argument(
        "--screenshot",
        metavar="PNG",
        type=Path,
        help="render the main window offscreen to PNG and exit",
    )
    parser.add_argument(
        "--window-size",
        metavar="WxH",
        type=window_size,
        help="open the window at this size, e.g. 1280x720 (the --screenshot size)",
    )
    parser.add_argument("--theme", choices=["system", "light", "dark"], help="colour theme")
    parser.add_argument("--admin", default=None, help="name written into the audit log")
    parser.add_argument("--version", action="version", version=f"cloudroute-desk {__version__}")
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    without_unused_thread_pools()
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if cli.is_command(argv):
        return cli.main(argv)
    args = parse_gui_args(argv)
    # First, before Qt and the database layer load: a silent server's wait then overlaps
    # the imports instead of following them (db/server_answer.py).
    server_answer = ask_early(args.db)
    log.setLevel(args.log_level.upper())
    if args.screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Before Qt loads its platform plugin, which aborts the process when a library is missing.
    problem = system_library_problem()
    if problem is not None:
        print(f"cloudroute-desk: {problem}", file=sys.stderr)
        return 2
    from cloudroute_desk.views.startup import run_gui

    return run_gui(args, data_dir(), server_answer)
