"""The journal builds an event only when someone reads it, and listeners hear what they asked for."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from sim.engine.clock import SimClock
from sim.engine.journal import Journal


def _journal(**kw) -> Journal:
    return Journal(SimClock(datetime(2026, 3, 2, 6, tzinfo=UTC)), **kw)


class _CountingClock(SimClock):
    __slots__ = ("calls",)

    def iso(self, t: float) -> str:
        self.calls += 1
        return super().iso(t)


def test_an_event_nobody_reads_is_numbered_and_counted_but_never_built():
    """Rule: with no sink, no kept events and no listener for its kind, an event costs a count —
    no timestamp is formatted and nothing is returned — while seq numbers stay those of a full journal."""
    clock = _CountingClock(datetime(2026, 3, 2, 6, tzinfo=UTC))
    clock.calls = 0
    j = Journal(clock, keep=False)
    heard: list[dict] = []
    j.listen(heard.append, kinds=("arrest.provisional",))
    assert j.emit(1.0, "message.sent", "FR", msg=1) is None
    assert j.emit(2.0, "message.handled", "DE", msg=1) is None
    assert clock.calls == 0
    assert not j.wants("message.sent") and j.wants("arrest.provisional")
    assert j.skip(2.5, "message.sent") and not j.skip(2.5, "arrest.provisional")  # the first is counted
    e = j.emit(3.0, "arrest.provisional", "DE", case="A1")
    assert e is not None and e["seq"] == 4 and heard == [e]
    assert clock.calls == 1
    assert len(j) == 4 and j.counts == {"message.sent": 2, "message.handled": 1, "arrest.provisional": 1}


def test_a_sink_or_kept_events_get_every_event_as_before():
    """Rule: the journal file is a contract — a sink still gets every event, in order, byte for byte."""
    sink = io.StringIO()
    j = _journal(sink=sink, keep=False)
    j.listen(lambda e: None, kinds=("nothing.here",))
    j.emit(0.5, "message.sent", "FR", msg=1, text="Überstellung — «urgent»")
    lines = sink.getvalue().splitlines()
    assert lines == [('{"seq": 1, "t": "2026-03-02T06:00:30Z", "kind": "message.sent", "actor": "FR", "msg": 1, '
                      '"text": "Überstellung — «urgent»"}')]
    kept = _journal(keep=True)
    kept.emit(0.0, "x.y", "GS")
    assert [e["kind"] for e in kept.events] == ["x.y"] and kept.wants("anything")


def test_listeners_are_called_in_the_order_they_came_whatever_kinds_they_hear():
    """Rule: a listener that names its kinds is heard in its place among those that hear every
    kind (listeners that emit must do so in the same order as before)."""
    j = _journal(keep=False)
    order: list[str] = []
    j.listeners.append(lambda e: order.append("all-1"))
    j.listen(lambda e: order.append("sent-only"), kinds=("message.sent",))
    j.listen(lambda e: order.append("all-2"))
    j.listen(lambda e: order.append("notices"), kinds=lambda k: k.startswith("notice."))
    j.emit(0.0, "message.sent", "FR")
    assert order == ["all-1", "sent-only", "all-2"]
    order.clear()
    j.emit(0.0, "notice.published", "GS")
    assert order == ["all-1", "all-2", "notices"]


def test_changing_the_listener_list_in_place_takes_effect_at_once():
    """Rule: ``journal.listeners`` stays a plain, changeable list for old callers: replacing or
    removing a listener is heeded from the next event on (who hears which kind is not stale)."""
    j = _journal(keep=False)
    heard: list[str] = []
    j.listeners.append(lambda e: heard.append("old"))
    j.emit(0.0, "a.b", "GS")
    j.listeners[-1] = lambda e: heard.append("new")
    j.emit(0.0, "a.b", "GS")
    j.listeners.clear()
    assert j.emit(0.0, "a.b", "GS") is None and not j.wants("a.b")
    assert heard == ["old", "new"]


def test_a_cause_is_written_only_on_events_that_are_built():
    """Rule: ``by`` from ``journal.cause`` is on every event read, as before."""
    sink = io.StringIO()
    j = _journal(sink=sink, keep=False)
    with j.cause("person"):
        j.emit(0.0, "a.b", "FR")
        j.emit(0.0, "a.c", "FR", by="policy")
    assert [json.loads(x)["by"] for x in sink.getvalue().splitlines()] == ["person", "policy"]


def test_the_journal_encoder_writes_the_standard_librarys_bytes_and_refuses_nan():
    """Rule: the journal file is a contract — the faster encoder writes exactly what
    ``json.JSONEncoder(ensure_ascii=False, allow_nan=False)`` writes, and refuses NaN as it does."""
    import math

    import pytest

    from sim.engine.journal import _encode

    standard = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    events = [{"seq": 1, "t": "2026-03-02T06:00:30Z", "kind": "message.sent", "actor": "FR", "msg": 1,
               "via": ["GS"], "latency_min": 1e-05, "waited_min": 1e16, "x": -0.0, "ok": True, "none": None,
               "text": "Überstellung — «urgent» \"quoted\"\n\u2028\t", "nested": {"a": [1, 2.5, {"b": ""}]}}]
    for e in events:
        assert _encode(e) == standard(e)
    with pytest.raises(ValueError):
        _encode({"seq": 1, "n": math.nan})


def test_one_kind_named_alone_is_that_kind_not_its_letters():
    """Rule: ``listen(fn, kinds="arrest.provisional")`` hears that kind (a bare string is one name)."""
    j = _journal(keep=False)
    heard: list[dict] = []
    j.listen(heard.append, kinds="arrest.provisional")
    j.emit(1.0, "arrest.provisional", "DE", case="A1")
    assert [e["kind"] for e in heard] == ["arrest.provisional"]
