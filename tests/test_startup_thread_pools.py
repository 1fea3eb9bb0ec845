"""numpy's thread pool stays off the GUI thread's back during start-up: OpenBLAS's spinning
threads took a core from it while numpy loaded (issue 17: ≤ 50 ms after the window is
shown). The speed itself is shown by ``bench/startup_bench.py --stalls``; this test pins
the behaviour."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _native_threads_after_numpy(environment: dict[str, str]) -> int:
    script = (
        "import os\n"
        "from cloudroute_desk import app\n"
        "try:\n"
        "    app.main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "import numpy\n"
        "print('threads', len(os.listdir('/proc/self/task')), os.environ['OPENBLAS_NUM_THREADS'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    _marker, threads, value = result.stdout.splitlines()[-1].split()
    assert value == "1"
    return int(threads)


@pytest.mark.skipif(
    not os.path.isdir("/proc/self/task") or (os.cpu_count() or 1) < 2,
    reason="counts native threads through /proc, and OpenBLAS starts none on one core",
)
def test_the_app_loads_numpy_without_blas_threads_and_keeps_a_users_setting() -> None:
    environment = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert _native_threads_after_numpy(environment) == 1  # the main thread alone
    script = (
        "import os\nfrom cloudroute_desk import app\napp.without_unused_thread_pools()\n"
        "print(os.environ['OPENBLAS_NUM_THREADS'])\n"
    )
    chosen = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**environment, "OPENBLAS_NUM_THREADS": "4"},
    )
    assert chosen.stdout.strip() == "4"
