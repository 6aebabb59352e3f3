"""The NDTF review as the rules say (issue 13, item 8).

* RPD: a request missing its penalty or its judicial data is returned to the NCB for completion
  (notice.info_requested → completed → reviewed again), not refused; a DECLARED penalty below the
  threshold is refused.
* Public extracts: a Silver Notice never has one; a UN Security Council Special Notice always does.
* The reviewer judges Art. 2 / Art. 3 from what a request shows (its indications) and from what
  the General Secretariat knows (a confirmed refugee status), never from the case's ground truth.
"""

from __future__ import annotations

import pytest
from conftest import MINIMAL_SCENARIO, scenario
from test_notice_flow import DECIDED, DETAILED, INSTANT, MEMBERS, events, one, person, red, run, story

from sim.decisions.seats import SeatConfig
from sim.engine.exercise import Exercise
from sim.errors import InputError
from sim.notices.kinds import INDICATIONS, NOTICE_KINDS
from sim.notices.registry import Record
from sim.notices.review import Case
from sim.notices.rules import (
    ART2,
    ART3,
    ART83_PENALTY,
    DATA_QUALITY,
    Finding,
    indicated,
    indications_of,
    is_public,
    public_extract_problem,
)
from sim.scenario.cases import Request
from sim.scenario.loader import load_scenario

RETURNED = ["notice.requested", "notice.info_requested", "notice.info_supplied", "notice.published"]


def kinds_of(ex: Exercise, ref: str, field: str = "notice") -> list[str]:
    return [k for k, _ in story(ex, ref, field)]


# --- RPD: missing penalty or judicial data is returned for completion ---------------------------

@pytest.mark.parametrize("request_", [
    red("N1", max_penalty_years=None),
    red("N1", purpose="sentence", max_penalty_years=None),
    {"id": "N1", "kind": "silver", "by": "FR", "subject": "S1", "at": "0m", "offence": "money_laundering"},
], ids=["red-penalty", "red-sentence", "silver-penalty"])
def test_rpd_blank_penalty_is_returned_for_completion_then_published(request_):
    ex = run(subjects=[person()], requests=[request_])
    assert kinds_of(ex, "N1") == RETURNED
    assert one(ex, "notice.info_requested", notice="N1")["detail"] in (
        "missing max_penalty_years", "missing sentence_months")


def test_rpd_blank_penalty_on_an_arrest_diffusion_is_asked_for_not_purged():
    ex = run(subjects=[person()], requests=[{"id": "D1", "kind": "diffusion", "by": "FR", "subject": "S1",
                                             "at": "0m", "to": ["ES"], "offence": "homicide"}])
    assert kinds_of(ex, "D1", "diffusion") == ["diffusion.sent", "diffusion.info_requested",
                                                "diffusion.info_supplied", "diffusion.reviewed"]
    assert one(ex, "diffusion.reviewed", diffusion="D1")["outcome"] == "compliant"


@pytest.mark.parametrize("missing", ["charge", "law", "warrant"])
def test_rpd_missing_judicial_data_is_returned_for_completion(missing):
    provided = [f for f in ("name", "born", "nationality", "description", "photo", "charge", "law", "warrant")
                if f != missing]
    ex = run(subjects=[person()], requests=[red(provided=provided)])
    assert kinds_of(ex, "N1") == RETURNED
    assert one(ex, "notice.info_requested", notice="N1")["detail"] == f"missing {missing}"


def test_rpd_declared_penalty_below_threshold_is_refused_at_screening():
    ex = run(subjects=[person()], requests=[red(max_penalty_years=1.5)])
    assert story(ex, "N1") == [("notice.requested", 0.0), ("notice.refused", DECIDED)]
    assert one(ex, "notice.refused", notice="N1")["reason"] == ART83_PENALTY


def test_rpd_blank_penalty_prompt_recommends_filing_not_holding():
    """The NCB's "file it?" prompt: a blank penalty is a gap the NDTF asks for, so filing is right."""
    sc = scenario(subjects=[person()], players=[{"role": "ncb", "country": "FR"}],
                  injects=[{"id": "I1", "at": "0m", "to": "FR", "text": "warrant", "language": "fr"}],
                  requests=[red(at=None, after_inject="I1", max_penalty_years=None)])
    ex = Exercise(sc, seats=SeatConfig(people=frozenset({"ncb:FR"})))
    ex.run(6 * 60)
    (q,) = [d for d in ex.port.open if d.kind == "file_request"]
    assert q.recommended == "file"


def test_rpd_completion_reveals_a_declared_penalty_below_threshold():
    """A request returned for its blank penalty is reviewed again once completed: the penalty the
    NCB then declares, below the threshold, is refused."""
    ex = Exercise(scenario(parameters={"ndtf.screening_time": "1h", "ndtf.work_time": "30m"},
                           ndtf={"doubt_share": 0.0}), seats=INSTANT)
    rec = Record("B1", "red", "FR", None, 0.0, purpose="prosecution")
    low = Finding(ART83_PENALTY, "maximum penalty 1 years is below 2 years (RPD Art. 83)")
    ex.review.submit(rec, Case([Finding(DATA_QUALITY, "missing max_penalty_years")], completed=[low]))
    ex.run()
    assert kinds_of(ex, "B1") == ["notice.requested", "notice.info_requested", "notice.info_supplied",
                                  "notice.refused"]
    assert one(ex, "notice.refused", notice="B1")["reason"] == ART83_PENALTY


# --- public extracts ------------------------------------------------------------------------------

def test_public_extract_rule_by_kind():
    """Silver never public, UN always public, the others as the requester agrees."""
    assert not is_public("silver", True) and not is_public("silver", False)
    assert is_public("un", False) and is_public("un", True)
    for kind in set(NOTICE_KINDS) - {"silver", "un"}:
        assert is_public(kind, True) and not is_public(kind, False)
    assert public_extract_problem("silver", True) is not None
    assert public_extract_problem("silver", False) is None
    assert all(public_extract_problem(k, True) is None for k in NOTICE_KINDS if k != "silver")


def test_silver_public_extract_is_a_located_validation_error(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text(MINIMAL_SCENARIO + """\
subjects:
  - {id: S1, kind: asset, identity: {name: Villa MAR}, location: ES}
requests:
  - id: N1
    kind: silver
    by: FR
    subject: S1
    at: 0m
    max_penalty_years: 10
    public_extract: true
""")
    with pytest.raises(InputError) as info:
        load_scenario(p)
    (problem,) = str(info.value).splitlines()
    assert problem.startswith(f"{p}:25:5: requests.0.public_extract: ") and "public_extract" in problem and "Silver Notice" in problem


def test_un_special_notice_is_published_public_even_unasked():
    ex = run(requests=[{"id": "U1", "kind": "un", "by": "FR", "at": "0m"}])
    assert one(ex, "notice.published", notice="U1")["public"] is True


def test_background_silver_is_never_public_and_un_always():
    def published(kind: str, share: float) -> list[bool]:
        ex = Exercise(scenario(duration="30d", world={"members": MEMBERS},
                               background={"requests_per_year": {kind: 600},
                                           "profile": {"public_extract_share": share, "incomplete_share": 0.0}}))
        ex.run()
        return [e["public"] for e in events(ex, "notice.published")]

    silver, un = published("silver", 1.0), published("un", 0.0)
    assert silver and not any(silver)
    assert un and all(un)


# --- the reviewer sees indications, not the ground truth -------------------------------------------

def test_indications_default_to_the_ground_truth_unless_concealed():
    base = {"id": "N1", "kind": "red", "by": "FR", "at": "0m"}
    assert Request.model_validate({**base, "character": "religious", "human_rights_risk": True}).shows() == (
        "religious_context", "human_rights_concern")
    assert Request.model_validate({**base, "character": "political", "concealed": True}).shows() == ()
    assert Request.model_validate({**base, "character": "political", "indications": []}).shows() == ()
    assert Request.model_validate({**base, "indications": ["military_context"]}).shows() == ("military_context",)
    assert indications_of(None, False) == ()
    assert set(indications_of("racial", True)) <= set(INDICATIONS)


def test_concealed_with_indications_is_a_validation_error():
    with pytest.raises(ValueError, match="concealed"):
        Request.model_validate({"id": "N1", "kind": "red", "by": "FR", "at": "0m", "concealed": True,
                                "indications": ["political_context"]})


def test_indicated_reads_art3_then_art2_from_what_shows():
    assert [f.reason for f in indicated(("human_rights_concern", "racial_context"))] == [ART3, ART2]
    assert "racial" in indicated(("racial_context",))[0].detail
    assert indicated(()) == []


def test_art3_concealed_request_passes_review_even_with_certain_detection():
    """The training point: the reviewer cannot find what the request does not show."""
    ex = run(ndtf={"detect_covert": 1.0}, subjects=[person()],
             requests=[red(character="political", human_rights_risk=True, concealed=True)])
    assert story(ex, "N1") == [("notice.requested", 0.0), ("notice.published", DECIDED)]


def test_art3_indication_without_ground_truth_is_refused_from_what_shows():
    """The reviewer judges what the request shows: the hidden truth (none here) does not enter."""
    ex = run(ndtf={"detect_covert": 1.0}, subjects=[person()],
             requests=[red(indications=["religious_context"])])
    assert story(ex, "N1") == [("notice.requested", 0.0), ("notice.refused", DETAILED)]
    refused = one(ex, "notice.refused", notice="N1")
    assert refused["reason"] == ART3 and "religious" in refused["detail"] and "shows" in refused["detail"]


def test_art2_shown_on_a_diffusion_is_purged():
    ex = run(ndtf={"detect_covert": 1.0}, subjects=[person()],
             requests=[{"id": "D1", "kind": "diffusion", "by": "FR", "subject": "S1", "at": "0m", "to": ["ES"],
                        "offence": "homicide", "max_penalty_years": 30, "indications": ["human_rights_concern"]}])
    assert one(ex, "diffusion.reviewed", diffusion="D1")["reason"] == ART2


def test_refugee_rule_is_general_secretariat_knowledge_not_hidden_truth():
    """A concealed request is still refused when GS knows of a confirmed refugee status."""
    ex = run(subjects=[person(refugee={"confirmed_by": "ES", "fearing": "FR", "at": "0m"})],
             requests=[red(character="political", concealed=True, at="1m")])
    assert one(ex, "notice.refused", notice="N1")["reason"] == "refugee_rule"


def _ndtf_prompt(**request) -> tuple[str, dict]:
    sc = scenario(players=[{"role": "ndtf"}], subjects=[person()], ndtf={"doubt_share": 0.0},
                  parameters={"ndtf.screening_time": "1h", "ndtf.work_time": "30m",
                              "ndtf.detailed_review_time": "2h"},
                  requests=[red(**request)])
    ex = Exercise(sc, seats=SeatConfig(people=frozenset({"ndtf"})))
    ex.run(6 * 60)
    (q,) = ex.port.open
    asked = one(ex, "decision.requested", decision=q.id)
    return q.recommended, asked


@pytest.mark.parametrize("request_, recommended, shows", [
    ({"character": "political"}, "refuse:art3_neutrality", ["political_context"]),
    ({"character": "political", "concealed": True}, "publish", None),
    ({"indications": ["human_rights_concern"]}, "refuse:art2_human_rights", ["human_rights_concern"]),
], ids=["shown", "concealed", "indication-only"])
def test_ndtf_seat_recommendation_comes_only_from_what_shows(request_, recommended, shows):
    rec, asked = _ndtf_prompt(**request_)
    assert rec == recommended
    assert asked.get("shows") == shows
    assert ("it shows" in asked["prompt"]) == bool(shows)
    assert asked["prompt"].startswith("Review the Red Notice request ")  # the kind as people name it


def test_request_form_shown_at_a_seat_leaves_out_the_controllers_truth():
    """Ground truth (character, risk, concealment) is for controllers; the form shows none of it."""
    from sim.api import request_form

    sc = scenario(subjects=[person()], requests=[red(character="political", human_rights_risk=True,
                                                     concealed=True, public_extract=True)])
    form = request_form(sc, "N1")
    assert form["kind"] == "red" and form["public_extract"] is True
    assert not {"character", "human_rights_risk", "concealed", "indications"} & set(form)
