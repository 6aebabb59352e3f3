"""The helpers a long run leans on give what their plain forms give: the same draws in the same
order, the same timestamps, the same registry moves and events."""

from __future__ import annotations

import io
import json
import math
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.clock import SimClock
from sim.engine.journal import Journal
from sim.notices.registry import Record, Registry
from sim.rng import Draws


def _blockwise(fn, block: int, n: int) -> list[float]:
    """What ``Draws`` must serve: ``fn(block)``'s values in order, a new block when one runs out."""
    out: list[float] = []
    while len(out) < n:
        out += fn(block).tolist()
    return out[:n]


@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(0, 200))
@settings(max_examples=60, deadline=None)
def test_draws_serve_each_block_in_order_and_draw_the_next_only_when_needed(seed, block, n):
    rng = np.random.default_rng(seed)
    draws = Draws(lambda k: rng.exponential(2.0, k), block)
    got = [draws() for _ in range(n)]
    fresh = np.random.default_rng(seed)
    assert got == _blockwise(lambda k: fresh.exponential(2.0, k), block, n)
    # Lazily: the stream has moved by whole blocks only as far as the draws needed.
    blocks = math.ceil(n / block)
    ahead = np.random.default_rng(seed)
    for _ in range(blocks):
        ahead.exponential(2.0, block)
    assert rng.random() == ahead.random()


def test_two_draws_on_one_stream_interleave_their_blocks_as_they_are_used_up():
    rng, ref = np.random.default_rng(5), np.random.default_rng(5)
    u, g = Draws(rng.random, 3), Draws(lambda k: rng.normal(0.0, 1.0, k), 2)
    got = [u(), g(), u(), u(), u(), g(), g()]
    u_blocks = [ref.random(3).tolist()]
    g_blocks = [ref.normal(0.0, 1.0, 2).tolist()]
    u_blocks.append(ref.random(3).tolist())
    g_blocks.append(ref.normal(0.0, 1.0, 2).tolist())
    assert got == [u_blocks[0][0], g_blocks[0][0], u_blocks[0][1], u_blocks[0][2], u_blocks[1][0],
                   g_blocks[0][1], g_blocks[1][0]]


@given(st.floats(-5 * 1440, 400 * 1440, allow_nan=False))
def test_a_timestamp_is_the_whole_utc_second_formatted_as_strftime_would(t):
    clock = SimClock(datetime(2026, 3, 28, 23, 59, 30, tzinfo=UTC))
    secs = int(clock.start.timestamp() + t * 60.0 + 1e-6)
    want = datetime.fromtimestamp(secs, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert clock.iso(t) == want
    assert clock.iso(t) == want  # the cached second gives the same text


def test_timestamps_across_midnight_and_the_last_second_of_a_day():
    clock = SimClock(datetime(2026, 12, 31, 23, 59, 0, tzinfo=UTC))
    assert [clock.iso(m) for m in (0.0, 59 / 60, 1.0, 1 + 1 / 60)] == [
        "2026-12-31T23:59:00Z", "2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z", "2027-01-01T00:00:01Z"]


def _journaled(keep: bool) -> tuple[Registry, io.StringIO, Journal]:
    sink = io.StringIO()
    journal = Journal(SimClock(datetime(2026, 3, 2, 6, tzinfo=UTC)), sink=sink if keep else None, keep=False)
    return Registry(journal), sink, journal


def test_a_move_writes_the_records_fields_then_state_then_its_own_and_keeps_the_reason():
    reg, sink, _journal = _journaled(keep=True)
    rec = Record("B1", "red", "FR", None, 0.0, purpose="prosecution")
    reg.add(rec, 0.0, purpose="prosecution")
    reg.move(rec, "refuse", 5.0, "GS", reason="art3", detail="political")
    lines = [json.loads(x) for x in sink.getvalue().splitlines()]
    assert list(lines[0]) == ["seq", "t", "kind", "actor", "notice", "notice_kind", "requester", "purpose"]
    assert list(lines[1]) == ["seq", "t", "kind", "actor", "notice", "notice_kind", "requester", "state",
                              "reason", "detail"]
    assert rec.reason == "art3" and rec.state == "refused" and rec.history == ((0.0, "requested"), (5.0, "refused"))


def test_a_callers_field_may_add_to_a_records_event_but_never_replace_its_own():
    """``subject=`` or ``state=`` passed by mistake would journal facts that are not the record's."""
    reg, _sink, _journal = _journaled(keep=True)
    rec = Record("B1", "red", "FR", "S1", 0.0, purpose="prosecution")
    with pytest.raises(RuntimeError, match=r"\['subject'\] would replace the record's own fields"):
        reg.add(rec, 0.0, subject="S2")
    rec2 = Record("B2", "red", "FR", "S1", 0.0, purpose="prosecution")
    reg.add(rec2, 0.0)
    with pytest.raises(RuntimeError, match=r"notice.refused: \['state'\]"):
        reg.move(rec2, "refuse", 5.0, "GS", state="published")
    # ... whether or not anyone reads the event: a batch run, which journals nothing, finds it too.
    quiet, _sink, _journal = _journaled(keep=False)
    rec3 = Record("B3", "red", "FR", "S1", 0.0, purpose="prosecution")
    quiet.add(rec3, 0.0)
    with pytest.raises(RuntimeError, match=r"\['subject'\]"):
        quiet.move(rec3, "refuse", 5.0, "GS", subject="S2")


def test_a_move_nobody_reads_is_counted_and_still_moves_the_record():
    reg, _sink, journal = _journaled(keep=False)
    rec = Record("B2", "diffusion", "FR", None, 0.0, recipients=("DE",))
    reg.add(rec, 0.0, to=["DE"])
    assert rec.visible and rec.visible_since == 0.0
    reg.move(rec, "purge", 3.0, "GS", reason="art3")
    assert not rec.visible and rec.visible_since == math.inf and rec.reason == "art3"
    assert len(journal) == 2 and journal.counts["diffusion.reviewed"] == 1
    assert reg.states == {"circulated": 0, "purged": 1}


def test_a_move_back_into_a_visible_state_starts_its_visibility_anew():
    reg, _sink, _journal = _journaled(keep=False)
    rec = Record("B3", "red", "FR", None, 0.0)
    reg.add(rec, 0.0)
    reg.move(rec, "publish", 1.0, "GS")
    reg.move(rec, "challenge", 2.0, "CCF")
    assert rec.visible_since == math.inf
    reg.move(rec, "keep", 4.0, "CCF")
    assert rec.visible_since == 4.0 and rec.visible_then(4.0) and not rec.visible_then(3.0)
