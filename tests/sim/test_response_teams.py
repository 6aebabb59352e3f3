"""Incident Response Teams and disaster victim identification (issue 17, exercise 7).

Rules checked:
- with an IRT (``irt: true``, asked by the country or its NCB), the DVI operation starts when the IRT is on the ground
  (``irt.deployed``), not at the incident;
- with ``irt_requested_by: ncb`` the affected country's NCB officer decides (``request_irt``); a refusal or a
  lapsed prompt means no IRT, so no DVI operation: only the General Secretariat's routine
  comparison identifies the body;
- without an IRT (``irt: false``) the country's own DVI team starts at the incident (unchanged).
"""

from __future__ import annotations

from conftest import ALL_WEEK, scenario

from sim.decisions.script import Script
from sim.decisions.seats import SeatConfig
from sim.engine.exercise import Exercise

ROUND_CLOCK = {"default": {"staff": 2, "night_staff": 2, "days": ALL_WEEK}}
REQUESTS = [{"id": "N1", "kind": "black", "by": "MA", "subject": "B1", "at": "0m"},
            {"id": "N2", "kind": "yellow", "by": "DE", "subject": "S2", "at": "0m"}]


def kinds(ex: Exercise, kind: str) -> list[dict]:
    return [e for e in ex.journal.events if e["kind"] == kind]


def disaster(irt: bool | str, *, players: list | None = None, script: dict | None = None,
             duration: str = "10d") -> Exercise:
    sc = scenario(desks=ROUND_CLOCK, duration=duration, ndtf={"doubt_share": 0},
                  parameters={"ndtf.screening_time": "1h", "irt.deployment_time": "20h",
                              "dvi.matching_time": "2d", "dvi.routine_matching_time": "30d"},
                  subjects=[{"id": "B1", "kind": "unidentified_body", "identity": {"name": "unknown, male"},
                             "location": "MA", "identified_as": "S2"},
                            {"id": "S2", "kind": "missing", "identity": {"name": "Jan DE VRIES"}, "location": "DE"}],
                  requests=REQUESTS, players=players or [],
                  incidents=[{"id": "X1", "at": "0m", "country": "MA", "dvi": True,
                              **({"irt_requested_by": "ncb"} if irt == "ask" else {"irt": irt})}])
    seats = SeatConfig(policy="scripted", script=Script.model_validate(script)) if script else None
    ex = Exercise(sc, seats=seats)
    ex.run()
    return ex


def test_the_dvi_operation_starts_when_the_irt_is_on_the_ground_not_at_the_incident():
    ex = disaster(True)
    (deployed,) = kinds(ex, "irt.deployed")
    assert deployed["t"] == "2026-03-03T02:00:00Z"  # 20 h after the incident
    (match,) = kinds(ex, "dvi.matched")
    assert match["incident"] == "X1" and match["actor"] == "MA"
    assert match["t"] == "2026-03-05T02:00:00Z"  # the IRT's arrival plus two days of matching
    # The country's own team (irt: false) starts at the incident, twenty hours earlier.
    (own,) = kinds(disaster(False), "dvi.matched")
    assert own["t"] < match["t"] and own["incident"] == "X1"


def test_the_affected_ncb_asks_for_the_irt_and_its_answer_is_the_players():
    ex = disaster("ask", players=[{"role": "ncb", "country": "MA"}])
    (asked,) = [e for e in kinds(ex, "decision.requested") if e["type"] == "request_irt"]
    assert asked["seat"] == "ncb:MA" and asked["recommended"] == "request" and asked["default"] == "national"
    assert asked["deadline"] == "2026-03-02T12:00:00Z"  # irt_ask_within: 6h by default
    (made,) = [e for e in kinds(ex, "decision.made") if e["type"] == "request_irt"]
    (requested,) = kinds(ex, "irt.requested")
    assert made["option"] == "request" and requested["by"] == "policy" and requested["actor"] == "MA"
    (match,) = kinds(ex, "dvi.matched")
    assert match["incident"] == "X1"


def test_without_the_irt_no_dvi_operation_runs_and_only_the_routine_comparison_remains():
    declined = disaster("ask", script={"answers": [{"type": "request_irt", "option": "national"}]})
    assert not kinds(declined, "irt.requested") and not kinds(declined, "irt.deployed")
    assert not kinds(declined, "dvi.matched")  # thirty days of routine comparison are not up in ten
    late = disaster("ask", duration="45d",
                    script={"answers": [{"type": "request_irt", "option": "request", "after": "7h"}]})
    (lapsed,) = kinds(late, "decision.expired")
    assert lapsed["type"] == "request_irt" and lapsed["applied"] == "national"
    (match,) = kinds(late, "dvi.matched")
    assert match["actor"] == "GS" and "incident" not in match
