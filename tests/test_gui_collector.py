"""Garbage is collected on the GUI thread only: a collection on a DB worker or loader thread
would delete whatever parentless widgets its cycles hold off the GUI thread."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QWidget

from cloudroute_desk.views.gui_collector import GuiThreadCollector, collect_if_due


class _Cycle:
    """A widget kept alive only by a reference cycle, as a closed pane's wrapper can be."""

    def __init__(self) -> None:
        self.widget = QWidget()
        self.me = self


def _cycle_destroyed_on() -> tuple[weakref.ref[_Cycle], list[str]]:
    cycle = _Cycle()
    threads: list[str] = []
    cycle.widget.destroyed.connect(lambda: threads.append(threading.current_thread().name))
    return weakref.ref(cycle), threads


def test_a_worker_thread_that_allocates_past_every_threshold_collects_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    collector = GuiThreadCollector()
    try:
        dead, threads = _cycle_destroyed_on()
        assert dead() is not None

        kept: list[list[int]] = []

        def allocate() -> None:
            # Far past the thresholds of all three generations of the automatic collector,
            # which counts the objects allocated and not yet freed.
            kept.extend([] for _ in range(200_000))

        worker = threading.Thread(target=allocate, name="db-like worker")
        worker.start()
        worker.join()
        assert dead() is not None and threads == []
        # The GUI thread's timer collects it, on the GUI thread.
        qtbot.waitUntil(lambda: dead() is None, timeout=5_000)
        assert threads == [threading.current_thread().name]
        kept.clear()
    finally:
        collector.stop()


def test_collect_if_due_runs_the_oldest_generation_over_its_threshold() -> None:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        assert collect_if_due() is None
        kept: list[list[int]] = [[] for _ in range(gc.get_threshold()[0] + 1)]
        assert collect_if_due() == 0
        assert gc.get_count()[1] >= 1
        kept.clear()
    finally:
        if was_enabled:
            gc.enable()


def test_stop_gives_the_automatic_collector_back(qapp) -> None:  # type: ignore[no-untyped-def]
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        collector = GuiThreadCollector()
        assert not gc.isenabled()
        collector.stop()
        assert gc.isenabled()
    finally:
        if not was_enabled:
            gc.disable()


def test_start_up_collects_nothing_then_freezes_what_it_left_and_collects(qtbot) -> None:  # type: ignore[no-untyped-def]
    collector = GuiThreadCollector(starting_up=True)
    try:
        assert collector.starting_up and not gc.isenabled()
        frozen_before = gc.get_freeze_count()
        left_by_start_up = weakref.ref(_Cycle())
        collector.start_up_done()
        # What start-up left is frozen, not walked again: not even its garbage is collected.
        assert not collector.starting_up
        assert gc.get_freeze_count() > frozen_before
        gc.collect()
        assert left_by_start_up() is not None
        # What comes after is collected as usual, by the timer, on this thread.
        dead, threads = _cycle_destroyed_on()
        # Far past the young generation's threshold: the count also goes down as frozen
        # objects are freed meanwhile.
        kept: list[list[int]] = [[] for _ in range(100_000)]
        qtbot.waitUntil(lambda: dead() is None, timeout=5_000)
        assert threads == [threading.current_thread().name]
        kept.clear()
        collector.start_up_done()  # once only
    finally:
        collector.stop()
        gc.unfreeze()
