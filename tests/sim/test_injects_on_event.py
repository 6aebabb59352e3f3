"""Injects triggered by play (``on:``): due once, at the count-th matching event plus the delay;
never due when it never happens; when:/unless: still judged at the due time; what follows them
(after:) keeps its place in the chain; and validation neither calls their chain a cycle nor lets a
trigger no event can match pass."""

from __future__ import annotations

import pytest
from conftest import MINIMAL_SCENARIO, scenario

from sim.engine.exercise import Exercise
from sim.errors import InputError
from sim.play.host import PlayHost
from sim.scenario.loader import load_scenario


def on(inject: str, delay: str = "0m", **more) -> dict:
    return {"event": "inject.fired", "match": {"inject": inject}, "delay": delay, **more}


def run(injects: list[dict]) -> Exercise:
    ex = Exercise(scenario(injects=injects))
    ex.run()
    return ex


def fired(ex: Exercise) -> list[tuple[str, str]]:
    return [(e["inject"], e["t"][11:16]) for e in ex.journal.events if e["kind"] == "inject.fired"]


def test_an_inject_falls_due_when_its_event_happens_plus_the_delay():
    ex = run([{"id": "A", "at": "1h", "to": "FR", "text": "a"},
              {"id": "B", "on": on("A", "2h"), "to": "FR", "text": "b"}])
    assert fired(ex) == [("A", "07:00"), ("B", "09:00")]


def test_count_waits_for_the_nth_matching_event_and_fires_once():
    ex = run([{"id": "A1", "at": "1h", "to": "FR", "text": "a"},
              {"id": "A2", "at": "2h", "to": "FR", "text": "a"},
              {"id": "A3", "at": "3h", "to": "FR", "text": "a"},
              {"id": "B", "to": "FR", "text": "b",
               "on": {"event": "inject.fired", "match": {"from": "national-police"}, "count": 2}}])
    assert fired(ex) == [("A1", "07:00"), ("A2", "08:00"), ("B", "08:00"), ("A3", "09:00")]


def test_an_inject_whose_event_never_happens_stays_pending_and_so_do_its_followers():
    ex = run([{"id": "B", "on": on("Z"), "to": "FR", "text": "b"},
              {"id": "C", "after": {"inject": "B", "delay": "1h"}, "to": "FR", "text": "c"},
              {"id": "Z", "at": "3d", "to": "FR", "text": "z"}])  # after the end: never fires
    assert fired(ex) == [] and ex.injects.status("B") == "pending" and ex.injects.status("C") == "pending"


def test_when_is_judged_at_the_due_time_and_a_follower_keeps_its_delay():
    ex = run([{"id": "A", "at": "1h", "to": "FR", "text": "a"},
              {"id": "W", "at": "2h", "to": "FR", "text": "w"},
              {"id": "B", "on": on("A", "30m"), "to": "FR", "text": "b",
               "when": {"event": "inject.fired", "match": {"inject": "W"}}},
              {"id": "B2", "on": on("A", "90m"), "to": "FR", "text": "b",
               "when": {"event": "inject.fired", "match": {"inject": "W"}}},
              {"id": "C", "after": {"inject": "B2", "delay": "1h"}, "to": "FR", "text": "c"}])
    assert fired(ex) == [("A", "07:00"), ("W", "08:00"), ("B2", "08:30"), ("C", "09:30")]
    assert ex.injects.skipped == {"B": "when"}


def test_the_trainer_table_says_what_the_inject_waits_for():
    sc = scenario(players=[{"role": "ncb", "country": "FR"}],
                  injects=[{"id": "B", "on": on("A", "2h"), "to": "FR", "text": "b"},
                           {"id": "A", "at": "1d", "to": "FR", "text": "a"}])
    host = PlayHost.headless(sc, policy="by_the_book")
    row = next(r for r in host.msel() if r.id == "B")
    assert row.due == "on inject.fired (inject A) + 2h 00m" and row.status == "pending"
    assert row.status_text == "waiting for its event"
    host.advance(24 * 60 + 30, 30.0)  # A fires at 1d: B falls due two hours later
    row = next(r for r in host.msel() if r.id == "B")
    assert row.status_text == "its event came: due at 1d 2h 00m"


def test_a_chain_behind_an_on_inject_is_not_called_a_cycle(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL_SCENARIO + "  - {id: B, on: {event: inject.fired, match: {inject: I1}, delay: 1h}, "
                                       "to: FR, text: b}\n  - {id: C, after: {inject: B}, to: FR, text: c}\n",
                    encoding="utf-8")
    assert not load_scenario(path).warnings


def test_a_trigger_no_event_can_match_is_an_error_in_words(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL_SCENARIO + "  - {id: B, on: {event: inject.fired, match: {inject: I9}}, to: FR, "
                                       "text: b}\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_scenario(path)
    [p] = e.value.problems
    assert "injects.1.on.match.inject" in str(p) and "no inject has id 'I9'" in str(p) and "never fires" in str(p)


def test_only_one_trigger(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL_SCENARIO + "  - {id: B, at: 1h, on: {event: inject.fired}, to: FR, text: b}\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="give exactly one of 'at', 'after', 'on' or 'instead_of'"):
        load_scenario(path)
