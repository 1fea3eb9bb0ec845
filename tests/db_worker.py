"""Waiting for the DB worker (and the reads beside it) instead of for a fixed time.

``settle`` returns once every job submitted so far has run and its result has been handed
to the GUI thread, including jobs those results started: then "nothing happened" is a fact,
not a guess about how loaded the machine is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from cloudroute_desk.db.engine import Database
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.services.executor import DbExecutor

ROUNDS = 50


def settle(qtbot: QtBot, executor: DbExecutor, timeout_ms: int = 10_000) -> None:
    # The worker runs jobs in order and results reach the GUI thread in order, so once a
    # no-op submitted now is answered, everything submitted before it has been answered.
    # Reads beside the worker (PostgreSQL) keep no such order: the executor has to be idle
    # (those done, their results posted) before the no-op goes in.
    jobs = DbJobs(executor)
    answered: list[int] = []

    def no_op(number: int) -> Callable[[Database], int]:
        return lambda _database: number

    try:
        for number in range(ROUNDS):
            qtbot.waitUntil(lambda: executor.idle, timeout=timeout_ms)
            before = executor.submitted
            jobs.run(no_op(number), on_done=answered.append)
            qtbot.waitUntil(lambda: number in answered, timeout=timeout_ms)  # noqa: B023
            if executor.submitted == before + 1:
                return  # no result started another job meanwhile
        raise AssertionError(f"the DB worker was still busy after {ROUNDS} rounds")
    finally:
        jobs.deleteLater()


def hold_calls(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> threading.Event:
    """Until the returned event is set (or 10 s pass), every call of ``owner.name`` waits on
    the DB worker before it runs: a read made slow on purpose, to watch what the GUI does
    meanwhile."""
    release = threading.Event()
    real = getattr(owner, name)

    def held(*args: Any, **kwargs: Any) -> Any:
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, held)
    return release
