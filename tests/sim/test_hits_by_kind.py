"""What a hit on each notice kind leads to (domain.md, "After the hit"): Blue and locate diffusions
report whereabouts, a Yellow locates and protects, Green and Orange warn, Purple never hits a
person, the requesting country arrests on its own warrant, and DVI matches Black with Yellow."""

from __future__ import annotations

import pytest
from conftest import ALL_WEEK, scenario

from sim.engine.exercise import Exercise
from sim.errors import InputError
from sim.scenario.loader import load_scenario

ROUND_CLOCK = {"default": {"staff": 2, "night_staff": 2, "days": ALL_WEEK}}
FAST_REVIEW = {"ndtf.screening_time": "1h"}


def kinds(ex: Exercise, kind: str) -> list[dict]:
    return [e for e in ex.journal.events if e["kind"] == kind]


def run(requests: list[dict], route: list[str], *, kind: str = "wanted", location: str = "SN",
        duration: str = "4d", **fields) -> Exercise:
    """One person leaving ``location`` after a day along ``route``, with requests filed at the start."""
    world = fields.pop("world", {"members": ["FR", "ES", "MA", "SN", "DE"], "border_systems": {"MA": "find"}})
    sc = scenario(desks=ROUND_CLOCK, parameters=FAST_REVIEW, ndtf={"doubt_share": 0}, duration=duration, world=world,
                  subjects=[{"id": "S1", "kind": kind, "identity": {"name": "Lea MARTIN", "nationality": "SN"},
                             "location": location, "plan": {"route": route, "leaves_after": "1d", "stay": "1d"}}],
                  requests=requests, **fields)
    ex = Exercise(sc)
    ex.run()
    return ex


def test_blue_notice_hit_reports_whereabouts_to_the_requester_and_the_person_is_not_held():
    ex = run([{"id": "N1", "kind": "blue", "by": "FR", "subject": "S1", "at": "0m"}], ["MA", "ES"])
    (located, *_) = kinds(ex, "subject.located")
    assert (located["country"], located["notice"], located["notice_kind"]) == ("MA", "N1", "blue")
    report = [e for e in kinds(ex, "message.sent") if e["type"] == "whereabouts"]
    assert [(m["from"], m["to"]) for m in report][:1] == [("MA", "FR")]
    assert ", the subject of your Blue Notice N1, was at the border in Morocco" in report[0]["text"]
    learnt = kinds(ex, "whereabouts.reported")
    assert learnt[0]["actor"] == "FR" and learnt[0]["country"] == "MA" and learnt[0]["t"] > located["t"]
    assert [m["to"] for m in kinds(ex, "subject.moved")] == ["MA", "ES"]  # travel goes on
    assert not kinds(ex, "arrest.provisional") and ex.registry.records["N1"].state == "published"


def test_locate_diffusion_hit_reports_whereabouts_and_holds_nobody():
    ex = run([{"id": "D1", "kind": "diffusion", "by": "FR", "subject": "S1", "at": "0m", "purpose": "locate",
               "to": ["MA"]}], ["MA", "ES"])
    assert [(e["country"], e.get("diffusion")) for e in kinds(ex, "subject.located")] == [("MA", "D1")]
    assert [(e["actor"], e["diffusion"]) for e in kinds(ex, "whereabouts.reported")] == [("FR", "D1")]
    assert not kinds(ex, "arrest.provisional")
    assert ex.movements.subjects["S1"].location == "ES"


def test_yellow_hit_at_an_entry_locates_protects_and_cancels_only_once_the_requester_has_the_report():
    ex = run([{"id": "N1", "kind": "yellow", "by": "FR", "subject": "S1", "at": "0m"}], ["MA", "ES"],
             kind="missing")
    (located,) = kinds(ex, "subject.located")
    assert located["measures"] == "protective" and located["transit"] is False
    (learnt,) = kinds(ex, "whereabouts.reported")
    (cancelled,) = kinds(ex, "notice.cancelled")
    assert cancelled["reason"] == "located" and cancelled["actor"] == "FR"
    assert located["t"] < learnt["t"] <= cancelled["t"]  # not at the sighting: once the report is read
    assert [m["to"] for m in kinds(ex, "subject.moved")] == ["MA"]  # protected: the journey stops
    assert ex.movements.subjects["S1"].status == "located"


@pytest.mark.parametrize("colour, priority", [("green", "high"), ("orange", "urgent")])
def test_green_and_orange_hits_warn_the_ncb_whose_border_saw_the_person(colour, priority):
    ex = run([{"id": "N1", "kind": colour, "by": "FR", "subject": "S1", "at": "0m"}], ["MA"])
    (warning,) = kinds(ex, "warning.issued")
    assert (warning["actor"], warning["country"], warning["notice"], warning["requester"]) == ("MA", "MA", "N1", "FR")
    (msg,) = [e for e in kinds(ex, "message.sent") if e["type"] == "warning"]
    assert (msg["from"], msg["to"], msg["priority"], msg["channel"]) == ("border:MA", "MA", priority, "national")
    assert f"crossed our border: {colour.capitalize()} Notice N1 of France warns of" in msg["text"]
    assert not kinds(ex, "arrest.provisional") and ex.movements.subjects["S1"].status == "free"


def test_purple_notice_never_hits_a_person_at_a_border():
    # Built without the scenario checks (which refuse it), as a seat's free-form request could be.
    ex = run([{"id": "N1", "kind": "purple", "by": "FR", "subject": "S1", "at": "0m"}], ["MA"])
    assert ex.registry.records["N1"].state == "published"
    assert [e["country"] for e in kinds(ex, "border.checked")] == ["MA"]
    assert not kinds(ex, "database.hit") and not kinds(ex, "subject.located")


PURPLE_ABOUT_A_PERSON = """\
id: p
title: purple
start: 2026-03-02T06:00:00Z
duration: 1d
subjects:
  - {id: S1, identity: {name: X}, location: FR}
  - {id: V1, kind: vehicle, identity: {name: white van}, location: FR}
requests:
  - {id: N1, kind: purple, by: FR, subject: S1, at: 0m}
  - {id: N2, kind: purple, by: FR, subject: V1, at: 0m}
"""


def test_a_purple_request_about_a_person_is_refused_by_validation(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text(PURPLE_ABOUT_A_PERSON)
    with pytest.raises(InputError) as info:
        load_scenario(p)
    text = str(info.value)
    assert "requests.0.subject" in text and "never a person" in text
    assert "requests.1" not in text  # an object is what a Purple Notice is about


@pytest.mark.parametrize("system", ["find", "none"])
def test_wanted_person_entering_the_requesting_country_is_arrested_on_the_national_warrant(system):
    world = {"members": ["FR", "ES", "MA", "SN", "DE"], "border_systems": {"MA": system}}
    ex = run([{"id": "N1", "kind": "red", "by": "MA", "subject": "S1", "at": "0m", "offence": "fraud",
               "max_penalty_years": 5}], ["MA", "ES"], world=world)
    (arrest,) = kinds(ex, "arrest.national")
    assert (arrest["actor"], arrest["country"], arrest["notice"]) == ("MA", "MA", "N1")
    assert ex.movements.subjects["S1"].status == "detained"
    assert [m["to"] for m in kinds(ex, "subject.moved")] == ["MA"]  # travel stops
    assert not kinds(ex, "arrest.provisional")
    (cancelled,) = kinds(ex, "notice.cancelled")  # the notice has served once the NCB knows
    assert cancelled["reason"] == "arrested" and cancelled["actor"] == "MA" and cancelled["t"] >= arrest["t"]


def test_another_countrys_arrest_request_still_opens_an_arrest_case():
    ex = run([{"id": "N1", "kind": "red", "by": "FR", "subject": "S1", "at": "0m", "offence": "fraud",
               "max_penalty_years": 5}], ["MA"])
    assert not kinds(ex, "arrest.national")
    assert ex.arrests.cases and next(iter(ex.arrests.cases.values())).country == "MA"


# --- disaster victim identification ----------------------------------------------------------

DVI_REQUESTS = [{"id": "N1", "kind": "black", "by": "MA", "subject": "B1", "at": "0m"},
                {"id": "N2", "kind": "yellow", "by": "DE", "subject": "S2", "at": "0m"}]


def dvi_case(incidents: list[dict], duration: str = "10d", requests: list[dict] = DVI_REQUESTS) -> Exercise:
    sc = scenario(desks=ROUND_CLOCK, parameters={**FAST_REVIEW, "dvi.matching_time": "2d",
                                                 "dvi.routine_matching_time": "30d"},
                  ndtf={"doubt_share": 0}, duration=duration,
                  subjects=[{"id": "B1", "kind": "unidentified_body", "identity": {"name": "unknown, male"},
                             "location": "MA", "identified_as": "S2"},
                            {"id": "S2", "kind": "missing", "identity": {"name": "Jan DE VRIES"}, "location": "DE"}],
                  requests=requests, incidents=incidents)
    ex = Exercise(sc)
    ex.run()
    return ex


def test_dvi_operation_matches_black_with_yellow_and_both_notices_are_cancelled_once_each_requester_is_told():
    ex = dvi_case([{"id": "X1", "at": "0m", "country": "MA", "irt": False, "dvi": True}])
    (match,) = kinds(ex, "dvi.matched")
    assert (match["subject"], match["identified_as"], match["black"], match["yellow"]) == ("B1", "S2", "N1", "N2")
    assert (match["actor"], match["incident"]) == ("MA", "X1")
    published = max(e["t"] for e in kinds(ex, "notice.published"))
    assert match["t"][:10] >= "2026-03-04" and match["t"] > published  # the operation's matching time
    told = [e for e in kinds(ex, "message.sent") if e["type"] == "dvi_match"]
    assert [(m["from"], m["to"]) for m in told] == [("MA", "DE")]  # MA filed the Black Notice itself
    cancelled = {e["notice"]: e for e in kinds(ex, "notice.cancelled")}
    assert {k: (e["reason"], e["actor"]) for k, e in cancelled.items()} == {"N1": ("identified", "MA"),
                                                                          "N2": ("identified", "DE")}
    assert cancelled["N2"]["t"] > match["t"]
    assert ex.movements.subjects["S2"].status == "deceased"


def test_without_a_dvi_operation_the_general_secretariat_matches_them_in_its_routine_comparison():
    quick = dvi_case([], duration="40d")
    (match,) = kinds(quick, "dvi.matched")
    assert match["actor"] == "GS" and "incident" not in match and match["t"] >= "2026-03-31"
    assert {m["to"] for m in kinds(quick, "message.sent") if m["type"] == "dvi_match"} == {"MA", "DE"}
    assert not kinds(dvi_case([], duration="10d"), "dvi.matched")  # thirty days are not up


def test_no_dvi_match_without_both_notices_live():
    operation = [{"id": "X1", "at": "0m", "country": "MA", "irt": False, "dvi": True}]
    assert not kinds(dvi_case(operation, requests=DVI_REQUESTS[:1]), "dvi.matched")
    # The family's NCB withdraws the Yellow Notice before the comparison ends: nothing to match.
    withdrawn = [DVI_REQUESTS[0], {**DVI_REQUESTS[1], "withdraw_after": "6h"}]
    ex = dvi_case(operation, requests=withdrawn)
    assert not kinds(ex, "dvi.matched") and ex.movements.subjects["S2"].status == "free"


BODY = """\
id: d
title: dvi
start: 2026-03-02T06:00:00Z
duration: 1d
subjects:
  - {id: B1, kind: unidentified_body, identity: {name: unknown}, location: MA, identified_as: S9}
  - {id: B2, kind: unidentified_body, identity: {name: unknown}, location: MA, identified_as: V1}
  - {id: B3, kind: unidentified_body, identity: {name: unknown}, location: MA, identified_as: S2}
  - {id: B4, kind: unidentified_body, identity: {name: unknown}, location: MA, identified_as: S2}
  - {id: S2, kind: missing, identity: {name: X}, location: DE, plan: {route: [FR]}}
  - {id: V1, kind: vehicle, identity: {name: van}, location: MA}
"""


def test_a_bodys_identity_must_be_one_missing_person_who_does_not_travel(tmp_path):
    p = tmp_path / "d.yaml"
    p.write_text(BODY)
    with pytest.raises(InputError) as info:
        load_scenario(p)
    text = str(info.value)
    assert "subjects.0.identified_as: no subject has id 'S9'" in text
    assert "subjects.1.identified_as: V1 is a vehicle" in text
    assert "subjects.2.identified_as: S2 is this body, so cannot travel" in text
    assert "subjects.3.identified_as: subjects.2 is already identified as S2" in text
    p.write_text(BODY.replace("identified_as: S9", "identified_as: S9, kind: missing").replace(
        "kind: unidentified_body, identity: {name: unknown}, location: MA, identified_as: S9, kind: missing",
        "kind: missing, identity: {name: unknown}, location: MA, identified_as: S9"))
    with pytest.raises(InputError) as info:
        load_scenario(p)
    assert "only an unidentified body is identified as someone" in str(info.value)


def test_each_new_outcome_reads_as_words_in_the_report():
    """The timeline names what happened (describe.py), not the raw kind."""
    from sim.report.describe import describe

    ex = run([{"id": "N1", "kind": "blue", "by": "FR", "subject": "S1", "at": "0m"},
              {"id": "N2", "kind": "orange", "by": "FR", "subject": "S1", "at": "0m"}], ["MA", "ES"])
    seen: dict[str, str] = {}
    for e in ex.journal.events:  # the first of each kind: in Morocco
        if e["kind"] in ("subject.located", "whereabouts.reported", "warning.issued", "border.prescreened"):
            seen.setdefault(e["kind"], describe(e))
    assert seen["subject.located"] == "S1 located in Morocco on Blue Notice N1; not held"
    assert seen["whereabouts.reported"] == "France learns that S1 was in Morocco (Blue Notice N1)"
    assert seen["warning.issued"].startswith("Morocco is warned: S1 crossed its border (Orange Notice N2")
    assert seen["border.prescreened"].startswith("Spain screens S1's flight from Morocco before arrival (API/PNR)")
    dvi = dvi_case([{"id": "X1", "at": "0m", "country": "MA", "irt": False, "dvi": True}])
    (match,) = kinds(dvi, "dvi.matched")
    assert describe(match) == "Disaster victim identification: body B1 (N1) is S2 (N2), found in Morocco"
