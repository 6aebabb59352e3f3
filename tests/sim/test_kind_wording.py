"""Every registered journal kind reads as a sentence in the report and the logs, never as its
bare kind name: an event built from the registry's own field types is described in words."""

from __future__ import annotations

import pytest

from sim.events.registry import KINDS
from sim.report.describe import describe

_SAMPLE = {"s": "x", "i": 1, "n": 1.5, "b": True, "t": "2026-03-02T06:00:00Z", "d": "2026-03-03T06:00:00Z",
           "l": ["FR"], "x": {"action": "acknowledge", "within": "1h"}}


def sample(kind: str) -> dict:
    e = {"seq": 1, "t": "2026-03-02T06:00:00Z", "kind": kind, "actor": "FR"}
    for f in KINDS[kind].fields:
        t = f.type
        if t.values:
            e[f.name] = t.values[0]
        elif t.ref == "country":
            e[f.name] = "FR"
        elif t.ref:
            e[f.name] = {"seat": "ncb:FR", "subject": "S1"}.get(t.ref, "A1")
        else:
            e[f.name] = _SAMPLE[t.letter]
    return e


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_has_words(kind):
    said = describe(sample(kind))
    assert said and said != kind and "None" not in said, said


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_has_a_view_rule(kind):
    """A registered kind either reaches the seats it concerns or is ground truth, never dropped by
    default (notice.updated once reached no NCB, not even the one that made the update)."""
    from sim.engine.views import GROUND_TRUTH, SeatView

    if kind in GROUND_TRUTH:
        return
    e = sample(kind) | {"participants": ["FR"], "to": "FR", "actor": "FR"}
    seats = ["ncb:FR", "ndtf", "ccc"]
    assert any(SeatView(s).reach(e) is not None for s in seats), kind
