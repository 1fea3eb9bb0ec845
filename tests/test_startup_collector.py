"""Start-up's later stage keeps Python's cyclic collector (and numpy's thread pool) off the
GUI thread's back: a full collection over the window's objects held the GIL for 40-80 ms, and
OpenBLAS's spinning threads took a core from it (issue 17: ≤ 50 ms after the window is
shown). The speed itself is shown by ``bench/startup_bench.py --stalls``; these tests pin
the behaviour."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from cloudroute_desk.views import startup
from cloudroute_desk.views.collector_pause import collector_paused
from cloudroute_desk.views.context import AppContext
from cloudroute_desk.views.main_window import MainWindow
from tests.qasync_loop import running_qasync_loop  # noqa: F401 (the fixture)


@pytest.fixture(autouse=True)
def _collector_as_before() -> Iterator[None]:
    """The suite's own objects go back to the collector's care after each test."""
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()


class _Made:
    """A cycle-capable object, to see which generation holds it."""


def test_inside_the_pause_nothing_is_collected_and_after_it_the_stage_is_frozen() -> None:
    gc.unfreeze()
    before = _Made()
    with collector_paused():
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0  # what existed was moved out of the collector's walk
        made_inside = _Made()
    assert gc.isenabled()
    tracked = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
    assert id(made_inside) not in tracked and id(before) not in tracked


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


@pytest.mark.usefixtures("running_qasync_loop")
def test_start_ups_later_panes_are_built_with_the_collector_paused(
    qtbot, app_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(app_context, panes_after_first_paint=True)
    qtbot.addWidget(window)  # not shown: no first rows to wait for
    seen: list[tuple[bool, int]] = []

    async def build() -> None:
        seen.append((gc.isenabled(), gc.get_freeze_count()))

    monkeypatch.setattr(window, "build_panes_later", build)
    gc.unfreeze()
    first_rows = startup.FirstRowsPaint(
        window.queue.table.viewport(), window.queue.model.first_rows_loaded
    )
    task = asyncio.ensure_future(startup._later_panes(window, first_rows))
    qtbot.waitUntil(task.done, timeout=10_000)
    task.result()
    assert seen and seen[0][0] is False and seen[0][1] > 0
    assert gc.isenabled()


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
