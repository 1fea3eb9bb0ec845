"""Python's cyclic garbage collector kept out of start-up's later stage.

A full collection walks every object the collector tracks in one C call that holds the GIL
throughout. Once the window's first modules are loaded that is about 140,000 objects
(modules, classes, functions, SQLAlchemy's and pydantic's schemas), 40-80 ms here; while the
later panes' modules import on a pool thread they allocate enough to start one or two, and
the GUI thread waits for each (issue 17: no stall over 50 ms after the window is shown).
Almost all of those objects live as long as the process, so there is nothing to gain from
walking them: ``collector_paused`` moves what exists into the collector's permanent
generation (``gc.freeze``, which walks nothing), switches automatic collection off for the
stage, and at its end freezes what the stage built (the later modules and panes) and switches
collection back on. Later collections then walk only objects made after start-up.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside; what existed before and what was made inside are
    never walked again (garbage cycles among them are kept, not freed)."""
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
