"""Coroutines started from slots advance in tests exactly as in the app."""

from __future__ import annotations

import asyncio

from cloudroute_desk.views.tasks import spawn


def test_spawned_coroutine_runs_off_thread_work(qtbot, executor) -> None:
    results: list[str] = []

    async def job() -> None:
        await asyncio.sleep(0.01)
        results.append(await executor.run(lambda database: database.backend))

    spawn(job())
    qtbot.waitUntil(lambda: len(results) == 1, timeout=5000)
    assert results[0] in ("sqlite", "postgresql")
