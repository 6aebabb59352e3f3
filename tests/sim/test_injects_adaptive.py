"""An MSEL that adapts to play: when:/unless: are judged at an inject's due time against what has
happened so far; a skipped inject is journalled with why; its contingencies (instead_of:) fall due
in its place, the first eligible one firing; the injects that follow it are skipped too; and the
trainer can move an inject or add one for a later time."""

from __future__ import annotations

import pytest
from conftest import scenario

from sim.engine.exercise import Exercise
from sim.errors import InputError
from sim.scenario.model import Inject

HELD = {"event": "inject.fired", "match": {"inject": "A"}}


def kinds(ex: Exercise, *names: str) -> list[tuple[str, str, str]]:
    """(kind, inject, time) of the MSEL's own events, in journal order."""
    return [(e["kind"], e["inject"], e["t"][11:16]) for e in ex.journal.events if e["kind"] in names]


def run(injects: list[dict], **fields) -> Exercise:
    ex = Exercise(scenario(injects=injects, **fields))
    ex.run()
    return ex


def test_when_holds_only_on_what_happened_before_the_due_time():
    """B waits for A, which fires after B is due: B is skipped (when); C is due later and fires."""
    ex = run([{"id": "A", "at": "2h", "to": "FR", "text": "a"},
              {"id": "B", "at": "1h", "to": "FR", "text": "b", "when": HELD},
              {"id": "C", "at": "3h", "to": "FR", "text": "c", "when": HELD}])
    assert kinds(ex, "inject.fired", "inject.skipped") == [
        ("inject.skipped", "B", "07:00"), ("inject.fired", "A", "08:00"), ("inject.fired", "C", "09:00")]
    skipped = next(e for e in ex.journal.events if e["kind"] == "inject.skipped")
    assert skipped["why"] == "when" and "contingency" not in skipped


def test_unless_skips_and_the_first_eligible_contingency_fires_in_its_place():
    """B is skipped because A fired; B2 (instead of B) needs something that never happened and is
    skipped too; B3 (instead of B2) fires at B's time, saying whose place it takes."""
    ex = run([{"id": "A", "at": "0m", "to": "FR", "text": "a"},
              {"id": "B", "at": "4h", "to": "FR", "text": "b", "unless": HELD},
              {"id": "B2", "instead_of": "B", "to": "FR", "text": "b2",
               "when": {"event": "arrest.provisional", "match": {"country": "MA"}}},
              {"id": "B3", "instead_of": "B2", "to": "FR", "text": "b3"}])
    assert kinds(ex, "inject.fired", "inject.skipped") == [
        ("inject.fired", "A", "06:00"), ("inject.skipped", "B", "10:00"), ("inject.skipped", "B2", "10:00"),
        ("inject.fired", "B3", "10:00")]
    why = {e["inject"]: (e["why"], e.get("contingency")) for e in ex.journal.events if e["kind"] == "inject.skipped"}
    assert why == {"B": ("unless", "B2"), "B2": ("when", "B3")}
    assert next(e for e in ex.journal.events if e.get("inject") == "B3")["instead_of"] == "B2"


def test_a_contingency_whose_inject_fired_is_journalled_as_not_needed():
    ex = run([{"id": "B", "at": "1h", "to": "FR", "text": "b"},
              {"id": "B2", "instead_of": "B", "to": "FR", "text": "b2"}])
    assert kinds(ex, "inject.fired", "inject.skipped") == [
        ("inject.fired", "B", "07:00"), ("inject.skipped", "B2", "07:00")]
    assert ex.injects.skipped == {"B2": "not_needed"}


def test_an_inject_following_a_skipped_one_is_skipped_at_its_own_due_time():
    ex = run([{"id": "B", "at": "1h", "to": "FR", "text": "b", "when": HELD},
              {"id": "C", "after": {"inject": "B", "delay": "2h"}, "to": "FR", "text": "c"}])
    assert kinds(ex, "inject.fired", "inject.skipped") == [
        ("inject.skipped", "B", "07:00"), ("inject.skipped", "C", "09:00")]
    assert ex.injects.skipped == {"B": "when", "C": "after_skipped"}


def test_none_all_any_conditions_are_judged_like_objectives():
    never_a = {"none": {"event": "inject.fired", "match": {"inject": "A"}}}
    ex = run([{"id": "A", "at": "0m", "to": "FR", "text": "a"},
              {"id": "N", "at": "1h", "to": "FR", "text": "n", "when": never_a},
              {"id": "Y", "at": "1h", "to": "FR", "text": "y",
               "when": {"any": [never_a, {"all": [HELD, {"event": "inject.fired", "match": {"to": "FR"}}]}]}}])
    assert ex.injects.status("N") == "skipped" and ex.injects.status("Y") == "fired"


def test_conditions_cost_nothing_when_the_journal_keeps_no_events():
    """Counted live from the journal's stream, so a batch run (keep_events=False) judges the same."""
    import io

    sc = scenario(injects=[{"id": "A", "at": "0m", "to": "FR", "text": "a"},
                           {"id": "B", "at": "1h", "to": "FR", "text": "b", "unless": HELD}])
    ex = Exercise(sc, journal_sink=io.StringIO(), keep_events=False)
    ex.run()
    assert ex.injects.skipped == {"B": "unless"}


def test_a_held_inject_is_judged_when_released():
    ex = Exercise(scenario(injects=[{"id": "A", "at": "2h", "to": "FR", "text": "a"},
                                    {"id": "B", "at": "1h", "to": "FR", "text": "b", "unless": HELD}]))
    ex.control({"action": "hold", "inject": "B"})
    ex.run(180)
    assert ex.injects.status("B") == "held (due)"
    ex.control({"action": "release", "inject": "B"})
    assert ex.injects.skipped == {"B": "unless"}


def test_the_trainer_moves_an_inject_and_its_old_time_passes_quietly():
    ex = Exercise(scenario(injects=[{"id": "A", "at": "1h", "to": "FR", "text": "a"},
                                    {"id": "C", "after": {"inject": "A", "delay": "1h"}, "to": "FR", "text": "c"}]))
    ex.run(30)
    ex.control({"action": "reschedule", "inject": "A", "due": 300.0})
    ex.control({"action": "reschedule", "inject": "C", "due": 90.0})  # off A's chain: its own time
    ex.run()
    assert kinds(ex, "inject.rescheduled", "inject.fired") == [
        ("inject.rescheduled", "A", "06:30"), ("inject.rescheduled", "C", "06:30"),
        ("inject.fired", "C", "07:30"), ("inject.fired", "A", "11:00")]
    moved = next(e for e in ex.journal.events if e["kind"] == "inject.rescheduled")
    assert moved["due"] == "2026-03-02T11:00:00Z" and moved["was"] == "2026-03-02T07:00:00Z"
    assert ex.injects.status_words("A").startswith("fired at 5h")


@pytest.mark.parametrize(("payload", "words"), [
    ({"action": "reschedule", "inject": "A", "due": 10.0}, "has passed"),
    ({"action": "reschedule", "inject": "B", "due": 600.0}, "already fired"),
    ({"action": "reschedule", "inject": "D2", "due": 600.0}, "stands in for D"),
    ({"action": "reschedule", "inject": "B2", "due": 600.0}, "was skipped"),
    ({"action": "reschedule", "inject": "A", "due": 9000.0}, "the exercise ends"),
])
def test_a_reschedule_that_cannot_be_done_is_refused_in_words(payload, words):
    ex = Exercise(scenario(injects=[{"id": "A", "at": "3h", "to": "FR", "text": "a"},
                                    {"id": "B", "at": "0m", "to": "FR", "text": "b"},
                                    {"id": "B2", "instead_of": "B", "to": "FR", "text": "b2"},
                                    {"id": "D", "at": "5h", "to": "FR", "text": "d"},
                                    {"id": "D2", "instead_of": "D", "to": "FR", "text": "d2"}]))
    ex.run(60)
    with pytest.raises(ValueError, match=words):
        ex.control(payload)


def test_an_adhoc_inject_for_later_is_journalled_then_fires_at_its_time_from_gs_over_i247():
    ex = Exercise(scenario())
    ex.run(60)
    ex.control({"action": "adhoc", "inject": {"id": "X1", "to": "FR", "from": "GS", "text": "x", "priority": "high"},
                "due": 240.0})
    ex.run()
    assert kinds(ex, "inject.added", "inject.fired") == [("inject.added", "X1", "07:00"),
                                                        ("inject.fired", "X1", "10:00")]
    fired = next(e for e in ex.journal.events if e["kind"] == "inject.fired")
    assert fired["by"] == "trainer" and fired["channel"] == "i247"


def test_adhoc_problems_are_per_field_in_words():
    ex = Exercise(scenario(injects=[{"id": "I1", "at": "0m", "to": "FR", "text": "a"}]))
    ex.run(60)
    problems = ex.injects.adhoc_problems({"id": "I1", "to": "FX", "from": "ZZ", "priority": "urgnet", "text": " ",
                                          "due": 10.0})
    assert problems == {
        "id": "I1 is already used by an inject of this MSEL; choose another id",
        "to": "'FX' is not a member country in this exercise — did you mean FR?",
        "from": "'ZZ' is not a member country in this exercise; write a national body in words",
        "priority": "'urgnet' is not a priority; one of routine, high, urgent — did you mean urgent?",
        "text": "write the message the receiving officer reads",
        "due": "10m after the start has passed (it is now 1h 00m); choose now or later",
    }


def test_an_inject_gives_exactly_one_of_at_after_instead_of():
    with pytest.raises((InputError, ValueError), match="exactly one of 'at', 'after', 'on' or 'instead_of'"):
        Inject.model_validate({"id": "B", "at": "1h", "instead_of": "A", "to": "FR", "text": "b"})


def test_validate_locates_bad_inject_references_and_conditions_with_a_did_you_mean(tmp_path):
    """Rule: instead_of names a known inject and no cycle; when:/unless: are checked like objectives'
    matches; a contingency of an inject that can never be skipped is a warning."""
    from sim.scenario.loader import load_scenario

    path = tmp_path / "s.yaml"
    path.write_text("""id: t
title: t
start: 2026-03-02T06:00:00Z
duration: 2d
world: {members: [FR, ES, MA]}
injects:
  - {id: I1, at: 1h, from: ES, to: FR, text: a, unless: {event: database.hit, match: {contry: MA}}}
  - {id: I2, instead_of: I9, from: ES, to: FR, text: b}
  - {id: I3, instead_of: I4, from: ES, to: FR, text: c, when: {event: inject.fired, match: {inject: I1}}}
  - {id: I4, instead_of: I3, from: ES, to: FR, text: d, when: {event: inject.fired, match: {inject: I1}}}
  - {id: I5, at: 2h, from: ES, to: FR, text: e}
  - {id: I6, instead_of: I5, from: ES, to: FR, text: f}
""")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    said = "\n".join(str(p) for p in caught.value.problems)
    assert ("injects.0.unless.match.contry: 'database.hit' events carry no field 'contry' (did you mean "
            "'country'?); no event can ever match it") in said
    assert "injects.1.instead_of: no inject has id 'I9'" in said
    assert "injects.2.instead_of: this inject is part of a cycle of 'instead_of' and 'after' references" in said
    assert "injects.5.instead_of: I5 has no when: or unless:" in said


def test_a_held_contingency_made_unneeded_is_not_fired_by_its_release():
    """B is skipped (unless), so B2 falls due in its place while the trainer holds it; the trainer
    then fires B after all, which makes B2 not needed: releasing B2 must not fire it."""
    ex = Exercise(scenario(injects=[
        {"id": "A", "at": "0m", "to": "FR", "text": "a"},
        {"id": "B", "at": "1h", "to": "FR", "text": "b", "unless": HELD},
        {"id": "B2", "instead_of": "B", "to": "FR", "text": "b2"}]))
    ex.run(until=30)
    ex.control({"action": "hold", "inject": "B2"})
    ex.run(until=120)
    ex.control({"action": "fire", "inject": "B"})
    ex.control({"action": "release", "inject": "B2"})
    ex.run()
    assert [i for k, i, _ in kinds(ex, "inject.fired") if k == "inject.fired"] == ["A", "B"]
    assert ("inject.skipped", "B2", "08:00") in kinds(ex, "inject.skipped")
