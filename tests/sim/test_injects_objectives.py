"""Injects fire at their times and after each other; objectives are met or failed from the journal."""

from __future__ import annotations

from conftest import scenario

from sim.engine.exercise import Exercise

ROUND_CLOCK = {"default": {"staff": 2, "night_staff": 2}}


def fired(ex: Exercise) -> dict[str, str]:
    return {e["inject"]: e["t"] for e in ex.journal.events if e["kind"] == "inject.fired"}


def test_at_and_after_chains():
    sc = scenario(injects=[
        {"id": "A", "at": "90m", "to": "FR", "text": "a"},
        {"id": "B", "after": {"inject": "A", "delay": "2h"}, "to": "ES", "from": "FR", "text": "b"},
        {"id": "C", "after": {"inject": "B"}, "to": "MA", "text": "c"},
    ])
    ex = Exercise(sc)
    ex.run()
    assert fired(ex) == {"A": "2026-03-02T07:30:00Z", "B": "2026-03-02T09:30:00Z", "C": "2026-03-02T09:30:00Z"}


def test_inject_from_an_ncb_travels_over_i247_others_arrive_nationally():
    sc = scenario(injects=[{"id": "A", "at": "0m", "from": "ES", "to": "FR", "text": "a"},
                           {"id": "B", "at": "0m", "from": "Guardia Civil", "to": "ES", "text": "b"}])
    ex = Exercise(sc)
    ex.run()
    sent = {e["inject"]: e for e in ex.journal.events if e["kind"] == "message.sent"}
    assert sent["A"]["channel"] == "i247" and sent["A"]["latency_min"] > 0 and sent["A"]["language"] == "es"
    assert sent["B"]["channel"] == "national" and "latency_min" not in sent["B"]


def test_inject_after_the_end_never_fires():
    ex = Exercise(scenario(duration="1d", injects=[{"id": "A", "at": "2d", "to": "FR", "text": "a"}]))
    ex.run()
    assert fired(ex) == {}


def test_objective_met_with_evidence_and_failed_at_deadline():
    sc = scenario(desks=ROUND_CLOCK, parameters={"desk.handling_time": "30m"},
                  injects=[{"id": "A", "at": "0m", "to": "FR", "text": "a"}],
                  objectives=[
                      {"id": "fast", "title": "read within 1h", "by": "1h",
                       "check": {"event": "message.handled", "match": {"inject": "A", "actor": "FR"}}},
                      {"id": "too-fast", "title": "read within 10m", "by": "10m",
                       "check": {"event": "message.handled", "match": {"inject": "A"}}},
                      {"id": "never", "title": "ES reads it",
                       "check": {"event": "message.handled", "match": {"inject": "A", "actor": "ES"}}},
                  ])
    ex = Exercise(sc)
    ex.run()
    verdicts = {e["objective"]: (e["kind"], e["t"]) for e in ex.journal.events if e["kind"].startswith("objective.")}
    assert verdicts == {"too-fast": ("objective.failed", "2026-03-02T06:10:00Z"),
                        "fast": ("objective.met", "2026-03-02T06:30:00Z"),
                        "never": ("objective.failed", "2026-03-04T06:00:00Z")}
    met = next(e for e in ex.journal.events if e["kind"] == "objective.met")
    assert ex.journal.events[met["evidence"] - 1]["kind"] == "message.handled"


def test_objective_counts_and_stopping_early_leaves_it_open():
    sc = scenario(desks=ROUND_CLOCK, traffic={"messages_per_ncb_per_day": 50},
                  objectives=[{"id": "many", "title": "FR handles 5 messages",
                               "check": {"event": "message.handled", "match": {"actor": "FR"}, "count": 5}}])
    ex = Exercise(sc)
    ex.run(60)
    assert ex.objectives.status["many"] == "open"
    ex.run()
    assert ex.objectives.status["many"] == "met"
