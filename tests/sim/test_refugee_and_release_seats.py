"""The refugee rule and a release, decided by people (issue 17, exercise 5).

* A played NDTF applies the refugee rule itself (``apply_refugee_rule``): delete the feared
  country's records telling it only that they no longer comply (recommended), delete them and
  name the country that granted the status (``refugee.source_disclosed``, which reaches the
  feared country: the breach), or keep them. Unplayed, the General Secretariat deletes at once.
* A played NCB holding a person whose notice or diffusion has fallen, with no warrant of its own,
  decides (``release_on_lost_basis``): release (recommended), or keep him — detention without a
  basis (``detention.without_basis``), asked again every twelve hours. With a warrant of its own
  the state keeps him on it, as before.
"""

from __future__ import annotations

import pytest
from test_notice_flow import _arrest_case, _moving, at, events, one, red

from sim.decisions.script import Script
from sim.decisions.seats import SeatConfig
from sim.engine.views import SeatView
from sim.notices.arrests import RELEASE_REMINDER

INSTANT = [{"type": "confirm_hit", "option": "confirm", "after": "0m"},
           {"type": "request_extradition", "option": "send", "after": "0m"}]


def seats(**answers: str) -> SeatConfig:
    return SeatConfig(policy="scripted", script=Script.model_validate({"answers": [
        *({"type": t, "option": o, "after": "0m"} for t, o in answers.items()), *INSTANT]}))


def refugee_case(players, **answers: str):
    """S1 is held in Spain on France's Red Notice from 120; Germany confirms his status at 10h."""
    subject = _moving("S1", "ES", 120, refugee={"confirmed_by": "DE", "fearing": "FR", "at": "10h"})
    return _arrest_case(subject=subject, players=players, seats=seats(**answers))


# --- the played NDTF applies the refugee rule ----------------------------------------------------------

def test_played_ndtf_is_asked_to_apply_the_refugee_rule_with_deletion_recommended():
    ex = refugee_case([{"role": "ndtf"}], apply_refugee_rule="delete")
    asked = one(ex, "decision.requested", type="apply_refugee_rule")
    assert asked["seat"] == "ndtf" and asked["recommended"] == "delete" and asked["country"] == "FR"
    deleted = one(ex, "notice.deleted", notice="N1")
    assert deleted["reason"] == "refugee_rule" and deleted["by"] == "policy"
    assert not events(ex, "refugee.source_disclosed")


def test_naming_the_protecting_country_is_journalled_and_reaches_the_feared_country_only():
    ex = refugee_case([{"role": "ndtf"}], apply_refugee_rule="delete_naming_source")
    disclosed = one(ex, "refugee.source_disclosed")
    assert disclosed["fearing"] == "FR" and disclosed["granted_by"] == "DE"
    assert one(ex, "notice.deleted", notice="N1")["reason"] == "refugee_rule"
    assert SeatView("ncb:FR").reach(disclosed) and SeatView("ncb:ES").reach(disclosed) is None


def test_a_reviewer_who_keeps_the_requests_leaves_the_notice_live_and_the_person_held():
    ex = refugee_case([{"role": "ndtf"}], apply_refugee_rule="keep")
    assert not events(ex, "notice.deleted")
    assert not events(ex, "subject.released")


def test_unplayed_ndtf_deletes_at_once_as_before():
    ex = refugee_case([])
    assert not events(ex, "decision.requested", type="apply_refugee_rule")
    confirmed, deleted = one(ex, "refugee.confirmed"), one(ex, "notice.deleted", notice="N1")
    assert at(ex, deleted) == at(ex, confirmed)


# --- the played holding NCB releases ---------------------------------------------------------------------

def test_played_holding_ncb_is_asked_to_release_and_releases_by_its_own_act():
    ex = refugee_case([{"role": "ncb", "country": "ES"}], release_on_lost_basis="release")
    asked = one(ex, "decision.requested", type="release_on_lost_basis")
    assert asked["seat"] == "ncb:ES" and asked["recommended"] == "release"
    assert "has fallen: Red Notice N1 is no longer valid (deleted)." in asked["prompt"]
    released = one(ex, "subject.released", subject="S1")
    assert released["country"] == "ES" and released["actor"] == "ES" and released["by"] == "policy"


def test_keeping_without_a_basis_is_journalled_and_asked_again_every_twelve_hours():
    ex = refugee_case([{"role": "ncb", "country": "ES"}], release_on_lost_basis="keep")
    kept = events(ex, "detention.without_basis", subject="S1")
    assert len(kept) >= 2 and kept[0]["country"] == "ES" and kept[0]["notice"] == "N1"
    assert at(ex, kept[1]) - at(ex, kept[0]) == pytest.approx(RELEASE_REMINDER)
    assert not events(ex, "subject.released")


def test_holding_ncb_with_a_warrant_of_its_own_keeps_him_without_being_asked():
    subject = _moving("S1", "ES", 120, refugee={"confirmed_by": "DE", "fearing": "FR", "at": "10h"},
                      law={"own_warrant_in": ["ES"]})
    ex = _arrest_case(subject=subject, players=[{"role": "ncb", "country": "ES"}], requests=[red()],
                      seats=seats(release_on_lost_basis="release"))
    assert not events(ex, "decision.requested", type="release_on_lost_basis")
    assert one(ex, "arrest.kept", subject="S1")["ground"] == "national_warrant"


# --- the debrief ---------------------------------------------------------------------------------------

def test_a_release_the_refugee_rule_brings_about_is_no_area_for_improvement():
    """The rule did what it is for: the person held on the feared country's notice goes free. The
    debrief does not list it as a failure, nor advise keeping the notice valid; a release because
    a diffusion was purged for breaking the rules still is a lesson (for whoever circulated it)."""
    from test_extradition_law import diffusion, law_case

    from sim.report.debrief import CORRECTIVE, build

    ex = refugee_case([])
    assert one(ex, "subject.released", subject="S1")["reason"] == "legal_basis_lost"
    report = build(ex.journal.events, title="t", scenario_id="t")
    assert not [line for line in report["improvements"] if "S1 released" in line]
    assert CORRECTIVE["legal_basis_lost"] not in report["corrective_actions"]

    purged = law_case({"ndtf.diffusion_review_time": "6h"}, ndtf={"detect_covert": 1.0},
                      requests=[diffusion(to=["ES"], character="political")], duration="3d")
    report = build(purged.journal.events, title="t", scenario_id="t")
    assert [line for line in report["improvements"] if line.startswith("S1 released in Spain: diffusion D1")]
    assert CORRECTIVE["legal_basis_lost"] in report["corrective_actions"]


def test_the_report_asks_a_decisions_question_with_countries_by_name():
    from sim.report.debrief import build

    ex = refugee_case([{"role": "ndtf"}], apply_refugee_rule="delete")
    (asked,) = [d for d in build(ex.journal.events, title="t", scenario_id="t")["decisions"]
                if d["type"] == "apply_refugee_rule"]
    assert asked["prompt"].startswith("NCB Germany confirms refugee status for ")
    assert "fears persecution in France: what do you do with France's requests" in asked["prompt"]


def test_the_report_names_the_people_it_is_about_when_it_knows_them():
    """With the scenario's subjects (a session's report, the terminal's debrief) the timeline says
    who; from a journal alone, which names nobody, the ids stay."""
    from sim.report.debrief import build

    ex = refugee_case([{"role": "ndtf"}], apply_refugee_rule="delete")
    names = {s.id: s.identity.name for s in ex.scenario.subjects}
    named = build(ex.journal.events, title="t", scenario_id="t", subjects=names)
    plain = build(ex.journal.events, title="t", scenario_id="t")
    (held,) = [x["text"] for x in named["timeline"] if "provisionally arrested" in x["text"]]
    assert held.startswith(f"{names['S1']} provisionally arrested in Spain on Red Notice N1")
    assert any(x["text"].startswith("S1 provisionally arrested") for x in plain["timeline"])
    assert all("S1" not in fact["fact"].replace(names["S1"], "") for fact in named["who_knew"])
