"""The command line dispatcher knows its commands without importing them."""

from __future__ import annotations

import subprocess
import sys

from cloudroute_desk import cli


def test_the_command_names_are_the_modules_names() -> None:
    assert tuple(cli.commands()) == cli.COMMAND_NAMES


def test_a_gui_start_imports_no_command_module() -> None:
    script = (
        "import sys\n"
        "from cloudroute_desk import app\n"
        "assert not app.cli.is_command(['--demo']) and app.cli.is_command(['route'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('cloudroute_desk.cli.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    # Not even the failure type (it imports the database layer): a GUI start asks its server
    # whether it answers before that loads (db/server_answer.py).
    assert result.stdout.strip() == "[]"
