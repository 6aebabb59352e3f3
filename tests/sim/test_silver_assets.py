"""Asset tracing with a Silver Notice (issue 17, exercise 9).

* Non-coercive only: a Silver request that asks to freeze, seize or confiscate breaks the rule
  (``silver_coercive_measure``); the NCB strikes the measure when it amends the form before filing
  (the recommended answer), and the NDTF refuses a request filed with it.
* What a published Silver Notice finds: each asset's holding country reports it after its delay
  (``asset.located`` and an I-24/7 report); the requesting officer decides the follow-up
  (``act_on_asset``): mutual legal assistance (recommended), a freezing request over I-24/7 that the
  holding NCB sends back, or a note on the file. A notice gone before the report finds nothing.
"""

from __future__ import annotations

import dataclasses

import pytest
from conftest import SCENARIOS
from pydantic import ValidationError
from test_notice_flow import INSTANT, at, events, one, person, run

from sim.decisions.script import Script
from sim.decisions.seats import SeatConfig
from sim.engine.views import SeatView
from sim.notices.rules import SILVER_COERCIVE, findings
from sim.scenario.cases import Request

SILVER = {"id": "SN1", "kind": "silver", "by": "FR", "subject": "S1", "at": "0m", "offence": "fraud",
          "max_penalty_years": 10}
ASSET = {"id": "A1", "held_in": "ES", "description": "a villa in Marbella", "found_after": "1d"}


def officer(**answers: str) -> SeatConfig:
    """Officers who answer at once: by the book, except for the given decision types."""
    return SeatConfig(policy="scripted", script=Script.model_validate({"answers": [
        *({"type": t, "option": o, "after": "0m"} for t, o in answers.items()),
        *INSTANT.script.model_dump()["answers"]]}))


# --- non-coercive only ---------------------------------------------------------------------------

@pytest.mark.parametrize("measures, coercive", [(["locate", "identify"], False), (["locate", "freeze"], True),
                                                (["seize"], True)])
def test_silver_rule_non_coercive_measures_only(measures, coercive):
    found = findings("silver", max_penalty_years=10, provided={"name", "born", "nationality", "asset", "charge", "law"},
                     measures=measures)
    assert [f.reason for f in found] == ([SILVER_COERCIVE] if coercive else [])


def test_measures_and_assets_belong_to_a_silver_request():
    with pytest.raises(ValidationError, match="Silver Notice request"):
        Request.model_validate({"id": "N1", "kind": "red", "by": "FR", "at": "0m", "measures": ["locate"]})


def _filed_after_inject(option: str):
    req = {**SILVER, "at": None, "after_inject": "I1", "measures": ["locate", "freeze"]}
    inject = {"id": "I1", "at": "0m", "to": "FR", "text": "Request a Silver Notice and have the assets frozen."}
    return run(subjects=[person()], requests=[req], injects=[inject], players=[{"role": "ncb", "country": "FR"}],
               seats=officer(file_request=option))


def test_filing_prompt_recommends_striking_the_coercive_measure():
    ex = _filed_after_inject("complete")
    asked = one(ex, "decision.requested", type="file_request")
    assert asked["recommended"] == "complete"
    assert one(ex, "request.drafted", request="SN1")["measures"] == ["locate"]  # freeze struck
    assert one(ex, "notice.published", notice="SN1")


def test_silver_request_filed_with_a_freezing_request_is_refused():
    ex = _filed_after_inject("file")
    assert one(ex, "request.drafted", request="SN1")["measures"] == ["locate", "freeze"]  # the form as drafted
    assert one(ex, "notice.refused", notice="SN1")["reason"] == SILVER_COERCIVE


# --- what a published Silver Notice finds ---------------------------------------------------------

def test_published_silver_notice_has_the_holding_country_report_the_asset_after_its_delay():
    ex = run(subjects=[person()], requests=[{**SILVER, "assets": [ASSET]}], seats=officer(act_on_asset="mla"))
    published, located = one(ex, "notice.published", notice="SN1"), one(ex, "asset.located", asset="A1")
    assert at(ex, located) - at(ex, published) == 1440
    assert located["actor"] == "ES" and located["requester"] == "FR"
    assert one(ex, "message.sent", type="asset_report")["to"] == "FR"


def test_officer_is_asked_how_to_follow_up_with_mutual_legal_assistance_recommended():
    ex = run(subjects=[person()], requests=[{**SILVER, "assets": [ASSET]}], seats=officer(act_on_asset="mla"))
    asked = one(ex, "decision.requested", type="act_on_asset")
    assert asked["seat"] == "ncb:FR" and asked["recommended"] == "mla" and asked["country"] == "ES"
    followed = one(ex, "asset.followed_up", asset="A1")
    assert followed["route"] == "mla" and followed["actor"] == "FR"


def test_a_freezing_request_over_i247_is_sent_back_by_the_holding_ncb():
    ex = run(subjects=[person()], requests=[{**SILVER, "assets": [ASSET]}], seats=officer(act_on_asset="ask_freeze"))
    assert one(ex, "asset.followed_up", asset="A1")["route"] == "ask_freeze"
    assert one(ex, "message.sent", type="freeze_request")["to"] == "ES"
    reply = one(ex, "message.sent", type="reply", **{"from": "ES"})
    assert reply["to"] == "FR"


def test_a_notice_withdrawn_before_the_report_finds_nothing():
    ex = run(subjects=[person()], requests=[{**SILVER, "assets": [ASSET], "withdraw_after": "12h"}],
             seats=officer(act_on_asset="mla"))
    assert one(ex, "notice.cancelled", notice="SN1")
    assert not events(ex, "asset.located")


def test_an_asset_report_reaches_the_requester_and_the_holding_country_only():
    e = {"kind": "asset.located", "t": "2026-01-01T00:00:00Z", "actor": "ES", "asset": "A1", "notice": "SN1",
         "requester": "FR", "country": "ES"}
    assert SeatView("ncb:FR").reach(e) and SeatView("ncb:ES").reach(e)
    assert SeatView("ncb:DE").reach(e) is None


def test_the_form_shown_at_a_seat_leaves_out_what_the_notice_will_find():
    """Where the assets are is the scenario's truth, not something the requesting officer wrote."""
    from conftest import scenario

    from sim.api import request_form
    sc = scenario(subjects=[person()], requests=[{**SILVER, "measures": ["locate"], "assets": [ASSET],
                                                  "on_return": "decision"}])
    form = request_form(sc, "SN1")
    assert form["measures"] == ["locate"]
    assert not {"assets", "on_return", "case_file", "on"} & set(form)



def test_a_silver_notices_assets_are_checked_against_the_world(tmp_path):
    """An asset held outside the exercise's world, in the requesting country itself, or under an
    id used twice would never be reported as written: each is a located error, not a silent miss."""
    from conftest import SCENARIOS

    from sim.errors import InputError
    from sim.scenario.loader import load_scenario

    text = (SCENARIOS / "silver-asset-tracing.yaml").read_text(encoding="utf-8")
    bad = (text.replace("{id: A1, held_in: ES,", "{id: A1, held_in: DE,", 1)
               .replace("{id: A2, held_in: CH,", "{id: A2, held_in: JP,", 1)
               .replace("{id: A3, held_in: AE,", "{id: A1, held_in: AE,", 1))
    assert bad.count("held_in: DE") == 1 and "held_in: JP" in bad
    path = tmp_path / "s.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_scenario(path)
    found = {p.field: p.message for p in e.value.problems}
    assert "the requesting country itself" in found["requests.0.assets.0.held_in"], found
    assert "JP is not in this exercise's world" in found["requests.0.assets.1.held_in"], found
    assert "already used by assets.0" in found["requests.0.assets.2.id"], found


def test_a_person_drafting_the_scenarios_silver_request_starts_from_its_measures():
    """The prosecutor's draft asks to freeze: the form a person opens says so, and its checks flag
    it until the person strikes it (exercise 9, as played at the seat)."""
    from sim.api import PlayHost, load_scenario

    host = PlayHost.headless(load_scenario(SCENARIOS / "silver-asset-tracing.yaml").scenario, seed=1)
    form = host.form_for("ncb:DE", "SN1")
    assert form.measures == ("locate", "identify", "freeze")
    assert any("it asks to freeze" in p for p in host.check_form("ncb:DE", form))
    struck = dataclasses.replace(form, measures=("locate", "identify"))
    assert not any("freeze" in p for p in host.check_form("ncb:DE", struck))
