"""Sessions: a person's answers replay exactly; branches share the past; what-ifs re-draw the future."""

from __future__ import annotations

import io

from conftest import FLAGSHIP
from sim.scenario.loader import load_scenario
from sim.sessions.runner import SessionRun, new_session, what_if
from sim.sessions.store import RATINGS, SessionStore


def play_as_a_person(tmp_path, answer_every: float = 7.0, choose=lambda d: d.recommended):
    """Drive the flagship as the TUI would: small clock steps, answering open decisions as a person."""
    store = new_session(tmp_path / "s.db", load_scenario(FLAGSHIP), seed=None, policy=None, script=None,
                        people=["ncb:FR"])
    buf = io.StringIO()
    run = SessionRun(store, journal=buf, keep_events=False)
    ex = run.exercise
    t = 0.0
    while t < ex.duration:
        t = min(ex.duration, t + answer_every)
        run.run(t)
        for d in list(ex.port.open):
            if d.seat == "ncb:FR":
                ex.answer(d.id, choose(d))
    run.run()
    return store, buf.getvalue()


def test_a_persons_answers_replay_to_the_identical_journal(tmp_path):
    store, original = play_as_a_person(tmp_path, choose=lambda d: d.options[-1].key)
    recorded = store.decisions()
    assert recorded and all(r.by == "seat" for r in recorded)
    buf = io.StringIO()
    SessionRun(store, journal=buf, keep_events=False, record=False).run()
    assert buf.getvalue() == original
    assert store.meta("finished") == "1" and store.meta("journal_sha256")


def test_branching_keeps_the_past_and_changes_the_future(tmp_path):
    store, original = play_as_a_person(tmp_path)
    hit = next(r for r in store.decisions() if r.option == "confirm")
    buf = io.StringIO()
    SessionRun(store, journal=buf, keep_events=False, branch=(hit.decision, "decline"), record=False).run()
    branched = buf.getvalue()
    cut = SessionRun(store, record=False).exercise.clock.iso(hit.sim_time)
    before = [ln for ln in original.splitlines() if ln.split('"t": "')[1][:20] < cut]
    assert branched.splitlines()[:len(before)] == before
    assert branched != original and '"requester_declined"' in branched


def test_what_if_gives_a_distribution_per_option(tmp_path):
    store, _ = play_as_a_person(tmp_path)
    hit = next(r for r in store.decisions() if r.option == "confirm")
    results = what_if(store, hit.decision, replications=3)
    assert set(results) == {"confirm", "decline"}
    assert all(len(v) == 3 for v in results.values())
    assert sum(r["arrests"] for r in results["confirm"]) >= 3


def test_notes_and_ratings(tmp_path):
    store, _ = play_as_a_person(tmp_path, answer_every=600)
    store.add_note("Filed the Red Notice request within the hour", "evaluator A", "O1", RATINGS[0], 90.0)
    reopened = SessionStore.open(tmp_path / "s.db")
    (note,) = reopened.notes()
    assert note["objective"] == "O1" and note["rating"] == "performed_without_challenges"


def test_answers_given_between_budgeted_ticks_replay_identically(tmp_path):
    """The TUI advances by wall-time budget and may stop mid-way; answers there must replay exactly."""
    store = new_session(tmp_path / "s.db", load_scenario(FLAGSHIP), seed=None, policy=None, script=None,
                        people=["ncb:FR"])
    buf = io.StringIO()
    run = SessionRun(store, journal=buf, keep_events=False)
    ex = run.exercise
    target = 0.0
    while not ex.finished:
        target = min(ex.duration, target + 240)
        while not ex.advance(target, budget_s=0.002):
            for d in list(ex.port.open):
                ex.answer(d.id, d.options[0].key)
    run.run()
    again = io.StringIO()
    SessionRun(store, journal=again, keep_events=False, record=False).run()
    assert store.decisions() and again.getvalue() == buf.getvalue()
