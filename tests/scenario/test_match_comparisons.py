"""Comparisons in a ``match``: a list field is graded by what it holds (``includes``) or leaves
out (``excludes``); a number by bounds (``gt``, ``ge``, ``lt``, ``le``). Validation says in words
when a comparison can never hold, so an objective that cannot be met is caught before play."""

from __future__ import annotations

import pytest
from conftest import MINIMAL_SCENARIO, scenario
from pydantic import ValidationError

from sim.engine.exercise import Exercise
from sim.errors import InputError
from sim.scenario.loader import load_scenario
from sim.scenario.model import Compare, EventCheck

ROUND_CLOCK = {"default": {"staff": 2, "night_staff": 2}}


def check(match: dict, event: str = "diffusion.sent") -> EventCheck:
    return EventCheck.model_validate({"event": event, "match": match})


def test_includes_needs_every_value_and_excludes_none():
    c = check({"to": {"includes": ["MA", "SN"], "excludes": ["DE"]}})
    assert c.matches({"to": ["ES", "MA", "SN"]})
    assert not c.matches({"to": ["MA"]})  # SN missing
    assert not c.matches({"to": ["MA", "SN", "DE"]})  # DE must not be there
    assert not c.matches({})  # an absent list holds nothing


def test_numeric_bounds_are_strict_or_not_as_named():
    c = check({"waited_min": {"gt": 240}}, "message.handled")
    assert c.matches({"waited_min": 240.5}) and not c.matches({"waited_min": 240}) and not c.matches({})
    assert check({"waited_min": {"ge": 240, "le": 300}}, "message.handled").matches({"waited_min": 240})
    assert not check({"waited_min": {"lt": 10}}, "message.handled").matches({"waited_min": True})  # not a number


def test_a_comparison_must_say_something_and_not_mix_lists_with_numbers():
    with pytest.raises(ValidationError, match="give includes or excludes"):
        Compare.model_validate({})
    with pytest.raises(ValidationError, match="one field is not both"):
        Compare.model_validate({"includes": ["FR"], "gt": 1})
    assert str(Compare(includes=["TR", "AE"])) == "includes TR, AE" and str(Compare(gt=240)) == "> 240"


def test_an_objective_graded_on_the_recipients_a_diffusion_went_to():
    """The diffusion goes to ES and MA: 'includes MA' is met, 'includes SN' is not."""
    sc = scenario(
        desks=ROUND_CLOCK, players=[{"role": "ncb", "country": "FR"}],
        subjects=[{"id": "S1", "identity": {"name": "A B", "born": "1980-01-01", "nationality": "FR"},
                   "location": "FR"}],
        requests=[{"id": "D1", "kind": "diffusion", "by": "FR", "subject": "S1", "at": "0m", "purpose": "locate",
                   "to": ["ES", "MA"], "offence": "homicide", "max_penalty_years": 30}],
        objectives=[{"id": "O1", "title": "a", "check": {"event": "diffusion.sent",
                                                          "match": {"to": {"includes": ["MA"]}}}},
                    {"id": "O2", "title": "b", "check": {"event": "diffusion.sent",
                                                          "match": {"to": {"includes": ["SN"]}}}}])
    ex = Exercise(sc)
    ex.run()
    verdict = {e["objective"]: e["kind"] for e in ex.journal.events if e["kind"].startswith("objective.")}
    assert verdict == {"O1": "objective.met", "O2": "objective.failed"}


def problems(tmp_path, match: str, event: str = "diffusion.sent") -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL_SCENARIO + f"objectives:\n  - {{id: O1, title: a, check: {{event: {event}, "
                                       f"match: {match}}}}}\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_scenario(path)
    return [f"{p.field}: {p.message}" for p in e.value.problems]


def test_a_list_compared_as_one_value_names_the_comparison_to_use(tmp_path):
    [msg] = problems(tmp_path, "{to: MA}")
    assert "'to' is a list: compare it with {includes: [...]}" in msg and "to: {includes: [MA]}" in msg


def test_a_number_bound_on_a_list_or_includes_on_a_number_is_refused(tmp_path):
    [msg] = problems(tmp_path, "{to: {gt: 2}}")
    assert "compare it with includes or excludes, not gt" in msg
    [msg] = problems(tmp_path, "{waited_min: {includes: [FR]}}", "message.handled")
    assert "'waited_min' is a number: compare it with gt, ge, lt or le, not includes" in msg


def test_recipients_outside_the_world_and_impossible_bounds_are_errors(tmp_path):
    [msg] = problems(tmp_path, "{to: {includes: [JP]}}")
    assert "includes: JP is not in this exercise's world" in msg
    [msg] = problems(tmp_path, "{waited_min: {gt: 300, lt: 200}}", "message.handled")
    assert "no number is gt 300 and lt 200" in msg
    [msg] = problems(tmp_path, "{inject: {gt: 1}}", "message.handled")
    assert "give the value itself" in msg


def test_a_valid_comparison_loads_without_a_problem(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL_SCENARIO + "objectives:\n  - {id: O1, title: a, check: {event: message.handled, "
                                       "match: {waited_min: {ge: 0, lt: 60}}}}\n", encoding="utf-8")
    loaded = load_scenario(path)
    assert not loaded.warnings


@pytest.mark.parametrize(("bounds", "possible"), [("{gt: 5, le: 5}", False), ("{ge: 5, lt: 5}", False),
                                                  ("{ge: 5, le: 5}", True), ("{gt: 4, lt: 5}", True)])
def test_equal_bounds_are_possible_only_when_both_include_the_bound(tmp_path, bounds, possible):
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL_SCENARIO + "objectives:\n  - {id: O1, title: a, check: {event: message.handled, "
                                       f"match: {{waited_min: {bounds}}}}}}}\n", encoding="utf-8")
    if possible:
        load_scenario(path)
    else:
        with pytest.raises(InputError, match="no number is"):
            load_scenario(path)


def test_a_bad_comparison_inside_an_all_is_located_at_its_own_field(tmp_path):
    """A condition tagged "event" also has a field "event": the error of a comparison inside it
    points at the comparison (match.to.includes), not at the event's name."""
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL_SCENARIO + "objectives:\n  - id: O1\n    title: t\n    all:\n"
                    "      - {event: diffusion.sent, match: {to: {includes: ES}}}\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_scenario(path)
    (p,) = e.value.problems
    assert p.field == "objectives.0.all.0.match.to.includes" and "expected a list" in p.message
