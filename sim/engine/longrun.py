"""The garbage collector tuned for a long run.

A run allocates and drops millions of small objects (events, generators, journal dicts) while
what it keeps (the world, the registry's records) only grows. With CPython's default thresholds
the collector runs every 700 allocations and keeps rescanning that growing heap, which makes a
year at eight times the volume far slower than eight years at one. During a run the objects
that exist before it (the scenario, the world, the imported modules) are frozen out of the
collector's sight and the youngest generation is collected less often; both are put back when
the run ends, so a process that does other work (a batch worker, the TUI) is left as it was.
Reference cycles are still collected: nothing is disabled. A heap the process froze for its
whole life (``settle_for_a_session``: the TUI's, the exercise server's; ``frozen_while``: a process pool's,
frozen before its workers fork) stays frozen after the run; a settled process also keeps its own
thresholds during a run (a server's are set for short pauses: every seat in flight waits for one).

Whether the heap is frozen is kept here rather than asked of ``gc.get_freeze_count()``: that walks
the whole frozen heap (about 0.07 ms per thousand objects), and a run is entered at every UI
tick and every step of a jump — in a test process with a large frozen heap it made one Pilot
test ten times slower.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Allocations between young collections during a run (CPython's default: 700). Each collection
# scans every young object that is still alive, and in a long run most that survive one live on
# (records, requests waiting for a reviewer): at eight times the world's yearly requests, 50,000
# meant 25 young and 2 middle collections (1.6 s of 15 s), 200,000 means 7 young ones (1.0 s).
# The run's heap peaks at the same size: it makes almost no cyclic garbage for them to find.
GEN0 = 200_000
NEVER = 2 ** 30  # middle-generation collections before a full one: in effect, never

_depth = 0
_frozen = False  # the heap was frozen by settle_for_a_session or frozen_while (and is not to be thawed by a run)
_for_life = False  # frozen by settle_for_a_session: no block thaws it, nor puts back the collector's settings


def settle_for_a_session(young: int = 10_000, full: bool = True) -> None:
    """For a process that holds one exercise for hours (the TUI, an exercise server): what exists
    now lives as long as the session, so it is frozen out of the collector's sight, and the young
    are collected less often. Without it a busy server's full collections rescanned the session's
    whole heap and stalled every seat's acknowledgements (bench/multiseat_load.py).
    ``full=False``: no full collection comes by itself — for a process that ``resettle``s often,
    where one would only rescan what is about to be frozen."""
    global _frozen, _for_life
    gc.freeze()
    _frozen = _for_life = True
    gc.set_threshold(young, 10, 10 if full else NEVER)


def resettle() -> None:
    """For a settled process, now and then: what has survived since is kept for the session too
    (the journal, the seats' views), so it is frozen as well, and the full collections that would
    rescan it, longer with every minute of the session, stay short. (Cycles that die later among
    what is frozen now are not collected: calling this every few tens of seconds bounds those to
    what was alive at those instants.)"""
    if _for_life:
        gc.freeze()


@contextmanager
def frozen_while() -> Iterator[None]:
    """Freeze what exists now for the block (and for processes forked in it), then thaw it."""
    global _frozen
    was = _frozen
    gc.freeze()
    _frozen = True
    try:
        yield
    finally:
        if not was and not _for_life:  # (settled for life meanwhile: it stays frozen)
            _frozen = False
            gc.unfreeze()


@contextmanager
def tuned_gc() -> Iterator[None]:
    """Tune the collector for the duration of the block (nested blocks leave it to the outermost)."""
    global _depth
    if _depth:
        yield
        return
    _depth += 1
    saved = gc.get_threshold()
    # A heap already frozen (the TUI's, settled once; a pool worker's, frozen before the fork)
    # stays frozen: unfreezing it at the end would hand it back to the collector after each run.
    freeze_here, settled = not _frozen, _for_life
    if freeze_here:
        gc.freeze()
    if not settled:  # a settled process chose its own (a server's for short pauses, not throughput)
        gc.set_threshold(GEN0, saved[1], saved[2])
    try:
        yield
    finally:
        if settled or not _for_life:  # (settled for the session during the run: all stays as it set)
            gc.set_threshold(*saved)
            if freeze_here:
                gc.unfreeze()
        _depth -= 1
