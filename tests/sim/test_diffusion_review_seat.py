"""A played NDTF reviews diffusions too, and a request can be filed on an event (issue 17,
exercise 4).

* Constitution Art. 3 applies to diffusions as to notices: when a person plays the NDTF, a
  circulated diffusion is theirs to review (``review_diffusion``): leave it in circulation
  (approve), have it purged from its recipients on a ground, or ask its NCB for more. The
  recommendation comes from what the diffusion shows, as for notices.
* ``requests[].on``: a request filed when an event happens (plus a delay), once, as a fact of the
  scenario — the requester circulating a diffusion after its notice is refused; never if the
  event never happens.
"""

from __future__ import annotations

import pytest
from conftest import scenario
from test_notice_flow import FIXED, ROUND_CLOCK, at, diffusion, events, one, person, red

from sim.decisions.script import Script
from sim.decisions.seats import SeatConfig
from sim.engine.exercise import Exercise
from sim.errors import InputError
from sim.scenario.loader import load_scenario


def reviewer(option: str, notice_option: str = "refuse:art3_neutrality") -> SeatConfig:
    """The NDTF seat answering at once: notices with ``notice_option``, diffusions with ``option``."""
    return SeatConfig(policy="scripted", script=Script.model_validate({"answers": [
        {"type": "review_request", "option": notice_option, "after": "0m"},
        {"type": "review_diffusion", "option": option, "after": "0m"},
        {"type": "file_request", "option": "file", "after": "0m"}]}))


def run(seats: SeatConfig, requests: list[dict], players=({"role": "ndtf"},)) -> Exercise:
    ex = Exercise(scenario(players=list(players), subjects=[person()], desks=ROUND_CLOCK, ndtf={"doubt_share": 0.0},
                           parameters=FIXED, requests=requests), seats=seats)
    ex.run()
    return ex


def test_played_ndtf_is_asked_to_review_a_diffusion_with_the_art3_ground_recommended():
    ex = run(reviewer("purge:art3_neutrality"), [diffusion(indications=["political_context"])])
    asked = one(ex, "decision.requested", type="review_diffusion")
    assert asked["seat"] == "ndtf" and asked["request"] == "D1"
    assert asked["recommended"] == "purge:art3_neutrality"
    assert "approve" in asked["options"] and "ask" in asked["options"]


def test_reviewer_purge_tells_the_recipients():
    ex = run(reviewer("purge:art3_neutrality"), [diffusion(to=("ES", "MA"), indications=["political_context"])])
    purged = one(ex, "diffusion.reviewed", diffusion="D1")
    assert purged["outcome"] == "purged" and purged["reason"] == "art3_neutrality"
    assert purged["recipients_told"] == ["ES", "MA"]


def test_reviewer_approval_leaves_a_diffusion_in_circulation_even_when_it_shows_a_problem():
    """The reviewer decides, not the dice of the automated review: approving is their error to make."""
    ex = run(reviewer("approve"), [diffusion(indications=["political_context"])])
    assert one(ex, "diffusion.reviewed", diffusion="D1")["outcome"] == "compliant"


def test_reviewer_ask_returns_the_diffusion_to_its_ncb_and_asks_the_reviewer_again():
    ex = run(SeatConfig(policy="scripted", script=Script.model_validate({"answers": [
        {"decision": "Q1", "option": "ask", "after": "0m"},
        {"type": "review_diffusion", "option": "approve", "after": "0m"}]})), [diffusion()])
    kinds = [e["kind"] for e in events(ex) if e.get("diffusion") == "D1"]
    assert kinds == ["diffusion.sent", "diffusion.info_requested", "diffusion.info_supplied", "diffusion.reviewed"]
    assert len(events(ex, "decision.requested", type="review_diffusion")) == 2


def test_unplayed_ndtf_reviews_diffusions_automatically_as_before():
    ex = run(reviewer("approve"), [diffusion()], players=())
    assert not events(ex, "decision.requested", type="review_diffusion")
    assert one(ex, "diffusion.reviewed", diffusion="D1")["outcome"] == "compliant"


# --- requests filed on an event ------------------------------------------------------------------

ON_REFUSAL = diffusion(at=None, on={"event": "notice.refused", "match": {"notice": "N1"}, "delay": "6h"},
                       indications=["political_context"])


def test_request_on_an_event_is_filed_after_its_delay():
    ex = run(reviewer("purge:art3_neutrality"), [red(indications=["political_context"]), ON_REFUSAL])
    refused, sent = one(ex, "notice.refused", notice="N1"), one(ex, "diffusion.sent", diffusion="D1")
    assert at(ex, sent) - at(ex, refused) == 6 * 60
    assert "by" not in sent  # a fact of the scenario, not the reviewer's doing


def test_request_on_an_event_that_never_happens_is_never_filed():
    ex = run(reviewer("purge:art3_neutrality", notice_option="publish"),
             [red(indications=["political_context"]), ON_REFUSAL])
    assert one(ex, "notice.published", notice="N1")
    assert not events(ex, "diffusion.sent")


def test_request_trigger_names_an_event_that_exists(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("""id: x
title: x
start: 2026-01-05T06:00:00Z
duration: 2d
subjects:
  - {id: S1, identity: {name: A B, nationality: FR}, location: FR}
requests:
  - {id: D1, kind: diffusion, by: FR, subject: S1, to: [ES], offence: fraud, max_penalty_years: 5,
     on: {event: notice.refussed, match: {notice: N1}}}
""")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    message = str(err.value)
    assert "x.yaml:9:11" in message and "requests.0.on.event" in message and "did you mean 'notice.refused'" in message


def test_request_on_an_event_speaks_the_language_of_objectives_comparisons_and_count():
    # One trigger model for injects and requests (sim/scenario/triggers.py): a request's on: takes
    # comparisons and a count too.
    via_ma = diffusion("D2", to=("DE",), at=None,
                       on={"event": "diffusion.sent", "match": {"to": {"includes": ["MA"]}}, "delay": "1h"})
    never = diffusion("D3", to=("DE",), at=None,
                      on={"event": "diffusion.sent", "match": {"to": {"includes": ["GB"]}}})
    second = diffusion("D4", to=("DE",), at=None, on={"event": "diffusion.sent", "count": 2, "delay": "2h"})
    ex = run(reviewer("approve"), [diffusion(to=("ES", "MA")), via_ma, never, second], players=())
    d1, d2 = one(ex, "diffusion.sent", diffusion="D1"), one(ex, "diffusion.sent", diffusion="D2")
    assert at(ex, d2) - at(ex, d1) == 60
    assert not events(ex, "diffusion.sent", diffusion="D3")
    assert at(ex, one(ex, "diffusion.sent", diffusion="D4")) - at(ex, d2) == 120  # the second diffusion sent
