"""Drawn fields as a trainer writes them: weighted alternatives and distributions on timings,
checked by ``validate`` with located errors, and timings that can fall after the end warned of."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL_SCENARIO

from sim.errors import InputError, Problem
from sim.scenario.chance import AnswerOneOf, RouteOneOf
from sim.scenario.loader import load_scenario

HEAD = MINIMAL_SCENARIO[:MINIMAL_SCENARIO.index("players:")]  # the scenario without its players and injects


def subject(plan: str) -> str:
    return HEAD + f"""\
subjects:
  - id: S1
    identity: {{name: Marc DUVAL}}
    location: FR
    plan: {plan}
"""


def problems(tmp_path: Path, text: str) -> list[Problem]:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        return load_scenario(path).warnings
    except InputError as e:
        return list(e.problems)


def errors(tmp_path: Path, text: str) -> list[Problem]:
    return [p for p in problems(tmp_path, text) if p.severity == "error"]


def test_a_route_and_a_timing_written_as_draws_validate(tmp_path):
    found = problems(tmp_path, subject(
        "{route: {one_of: [{weight: 3, route: [ES, MA]}, {weight: 1, route: SN}]}, "
        "leaves_after: {uniform: {low: 2h, high: 6h}}, stay: {fixed: 1h}}"))
    assert found == []
    sc = load_scenario(tmp_path / "s.yaml").scenario
    assert sc.subjects[0].plan is not None
    route = sc.subjects[0].plan.route
    assert isinstance(route, RouteOneOf) and route.one_of[1].route == ["SN"]  # one code: a one-stop route


@pytest.mark.parametrize(("plan", "field", "words"), [
    ("{route: {one_of: [{weight: -1, route: ES}, {weight: 1, route: MA}]}}",
     "subjects.0.plan.route.one_of.0.weight", "0"),
    ("{route: {one_of: []}}", "subjects.0.plan.route.one_of", "must not be empty"),
    ("{route: {one_of: [{weight: 0, route: ES}, {weight: 0, route: MA}]}}",
     "subjects.0.plan.route.one_of", "weight above zero"),
    ("{route: [ES], leaves_after: {uniform: {low: -2h, high: 6h}}}",
     "subjects.0.plan.leaves_after.uniform.low", "negative"),
    ("{route: [ES], leaves_after: {uniform: {low: 6h, high: 2h}}}",
     "subjects.0.plan.leaves_after.uniform", "high must not be below low"),
    ("{route: [ES], stay: {normal: {mean: 2h}}}", "subjects.0.plan.stay", "lognormal"),
    ("{route: {one_of: [{weight: 1, value: ES}]}}", "subjects.0.plan.route.one_of.0", "under 'route'"),
    ("{destination: ES}", "subjects.0.plan", "route: {one_of"),
    ("{route: {one_of: [{weight: 1, route: [ES, XX]}]}}", "subjects.0.plan.route.one_of.0.route.1", "XX"),
])
def test_a_bad_draw_is_a_located_error(tmp_path, plan, field, words):
    """Rule: a draw that cannot be made (negative or all-zero weights, no choices, a timing that
    could be negative, an unknown family) is refused at validate, at its place in the file."""
    found = errors(tmp_path, subject(plan))
    assert len(found) == 1, found
    p = found[0]
    assert p.field == field and words in p.message, p
    assert p.line >= 9, p  # in the subject's lines, not at the top of the file


def test_a_drawn_route_through_a_country_outside_the_world_is_an_error(tmp_path):
    found = errors(tmp_path, subject("{route: {one_of: [{weight: 1, route: [ES]}, {weight: 1, route: [ES, TN]}]}}"))
    assert [(p.field, "not in this exercise's world" in p.message) for p in found] == [
        ("subjects.0.plan.route.one_of.1.route.1", True)]


def test_a_partner_answer_as_weighted_alternatives(tmp_path):
    text = HEAD + """\
cases:
  - id: C1
    title: c
    lead: FR
    requests_for_information:
      - {to: ES, at: 1h, answer: {one_of: [{weight: 0.7, answer: confirms}, {weight: 0.3, answer: silent}]}}
      - {to: MA, at: 1h, answer: denies}
      - {to: SN, at: 1h, answer: {one_of: [{weight: 1, value: confirms}]}}
      - {to: DE, at: 1h, answer: maybe}
"""
    found = errors(tmp_path, text)
    assert [p.field for p in found] == ["cases.0.requests_for_information.2.answer.one_of.0",
                                        "cases.0.requests_for_information.3.answer"]
    assert "under 'answer'" in found[0].message
    text = text.rsplit("      - {to: SN", 1)[0]
    sc = load_scenario(_write(tmp_path, text)).scenario
    asks = sc.cases[0].requests_for_information
    assert isinstance(asks[0].answer, AnswerOneOf) and asks[1].answer == "denies"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ok.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def warnings(tmp_path: Path, text: str) -> list[Problem]:
    return [p for p in problems(tmp_path, text) if p.severity == "warning"]


def test_a_drawn_departure_that_can_fall_after_the_end_is_warned_with_its_share(tmp_path):
    """Rule: a timing drawn from a range that reaches past the end is warned of, with the share
    of runs in which it does; one wholly before the end is not."""
    late = warnings(tmp_path, subject("{route: [ES], leaves_after: {uniform: {low: 1d, high: 3d}}}"))
    assert [p.field for p in late] == ["subjects.0.plan.leaves_after"]
    assert "about 50% of runs" in late[0].message and "1d 0h 00m and 3d 0h 00m" in late[0].message
    assert warnings(tmp_path, subject("{route: [ES], leaves_after: {uniform: {low: 1h, high: 1d}}}")) == []
    never = warnings(tmp_path, subject("{route: [ES], leaves_after: {uniform: {low: 3d, high: 4d}}}"))
    assert [p.message for p in never] == ["the subject sets off after the exercise ends"]
    # A long tail: a lognormal around 6h reaches 2d in about 0.1% of runs or less; not worth a warning.
    assert warnings(tmp_path, subject("{route: [ES], leaves_after: {lognormal: {median: 6h, sigma: 0.5}}}")) == []
    tail = warnings(tmp_path, subject("{route: [ES], leaves_after: {lognormal: {median: 1d, sigma: 1}}}"))
    assert len(tail) == 1 and "about 24% of runs" in tail[0].message


def test_inject_timings_drawn_directly_or_along_an_after_chain_are_checked_by_their_range(tmp_path):
    """Rule: an inject drawn to fire after the end is warned of; along an 'after' chain the
    earliest and latest times add up (I2 follows I3), and one that always fires too late (I4)
    keeps today's wording."""
    text = HEAD + """\
injects:
  - {id: I1, at: {triangular: {low: 1h, mode: 1d, high: 3d}}, to: FR, text: a}
  - {id: I2, after: {inject: I3, delay: {uniform: {low: 1h, high: 1d12h}}}, to: FR, text: b}
  - {id: I3, at: {uniform: {low: 1h, high: 1d}}, to: FR, text: c}
  - {id: I4, after: {inject: I3, delay: {uniform: {low: 3d, high: 4d}}}, to: FR, text: d}
"""
    by_field = {p.field: p.message for p in warnings(tmp_path, text)}
    assert set(by_field) == {"injects.0.at", "injects.1.after.delay", "injects.3.after"}
    assert "in about 17% of runs" in by_field["injects.0.at"] and "never fires" in by_field["injects.0.at"]
    assert "between 2h 00m and 2d 12h 00m" in by_field["injects.1.after.delay"]
    assert "it will never fire" in by_field["injects.3.after"]


def test_an_operation_whose_drawn_action_could_precede_its_planning_is_an_error(tmp_path):
    op = HEAD.replace("duration: 2d", "duration: 30d") + """\
operations:
  - id: OP
    name: Op
    participants: [FR, ES]
    planning_starts: {uniform: {low: 1d, high: 5d}}
    action_starts: {ACTION}
"""
    assert [p.field for p in errors(tmp_path, op.replace("{ACTION}", "{uniform: {low: 4d, high: 8d}}"))] == [
        "operations.0.action_starts"]
    assert errors(tmp_path, op.replace("{ACTION}", "{uniform: {low: 6d, high: 8d}}")) == []


def test_an_exponential_timing_with_a_zero_mean_is_judged_not_divided_by(tmp_path):
    """A mean of zero always draws zero: validate must not divide by it (it once raised ZeroDivisionError)."""
    said = problems(tmp_path, subject("{route: [ES], leaves_after: {exponential: {mean: 0m}}}"))
    assert not [p for p in said if p.severity == "error" or "leaves_after" in str(p)]
