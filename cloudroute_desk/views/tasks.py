"""Starting coroutines from Qt slots without losing them or their exceptions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)
_running: set[asyncio.Task[Any]] = set()


def spawn(coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    """Run ``coroutine`` on the qasync loop; keep a reference and log what it raises."""
    task = asyncio.ensure_future(coroutine)
    _running.add(task)
    task.add_done_callback(_finished)
    return task


def _finished(task: asyncio.Task[Any]) -> None:
    _running.discard(task)
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.error("Background task failed", exc_info=error)
        loop = task.get_loop()
        handler = loop.get_exception_handler()
        if handler is not None:
            handler(loop, {"message": "Background task failed", "exception": error})


def running_tasks() -> int:
    return len(_running)
