"""The collector is tuned for the length of a run and put back as it was afterwards (issue 16)."""

from __future__ import annotations

import gc

import pytest
from conftest import scenario

from sim.engine import longrun
from sim.engine.exercise import Exercise
from sim.engine.longrun import GEN0, frozen_while, tuned_gc


@pytest.fixture
def thawed(monkeypatch):
    """A process whose heap nobody froze for life (another test in this worker may have: the TUI's)."""
    monkeypatch.setattr(longrun, "_frozen", False)
    monkeypatch.setattr(longrun, "_for_life", False)
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    yield
    if frozen:
        gc.freeze()


def test_a_run_tunes_the_collector_and_leaves_it_as_it_found_it(thawed):
    before = gc.get_threshold()
    seen = []
    ex = Exercise(scenario(duration="1d"))
    ex.after(60.0, lambda: seen.append((gc.get_threshold()[0], gc.get_freeze_count() > 0)))
    ex.run()
    assert seen == [(GEN0, True)]
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_nested_runs_leave_the_tuning_to_the_outermost(thawed):
    before = gc.get_threshold()
    with tuned_gc():
        with tuned_gc():
            pass
        assert gc.get_threshold()[0] == GEN0  # the inner block did not put it back early
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_heap_frozen_for_the_process_stays_frozen_after_a_run(thawed):
    # The TUI freezes its heap once (tui/driver.settle_heap), a process pool before its workers
    # fork: a run per tick must not unfreeze it, or every tick would hand the whole session back
    # to the collector.
    with frozen_while():
        frozen = gc.get_freeze_count()
        threshold = gc.get_threshold()
        seen = []
        ex = Exercise(scenario(duration="1h"))
        ex.after(30.0, lambda: seen.append(gc.get_threshold()[0]))
        ex.run()
        assert seen == [GEN0]  # the run is still tuned (a pool worker's heap is frozen at its fork)
        assert gc.get_freeze_count() > frozen // 2 and gc.get_threshold() == threshold  # (frozen objects may die)
    assert gc.get_freeze_count() == 0


def test_a_run_never_counts_the_frozen_heap(thawed, monkeypatch):
    # gc.get_freeze_count() walks the whole frozen heap: asked at every run (every UI tick, every
    # step of a jump), it made a Pilot test ten times slower once a large heap was frozen.
    def walks_the_heap():
        raise AssertionError("gc.get_freeze_count() called during a run")

    monkeypatch.setattr(gc, "get_freeze_count", walks_the_heap)
    Exercise(scenario(duration="1h")).run()
    with frozen_while():
        Exercise(scenario(duration="1h")).run()


def test_a_session_process_settles_once_and_its_runs_leave_it_settled(thawed):
    # The TUI and the exercise server hold one exercise for hours: settled once, every run (a UI
    # tick, a served command's step) keeps the heap frozen and the session's threshold.
    saved = gc.get_threshold()
    try:
        longrun.settle_for_a_session(young=12_345)
        Exercise(scenario(duration="1h")).run()
        assert gc.get_freeze_count() > 0 and gc.get_threshold()[0] == 12_345
    finally:
        gc.unfreeze()
        gc.set_threshold(*saved)


def test_a_heap_settled_inside_a_run_or_a_frozen_block_is_never_thawed_by_it(thawed, monkeypatch):
    saved = gc.get_threshold()
    try:
        with frozen_while():
            longrun.settle_for_a_session(young=23_456)
        assert longrun._frozen and gc.get_freeze_count() > 0 and gc.get_threshold()[0] == 23_456
        gc.unfreeze()
        monkeypatch.setattr(longrun, "_for_life", False)
        monkeypatch.setattr(longrun, "_frozen", False)
        with tuned_gc():
            longrun.settle_for_a_session(young=34_567)
        assert longrun._frozen and gc.get_freeze_count() > 0 and gc.get_threshold()[0] == 34_567
    finally:
        gc.unfreeze()
        gc.set_threshold(*saved)


def test_a_settled_process_keeps_its_threshold_during_a_run_and_resettles_its_survivors(thawed):
    # A server settles for short pauses (young collections every 2,000 allocations): a run inside
    # it must not raise that to the batch runs' GEN0, whose collections paused every seat.
    saved = gc.get_threshold()
    try:
        longrun.resettle()  # not settled: nothing is frozen
        assert gc.get_freeze_count() == 0
        longrun.settle_for_a_session(young=2_000)
        seen = []
        ex = Exercise(scenario(duration="1h"))
        ex.after(30.0, lambda: seen.append(gc.get_threshold()[0]))
        ex.run()
        assert seen == [2_000]
        assert gc.get_threshold()[2] == 10  # full collections as CPython's
        longrun.settle_for_a_session(young=2_000, full=False)  # a server's: survivors are frozen instead
        assert gc.get_threshold() == (2_000, 10, longrun.NEVER)
        frozen = gc.get_freeze_count()
        kept = [[] for _ in range(1_000)]  # survivors of the session's last seconds (lists: tracked by the collector)
        longrun.resettle()
        assert gc.get_freeze_count() >= frozen + len(kept)
    finally:
        gc.unfreeze()
        gc.set_threshold(*saved)
