"""A world already in motion at the start (issue 14): requests published before it, arrests
under way, and what border checks find under the name in the document a person shows."""

from __future__ import annotations

import pytest
from conftest import scenario
from test_extradition_law import HOLD_ON, law_case
from test_notice_flow import _moving, at, diffusion, events, one, person, red, run, world

from sim.engine.exercise import Exercise
from sim.notices.review import VALIDITY_MINUTES

DAY = 1440.0


def published(ago: str, **more) -> dict:
    """FR's Red Notice N1 on S1, published ``ago`` before the start."""
    req = red(**more)
    del req["at"]
    return {**req, "published": ago}


# --- requests published before the start -----------------------------------------------------

def test_rule_a_notice_published_before_the_start_hits_at_once_via_find():
    """Live from t=0 without review: an entry an hour in hits it, where one filed at the start
    (published after its review, 90 minutes in) does not."""
    before = run(world=world(("MA", "ES")), subjects=[_moving("S1", "ES", 60)], requests=[published("-2d")])
    hit = one(before, "database.hit", subject="S1", country="ES", notice="N1")
    assert at(before, hit) == pytest.approx(60)
    filed = run(world=world(("MA", "ES")), subjects=[_moving("S1", "ES", 60)], requests=[red()])
    assert not events(filed, "database.hit", subject="S1")


def test_rule_it_is_journalled_once_at_the_start_with_its_real_publication_time():
    ex = run(requests=[published("20d ago")], subjects=[person()])
    first = ex.journal.events[0]
    assert first["kind"] == "notice.published" and first["t"] == "2026-03-02T06:00:00Z"
    assert first["since"] == "2026-02-10T06:00:00Z" and first["actor"] == "GS" and first["state"] == "published"
    assert not events(ex, "notice.requested")  # no review: it is not requested again
    assert ex.registry.records["N1"].history[-1] == (-20 * DAY, "published")


def test_rule_validity_counts_from_the_real_publication():
    """A notice is valid five years from publication: one published five years less a day
    before the start expires a day in."""
    ago = VALIDITY_MINUTES - DAY
    ex = run(requests=[published(f"-{int(ago)}m")], subjects=[person()], duration="2d")
    assert at(ex, one(ex, "notice.expired", notice="N1")) == pytest.approx(DAY)


def test_rule_withdraw_after_counts_from_the_real_publication():
    ex = run(requests=[published("-2d", withdraw_after="3d")], subjects=[person()], duration="2d")
    assert at(ex, one(ex, "notice.cancelled", notice="N1", reason="withdrawn")) == pytest.approx(DAY)


def test_rule_a_diffusion_circulated_before_the_start_is_seen_only_where_it_was_sent():
    d = {**diffusion(to=("ES",)), "published": "-1d"}
    del d["at"]
    ex = run(world=world(("MA", "ES"), border_systems={"MA": "find"}),
             subjects=[_moving("S1", "ES", 120, location="MA"), _moving("S2", "MA", 120, location="ES")],
             requests=[d, {**d, "id": "D2", "subject": "S2"}])
    sent = one(ex, "diffusion.sent", diffusion="D1")
    assert sent["state"] == "compliant" and sent["since"] == "2026-03-01T06:00:00Z" and sent["to"] == ["ES"]
    assert one(ex, "database.hit", subject="S1", diffusion="D1")
    assert not events(ex, "database.hit", subject="S2")  # D2 went to Spain, not Morocco


@pytest.mark.parametrize("ago, seen", [("-20h", True), ("-10h", False)])
def test_rule_a_mind_copy_taken_before_the_publication_does_not_hold_it(ago, seen):
    """Morocco's copy is refreshed at 6h, daily: the copy in use before was taken 18h before the
    start, so it holds a notice published 20h before the start but not one published 10h before."""
    ex = run(world=world(("ES", "MA"), border_systems={"MA": "mind"},
                         mind={"MA": {"first_refresh": "6h", "interval": "24h"}}),
             subjects=[_moving("S1", "MA", 120, location="ES")], requests=[published(ago)])
    assert bool(events(ex, "database.hit", subject="S1", notice="N1")) is seen


def test_rule_a_copy_after_a_missed_refresh_still_holds_what_was_published_long_before():
    ex = run(world=world(("ES", "MA"), border_systems={"MA": "mind"},
                         mind={"MA": {"first_refresh": "30h", "interval": "24h"}}),
             subjects=[_moving("S1", "MA", 120, location="ES")], requests=[published("-30d")])
    assert events(ex, "database.hit", subject="S1", notice="N1")


# --- arrests under way ------------------------------------------------------------------------

def under_way(since: str = "-35d", **more) -> Exercise:
    """S1, French, held in Spain on FR's Red Notice (EAW: 60 days for the formal request)."""
    fields = {"seats": HOLD_ON, "duration": "26d", **more}
    return law_case(subject=person(location="ES"), requests=[published("-60d")],
                    arrests=[{"subject": "S1", "request": "N1", "since": since, **fields.pop("arrest", {})}],
                    **fields)


def test_rule_the_deadline_of_an_arrest_under_way_counts_from_the_arrest():
    ex = under_way()
    arrest = one(ex, "arrest.provisional", case="A1")
    assert at(ex, arrest) == 0 and arrest["since"] == "2026-01-26T06:00:00Z" and arrest["basis"] == "EAW"
    assert arrest["deadline"] == "2026-03-27T06:00:00Z"  # 60 days from the arrest: 25 after the start
    released = one(ex, "subject.released", case="A1")
    assert released["reason"] == "no_extradition_request_in_time" and at(ex, released) == pytest.approx(25 * DAY)
    prompt = one(ex, "decision.requested", type="request_extradition")
    assert "25d" in prompt["prompt"]


def test_rule_a_person_held_at_the_start_does_not_travel():
    ex = law_case(subject={**person(location="ES"), "plan": {"route": ["MA"], "leaves_after": "0m"}},
                  requests=[published("-60d")], arrests=[{"subject": "S1", "request": "N1", "since": "-5d"}],
                  seats=HOLD_ON, duration="2d")
    assert not events(ex, "subject.moved") and ex.movements.subjects["S1"].status == "arrested"


def test_rule_a_formal_request_received_before_the_start_goes_to_the_courts():
    ex = under_way(arrest={"extradition_requested": "-20d"}, duration="3d",
                   parameters={"extradition.proceedings": "21d"})
    requested = one(ex, "extradition.requested", case="A1")
    assert at(ex, requested) == 0 and requested["since"] == "2026-02-10T06:00:00Z"
    assert not events(ex, "decision.requested", type="request_extradition")
    done = one(ex, "extradition.completed", case="A1")
    assert at(ex, done) == pytest.approx(DAY)  # 21 days of proceedings from the request, 20 of them past


def test_rule_the_arresting_state_still_keeps_its_nationals():
    """The nationality rule applies to an arrest under way as to one made now: a dual national of
    the arresting state is not surrendered (other_nationalities counts)."""
    dual = {**person(location="MA"), "identity": {"name": "P", "nationality": "FR", "other_nationalities": ["MA"]}}
    ex = law_case(subject=dual,
                  requests=[published("-60d")], arrests=[{"subject": "S1", "request": "N1", "since": "-5d"}],
                  seats=HOLD_ON, duration="1d", world=world(("MA", "ES")))
    refused = one(ex, "extradition.refused", case="A1")
    assert refused["ground"] == "nationality"


# --- documents and names ------------------------------------------------------------------------

def traveller(doc: dict, **identity) -> dict:
    return {**_moving("S1", "ES", 120, location="MA"),
            "identity": {"name": "Marc DUVAL", "nationality": "FR", "aliases": ["Jean MARTIN"], **identity},
            "documents": [doc]}


@pytest.mark.parametrize("listed, hit", [([], False), (["Jean MARTIN"], True)])
def test_rule_a_forged_document_in_an_alias_finds_only_a_notice_listing_it(listed, hit):
    ex = run(world=world(("MA", "ES")), subjects=[traveller({"id": "P1", "status": "forged", "name": "Jean MARTIN"})],
             requests=[published("-2d", aliases=listed)])
    checked = one(ex, "border.checked", subject="S1", country="ES")
    assert checked["document"] == "forged" and checked["document_id"] == "P1" and checked["name"] == "Jean MARTIN"
    assert bool(events(ex, "database.hit", notice="N1")) is hit
    assert not events(ex, "database.hit", database="SLTD")  # a forged document is in no database


@pytest.mark.parametrize("reported, hit", [("-1d", True), ("1d", False), (None, True)])
def test_rule_a_stolen_document_is_in_sltd_from_when_it_was_reported(reported, hit):
    doc = {"id": "P1", "status": "stolen", "issued_by": "BE", **({"reported": reported} if reported else {})}
    ex = run(world=world(("MA", "ES")), subjects=[traveller(doc)], requests=[])
    assert bool(events(ex, "database.hit", database="SLTD", subject="S1")) is hit


def test_rule_the_short_form_stays_as_it_was():
    """``document: stolen`` is one passport in the person's own name, in SLTD throughout; its
    events carry no document id (journals of existing scenarios do not change)."""
    ex = run(world=world(("MA", "ES")), subjects=[{**_moving("S1", "ES", 120), "document": "stolen"}],
             requests=[published("-2d")])
    hit = one(ex, "database.hit", database="SLTD")
    assert hit["document"] == "stolen" and "document_id" not in hit
    assert one(ex, "database.hit", notice="N1")


def test_rule_the_plan_says_which_document_is_shown_where():
    subject = {**traveller({"id": "P1", "status": "genuine"}),
               "documents": [{"id": "P1", "status": "genuine"}, {"id": "P2", "status": "forged", "name": "Jean MARTIN"}],
               "plan": {"route": ["ES", "FR"], "leaves_after": "1h", "document": "P2", "document_in": {"FR": "P1"}}}
    ex = run(world=world(("MA", "ES"), ("ES", "FR"), border_systems={"FR": "find"}), subjects=[subject],
             requests=[{**published("-2d"), "by": "DE"}], duration="2d")
    shown = {e["country"]: e["document_id"] for e in events(ex, "border.checked")}
    assert shown["ES"] == "P2"


def test_rule_an_alias_added_later_is_found_from_then_on_and_by_a_mind_copy_after_its_refresh():
    req = published("-2d", adds_aliases=[{"at": "1h", "names": ["Jean MARTIN"]}])
    find = run(world=world(("MA", "ES")), subjects=[traveller({"id": "P1", "status": "forged", "name": "Jean MARTIN"})],
               requests=[req])
    updated = one(find, "notice.updated", notice="N1")
    assert updated["added"] == ["Jean MARTIN"] and updated["actor"] == "FR"
    assert one(find, "database.hit", notice="N1")
    subject = {**traveller({"id": "P1", "status": "forged", "name": "Jean MARTIN"}), "location": "ES",
               "plan": {"route": ["MA"], "leaves_after": "1h"}}
    mind = run(world=world(("ES", "MA"), border_systems={"MA": "mind"},
                           mind={"MA": {"first_refresh": "6h", "interval": "24h"}}),
               subjects=[subject], requests=[req])
    assert not events(mind, "database.hit", notice="N1")  # the copy predates the alias


def test_rule_a_document_in_a_name_the_person_does_not_use_is_refused():
    with pytest.raises(ValueError, match=r"neither the person's name nor one of identity\.aliases"):
        scenario(subjects=[traveller({"id": "P1", "status": "forged", "name": "Paul X"})])
    with pytest.raises(ValueError, match="either 'document: stolen' or a list"):
        scenario(subjects=[{**traveller({"id": "P1"}), "document": "stolen"}])


def test_rule_a_time_before_the_start_is_written_negative_or_ago():
    for text in ("-20d", "20d ago", "- 20d"):
        assert scenario(requests=[published(text)], subjects=[person()]).requests[0].published.days == 20
    with pytest.raises(ValueError, match="is after the start"):
        scenario(requests=[published("20d")], subjects=[person()])


def test_a_world_in_motion_is_deterministic():
    a = under_way(duration="2d")
    b = under_way(duration="2d")
    assert a.journal.events == b.journal.events



def test_rule_a_public_extract_published_before_the_start_is_no_fresh_pressure():
    """flees_on: public_extract reacts to a new publication; one live for weeks is old news."""
    subject = {**person(location="ES"), "flees_on": ["public_extract"], "plan": {"route": ["MA"], "leaves_after": "1d"}}
    old = run(world=world(("ES", "MA")), subjects=[subject], requests=[published("-20d", public_extract=True)])
    assert not events(old, "subject.alarmed")
    new = run(world=world(("ES", "MA")), subjects=[subject], requests=[red(public_extract=True)])
    assert one(new, "subject.alarmed", cause="public_extract")
