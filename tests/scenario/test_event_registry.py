"""The registry of event kinds (sim/events) is the one declaration the schema, the guide and
``validate`` derive from, and it is sound against what the engine writes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, SCENARIOS, ncbsim
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.exercise import Exercise
from sim.events.registry import DECISIONS, KINDS, Scope, match_problems, value_problem
from sim.scenario.guide import render_guide, render_schema
from sim.scenario.loader import load_scenario
from sim.scenario.model import leaves_of
from sim.world import all_members

RICH = [SCENARIOS / "fugitive-three-borders.yaml", SCENARIOS / "pharma-ring-operation.yaml",
        SCENARIOS / "annotated-example.yaml", ROOT / "tests" / "data" / "arrest-fr.yaml",
        ROOT / "tests" / "data" / "workstation-fr.yaml", ROOT / "tests" / "data" / "registry-corners.yaml",
        *sorted((ROOT / "docs" / "cookbook").glob("*.yaml"))]


def test_every_registered_kind_is_in_the_schema_and_the_guide():
    """Adding a kind is one entry: the schema's per-kind match and the guide's table follow."""
    schema = json.loads(render_schema())
    check = schema["$defs"]["EventCheck"]
    per_kind = {c["if"]["properties"]["event"]["const"]: c["then"]["properties"]["match"] for c in check["allOf"]}
    guide = render_guide()
    for name, k in KINDS.items():
        assert f"| `{name}` |" in guide, name
        if k.target:
            assert name in check["properties"]["event"]["enum"]
            assert set(per_kind[name]["properties"]) == {f.name for f in k.fields if f.type.matchable}
            for f in k.fields:
                if f.type.values and f.type.matchable:
                    assert per_kind[name]["properties"][f.name]["enum"] == list(f.type.values)
        else:
            assert name not in check["properties"]["event"]["enum"] and name not in per_kind
            assert k.why_not and k.why_not in guide
    for decision, options in DECISIONS.items():
        assert f"| `{decision}` | {', '.join(f'`{o}`' for o in options)} |" in guide


def _journal(path: Path) -> tuple[list[dict], Scope]:
    sc = load_scenario(path).scenario
    buf = io.StringIO()
    Exercise(sc, journal_sink=buf, keep_events=False).run()
    return [json.loads(line) for line in buf.getvalue().splitlines()], Scope.of(sc, all_members())


@pytest.mark.parametrize("path", RICH, ids=lambda p: p.stem)
def test_registry_is_sound_against_what_the_engine_writes(path):
    """Every event a run writes has a registered kind, declared fields, closed values within their
    values and references the scenario has; every decision offers only its declared options."""
    events, scope = _journal(path)
    assert events
    for e in events:
        k = KINDS.get(e["kind"])
        assert k is not None, e
        for key, value in e.items():
            if key in ("seq", "t", "kind") or value is None:
                continue
            spec = k.field(key)
            assert spec is not None, (e["kind"], key)
            if spec.type.letter == "l":
                assert isinstance(value, list), (e["kind"], key, value)
            elif spec.type.letter == "x":
                assert isinstance(value, dict), (e["kind"], key, value)
            else:
                wrong = value_problem(k, key, value, e, scope)
                assert wrong is None, (e["kind"], key, value, wrong)
        if e["kind"] == "decision.requested":
            assert set(e["options"]) <= set(DECISIONS[e["type"]]), e


def test_flagship_run_covers_the_core_kinds():
    events, _ = _journal(RICH[0])
    seen = {e["kind"] for e in events}
    assert {"notice.requested", "notice.published", "diffusion.sent", "subject.moved", "border.checked",
            "database.hit", "arrest.provisional", "objective.met", "decision.made"} <= seen


# --- any objective validate accepts refers to what the engine can produce ------------------------

# One small world for the property and the end-to-end wall: a subject and a Red Notice on him.
WORLD = """\
start: 2026-03-02T06:00:00Z
duration: 2d
world: {members: [FR, ES, MA, PT]}
subjects:
  - {id: S1, kind: wanted, identity: {name: Marc DUVAL}, location: FR}
requests:
  - {id: N1, kind: red, by: FR, subject: S1, at: 1h}
"""
SCOPE_SCENARIO = "id: prop\ntitle: property\n" + WORLD + """\
injects:
  - {id: I1, at: 1h, from: ES, to: FR, text: hello}
objectives:
  - {id: O1, title: t, check: {event: notice.published, match: {notice: N1}}}
"""
KEYS = sorted({f.name for k in KINDS.values() for f in k.fields}) + ["optoin", "subjcet", "countyr", "colour"]
VALUES = (["S1", "S2", "s1", "N1", "N9", "B3", "A1", "Q2", "I1", "I7", "O1", "O2", "FR", "fr", "es", "ES", "DE", "US",
           "XX", "ncb:FR", "ncb:DE", "ndtf", "ccc", "person", "persn", "file", "fiel", "hold", "confirm", "publish",
           "refuse:data_quality", "refuse:nope", "red", "rde", "diffusion", "published", "compliant", "nationality",
           "reciprocity", "air", "find", "mind", "SLTD", "stolen", "rfi_reply", "prosecute"]
          + [True, False, 0, 3, 2.5] + sorted(DECISIONS))
KIND_NAMES = sorted(KINDS) + ["notice.publish", "decision.taken", "subject.arrested"]


@pytest.fixture(scope="module")
def prop_scope(tmp_path_factory) -> Scope:
    path = tmp_path_factory.mktemp("prop") / "s.yaml"
    path.write_text(SCOPE_SCENARIO, encoding="utf-8")
    return Scope.of(load_scenario(path).scenario, all_members())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(KIND_NAMES),
       match=st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=3))
def test_any_match_validate_accepts_is_one_the_engine_can_produce(prop_scope, name, match):
    """Whenever no problem is found, the kind is registered and targetable, each key is a field
    it carries, each value fits the field's type and values, and each reference exists."""
    if match_problems(name, match, prop_scope):
        return
    k = KINDS[name]
    assert k.target
    for key, value in match.items():
        spec = k.field(key)
        assert spec is not None and spec.type.matchable
        t = spec.type
        if t.letter in ("s", "t", "d"):
            assert isinstance(value, str)
        elif t.letter == "b":
            assert isinstance(value, bool)
        else:
            assert isinstance(value, int | float) and not isinstance(value, bool)
        if t.values:
            assert value in t.values
            if t.what == "decision option" and match.get("type") in DECISIONS:
                assert value in DECISIONS[match["type"]]
        if t.ref == "country" or (t.ref == "sender" and isinstance(value, str) and value.upper() in prop_scope.members):
            assert value in prop_scope.world
        elif t.ref and t.ref != "sender":
            assert value in prop_scope.ids[t.ref] or (t.pattern and re.fullmatch(t.pattern, value))


# --- the wall, end to end --------------------------------------------------------------------------

THREE_MISTAKES = "id: three\ntitle: three mistakes\n" + WORLD + """\
objectives:
  - id: O1
    title: France files the request
    check: {event: decision.made, match: {type: file_request, option: fiel}}
  - id: O2
    title: DUVAL is arrested
    check: {event: arrest.provisional, match: {subject: S2}}
  - id: O3
    title: a hit in Germany
    check: {event: database.hit, match: {country: DE}}
"""


def test_misspelt_option_unknown_subject_and_out_of_world_country_are_three_located_errors(tmp_path):
    """One run of validate reports all three, each at its file:line:col with a suggestion, exit 2."""
    (tmp_path / "s.yaml").write_text(THREE_MISTAKES, encoding="utf-8")
    r = ncbsim("validate", "s.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    lines = [x for x in r.stderr.splitlines() if x.startswith("s.yaml:")]
    assert len(lines) == 3, r.stderr
    option, subject, country = lines
    assert option.startswith("s.yaml:13:63: objectives.0.check.match.option: ")
    assert "'fiel' is not an option of a file_request decision (did you mean 'file'?)" in option
    assert subject.startswith("s.yaml:16:48: objectives.1.check.match.subject: ")
    assert "no subject has id 'S2'" in subject and "(did you mean 'S1'?)" in subject
    assert country.startswith("s.yaml:19:42: objectives.2.check.match.country: ")
    assert "DE is not in this exercise's world (add it to world.members" in country
    assert all("warning" not in x and "never be met" in x for x in lines)


def test_a_lowercase_country_code_is_an_error_with_the_code_suggested(tmp_path):
    (tmp_path / "s.yaml").write_text(THREE_MISTAKES.replace("country: DE", "country: es"), encoding="utf-8")
    r = ncbsim("validate", "s.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "objectives.2.check.match.country: " in r.stderr and "(did you mean 'ES'?)" in r.stderr


def test_shipped_scenarios_match_only_what_the_engine_produces():
    for path in sorted(SCENARIOS.glob("*.yaml")) + RICH[3:]:
        sc = load_scenario(path).scenario
        scope = Scope.of(sc, all_members())
        for o in sc.objectives:
            for check in [*leaves_of(o.condition), *([o.after] if o.after else [])]:
                assert match_problems(check.event, check.match, scope) == [], (path.name, o.id)


def test_an_editor_flags_a_match_the_schema_knows_is_wrong():
    """The per-kind match schema: a field the kind lacks or a value outside its values is refused
    by the JSON Schema too (what yaml-language-server shows as you type)."""
    from jsonschema import Draft202012Validator

    from sim.cli.schema import scenario_schema

    check_schema = {"$defs": scenario_schema()["$defs"], "$ref": "#/$defs/EventCheck"}
    validator = Draft202012Validator(check_schema)
    good = {"event": "decision.made", "match": {"type": "file_request", "option": "file", "seat": "ncb:FR"}}
    assert not list(validator.iter_errors(good))
    for bad in ({"event": "decision.made", "match": {"option": "fiel"}},
                {"event": "database.hit", "match": {"colour": "red"}},
                {"event": "notice.published", "match": {"notice_kind": "rde"}}):
        assert list(validator.iter_errors(bad)), bad
