"""The decision port: requests, answers by people and policies, deadlines and defaults."""

from __future__ import annotations

import pytest
from conftest import ALL_WEEK, scenario

from sim.decisions.port import DecisionError
from sim.decisions.script import Script, load_script
from sim.decisions.seats import SeatConfig
from sim.engine.exercise import Exercise
from sim.errors import InputError

ROUND_CLOCK = {"default": {"staff": 2, "night_staff": 2, "days": ALL_WEEK}}
FAST = {"ndtf.screening_time": "1h", "ndtf.detailed_review_time": "1h", "ndtf.work_time": "10m", "border.hold_time": "6h", "desk.handling_time": "10m",
        "desk.urgent_handling_time": "5m", "desk.translation_time": "0m", "ncb.drafting_time": "30m"}


def warrant_case(**fields):
    """FR reads a warrant, then decides on filing a diffusion to ES; the subject then enters ES."""
    base = {"desks": ROUND_CLOCK, "parameters": FAST, "ndtf": {"doubt_share": 0}, "duration": "3d",
            "world": {"members": ["FR", "ES", "MA"], "border_systems": {"MA": "find"}},
            "subjects": [{"id": "S1", "identity": {"name": "Ana PEREZ", "nationality": "FR"}, "location": "ES",
                          "plan": {"route": ["MA"], "leaves_after": "12h"}}],
            "injects": [{"id": "I1", "at": "0m", "to": "FR", "text": "warrant", "language": "fr",
                         "expect": {"action": "send_diffusion", "within": "4h"}}],
            "requests": [{"id": "D1", "kind": "diffusion", "by": "FR", "subject": "S1", "after_inject": "I1",
                          "to": ["MA"], "offence": "fraud", "max_penalty_years": 5}]}
    base.update(fields)
    return scenario(**base)


def kinds(ex, kind):
    return [e for e in ex.journal.events if e["kind"] == kind]


def test_policy_files_the_request_and_confirms_the_hit():
    ex = Exercise(warrant_case())
    ex.run()
    made = [(e["type"], e["option"], e["by"], e["policy"]) for e in kinds(ex, "decision.made")]
    assert made[:2] == [("file_request", "file", "policy", "by_the_book"), ("confirm_hit", "confirm", "policy", "by_the_book")]
    # What the answer set going is the policy's too, and it files through the seat's commands:
    # the scenario's form is drafted, then submitted, as a person's would be.
    filed = [(e["kind"], e["by"]) for e in ex.journal.events if e["kind"] in ("request.drafted", "diffusion.sent")]
    assert filed == [("request.drafted", "policy"), ("diffusion.sent", "policy")]
    assert ex.acts.drafts["D1"].to == ("MA",)
    assert kinds(ex, "arrest.provisional")


def test_a_person_answers_when_they_choose_and_wrong_answers_are_refused():
    ex = Exercise(warrant_case(), seats=SeatConfig(people=frozenset({"ncb:FR"})))
    ex.run(60)
    (q,) = ex.port.open
    assert q.kind == "file_request" and q.seat == "ncb:FR" and q.recommended == "file"
    with pytest.raises(DecisionError, match="no option"):
        ex.answer(q.id, "maybe")
    with pytest.raises(DecisionError, match="no decision"):
        ex.answer("Q99", "file")
    ex.answer(q.id, "file")
    with pytest.raises(DecisionError, match="already made"):
        ex.answer(q.id, "hold")
    ex.run(20 * 60)
    assert kinds(ex, "diffusion.sent")


def test_an_unanswered_decision_expires_with_its_default():
    ex = Exercise(warrant_case(), seats=SeatConfig(people=frozenset({"ncb:FR"})))
    ex.run()
    expired = kinds(ex, "decision.expired")
    assert expired[0]["type"] == "file_request" and expired[0]["applied"] == "hold"
    assert expired[0]["t"] == "2026-03-02T10:10:00Z"  # read at 06:10, four hours to act
    assert not kinds(ex, "diffusion.sent") and not kinds(ex, "arrest.provisional")


def test_declining_a_hit_releases_the_person():
    script = Script.model_validate({"answers": [{"type": "confirm_hit", "option": "decline", "after": "5m"}]})
    ex = Exercise(warrant_case(), seats=SeatConfig(policy="scripted", script=script))
    ex.run()
    released = kinds(ex, "subject.released")
    assert released and released[0]["reason"] == "requester_declined"


def test_the_recommended_answer_to_a_forbidden_request_is_not_to_file_it():
    sc = warrant_case(requests=[{"id": "D1", "kind": "diffusion", "by": "FR", "subject": "S1", "after_inject": "I1",
                                 "to": ["MA"], "offence": "defamation", "max_penalty_years": 5}])
    ex = Exercise(sc)
    ex.run()
    asked = kinds(ex, "decision.requested")[0]
    assert asked["recommended"] == "hold" and kinds(ex, "decision.made")[0]["option"] == "hold"
    assert not kinds(ex, "diffusion.sent")


def test_overloaded_officers_miss_deadlines_the_book_does_not():
    def expired(policy: str) -> int:
        total = 0
        for seed in range(6):
            ex = Exercise(warrant_case(seed=seed), seats=SeatConfig(policy=policy))
            ex.run()
            total += len(kinds(ex, "decision.expired"))
        return total

    assert expired("by_the_book") == 0
    assert expired("overloaded") > 0


def test_careless_officers_sometimes_choose_wrong():
    wrong = 0
    for seed in range(12):
        ex = Exercise(warrant_case(seed=seed), seats=SeatConfig(policy="careless"))
        ex.run()
        wrong += sum(1 for e in kinds(ex, "decision.made") if e["option"] != "file" and e["type"] == "file_request")
    assert 0 < wrong < 12


def test_a_played_ndtf_reviewer_decides_publication():
    sc = warrant_case(players=[{"role": "ndtf"}],
                      requests=[{"id": "N1", "kind": "red", "by": "FR", "subject": "S1", "at": "0m",
                                 "offence": "fraud", "max_penalty_years": 5, "character": "political"}])
    ex = Exercise(sc, seats=SeatConfig(people=frozenset({"ndtf"})))
    ex.run(3 * 60)
    (q,) = ex.port.open
    assert q.kind == "review_request" and q.recommended == "refuse:art3_neutrality"
    ex.answer(q.id, "refuse:art3_neutrality")
    ex.run()
    refused = kinds(ex, "notice.refused")
    assert refused[0]["reason"] == "art3_neutrality"


def test_a_played_ccc_decides_whether_to_wake_a_closed_ncb():
    sc = scenario(start="2026-03-02T22:00:00Z", players=[{"role": "ccc"}], parameters=FAST,
                  injects=[{"id": "U", "at": "0m", "from": "ES", "to": "FR", "text": "x", "priority": "urgent",
                            "language": "fr"}])
    script = Script.model_validate({"answers": [{"type": "escalate_urgent", "option": "hold"}]})
    ex = Exercise(sc, seats=SeatConfig(policy="scripted", script=script))
    ex.run()
    handled = next(e for e in kinds(ex, "message.handled") if e.get("inject") == "U")
    assert handled["t"] >= "2026-03-03T07:00:00Z" and "via_ccc" not in handled
    ex2 = Exercise(sc)
    ex2.run()
    assert next(e for e in kinds(ex2, "message.handled") if e.get("inject") == "U")["via_ccc"] == "CCC-SIN"
    assert ex2.sent == ex2.handled + ex2.queued + ex2.in_service + ex2.in_transit + ex2.undeliverable


def test_script_files_are_validated_with_located_errors(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("answers:\n  - {type: confirm_hit, option: confirm}\n  - {decision: Q1, type: file_request, option: x}\n")
    with pytest.raises(InputError) as e:
        load_script(p)
    assert "3:" in str(e.value) and "exactly one of" in str(e.value)
    p.write_text("answers:\n  - {type: confirm_hit, option: confirm, after: 5m}\n")
    assert load_script(p).answers[0].option == "confirm"


def test_the_reviewer_refuses_only_on_grounds_that_fit_the_kind_or_asks_the_ncb_first():
    sc = warrant_case(players=[{"role": "ndtf"}],
                      requests=[{"id": "N1", "kind": "red", "by": "FR", "subject": "S1", "at": "0m",
                                 "offence": "fraud", "max_penalty_years": 5}])
    ex = Exercise(sc, seats=SeatConfig(people=frozenset({"ndtf"})))
    ex.run(3 * 60)
    (q,) = ex.port.open
    keys = [o.key for o in q.options]
    assert "refuse:silver_penalty_threshold" not in keys  # a Silver Notice ground, not a Red one
    assert {"publish", "refuse:art83_penalty_threshold", "refuse:art3_neutrality", "ask"} <= set(keys)
    ex.answer(q.id, "ask")
    ex.run(ex.env.now + 6 * 60)  # the NCB reads the question and supplies more; the reviewer decides again
    assert [e["kind"] for e in ex.journal.events if e.get("notice") == "N1"][-2:] == [
        "notice.info_requested", "notice.info_supplied"]
    (again,) = ex.port.open
    assert again.kind == "review_request" and again.id != q.id
    ex.answer(again.id, "publish")
    ex.run()
    assert kinds(ex, "notice.published")


def test_the_requester_may_ask_for_fingerprints_before_confirming_a_hit():
    ex = Exercise(warrant_case(), seats=SeatConfig(people=frozenset({"ncb:FR"})))
    ex.run(60)
    ex.answer(ex.port.open[0].id, "file")
    while not any(d.kind == "confirm_hit" for d in ex.port.open) and ex.env.now < ex.duration:
        ex.run(ex.env.now + 30)
    (q,) = ex.port.open
    assert [o.key for o in q.options] == ["confirm", "ask:photographs", "ask:fingerprints", "decline"]
    ex.answer(q.id, "ask:fingerprints")
    while not ex.port.open and ex.env.now < ex.duration:
        ex.run(ex.env.now + 10)
    (again,) = ex.port.open
    assert again.kind == "confirm_hit" and "You have the fingerprints you asked for." in again.prompt
    assert [o.key for o in again.options] == ["confirm", "ask:photographs", "decline"]
    sent = [e["type"] for e in kinds(ex, "message.sent") if e["type"].startswith("hit_")]
    assert sent[-2:] == ["hit_question", "hit_material"]
    ex.answer(again.id, "confirm")
    ex.run()
    assert kinds(ex, "arrest.provisional")
