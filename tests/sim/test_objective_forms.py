"""Objective forms beyond one event by a deadline: deadlines counted from an event (``after`` +
``within``), things that must not happen (``none``), and composites (``all`` / ``any``)."""

from __future__ import annotations

import pytest
from conftest import MINIMAL_SCENARIO, ncbsim, scenario
from pydantic import ValidationError

from sim.engine.exercise import Exercise
from sim.scenario.model import Objective

ROUND_CLOCK = {"default": {"staff": 2, "night_staff": 2}}
# A at 0h, B at 10h, C at 30h; FR reads each 30 minutes later.
INJECTS = [{"id": "A", "at": "0m", "to": "FR", "text": "a"},
           {"id": "B", "at": "10h", "to": "FR", "text": "b"},
           {"id": "C", "at": "30h", "to": "FR", "text": "c"}]


def fired(inject: str) -> dict:
    return {"event": "inject.fired", "match": {"inject": inject}}


def handled(inject: str) -> dict:
    return {"event": "message.handled", "match": {"inject": inject, "actor": "FR"}}


def verdicts(*objectives: dict) -> dict[str, tuple[str, str, dict]]:
    sc = scenario(desks=ROUND_CLOCK, parameters={"desk.handling_time": "30m"}, injects=INJECTS,
                  objectives=[{"title": o["id"], **o} for o in objectives])
    ex = Exercise(sc)
    ex.run()
    return {e["objective"]: (e["kind"].split(".")[1], e["t"][11:16] if e["t"][8:10] == "02" else e["t"], e)
            for e in ex.journal.events if e["kind"].startswith("objective.")}


def test_within_counts_from_the_after_event_and_is_met_inside_the_window():
    v = verdicts({"id": "O1", "check": handled("B"), "after": fired("B"), "within": "1h"})
    assert v["O1"][:2] == ("met", "16:30")


def test_within_fails_at_the_relative_deadline_not_at_the_end():
    v = verdicts({"id": "O1", "check": handled("C"), "after": fired("B"), "within": "2h"})
    assert v["O1"][:2] == ("failed", "18:00")  # B fires at 16:00; C is read the next day


def test_only_events_after_the_trigger_count():
    v = verdicts({"id": "O1", "check": fired("A"), "after": fired("B")})
    assert v["O1"][0] == "failed" and v["O1"][1] == "2026-03-04T06:00:00Z"  # at the end: A fired before B


def test_the_trigger_itself_does_not_count_in_its_window():
    v = verdicts({"id": "O1", "check": {"event": "inject.fired"}, "after": {"event": "inject.fired"}, "within": "1h"})
    assert v["O1"][:2] == ("failed", "07:00")
    v = verdicts({"id": "O2", "check": {"event": "inject.fired"}, "after": {"event": "inject.fired"}})
    assert v["O2"][:2] == ("met", "16:00")


def test_after_with_a_count_opens_at_the_nth_event():
    v = verdicts({"id": "O1", "check": handled("C"), "within": "1h",
                  "after": {"event": "inject.fired", "count": 3}})
    assert v["O1"][:2] == ("met", "2026-03-03T12:30:00Z")


def test_a_relative_objective_whose_event_never_comes_fails_as_not_started():
    v = verdicts({"id": "O1", "check": handled("A"), "after": fired("Z"), "within": "1h"})
    assert v["O1"][0] == "failed" and v["O1"][2]["reason"] == "not_started"


def test_by_still_caps_a_relative_deadline():
    v = verdicts({"id": "O1", "check": handled("C"), "after": fired("A"), "within": "3d", "by": "20h"})
    assert v["O1"][:2] == ("failed", "2026-03-03T02:00:00Z")


def test_none_fails_at_the_first_forbidden_event_with_it_as_evidence():
    v = verdicts({"id": "O1", "none": handled("B")})
    kind, at, e = v["O1"]
    assert (kind, at, e["reason"]) == ("failed", "16:30", "forbidden") and "evidence" in e


def test_none_is_met_at_its_deadline_when_nothing_forbidden_happened():
    v = verdicts({"id": "O1", "none": handled("C"), "by": "1d"}, {"id": "O2", "none": fired("Z")})
    assert v["O1"][:2] == ("met", "2026-03-03T06:00:00Z")
    assert v["O2"][:2] == ("met", "2026-03-04T06:00:00Z") and "evidence" not in v["O2"][2]


def test_none_within_a_window_ignores_what_happened_before_and_after_it():
    v = verdicts({"id": "O1", "none": fired("A"), "after": fired("B"), "within": "2h"},
                 {"id": "O2", "none": fired("C"), "after": fired("B"), "within": "2h"})
    assert v["O1"][:2] == ("met", "18:00") and v["O2"][:2] == ("met", "18:00")


def test_all_is_met_when_every_part_holds_and_fails_when_one_cannot():
    v = verdicts({"id": "O1", "all": [fired("A"), handled("B")]},
                 {"id": "O2", "all": [fired("A"), {"none": handled("B")}]},
                 {"id": "O3", "all": [fired("A"), {"none": fired("Z")}], "by": "12h"})
    assert v["O1"][:2] == ("met", "16:30")
    assert v["O2"][:2] == ("failed", "16:30") and v["O2"][2]["reason"] == "forbidden"
    assert v["O3"][:2] == ("met", "18:00")  # the none part holds only once its deadline has come


def test_any_is_met_by_the_first_part_that_holds_and_fails_when_none_can():
    v = verdicts({"id": "O1", "any": [fired("Z"), handled("B"), fired("C")]},
                 {"id": "O2", "any": [fired("Z"), fired("Y")], "by": "1d"})
    assert v["O1"][:2] == ("met", "16:30")
    assert v["O2"][:2] == ("failed", "2026-03-03T06:00:00Z")


def test_composites_nest():
    v = verdicts({"id": "O1", "any": [{"all": [fired("A"), fired("Z")]}, {"all": [fired("B"), handled("B")]}]})
    assert v["O1"][:2] == ("met", "16:30")


def test_a_plain_check_keeps_its_old_verdicts():
    v = verdicts({"id": "O1", "check": handled("A"), "by": "1h"}, {"id": "O2", "check": handled("A"), "by": "10m"})
    assert v["O1"][:2] == ("met", "06:30") and v["O2"][:2] == ("failed", "06:10")
    assert "reason" not in v["O2"][2]


@pytest.mark.parametrize(("fields", "says"), [
    ({}, "give exactly one of check, none, all or any"),
    ({"check": fired("A"), "none": fired("B")}, "(got check, none)"),
    ({"check": fired("A"), "within": "1h"}, "within counts from the 'after' event"),
])
def test_an_objective_has_one_condition_and_within_needs_after(fields, says):
    with pytest.raises(ValidationError, match=says.replace("(", r"\(").replace(")", r"\)")):
        Objective.model_validate({"id": "O1", "title": "t", **fields})


def test_a_malformed_condition_is_a_located_error_in_words(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL_SCENARIO + "objectives:\n  - id: O1\n    title: t\n    all:\n"
                    "      - {event: inject.fired}\n      - {nothing: here}\n", encoding="utf-8")
    r = ncbsim("validate", str(path))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    line = MINIMAL_SCENARIO.count("\n") + 6
    assert f"s.yaml:{line}:9: objectives.0.all.1: expected one condition" in r.stderr, r.stderr


def test_validate_checks_the_parts_and_the_trigger_of_an_objective(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL_SCENARIO + "objectives:\n  - id: O1\n    title: t\n"
                    "    any: [{event: inject.fired, match: {injekt: A}}, {none: {event: message.handled, "
                    "match: {inject: Q}}}]\n    after: {event: inject.fired, match: {inject: Z}}\n    within: 1h\n",
                    encoding="utf-8")
    r = ncbsim("validate", str(path))
    out = r.stdout + r.stderr
    assert "objectives.0.any.0.match.injekt" in out and "objectives.0.any.1.none.match.inject" in out
    assert "objectives.0.after.match.inject" in out


def test_the_debrief_says_what_broke_a_none_and_why_a_relative_objective_never_began():
    from sim.report.debrief import build

    sc = scenario(desks=ROUND_CLOCK, parameters={"desk.handling_time": "30m"}, injects=INJECTS, objectives=[
        {"id": "O1", "title": "B never read", "none": handled("B")},
        {"id": "O2", "title": "after Z", "check": handled("A"), "after": fired("Z"), "within": "1h"}])
    ex = Exercise(sc)
    ex.run()
    rows = {r["id"]: r for r in build(ex.journal.events, title="t", scenario_id="t")["objectives"]}
    assert rows["O1"]["verdict"] == "failed" and rows["O1"]["evidence"].startswith("must not happen, and did: ")
    assert rows["O2"]["evidence"] == "never started: the event its deadline counts from did not happen"


def test_a_deadline_is_a_closed_interval_whatever_was_scheduled_first():
    """An event at exactly the deadline counts, whether it was queued before the deadline or after
    (the desk's handling of B is scheduled at 10h for 10h30m; the deadline was set at the start)."""
    v = verdicts({"id": "O1", "check": handled("B"), "by": "10h30m"},
                 {"id": "O2", "check": handled("B"), "after": fired("B"), "within": "30m"},
                 {"id": "O3", "none": fired("B"), "by": "10h"},
                 {"id": "O4", "check": fired("B"), "by": "10h"})
    assert v["O1"][:2] == ("met", "16:30") and v["O2"][:2] == ("met", "16:30")
    assert v["O3"][:2] == ("failed", "16:00") and v["O4"][:2] == ("met", "16:00")


def test_a_window_opened_by_what_was_under_way_at_the_start_counts_from_when_it_happened():
    """An arrest under way since 35 days before the start opens a 'within' window 35 days ago: a
    20-day window is already over at the start, a 40-day one has 5 days left."""
    from sim.scenario.model import Scenario

    sc = Scenario.model_validate({
        "id": "t", "title": "t", "start": "2026-03-02T06:00:00Z", "duration": "30d",
        "world": {"members": ["FR", "ES", "PT"]},
        "subjects": [{"id": "S1", "identity": {"name": "Marc DUVAL", "nationality": "FR"}, "location": "ES",
                      "arrived": "-40d"}],
        "requests": [{"id": "N1", "kind": "red", "by": "FR", "subject": "S1", "offence": "homicide",
                      "max_penalty_years": 30, "published": "-60d"}],
        "arrests": [{"subject": "S1", "request": "N1", "country": "ES", "since": "-35d"}],
        "objectives": [
            {"id": "O1", "title": "t", "none": {"event": "extradition.requested"},
             "after": {"event": "arrest.provisional"}, "within": "20d"},
            {"id": "O2", "title": "t", "check": {"event": "extradition.requested"},
             "after": {"event": "arrest.provisional"}, "within": "40d"}]})
    ex = Exercise(sc)
    ex.run()
    v = {e["objective"]: (e["kind"], e["t"]) for e in ex.journal.events if e["kind"].startswith("objective.")}
    assert v["O1"] == ("objective.met", "2026-03-02T06:00:00Z")  # the window closed 15 days before the start
    assert v["O2"][1] <= "2026-03-07T06:00:00Z"  # decided within the 5 days left


def test_a_misspelt_event_kind_gets_the_nearest_kind_not_a_screenful(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL_SCENARIO + "objectives:\n  - {id: O1, title: t, check: {event: notice.publish}}\n",
                    encoding="utf-8")
    r = ncbsim("validate", str(path))
    line = next(ln for ln in r.stderr.splitlines() if "objectives.0.check.event" in ln)
    assert r.returncode == 2 and "(did you mean 'notice.published'?)" in line and len(line) < 300, line
