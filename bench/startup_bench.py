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
STALLS = re.compile(r"stalls longest=([\d.]+) during=(\S+) steps=(\S*)")
STALL_YARDSTICK_MS = 50.0
RUN_TIMEOUT_S = 120.0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (Linux), for builds that do not log ``cpu=``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(
    command: list[str], wanted: str, data_dir: Path, stalls: list[str] | None = None
) -> tuple[dict[str, float], dict[str, float]]:
    """Start ``command``; once ``wanted`` is logged return {milestone: seconds since start}
    and {milestone: CPU seconds used by then}. The heartbeat's line, if any, goes to
    ``stalls``."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CLOUDROUTE_DATA_DIR=str(data_dir))
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
            if stalls is not None and STALLS.search(line):
                stalls.append(line)
            match = MILESTONE.search(line)
            if match:
                seen[match[1]] = float(match[2]) - started
                cpu[match[1]] = float(match[3]) if match[3] else _cpu_seconds(process.pid)
                if match[1] == wanted:
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
    args = parser.parse_args()
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
                seen, cpu = _timed([*app_cmd, shot], "panes quiet", Path(folder), stalls)
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
    return 0


def _print_stalls(lines: list[str], step_times: dict[str, list[float]], load: float) -> float:
    """Print one run's heartbeat line; add its steps' times to ``step_times``; its gap."""
    match = STALLS.search(lines[-1]) if lines else None
    if match is None:
        raise SystemExit("no heartbeat line: was the run started through startup_heartbeat.py?")
    for entry in filter(None, match[3].split(",")):
        name, ms = entry.rsplit(":", 1)
        step_times.setdefault(name, []).append(float(ms))
    gap = f"longest GUI gap {match[1]} ms during {match[2]}"
    print(f"    {gap}; steps (ms) {match[3]}; load {load:.1f}")
    return float(match[1])


if __name__ == "__main__":
    sys.exit(main())
