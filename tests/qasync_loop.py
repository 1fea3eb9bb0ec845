"""The app's asyncio-on-Qt loop for tests of start-up coroutines (the app runs them inside
qasync's loop): marked running, so they advance whenever Qt processes events
(``qtbot.waitUntil``, ``qtbot.waitSignal``), as they do in the app."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import qasync


@pytest.fixture
def running_qasync_loop(qapp: object) -> Iterator[asyncio.AbstractEventLoop]:
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    asyncio.events._set_running_loop(loop)
    yield loop
    asyncio.events._set_running_loop(None)
    loop.close()  # also stops the loop's worker threads (run_in_executor)
    asyncio.set_event_loop(None)
