"""Whole-process demo generation: ``cloudroute-desk demo`` into a new SQLite file, timed.

Run: ``python bench/demo_process_bench.py [--inquiries 1000000] [--partners 2000] [--runs 1]
[--folder /work/big] [--yardstick DIR] [--workers N]``

Each run starts ``python -m cloudroute_desk demo --db FOLDER/demo-bench-N.sqlite`` as its own
process (interpreter start, imports, migrations, generation, indexes, routing index: what
an admin waits for) and reports wall time, the CPU time of the process and its worker
processes (``RUSAGE_CHILDREN``), the file size and the load average before and after (the
machine may be shared: CPU time is the steadier figure). ``--yardstick DIR`` alternates each
run with the same command on another checkout's code (``PYTHONPATH=DIR``, e.g. main before a
change), so both are measured under the same load. The file is deleted after each run.
Prints one line per run and a median line per code.

The defaults are the issue's target (1,000,000 inquiries in 120 s); ``--inquiries 20000
--partners 400 --runs 5`` is the first-use ``--demo``'s size.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

LINE = (
    "{label:9} run {run}: {inquiries:,} inquiries in {wall:.1f} s wall, {cpu:.1f} s CPU "
    "({ratio:.2f} cores), {size:,.0f} MB, load {before:.1f} -> {after:.1f}"
)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".partial", ".partial-wal", ".partial-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.with_name(f"{path.stem}-partner-central.json").unlink(missing_ok=True)


def _run(code: str | None, path: Path, args: argparse.Namespace) -> tuple[float, float, float]:
    _remove(path)
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = code
    command = [
        sys.executable, "-m", "cloudroute_desk", "demo", "--db", str(path),
        "--inquiries", str(args.inquiries), "--partners", str(args.partners),
        "--seed", str(args.seed),
    ]  # fmt: skip
    if args.workers is not None and code is None:
        command += ["--workers", str(args.workers)]
    cpu = _children_cpu()
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    cpu = _children_cpu() - cpu
    size = path.stat().st_size / 1e6
    _remove(path)
    return wall, cpu, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inquiries", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--folder", type=Path, default=Path("/tmp"))
    parser.add_argument("--yardstick", help="another checkout's folder, run alternately")
    parser.add_argument("--workers", type=int, help="passed on to this code's command")
    args = parser.parse_args()
    codes: list[tuple[str, str | None]] = [("this", None)]
    if args.yardstick:
        codes.append(("yardstick", args.yardstick))
    results: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in codes}
    for run in range(1, args.runs + 1):
        for label, code in codes:
            path = args.folder / f"demo-bench-{os.getpid()}-{label}.sqlite"
            before = os.getloadavg()[0]
            wall, cpu, size = _run(code, path, args)
            after = os.getloadavg()[0]
            results[label].append((wall, cpu))
            print(
                LINE.format(
                    label=label, run=run, inquiries=args.inquiries, wall=wall, cpu=cpu,
                    ratio=cpu / wall, size=size, before=before, after=after,
                ),
                flush=True,
            )  # fmt: skip
    for label, measured in results.items():
        walls = [wall for wall, _ in measured]
        cpus = [cpu for _, cpu in measured]
        print(
            f"{label:9} median: {statistics.median(walls):.1f} s wall, "
            f"{statistics.median(cpus):.1f} s CPU over {len(measured)} runs "
            f"({args.inquiries:,} inquiries)"
        )


if __name__ == "__main__":
    main()
