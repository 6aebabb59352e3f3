"""No message is lost: every message sent is handled, queued, being handled, in transit or undeliverable."""

from __future__ import annotations

from conftest import ALL_WEEK
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.exercise import Exercise
from sim.scenario.model import Scenario
from sim.world import all_members

CODES = list(all_members())


@st.composite
def small_worlds(draw):
    members = draw(st.lists(st.sampled_from(CODES), min_size=2, max_size=8, unique=True))
    down = draw(st.lists(st.tuples(st.sampled_from(members), st.sampled_from(members))
                         .filter(lambda p: p[0] != p[1]), max_size=3))
    days = draw(st.lists(st.sampled_from(ALL_WEEK), min_size=0, max_size=7, unique=True))
    return Scenario.model_validate({
        "id": "prop", "title": "property", "start": "2026-03-06T20:00:00Z",
        "duration": f"{draw(st.integers(1, 72))}h", "seed": draw(st.integers(0, 2 ** 32)),
        "world": {"members": members, "i247_down": down},
        "desks": {"default": {"staff": draw(st.integers(0, 3)), "night_staff": draw(st.integers(0, 2)),
                              "hours": draw(st.sampled_from(["08:00-18:00", "00:00-24:00", "22:00-23:30"])),
                              "days": days}},
        "traffic": {"messages_per_ncb_per_day": draw(st.floats(0, 200)),
                    "forward_share": draw(st.floats(0, 0.9)), "urgent_share": draw(st.floats(0, 1))},
        # Incomplete requests make the NDTF ask for more: traffic to and from the General Secretariat.
        "background": {"requests_per_year": {"red": draw(st.floats(0, 20000))},
                       "profile": {"incomplete_share": draw(st.floats(0, 1))}},
        "parameters": {"ndtf.screening_time": "1h", "ncb.drafting_time": "30m"},
    })


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=small_worlds(), stop_share=st.floats(0.05, 1.0))
def test_messages_are_conserved(sc, stop_share):
    ex = Exercise(sc)
    ex.run(ex.duration * stop_share)
    accounted = ex.handled + ex.queued + ex.in_service + ex.in_transit + ex.undeliverable
    assert ex.sent == accounted
    assert ex.journal.counts["message.sent"] == ex.sent
    assert ex.journal.counts["message.handled"] == ex.handled
