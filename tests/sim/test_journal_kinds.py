"""Every journal kind the engine writes is declared once, in the registry (sim/events), and every
table that names kinds derives from it; the contract's dotted-lowercase form holds."""

from __future__ import annotations

import io
import json
import re
import typing

from conftest import FLAGSHIP

from sim.engine.exercise import Exercise
from sim.engine.views import CASE_KINDS, GROUND_TRUTH, NOTICE_EVERYONE, REQUESTER_ONLY
from sim.events.registry import KINDS
from sim.notices.machines import ARREST, DIFFUSION, NOTICE, PROCEEDINGS
from sim.report.describe import KEY_KINDS
from sim.report.journal_file import SPEC
from sim.scenario.loader import load_scenario
from sim.scenario.model import EVENT_KINDS, OBJECTIVE_KINDS, EventCheck


def test_every_table_of_kinds_derives_from_the_registry():
    assert tuple(KINDS) == EVENT_KINDS
    assert set(SPEC) == set(KINDS) and {n for n, k in KINDS.items() if k.key} == KEY_KINDS
    assert typing.get_args(EventCheck.model_fields["event"].annotation) == OBJECTIVE_KINDS
    assert tuple(n for n, k in KINDS.items() if k.target) == OBJECTIVE_KINDS
    assert all(re.fullmatch(r"[a-z]+(\.[a-z_]+)+", k) for k in EVENT_KINDS)


def test_every_kind_other_tables_name_is_registered():
    """The state tables and the per-seat views name only registered kinds."""
    machines = {ev for m in (NOTICE, DIFFUSION, ARREST, PROCEEDINGS) for _, ev in m.table.values()}
    for kinds in (machines, CASE_KINDS, GROUND_TRUTH, NOTICE_EVERYONE, REQUESTER_ONLY):
        assert set(kinds) <= set(KINDS), set(kinds) - set(KINDS)


def test_every_kind_declares_who_caused_it_and_its_wording():
    for name, k in KINDS.items():
        assert k.field("by") is not None and k.field("actor") is not None, name
        assert k.label and (k.target or k.why_not), name


def test_flagship_writes_only_declared_kinds_and_fields():
    buf = io.StringIO()
    ex = Exercise(load_scenario(FLAGSHIP).scenario, journal_sink=buf, keep_events=False)
    ex.run()
    seen = set()
    for line in buf.getvalue().splitlines():
        e = json.loads(line)
        seen.add(e["kind"])
        assert e["kind"] in KINDS, e
        extra = set(e) - {"seq", "t", "kind"} - set(KINDS[e["kind"]].names)
        assert not extra, (e["kind"], extra)
    for kind in ("notice.requested", "notice.published", "diffusion.sent", "subject.moved", "border.checked",
                 "database.hit", "arrest.provisional", "objective.met"):
        assert kind in seen

