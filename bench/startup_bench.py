"""Whole-process start-up time of the real app, side by side with a trivial PySide6 window.

Run: ``python bench/startup_bench.py DB [DB ...] [--runs 5]``

Each run starts a fresh ``python -m cloudroute_desk --db DB --screenshot PNG`` (offscreen, a
fresh empty data folder, so no saved layout) and reads the milestones the app logs on
``cloudroute_desk.startup`` (see ``views/startup_milestones.py``), each stamped with the
wall-clock time it happened:
- *window*: ``window.show()`` returned;
- *rows*: the queue's viewport painted after its first rows arrived;
- *quiet*: the screenshot run selects the first inquiry, and every pane has loaded it (detail,
  partner ranking, ACE records) and gone idle, with the charts.
The floor is ``bench/startup_floor.py``: an empty QMainWindow painted once, then exit. Runs of
the app and the floor alternate, so both see the same machine load. Prints each run and the
medians, in seconds from process start, and the CPU seconds the process had used when its
rows were painted (``cpu@rows``; the floor's at its paint): on a shared, busy machine the wall
times stretch with the load while the CPU times barely move.

``--stalls`` runs the app through ``bench/startup_heartbeat.py`` instead: each run also prints
the longest GUI-thread gap of a 5 ms heartbeat between the first rows painted and the panes
quiet, the later-build step it fell in, and each step's GUI-thread time; the medians add the
longest gap (yardstick: 50 ms, issue 17) and each step's median, with the 1-minute load average.
Beside each gap: ``cpu GUI/PROCESS ms``, the CPU time the GUI thread and the whole process
used inside it (a gap with little CPU is the machine's load, not the app's work); ``during gc``
names a gap that a full garbage collection filled.

``--use`` (with ``--stalls``) goes on after the panes are quiet, as an admin would: the first
open of the Charts workspace (until its charts are drawn), then five inquiry selections one
after another; each run prints the longest gap of each, and the medians add them.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MILESTONE = re.compile(
    r"(window shown|queue painted with rows|panes quiet|floor painted)"
    r" at=([\d.]+)(?: cpu=([\d.]+))?"
)
COLUMNS = {"window shown": "window", "queue painted with rows": "rows", "panes quiet": "quiet"}
STALLS = re.compile(r"stalls longest=([\d.]+) cpu=(\S+) during=(\S+) steps=(\S*)")
USE = re.compile(r"use charts=([\d.]+) cpu=(\S+) selections=(\S+) cpus=(\S+)")
STALL_YARDSTICK_MS = 50.0
RUN_TIMEOUT_S = 120.0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (Linux), for builds that do not log ``cpu=``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(
    command: list[str],
    wanted: str,
    data_dir: Path,
    stalls: list[str] | None = None,
    use: bool = False,
) -> tuple[dict[str, float], dict[str, float]]:
    """Start ``command``; once ``wanted`` is logged return {milestone: seconds since start}
    and {milestone: CPU seconds used by then}. The heartbeat's lines, if any, go to
    ``stalls``; with ``use`` the run ends at the heartbeat's ``use`` line instead."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CLOUDROUTE_DATA_DIR=str(data_dir))
    if use:
        env["STARTUP_HEARTBEAT_USE"] = "1"
    started = time.time()
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env
    )
    seen: dict[str, float] = {}
    cpu: dict[str, float] = {}
    assert process.stderr is not None
    try:
        deadline = started + RUN_TIMEOUT_S
        for line in process.stderr:
            if stalls is not None and (STALLS.search(line) or USE.search(line)):
                stalls.append(line)
                if use and USE.search(line):
                    break
            match = MILESTONE.search(line)
            if match:
                seen[match[1]] = float(match[2]) - started
                cpu[match[1]] = float(match[3]) if match[3] else _cpu_seconds(process.pid)
                if match[1] == wanted and not use:
                    break
            if time.time() > deadline:
                break
    finally:
        process.terminate()
        process.wait(timeout=30)
    if wanted not in seen:
        raise SystemExit(f"{' '.join(command)}: no {wanted!r} within {RUN_TIMEOUT_S:.0f} s")
    return seen, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stalls", action="store_true", help="also the longest GUI-thread gap")
    parser.add_argument(
        "--use", action="store_true", help="with --stalls: then the charts and 5 selections"
    )
    args = parser.parse_args()
    if args.use and not args.stalls:
        parser.error("--use needs --stalls")
    floor_cmd = [sys.executable, str(HERE / "startup_floor.py")]
    app_start = [str(HERE / "startup_heartbeat.py")] if args.stalls else ["-m", "cloudroute_desk"]
    for database in args.databases:
        app_cmd = [sys.executable, *app_start, "--db", str(database)]
        app_cmd += ["--log-level", "DEBUG", "--screenshot"]
        floors: list[float] = []
        floor_cpus: list[float] = []
        row_cpus: list[float] = []
        app_runs: dict[str, list[float]] = {column: [] for column in COLUMNS.values()}
        gaps: list[float] = []
        use_gaps: dict[str, list[float]] = {"charts": [], "selections": []}
        step_times: dict[str, list[float]] = {}
        loads: list[float] = []
        print(f"{database} ({database.stat().st_size / 1e6:,.0f} MB)")
        for run in range(1, args.runs + 1):
            with tempfile.TemporaryDirectory(prefix="crd-startup-") as folder:
                floor_seen, floor_cpu = _timed(floor_cmd, "floor painted", Path(folder))
            with tempfile.TemporaryDirectory(prefix="crd-startup-") as folder:
                shot = str(Path(folder) / "window.png")
                loads.append(os.getloadavg()[0])
                stalls: list[str] = []
                seen, cpu = _timed(
                    [*app_cmd, shot], "panes quiet", Path(folder), stalls, use=args.use
                )
            floors.append(floor_seen["floor painted"])
            floor_cpus.append(floor_cpu["floor painted"])
            row_cpus.append(cpu["queue painted with rows"])
            for name, column in COLUMNS.items():
                app_runs[column].append(seen[name])
            cells = "  ".join(f"{column} {seen[name]:.2f}" for name, column in COLUMNS.items())
            print(
                f"  run {run}: floor {floors[-1]:.2f}  {cells}  "
                f"(cpu: floor {floor_cpus[-1]:.2f}, @rows {row_cpus[-1]:.2f})",
                flush=True,
            )
            if args.stalls:
                gaps.append(_print_stalls(stalls, step_times, loads[-1]))
            if args.use:
                _print_use(stalls, use_gaps)
        medians = "  ".join(
            f"{column} {statistics.median(values):.2f} s" for column, values in app_runs.items()
        )
        print(
            f"  median: floor {statistics.median(floors):.2f} s  {medians}  "
            f"(cpu: floor {statistics.median(floor_cpus):.2f} s, "
            f"@rows {statistics.median(row_cpus):.2f} s)"
        )
        if args.stalls:
            steps = "  ".join(
                f"{name} {statistics.median(times):.1f}" for name, times in step_times.items()
            )
            print(
                f"  median: longest GUI gap {statistics.median(gaps):.1f} ms "
                f"(yardstick {STALL_YARDSTICK_MS:.0f} ms)  steps (ms): {steps}  "
                f"load {min(loads):.1f}-{max(loads):.1f}"
            )
        if args.use:
            print(
                f"  median: first charts open longest gap "
                f"{statistics.median(use_gaps['charts']):.1f} ms, selections' longest gap "
                f"{statistics.median(use_gaps['selections']):.1f} ms (worst "
                f"{max(use_gaps['selections']):.1f}; yardstick {STALL_YARDSTICK_MS:.0f} ms)"
            )
    return 0


def _print_stalls(lines: list[str], step_times: dict[str, list[float]], load: float) -> float:
    """Print one run's heartbeat line; add its steps' times to ``step_times``; its gap."""
    found = [match for line in lines if (match := STALLS.search(line))]
    if not found:
        raise SystemExit("no heartbeat line: was the run started through startup_heartbeat.py?")
    match = found[-1]
    for entry in filter(None, match[4].split(",")):
        name, ms = entry.rsplit(":", 1)
        step_times.setdefault(name, []).append(float(ms))
    gap = f"longest GUI gap {match[1]} ms (cpu {match[2]} ms) during {match[3]}"
    print(f"    {gap}; steps (ms) {match[4]}; load {load:.1f}")
    return float(match[1])


def _print_use(lines: list[str], use_gaps: dict[str, list[float]]) -> None:
    """Print one ``--use`` run's gaps (charts' first open, each selection); keep them."""
    found = [match for line in lines if (match := USE.search(line))]
    if not found:
        raise SystemExit("no 'use' line from the heartbeat")
    match = found[-1]
    selections = [float(ms) for ms in match[3].split(",")]
    use_gaps["charts"].append(float(match[1]))
    use_gaps["selections"].append(max(selections))
    print(
        f"    first charts open: longest gap {match[1]} ms (cpu {match[2]} ms); selections: "
        f"{match[3].replace(',', ' / ')} ms (cpu {match[4].replace(',', ' ')} ms)"
    )


if __name__ == "__main__":
    sys.exit(main())
