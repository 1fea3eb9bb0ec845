"""A demo worker process: ``python -m cloudroute_desk.demo.chunk_worker`` (``chunk_source``).

Reads ``(plan, number, workers)`` from stdin, then for each of its chunks sends
``("counts", ...)``, reads the ids the chunk starts at and sends ``("chunk", MadeChunk)``;
an error goes back as ``("error", text)``. Standard output carries only these pickles (anything
printed goes to standard error), and the end of standard input (the loading process gone
or done) ends the worker.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import sys
import traceback
from typing import IO, Any

from cloudroute_desk.demo.chunks import ChunkMaker, ChunkPlan, counts, finish, renumber


def _send(out: IO[bytes], kind: str, value: Any) -> None:
    pickle.dump((kind, value), out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


def run(source: IO[bytes], out: IO[bytes]) -> None:
    plan: ChunkPlan
    plan, number, workers = pickle.load(source)
    maker = ChunkMaker(plan)
    for index in range(number, plan.chunks, workers):
        rows = maker.make(index)
        _send(out, "counts", counts(rows))
        renumber(rows, pickle.load(source))
        _send(out, "chunk", finish(plan, index, rows))


def main() -> int:
    # A chunk is about a million dicts and strings with no reference cycles: the cyclic
    # collector would walk them again and again (an eighth of a chunk's time) for nothing.
    gc.disable()
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr
    try:
        run(sys.stdin.buffer, out)
    except (EOFError, BrokenPipeError):
        return 0  # the loading process stopped early (cancelled or failed)
    except BaseException:
        with contextlib.suppress(OSError):
            _send(out, "error", traceback.format_exc(limit=5))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
