"""The collector is tuned for the length of a run and put back as it was afterwards (issue 16)."""

from __future__ import annotations

import gc

from conftest import scenario

from sim.engine.exercise import Exercise
from sim.engine.longrun import GEN0, tuned_gc


def test_a_run_tunes_the_collector_and_leaves_it_as_it_found_it():
    before = gc.get_threshold()
    seen = []
    ex = Exercise(scenario(duration="1d"))
    ex.after(60.0, lambda: seen.append((gc.get_threshold()[0], gc.get_freeze_count() > 0)))
    ex.run()
    assert seen == [(GEN0, True)]
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_nested_runs_leave_the_tuning_to_the_outermost():
    before = gc.get_threshold()
    with tuned_gc():
        with tuned_gc():
            pass
        assert gc.get_threshold()[0] == GEN0  # the inner block did not put it back early
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_heap_the_process_froze_itself_stays_frozen_after_a_run():
    # The TUI freezes its heap once (tui/driver.settle_heap); a run per tick must not unfreeze it,
    # or every tick would hand the whole session back to the collector.
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        threshold = gc.get_threshold()
        seen = []
        ex = Exercise(scenario(duration="1h"))
        ex.after(30.0, lambda: seen.append(gc.get_threshold()[0]))
        ex.run()
        assert seen == [GEN0]  # the run is still tuned (a pool worker's heap is frozen at its fork)
        assert gc.get_freeze_count() > frozen // 2 and gc.get_threshold() == threshold  # (frozen objects may die)
    finally:
        gc.unfreeze()
