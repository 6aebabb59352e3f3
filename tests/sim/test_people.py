"""Subjects under pressure, SLTD at the border, cases with reminders, operations, IRT and IMEST."""

from __future__ import annotations

import statistics

from conftest import ALL_WEEK, SCENARIOS, scenario

from sim.engine.exercise import Exercise
from sim.scenario.loader import load_scenario

ROUND_CLOCK = {"default": {"staff": 2, "night_staff": 2, "days": ALL_WEEK}}


def kinds(ex: Exercise, kind: str) -> list[dict]:
    return [e for e in ex.journal.events if e["kind"] == kind]


def traveller(document: str, border: str) -> Exercise:
    sc = scenario(world={"members": ["SN", "MA", "ES"], "border_systems": {"MA": border}},
                  subjects=[{"id": "S1", "identity": {"name": "X"}, "location": "SN", "document": document,
                             "plan": {"route": ["MA"], "leaves_after": "1h"}}])
    ex = Exercise(sc)
    ex.run()
    return ex


def test_stolen_passport_hits_sltd_at_a_find_border_not_at_an_unconnected_one():
    find = kinds(traveller("stolen", "find"), "database.hit")
    assert [(h["database"], h["country"]) for h in find] == [("SLTD", "MA")]
    assert kinds(traveller("stolen", "none"), "database.hit") == []
    assert kinds(traveller("genuine", "find"), "database.hit") == []
    checked = kinds(traveller("stolen", "none"), "border.checked")
    assert checked and checked[0]["system"] == "none"


def test_a_public_extract_makes_a_subject_move_on_at_once():
    def run(flees: list[str]) -> list[dict]:
        sc = scenario(desks=ROUND_CLOCK, parameters={"ndtf.screening_time": "1h"}, ndtf={"doubt_share": 0},
                      duration="10d",
                      subjects=[{"id": "S1", "identity": {"name": "X", "nationality": "SN"}, "location": "SN",
                                 "plan": {"route": ["MA"], "leaves_after": "8d"}, "flees_on": flees}],
                      requests=[{"id": "N1", "kind": "red", "by": "FR", "subject": "S1", "at": "0m",
                                 "offence": "fraud", "max_penalty_years": 5, "public_extract": True}])
        ex = Exercise(sc)
        ex.run()
        return kinds(ex, "subject.moved")

    calm, alarmed = run([]), run(["public_extract"])
    assert calm[0]["t"] > "2026-03-10"
    assert alarmed[0]["t"] < "2026-03-03"


def test_unanswered_requests_are_chased_with_rising_priority():
    sc = scenario(desks=ROUND_CLOCK, duration="10d",
                  cases=[{"id": "C1", "title": "t", "lead": "FR", "partners": ["ES"], "reply_share": 0.0,
                          "reminder_after": "2d", "max_reminders": 2,
                          "requests_for_information": [{"to": "ES", "at": "1h", "language": "fr"}]}])
    ex = Exercise(sc)
    ex.run()
    sent = [e for e in kinds(ex, "message.sent") if e.get("case") == "C1"]
    types = [(e["type"], e["priority"]) for e in sent if e["from"] == "FR"]
    assert types[:3] == [("rfi", "routine"), ("reminder", "high"), ("reminder", "urgent")]
    handled_by_es = [e for e in kinds(ex, "message.handled") if e.get("case") == "C1" and e["actor"] == "ES"]
    assert len(handled_by_es) >= 3  # reminders cost the partner's desk time too


def test_a_willing_partner_replies_after_research():
    sc = scenario(desks=ROUND_CLOCK, parameters={"case.research_time": "5h"},
                  cases=[{"id": "C1", "title": "t", "lead": "FR", "reply_share": 1.0,
                          "requests_for_information": [{"to": "ES", "at": "0m", "language": "fr", "about": None}]}])
    ex = Exercise(sc)
    ex.run()
    reply = [e for e in kinds(ex, "message.handled") if e["type"] == "rfi_reply"]
    assert len(reply) == 1 and reply[0]["actor"] == "FR" and reply[0]["t"] > "2026-03-02T11:00:00Z"


def operation(intelligence_requests: int, seed: int, partners_open: bool = True) -> int:
    desks = ROUND_CLOCK if partners_open else {"default": {"staff": 0}, "overrides": {"FR": {"staff": 2}}}
    sc = scenario(seed=seed, desks=desks, duration="12d",
                  operations=[{"id": "OP", "name": "op", "participants": ["FR", "ES", "MA", "SN", "DE"],
                               "action_starts": "4d", "action_days": 3, "intelligence_requests": intelligence_requests,
                               "targets_per_country": 40, "checks_per_day_per_country": 1000}])
    ex = Exercise(sc)
    ex.run()
    return kinds(ex, "operation.ended")[0]["arrests"]


def test_an_operations_arrests_grow_with_the_intelligence_gathered():
    seeds = range(8)
    none = statistics.fmean(operation(0, s) for s in seeds)
    some = statistics.fmean(operation(4, s) for s in seeds)
    silent = statistics.fmean(operation(4, s, partners_open=False) for s in seeds)
    assert some > none * 2
    assert silent < some


def test_operation_journal_and_irt_imest():
    sc = scenario(duration="3d", desks=ROUND_CLOCK, parameters={"irt.deployment_time": "18h"},
                  operations=[{"id": "OP", "name": "op", "participants": ["FR", "ES"], "action_starts": "1d",
                               "action_days": 1, "intelligence_requests": 1}],
                  incidents=[{"id": "X1", "at": "2h", "country": "MA", "kind": "disaster"}],
                  major_events=[{"id": "E1", "name": "Games", "country": "FR", "starts": "6h", "lasts": "1d"}])
    ex = Exercise(sc)
    ex.run()
    got = [e["kind"] for e in ex.journal.events if e["kind"].startswith(("operation.", "irt.", "imest.", "incident."))]
    assert got[0] == "operation.planned" and "operation.started" in got and got.count("operation.checks") == 2
    assert got.count("operation.arrests") == 2 and "operation.ended" in got
    deployed = kinds(ex, "irt.deployed")[0]
    assert deployed["hours_to_deploy"] == 18.0 and deployed["t"] == "2026-03-03T02:00:00Z"
    assert [e["kind"] for e in ex.journal.events if e["kind"].startswith("imest.")] == ["imest.deployed", "imest.ended"]


def test_pharma_ring_scenario_shows_the_whole_chain():
    ex = Exercise(load_scenario(SCENARIOS / "pharma-ring-operation.yaml").scenario)
    ex.run()
    seen = {e["kind"] for e in ex.journal.events}
    assert {"subject.moved", "border.checked", "database.hit", "arrest.provisional", "operation.started",
            "operation.ended"} <= seen
