"""The demo's chunks, in order, made on a helper thread or by worker processes.

The generator is pure Python: at a million inquiries, making the rows is about 60 % of the
CPU time (``bench/demo_process_bench.py``). ``made_chunks`` with
``workers > 0`` starts that many worker processes (``demo/chunk_worker``); worker ``w`` makes
chunks ``w, w + W, w + 2W, ...`` and, for each, first sends its row counts, receives the ids
its rows start at (known once every earlier chunk's counts are), renumbers, converts the
rows to driver values and sends them. The loading process only unpickles and writes, on one
thread: a second thread of Python beside the driver's ``executemany`` would hand the GIL back
and forth once per row.

With ``workers == 0`` (the app's first-use demo, and always in a frozen app, where no
interpreter can be started) a helper thread makes the chunks while the database writes the
previous one; the command line's default is two workers (``cli/demo_cmd``).

The order of the chunks, and therefore the data, does not depend on the workers: a chunk is
the same wherever it is made (``demo/chunks``).
"""

from __future__ import annotations

import contextlib
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import IO, Any

from cloudroute_desk.demo.chunks import (
    ChunkMaker,
    ChunkPlan,
    Counts,
    MadeChunk,
    counts,
    finish,
    first_bases,
    following_bases,
    renumber,
)

WORKER_MODULE = "cloudroute_desk.demo.chunk_worker"


def made_chunks(plan: ChunkPlan, workers: int) -> Iterator[MadeChunk]:
    """The plan's chunks in order, ready to write. A frozen app has no interpreter to run
    ``-m`` with, so it always makes them on a thread."""
    workers = 0 if getattr(sys, "frozen", False) else min(workers, plan.chunks)
    if workers <= 0:
        return _on_a_thread(plan)
    return _in_processes(plan, workers)


class WorkerFailedError(RuntimeError):
    """A worker process stopped or reported an error."""


def _on_a_thread(plan: ChunkPlan, depth: int = 2) -> Iterator[MadeChunk]:
    """Chunks made on a helper thread up to ``depth`` ahead of the consumer (the driver
    releases the GIL while SQLite or PostgreSQL works)."""
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            maker = ChunkMaker(plan)
            bases = first_bases(plan)
            for index in range(plan.chunks):
                rows = maker.make(index)
                made = counts(rows)
                renumber(rows, bases)
                bases = following_bases(bases, made)
                if not put(("chunk", finish(plan, index, rows))):
                    return
            put(("end", None))
        except BaseException as error:  # handed to the consumer, which re-raises it
            put(("error", error))

    worker = threading.Thread(target=produce, name="demo-data-generator", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = handoff.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        worker.join()


class _Worker:
    """One worker process and its two pipes (pickles both ways)."""

    def __init__(self, plan: ChunkPlan, number: int, count: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", WORKER_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._to: IO[bytes] = self.process.stdin  # type: ignore[assignment]
        self._from: IO[bytes] = self.process.stdout  # type: ignore[assignment]
        self.send((plan, number, count))

    def send(self, value: object) -> None:
        try:
            pickle.dump(value, self._to, protocol=pickle.HIGHEST_PROTOCOL)
            self._to.flush()
        except (BrokenPipeError, OSError):
            raise WorkerFailedError(self._stopped()) from None

    def receive(self) -> Any:
        try:
            kind, value = pickle.load(self._from)
        except (EOFError, OSError, pickle.UnpicklingError):
            raise WorkerFailedError(self._stopped()) from None
        if kind == "error":
            raise WorkerFailedError(f"A demo worker process failed: {value}")
        return value

    def _stopped(self) -> str:
        code = self.process.wait()
        return f"A demo worker process stopped (exit code {code})."

    def close(self) -> None:
        for pipe in (self._to, self._from):
            with contextlib.suppress(OSError):
                pipe.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _in_processes(plan: ChunkPlan, count: int) -> Iterator[MadeChunk]:
    workers: list[_Worker] = []
    try:
        for number in range(count):
            workers.append(_Worker(plan, number, count))
        bases: Counts = first_bases(plan)
        for index in range(plan.chunks):
            # This chunk's counts, its ids back, then the chunk; nothing of a later chunk
            # first: that would wait for a worker still making it while this chunk's worker,
            # done, is stuck writing tens of MB into a full pipe, and the workers would take
            # turns instead of working side by side.
            worker = workers[index % count]
            made: Counts = worker.receive()
            worker.send(bases)
            bases = following_bases(bases, made)
            yield worker.receive()
    finally:
        for worker in workers:
            worker.close()
