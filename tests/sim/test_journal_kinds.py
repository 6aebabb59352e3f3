"""Every journal kind the engine writes is declared (so objectives and the guide can name it),
and the contract's dotted-lowercase form holds."""

from __future__ import annotations

import io
import json
import re

from conftest import FLAGSHIP

from sim.engine.exercise import Exercise
from sim.scenario.checks import PRODUCED_FIELDS
from sim.scenario.loader import load_scenario
from sim.scenario.model import EVENT_KINDS


def test_declared_kinds_agree():
    assert set(EVENT_KINDS) == set(PRODUCED_FIELDS)
    assert all(re.fullmatch(r"[a-z]+(\.[a-z_]+)+", k) for k in EVENT_KINDS)


def test_flagship_writes_only_declared_kinds_and_fields():
    buf = io.StringIO()
    ex = Exercise(load_scenario(FLAGSHIP).scenario, journal_sink=buf, keep_events=False)
    ex.run()
    seen = set()
    for line in buf.getvalue().splitlines():
        e = json.loads(line)
        seen.add(e["kind"])
        assert e["kind"] in PRODUCED_FIELDS, e
        extra = set(e) - {"seq", "t", "kind"} - PRODUCED_FIELDS[e["kind"]] - {"via", "latency_min"}
        assert not extra, (e["kind"], extra)
    for kind in ("notice.requested", "notice.published", "diffusion.sent", "subject.moved", "border.checked",
                 "database.hit", "arrest.provisional", "objective.met"):
        assert kind in seen
