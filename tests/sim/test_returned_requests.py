"""A request the NDTF returns, answered by its NCB's officer (issue 17, exercise 6).

* ``on_return: decision``: the requesting NCB's officer decides how to answer a return
  (``complete_request``): supply the case file's data and resubmit, withdraw the request, or
  leave it — and the NDTF refuses it at its deadline. Supplying is recommended when the case
  file makes the request compliant, withdrawing when the file confirms what the NDTF objects to.
* ``Ndtf.return_below_threshold``: a declared penalty below the RPD Art. 83 threshold is
  returned once for confirmation instead of refused at screening; the case file's penalty
  (``case_file``) is what a completion writes, so a typo is repaired and a true one is refused.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from test_notice_flow import DECIDED, INSTANT, events, one, person, red, run, story

from sim.decisions.script import Script
from sim.decisions.seats import SeatConfig
from sim.notices.rules import ART83_PENALTY, DATA_QUALITY
from sim.scenario.cases import Request


def answering(option: str) -> SeatConfig:
    """Officers who answer every decision at once, and a returned request with ``option``."""
    return SeatConfig(policy="scripted", script=Script.model_validate({"answers": [
        *INSTANT.script.model_dump()["answers"],
        {"type": "complete_request", "option": option, "after": "0m"}]}))


def kinds(ex, ref: str, field: str = "notice") -> list[str]:
    return [k for k, _ in story(ex, ref, field)]


NDTF = {"info_deadline": "2d"}


def test_returned_request_with_officer_decision_asks_the_requesting_seat():
    ex = run(subjects=[person()], requests=[red(max_penalty_years=None, on_return="decision")], ndtf=NDTF,
             seats=answering("supply"))
    asked = one(ex, "decision.requested", type="complete_request")
    assert asked["seat"] == "ncb:FR" and asked["request"] == "N1"
    assert asked["recommended"] == "supply"  # a blank penalty is on file: completing it repairs the request


def test_officer_supplies_the_case_file_and_the_request_is_published():
    ex = run(subjects=[person()], requests=[red(max_penalty_years=None, on_return="decision")], ndtf=NDTF,
             seats=answering("supply"))
    assert kinds(ex, "N1") == ["notice.requested", "notice.info_requested", "notice.info_supplied",
                               "notice.published"]
    resubmitted = one(ex, "request.resubmitted", request="N1")
    assert resubmitted["actor"] == "FR" and resubmitted["by"] == "policy"  # the officer's own act


def test_officer_withdraws_a_returned_request_and_the_ndtf_stops_reviewing_it():
    ex = run(subjects=[person()], requests=[red(max_penalty_years=None, on_return="decision")], ndtf=NDTF,
             seats=answering("withdraw"))
    assert kinds(ex, "N1") == ["notice.requested", "notice.info_requested", "notice.cancelled"]
    cancelled = one(ex, "notice.cancelled", notice="N1")
    assert cancelled["reason"] == "withdrawn" and cancelled["actor"] == "FR"
    assert not events(ex, "notice.refused")


def test_officer_who_leaves_a_return_unanswered_has_it_refused_at_the_ndtf_deadline():
    ex = run(subjects=[person()], requests=[red(max_penalty_years=None, on_return="decision")],
             ndtf={"info_deadline": "12h"}, seats=answering("leave"))
    (asked_at,) = [t for k, t in story(ex, "N1") if k == "notice.info_requested"]
    refused = [(k, t) for k, t in story(ex, "N1") if k == "notice.refused"]
    assert refused == [("notice.refused", pytest.approx(asked_at + 12 * 60, abs=1 / 60 + 1e-9))]
    assert one(ex, "notice.refused", notice="N1")["reason"] == DATA_QUALITY


def test_withdrawing_a_returned_diffusion_cancels_it():
    ex = run(subjects=[person()], ndtf=NDTF, seats=answering("withdraw"),
             requests=[{"id": "D1", "kind": "diffusion", "by": "FR", "subject": "S1", "at": "0m", "to": ["ES"],
                        "offence": "homicide", "on_return": "decision"}])
    assert kinds(ex, "D1", "diffusion") == ["diffusion.sent", "diffusion.info_requested", "diffusion.cancelled"]


def test_without_on_return_the_automation_answers_as_before():
    ex = run(subjects=[person()], requests=[red(max_penalty_years=None)], ndtf=NDTF, seats=answering("withdraw"))
    assert not events(ex, "decision.requested", type="complete_request")
    assert kinds(ex, "N1")[-1] == "notice.published"


# --- Ndtf.return_below_threshold ------------------------------------------------------------------

def test_by_default_a_declared_penalty_below_threshold_is_still_refused_at_screening():
    ex = run(subjects=[person()], requests=[red(max_penalty_years=1.5, case_file={"max_penalty_years": 5})])
    assert story(ex, "N1") == [("notice.requested", 0.0), ("notice.refused", DECIDED)]


def test_return_below_threshold_returns_a_mistyped_penalty_and_the_case_file_repairs_it():
    ex = run(subjects=[person()], ndtf={**NDTF, "return_below_threshold": True}, seats=answering("supply"),
             requests=[red(purpose="sentence", max_penalty_years=None, sentence_months=4,
                           case_file={"sentence_months": 40}, on_return="decision")])
    asked = one(ex, "notice.info_requested", notice="N1")
    assert "below 6 months" in asked["detail"] and "confirm the penalty" in asked["detail"]
    assert one(ex, "decision.requested", type="complete_request")["recommended"] == "supply"
    assert kinds(ex, "N1")[-1] == "notice.published"


def test_return_below_threshold_a_true_penalty_below_it_is_refused_once_confirmed():
    ex = run(subjects=[person()], ndtf={**NDTF, "return_below_threshold": True}, seats=answering("supply"),
             requests=[red(max_penalty_years=1.5, on_return="decision")])
    assert one(ex, "decision.requested", type="complete_request")["recommended"] == "withdraw"
    assert kinds(ex, "N1") == ["notice.requested", "notice.info_requested", "notice.info_supplied",
                               "notice.refused"]
    assert one(ex, "notice.refused", notice="N1")["reason"] == ART83_PENALTY


def test_return_below_threshold_is_asked_once_then_the_automation_completes_from_the_case_file():
    ex = run(subjects=[person()], ndtf={**NDTF, "return_below_threshold": True},
             requests=[red(max_penalty_years=1, case_file={"max_penalty_years": 5})])
    assert len(events(ex, "notice.info_requested", notice="N1")) == 1
    assert kinds(ex, "N1")[-1] == "notice.published"


def test_a_case_file_only_corrects_a_kind_with_a_penalty():
    with pytest.raises(ValidationError, match="case_file"):
        Request.model_validate({"id": "N1", "kind": "yellow", "by": "FR", "at": "0m",
                                "case_file": {"max_penalty_years": 3}})
