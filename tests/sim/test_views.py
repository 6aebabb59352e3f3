"""Per-seat views: a seat sees only what reached it; the trainer sees everything."""

from __future__ import annotations

import pytest
from conftest import ALL_WEEK, FLAGSHIP
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.exercise import Exercise
from sim.engine.views import GROUND_TRUTH, parse_seat, view, who_knew
from sim.scenario.loader import load_scenario
from sim.scenario.model import Scenario


@pytest.fixture(scope="module")
def flagship_events():
    ex = Exercise(load_scenario(FLAGSHIP).scenario)
    ex.run(6 * 1440)
    return ex.journal.events


def test_france_sees_its_case_but_not_the_ground_truth(flagship_events):
    fr = [e for _, e in view(flagship_events, "ncb:FR")]
    kinds = {e["kind"] for e in fr}
    assert {"notice.requested", "notice.published", "diffusion.sent", "arrest.provisional"} <= kinds
    assert not kinds & GROUND_TRUTH


def test_a_country_outside_the_diffusion_never_sees_it(flagship_events):
    de = [e for _, e in view(flagship_events, "ncb:DE")]
    assert not any(e.get("diffusion") == "D1" for e in de)
    assert any(e["kind"] == "notice.published" and e.get("notice") == "N1" for e in de)
    assert not any(e["kind"] == "arrest.provisional" for e in de)


def test_who_knew_the_arrest_and_when(flagship_events):
    knew = who_knew(flagship_events, ["ncb:FR", "ncb:MA", "ncb:DE", "trainer"], {"kind": "arrest.provisional"})
    assert knew["ncb:FR"] and knew["ncb:MA"] and knew["ncb:DE"] is None and knew["trainer"] == knew["ncb:MA"]


def test_inbox_items_arrive_after_their_transit(flagship_events):
    for since, e in view(flagship_events, "ncb:FR"):
        assert since >= e["t"]
        if e["kind"] == "message.sent" and e["to"] == "FR" and e.get("latency_min", 0) > 0.02:
            assert since > e["t"]


@pytest.mark.parametrize("bad", ["ncb", "ncb:FRA", "admin", "ndtf:FR", ""])
def test_bad_seats_are_refused(bad):
    with pytest.raises(ValueError, match="not a seat"):
        parse_seat(bad)


CODES = ["FR", "ES", "MA", "SN", "DE", "PT", "US", "BR"]


@st.composite
def worlds(draw):
    members = draw(st.lists(st.sampled_from(CODES), min_size=3, max_size=6, unique=True))
    subjects = [{"id": f"S{i}", "identity": {"name": f"P{i}", "nationality": draw(st.sampled_from(members))},
                 "location": draw(st.sampled_from(members)),
                 "document": draw(st.sampled_from(["genuine", "stolen"])),
                 "plan": {"route": draw(st.lists(st.sampled_from(members), min_size=1, max_size=3)),
                          "leaves_after": f"{draw(st.integers(0, 30))}h", "stay": "6h"}}
                for i in range(draw(st.integers(1, 2)))]
    requests = []
    for i in range(draw(st.integers(1, 4))):
        by = draw(st.sampled_from(members))
        others = [m for m in members if m != by]
        kind = draw(st.sampled_from(["red", "diffusion", "blue"]))
        req = {"id": f"R{i}", "kind": kind, "by": by, "subject": draw(st.sampled_from(subjects))["id"],
               "at": f"{draw(st.integers(0, 20))}h", "offence": "fraud", "max_penalty_years": 5}
        if kind == "diffusion":
            req["to"] = draw(st.lists(st.sampled_from(others), min_size=1, max_size=len(others), unique=True))
        requests.append(req)
    return Scenario.model_validate({
        "id": "views", "title": "views", "start": "2026-03-02T00:00:00Z", "duration": "4d",
        "seed": draw(st.integers(0, 10 ** 6)), "world": {"members": members},
        "desks": {"default": {"staff": 2, "night_staff": draw(st.integers(0, 1)), "days": ALL_WEEK}},
        "traffic": {"messages_per_ncb_per_day": draw(st.floats(0, 30))},
        "parameters": {"ndtf.screening_time": "2h", "ndtf.detailed_review_time": "6h"},
        "subjects": subjects, "requests": requests,
    })


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=worlds())
def test_an_ncb_view_holds_nothing_that_did_not_reach_it(sc):
    ex = Exercise(sc)
    ex.run()
    events = ex.journal.events
    recipients = {e["diffusion"]: set(e["to"]) for e in events if e["kind"] == "diffusion.sent"}
    published = set()
    for code in sc.world.members:
        published.clear()
        for since, e in view(events, f"ncb:{code}"):
            kind = e["kind"]
            assert kind not in GROUND_TRUTH
            assert since >= e["t"]
            if kind.startswith("message."):
                assert code in (e.get("from"), e.get("to"), e.get("actor")), e
            elif kind in ("notice.requested", "notice.refused", "notice.info_requested", "notice.info_supplied"):
                assert e["requester"] == code
            elif kind.startswith("notice."):
                assert e["requester"] == code or kind != "notice.requested"
            elif kind.startswith("diffusion."):
                assert e["requester"] == code or code in recipients[e["diffusion"]]
            elif kind == "database.hit":
                assert e["country"] == code
            elif kind in ("arrest.provisional", "extradition.requested", "extradition.completed", "subject.released"):
                assert code in (e["country"], e["requester"])


def test_the_ccc_and_the_ndtf_each_see_only_their_own_reading():
    """Both seats read as GS (the message.read's actor): the CCC's reading of an escalated message
    reaches the CCC (its inbox shows it read), never the NDTF, and the other way round."""
    from sim.engine.views import SeatView, audience

    base = {"t": "2026-03-02T06:00:00Z", "kind": "message.read", "actor": "GS", "msg": 7}
    for reader, other in (("ccc", "ndtf"), ("ndtf", "ccc")):
        e = {**base, "seat": reader}
        assert SeatView(reader).reach(e) == e["t"] and SeatView(other).reach(e) is None
        assert reader in audience(e)
        assert SeatView("ncb:FR").reach(e) is None and SeatView("trainer").reach(e) == e["t"]
