"""Sessions: a person's answers replay exactly; branches share the past; what-ifs re-draw the future."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import FLAGSHIP, recorded_once

from sim.errors import InputError
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


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> Path:
    """The flagship played once by a person answering as recommended: ``s.db`` and its journal
    ``original.jsonl``, shared by the tests that only read them."""
    def make(folder: Path) -> None:
        store, journal = play_as_a_person(folder)
        store.close()
        (folder / "original.jsonl").write_text(journal)

    return recorded_once(tmp_path_factory, "flagship-played-as-a-person", make)


@pytest.fixture
def played_store(played):
    store = SessionStore.open(played / "s.db", write=False)
    yield store
    store.close()


def test_a_persons_answers_replay_to_the_identical_journal(tmp_path):
    store, original = play_as_a_person(tmp_path, choose=lambda d: d.options[-1].key)
    recorded = store.decisions()
    assert recorded and all(r.by == "seat" for r in recorded)
    buf = io.StringIO()
    SessionRun(store, journal=buf, keep_events=False, record=False).run()
    assert buf.getvalue() == original
    assert store.meta("finished") == "1" and store.meta("journal_sha256")


def test_branching_keeps_the_past_and_changes_the_future(played, played_store):
    store, original = played_store, (played / "original.jsonl").read_text()
    hit = next(r for r in store.decisions() if r.option == "confirm")
    buf = io.StringIO()
    SessionRun(store, journal=buf, keep_events=False, branch=(hit.decision, "decline"), record=False).run()
    branched = buf.getvalue()
    cut = SessionRun(store, record=False).exercise.clock.iso(hit.sim_time)
    before = [ln for ln in original.splitlines() if ln.split('"t": "')[1][:20] < cut]
    assert branched.splitlines()[:len(before)] == before
    assert branched != original and '"requester_declined"' in branched


def test_what_if_gives_a_distribution_per_option(played_store):
    store = played_store
    hit = next(r for r in store.decisions() if r.option == "confirm")
    results = what_if(store, hit.decision, replications=2)
    assert set(results) == {"confirm", "ask:photographs", "ask:fingerprints", "decline"}
    assert all(len(v) == 2 for v in results.values())
    assert sum(r["arrests"] for r in results["confirm"]) >= 2


def test_notes_and_ratings(played, tmp_path):
    fresh = new_session(tmp_path / "fresh.db", load_scenario(FLAGSHIP), seed=None, policy=None, script=None,
                        people=["ncb:FR"])
    with pytest.raises(InputError, match="already open for writing"):
        SessionStore.open(tmp_path / "fresh.db")  # a new session's store is its writer
    fresh.close()
    shutil.copyfile(played / "s.db", tmp_path / "s.db")
    store = SessionStore.open(tmp_path / "s.db")
    store.add_note("Filed the Red Notice request within the hour", "evaluator A", "O1", RATINGS[0], 90.0)
    with pytest.raises(InputError, match="already open for writing"):
        SessionStore.open(tmp_path / "s.db")  # one writer at a time, even within one process
    store.close()
    reopened = SessionStore.open(tmp_path / "s.db")
    (note,) = reopened.notes()
    assert note["objective"] == "O1" and note["rating"] == "performed_without_challenges"


def test_staged_writes_reach_the_file_only_when_written_in_order_and_chained(tmp_path):
    """The exercise server's way of writing: records wait in memory, are taken in order and
    committed on another connection (another thread); the file, reopened, checks its hash chain."""
    store = new_session(tmp_path / "s.db", load_scenario(FLAGSHIP), seed=None, policy=None, script=None,
                        people=["ncb:FR"])
    store.stage()
    store.record_decision("P1", "ncb:FR", '{"kind": "read_message", "msg": 1}', 5.0, "command")
    store.add_note("first", "trainer", sim_time=5.0)
    first = store.take_staged()
    store.record_decision("P2", "ncb:FR", '{"kind": "read_message", "msg": 1}', 6.0, "command")
    store.progress(6.0)
    second = store.take_staged()
    assert first is not None and second is not None and store.take_staged() is None
    assert store.decisions() == [] and store.notes() == []  # staged: not in the file yet
    store.write_staged(first)
    assert [r.decision for r in store.decisions()] == ["P1"] and len(store.notes()) == 1
    store.write_staged(second)
    store.unstage()
    store.record_decision("P3", "ncb:FR", '{"kind": "read_message", "msg": 1}', 7.0, "command")  # at once again
    store.close()
    reopened = SessionStore.open(tmp_path / "s.db")  # checks the chain over P1..P3
    try:
        assert [r.decision for r in reopened.decisions()] == ["P1", "P2", "P3"]
        assert reopened.reached() == 7.0 and reopened.meta("progress") == "6.0"
    finally:
        reopened.close()


def test_after_a_failed_staged_write_nothing_more_is_written(tmp_path):
    store = new_session(tmp_path / "s.db", load_scenario(FLAGSHIP), seed=None, policy=None, script=None,
                        people=["ncb:FR"])
    store.stage()
    store.record_decision("P1", "ncb:FR", "{}", 5.0, "command")
    store.record_decision("P1", "ncb:FR", "{}", 5.0, "command")  # the same id twice: the write fails
    broken = store.take_staged()
    store.record_decision("P2", "ncb:FR", "{}", 6.0, "command")
    later = store.take_staged()
    assert broken is not None and later is not None
    with pytest.raises(sqlite3.IntegrityError):
        store.write_staged(broken)
    with pytest.raises(sqlite3.OperationalError, match="earlier write"):  # P2 would chain from rows not there
        store.write_staged(later)
    assert store.decisions() == []
    store.close()


def test_answers_given_between_budgeted_ticks_replay_identically(tmp_path):
    """The TUI advances by wall-time budget and may stop mid-way; answers there must replay exactly.
    The flagship's first week holds its decisions (the warrant's, the hits'); its other 15 days
    only add run time."""
    store = new_session(tmp_path / "s.db", load_scenario(FLAGSHIP), seed=None, policy=None, script=None,
                        people=["ncb:FR"])
    buf = io.StringIO()
    run = SessionRun(store, journal=buf, keep_events=False)
    ex = run.exercise
    week, target = 7 * 1440.0, 0.0
    while target < week:
        target = min(week, target + 240)
        while not ex.advance(target, budget_s=0.002):
            for d in list(ex.port.open):
                ex.answer(d.id, d.options[0].key)
    again = io.StringIO()
    SessionRun(store, journal=again, keep_events=False, record=False).replay(week)
    assert len(store.decisions()) >= 3 and again.getvalue() == buf.getvalue()


def test_trainer_controls_are_recorded_and_replayed(tmp_path):
    store = new_session(tmp_path / "s.db", load_scenario(FLAGSHIP), seed=None, policy=None, script=None)
    buf = io.StringIO()
    run = SessionRun(store, journal=buf, keep_events=False)
    ex = run.exercise
    run.run(60)
    ex.control({"action": "hold", "inject": "I4"})
    ex.control({"action": "fire", "inject": "I3"})
    run.run(3 * 1440)
    ex.control({"action": "adhoc", "inject": {"id": "X1", "to": "FR", "from": "ES", "text": "Extra clue",
                                             "priority": "high"}})
    run.run(6 * 1440)
    # I4 fell due on day 5 while held: released, it is judged now, as it would have been then — and
    # skipped, since DUVAL is in a Moroccan cell, not in Dakar (its when: did not happen)
    ex.control({"action": "release", "inject": "I4"})
    run.run()
    events = [json.loads(ln) for ln in buf.getvalue().splitlines()]
    fired = {e["inject"]: e for e in events if e["kind"] == "inject.fired"}
    skipped = {e["inject"]: e for e in events if e["kind"] == "inject.skipped"}
    assert fired["I3"]["by"] == "trainer" and fired["I3"]["t"] == "2026-03-02T07:00:00Z"
    assert fired["X1"]["by"] == "trainer" and skipped["I4"]["t"] == "2026-03-08T06:00:00Z"
    assert [r.decision for r in store.decisions() if r.by == "control"] == ["C1", "C2", "C3", "C4"]
    again = io.StringIO()
    SessionRun(store, journal=again, keep_events=False, record=False).run()
    assert again.getvalue() == buf.getvalue()


def test_bad_controls_are_refused(tmp_path):
    store = new_session(tmp_path / "s.db", load_scenario(FLAGSHIP), seed=None, policy=None, script=None)
    ex = SessionRun(store).exercise
    for payload, words in [({"action": "fire", "inject": "I9"}, "no inject"),
                           ({"action": "release", "inject": "I2"}, "not held"),
                           ({"action": "explode"}, "unknown control action"),
                           ({"action": "adhoc", "inject": {"id": "I1", "to": "FR", "text": "x"}}, "already used")]:
        with pytest.raises(ValueError, match=words):
            ex.control(payload)
    assert not [r for r in store.decisions() if r.by == "control"]  # refused actions are not recorded
