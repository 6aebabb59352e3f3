"""Drawn fields in a run: weighted alternatives and distributions on timings, drawn once per run
at the start from the scenario's seed, each on its own stream, and journalled as scenario.drawn."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

from conftest import journal_text, scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.exercise import Exercise
from sim.engine.views import view
from sim.rng import RandomStreams
from sim.scenario.chance import draw_all, settled, timing_range
from sim.scenario.model import Scenario

ROUTES = {"one_of": [{"weight": 3, "route": ["ES", "MA"]}, {"weight": 1, "route": "DE"}, {"weight": 1, "route": "SN"}]}


def traveller(sid: str = "S1", route=None, **plan) -> dict:
    return {"id": sid, "identity": {"name": f"{sid} DUVAL"}, "location": "FR",
            "plan": {"route": route or ROUTES, **plan}}


def draws(sc: Scenario, seed: int, base_key: tuple[int, ...] = ()) -> dict[str, object]:
    return {d.path: d.value for d in draw_all(sc, RandomStreams(seed, base_key))[1]}


def events(text: str, kind: str) -> list[dict]:
    return [e for e in map(json.loads, text.splitlines()) if e["kind"] == kind]


def test_weights_are_respected_over_many_seeds():
    """Rule: weights 3:1:1 are drawn 60%, 20%, 20% of runs (within 3 points over 3,000 seeds)."""
    sc = scenario(subjects=[traveller()])
    counts = Counter(tuple(draws(sc, seed)["subjects.S1.plan.route"]) for seed in range(3000))
    shares = {k: n / 3000 for k, n in counts.items()}
    assert abs(shares[("ES", "MA")] - 0.6) < 0.03
    assert abs(shares[("DE",)] - 0.2) < 0.03 and abs(shares[("SN",)] - 0.2) < 0.03


def test_a_zero_weight_is_never_drawn():
    sc = scenario(subjects=[traveller(route={"one_of": [{"weight": 0, "route": "ES"}, {"weight": 1, "route": "MA"},
                                                        {"weight": 0, "route": "DE"}, {"weight": 2, "route": "SN"}]})])
    drawn = {tuple(draws(sc, seed)["subjects.S1.plan.route"]) for seed in range(1500)}
    assert drawn == {("MA",), ("SN",)}


def test_the_same_seed_draws_the_same_and_writes_the_same_journal_byte_for_byte():
    sc = scenario(subjects=[traveller(leaves_after={"uniform": {"low": "2h", "high": "10h"}})],
                  injects=[{"id": "I1", "at": {"lognormal": {"median": "3h", "sigma": 0.5}}, "to": "FR", "text": "x"}])
    first = journal_text(sc)
    assert first == journal_text(sc)
    drawn = events(first, "scenario.drawn")
    assert [d["path"] for d in drawn] == ["subjects.S1.plan.route", "subjects.S1.plan.leaves_after", "injects.I1.at"]
    assert all(d["t"] == "2026-03-02T06:00:00Z" and d["actor"] == "control" for d in drawn)
    assert [e["seq"] for e in drawn] == [1, 2, 3]  # told before anything happens
    assert {json.dumps(draws(sc, s), default=str) for s in range(8)} != {json.dumps(draws(sc, 0), default=str)}


def test_the_journal_follows_the_draw():
    """Rule: the subject travels the drawn route, and the inject fires at the drawn time."""
    sc = scenario(subjects=[traveller(leaves_after={"uniform": {"low": "2h", "high": "10h"}})],
                  injects=[{"id": "I1", "at": {"uniform": {"low": "1h", "high": "20h"}}, "to": "FR", "text": "x"}])
    for seed in (1, 2, 3):
        ex = Exercise(sc, seed=seed)
        ex.run()
        drawn = {e["path"]: e for e in ex.journal.events if e["kind"] == "scenario.drawn"}
        route = drawn["subjects.S1.plan.route"]["route"]
        moved = [e for e in ex.journal.events if e["kind"] == "subject.moved"]
        assert moved and moved[-1]["to"] == route[-1]
        first_move = ex.clock.iso(drawn["subjects.S1.plan.leaves_after"]["minutes"])
        assert moved[0]["t"] > first_move  # sets off at the drawn time, then travels
        fired = next(e for e in ex.journal.events if e["kind"] == "inject.fired")
        assert fired["t"] == ex.clock.iso(drawn["injects.I1.at"]["minutes"])


def test_adding_a_subject_does_not_change_another_subjects_draw():
    """Rule: each drawn field has its own stream, named after its path with the subject's id."""
    alone = scenario(subjects=[traveller("S1", leaves_after={"uniform": {"low": "1h", "high": "9h"}})])
    crowded = scenario(subjects=[traveller("S0", leaves_after={"uniform": {"low": "1h", "high": "9h"}}),
                                 traveller("S1", leaves_after={"uniform": {"low": "1h", "high": "9h"}})],
                       injects=[{"id": "I1", "at": {"uniform": {"low": "1h", "high": "9h"}}, "to": "FR", "text": "x"}])
    for seed in range(40):
        a, b = draws(alone, seed), draws(crowded, seed)
        assert a["subjects.S1.plan.route"] == b["subjects.S1.plan.route"]
        assert a["subjects.S1.plan.leaves_after"] == b["subjects.S1.plan.leaves_after"]


def test_a_fixed_value_written_as_a_distribution_gives_the_plain_journal():
    """Rule: {fixed: 6h} is 6h: nothing is drawn or journalled, byte for byte today's journal."""
    plain = scenario(subjects=[traveller(route=["ES", "MA"], leaves_after="6h", stay="1h")],
                     injects=[{"id": "I1", "at": "3h", "to": "FR", "text": "x"}])
    fixed = scenario(subjects=[traveller(route=["ES", "MA"], leaves_after={"fixed": "6h"}, stay={"fixed": "1h"})],
                     injects=[{"id": "I1", "at": {"fixed": "3h"}, "to": "FR", "text": "x"}])
    text = journal_text(plain)
    assert text == journal_text(fixed) and "scenario.drawn" not in text
    assert draw_all(plain, RandomStreams(0))[0] is plain  # nothing drawn: the very same scenario runs


def test_no_seat_sees_what_was_drawn_and_the_trainer_does():
    """Rule: a drawn route is ground truth: no player's view (what they knew) holds it."""
    sc = scenario(subjects=[traveller()])
    ex = Exercise(sc)
    ex.run()
    for seat in ("ncb:FR", "ncb:ES", "ncb:MA", "ndtf", "ccc"):
        assert not any(e["kind"] == "scenario.drawn" for _, e in view(ex.journal.events, seat))
    assert any(e["kind"] == "scenario.drawn" for _, e in view(ex.journal.events, "trainer"))


def case(answer) -> Scenario:
    return scenario(duration="10d", cases=[{
        "id": "C1", "title": "c", "lead": "FR", "reply_share": 1, "max_reminders": 3, "reminder_after": "1d",
        "requests_for_information": [{"to": "ES", "at": "1h", **({"answer": answer} if answer else {})}]}])


def replies(sc: Scenario, seed: int = 7) -> list[dict]:
    return [e for e in events(journal_text(sc, seed=seed), "message.sent") if e.get("type") == "rfi_reply"]


def test_a_partners_answer_confirms_denies_or_stays_silent():
    """Rule: a denial is a reply that says the person is not known; a silent partner never
    replies, reminders or not; no answer written keeps today's reply."""
    plain = replies(case(None))
    assert len(plain) == 1 and "answer" not in plain[0] and plain[0]["text"].endswith("“c”.")
    denied = replies(case("denies"))
    assert [r["answer"] for r in denied] == ["denies"] and "is not known to us" in denied[0]["text"]
    assert [r["answer"] for r in replies(case("confirms"))] == ["confirms"]
    silent = journal_text(case("silent"))
    assert not [e for e in events(silent, "message.sent") if e.get("type") == "rfi_reply"]
    assert len([e for e in events(silent, "message.sent") if e.get("type") == "reminder"]) == 3


def test_a_drawn_answer_is_journalled_and_followed():
    sc = case({"one_of": [{"weight": 1, "answer": "confirms"}, {"weight": 1, "answer": "denies"},
                          {"weight": 1, "answer": "silent"}]})
    seen = Counter()
    for seed in range(12):
        text = journal_text(sc, seed=seed)
        drawn = events(text, "scenario.drawn")
        assert [d["path"] for d in drawn] == ["cases.C1.requests_for_information.0.answer"]
        said = [e["answer"] for e in events(text, "message.sent") if e.get("type") == "rfi_reply"]
        assert said == ([] if drawn[0]["answer"] == "silent" else [drawn[0]["answer"]])
        seen[drawn[0]["answer"]] += 1
    assert set(seen) == {"confirms", "denies", "silent"}


def test_replications_draw_anew_and_design_points_share_the_draw():
    """Rule: in an experiment a replication (the stream's base key) draws afresh, while design
    points of the same replication draw the same (common random numbers)."""
    a = scenario(subjects=[traveller(leaves_after={"uniform": {"low": "1h", "high": "9h"}})])
    b = scenario(subjects=[traveller(leaves_after={"uniform": {"low": "1h", "high": "9h"}})],
                 parameters={"desk.handling_time": {"fixed": "5m"}})
    per_rep = [draws(a, 7, (r,)) for r in range(30)]
    assert len({str(d) for d in per_rep}) > 20
    assert all(draws(b, 7, (r,)) == per_rep[r] for r in range(30))


@st.composite
def timings(draw):
    lo = draw(st.integers(0, 5000))
    hi = lo + draw(st.integers(1, 5000))
    family = draw(st.sampled_from(["uniform", "triangular", "empirical", "lognormal", "exponential"]))
    if family == "uniform":
        return {"uniform": {"low": f"{lo}m", "high": f"{hi}m"}}
    if family == "triangular":
        return {"triangular": {"low": f"{lo}m", "mode": f"{draw(st.integers(lo, hi))}m", "high": f"{hi}m"}}
    if family == "empirical":
        values = draw(st.lists(st.integers(0, 9000), min_size=1, max_size=4))
        weights = draw(st.lists(st.integers(0, 5), min_size=len(values), max_size=len(values)).filter(any))
        return {"empirical": {"values": [f"{v}m" for v in values], "weights": weights}}
    if family == "lognormal":
        return {"lognormal": {"median": f"{hi}m", "sigma": draw(st.floats(0.05, 2))}}
    return {"exponential": {"mean": f"{hi}m"}}


@settings(max_examples=60, deadline=None)
@given(timing=timings(), seed=st.integers(0, 2 ** 32), weights=st.lists(st.integers(0, 4), min_size=1, max_size=5))
def test_every_draw_lies_in_the_declared_support(timing, seed, weights):
    """Property: a drawn timing is never negative and lies within its family's bounds (a bounded
    family's low..high, an empirical's values of positive weight); a drawn alternative has a
    positive weight."""
    if not any(weights):
        weights = [*weights[:-1], 1]
    routes = {"one_of": [{"weight": w, "route": code} for w, code in zip(weights, ["ES", "MA", "DE", "SN", "FR"],
                                                                          strict=False)]}
    sc = scenario(subjects=[traveller(route=routes, leaves_after=timing)])
    settled_sc, drawn = draw_all(sc, RandomStreams(seed))
    plan = settled_sc.subjects[0].plan
    assert plan is not None
    value = settled(plan.leaves_after)
    assert isinstance(value, timedelta) and value >= timedelta(0)
    family = next(iter(timing))
    if family in ("uniform", "triangular"):
        lo, hi = timing_range(sc.subjects[0].plan.leaves_after)
        assert lo <= value.total_seconds() / 60 <= hi
    if family == "empirical":
        allowed = {v for v, w in zip(timing["empirical"]["values"], timing["empirical"]["weights"], strict=True) if w}
        assert f"{round(value.total_seconds() / 60)}m" in allowed
    choice = drawn[0].fields["choice"]
    assert weights[choice] > 0 and settled(plan.route) == [["ES", "MA", "DE", "SN", "FR"][choice]]


def test_a_listener_attached_after_construction_hears_the_draws_first():
    """Rule: the draws are journalled at the first instant, not while the exercise is built, so
    the report's and the seats' listeners (attached after construction) hear them, first."""
    ex = Exercise(scenario(subjects=[traveller()], injects=[{"id": "I1", "at": "0m", "to": "FR", "text": "x"}]))
    heard: list[str] = []
    ex.journal.listeners.append(lambda e: heard.append(e["kind"]))
    ex.run()
    assert heard[0] == "scenario.drawn" and heard.count("scenario.drawn") == 1
