"""Inject expectations are scored met, late or missed from the journal alone."""

from __future__ import annotations

from conftest import ALL_WEEK, scenario

from sim.engine.exercise import Exercise
from sim.report.scoring import score_expectations

ROUND_CLOCK = {"default": {"staff": 2, "night_staff": 2, "days": ALL_WEEK}}


def scored(handling: str) -> dict:
    sc = scenario(desks=ROUND_CLOCK, parameters={"desk.handling_time": handling, "desk.urgent_handling_time": handling},
                  injects=[{"id": "I1", "at": "0m", "to": "FR", "text": "x", "language": "fr",
                            "expect": {"action": "acknowledge", "within": "1h"}},
                           {"id": "I2", "at": "0m", "to": "ES", "text": "y", "language": "es",
                            "expect": {"action": "request_notice", "within": "1h"}}])
    ex = Exercise(sc)
    ex.run()
    return {row["inject"]: row for row in score_expectations(ex.journal.events)}


def test_met_late_and_missed():
    fast, slow = scored("20m"), scored("2h")
    assert fast["I1"]["verdict"] == "met" and fast["I1"]["when"] == "2026-03-02T06:20:00Z"
    assert slow["I1"]["verdict"] == "late" and slow["I1"]["deadline"] == "2026-03-02T07:00:00Z"
    assert fast["I2"]["verdict"] == "missed" and fast["I2"]["evidence"] is None
