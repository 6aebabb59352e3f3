"""MIND lags both ways: a country's offline copy holds what was valid at its last refresh, so a
notice published since is not in it yet and one removed since is still in it; a hit on a removed
notice is checked with the General Secretariat and goes no further. Refreshes are journalled and
a scenario can set a country's phase."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import ALL_WEEK, scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.decisions.script import Script
from sim.decisions.seats import SeatConfig
from sim.engine.clock import SimClock
from sim.engine.exercise import Exercise
from sim.engine.journal import Journal
from sim.errors import InputError
from sim.notices.arrests import NO_LONGER_VALID
from sim.notices.machines import NOTICE, VISIBLE
from sim.notices.registry import MindCopies, Record, Registry
from sim.report.describe import describe
from sim.scenario.loader import load_scenario

FIXED = {
    "ndtf.screening_time": "1h", "ndtf.work_time": "30m", "ncb.drafting_time": "1h",
    "desk.handling_time": "10m", "desk.urgent_handling_time": "5m", "desk.translation_time": "20m",
    "mind.refresh_interval": "24h", "border.hold_time": "24h",
}
ROUND_CLOCK = {"default": {"staff": 2, "night_staff": 2, "days": ALL_WEEK}}
# Officers who answer at once and always confirm: whatever stops an arrest is the rules.
INSTANT = SeatConfig(policy="scripted", script=Script.model_validate({"answers": [
    {"type": "confirm_hit", "option": "confirm", "after": "0m"},
    {"type": "file_request", "option": "file", "after": "0m"},
]}))


def world(border_systems: dict, **more) -> dict:
    """Spain and Morocco an hour apart, among five members."""
    return {"members": ["FR", "ES", "MA", "SN", "DE"], "travel": {"routes": [{"between": ["ES", "MA"], "hours": 1}]},
            "border_systems": border_systems, **more}


def entering_morocco(at_minutes: float) -> dict:
    """S1, a French national, leaves Spain and enters Morocco at ``at_minutes``."""
    return {"id": "S1", "identity": {"name": "Person S1", "nationality": "FR"}, "location": "ES",
            "plan": {"route": ["MA"], "leaves_after": f"{int(at_minutes - 60)}m"}}


def red(**more) -> dict:
    return {"id": "N1", "kind": "red", "by": "FR", "subject": "S1", "at": "0m", "offence": "homicide",
            "max_penalty_years": 30, **more}


def at(ex: Exercise, e: dict) -> float:
    return ex.clock.at(datetime.fromisoformat(e["t"].replace("Z", "+00:00")))


def events(ex: Exercise, kind: str, **match) -> list[dict]:
    return [e for e in ex.journal.events if e["kind"] == kind and all(e.get(k) == v for k, v in match.items())]


def one(ex: Exercise, kind: str, **match) -> dict:
    (found,) = events(ex, kind, **match)
    return found


def registry() -> Registry:
    return Registry(Journal(SimClock(datetime(2026, 3, 2, 6, tzinfo=UTC)), None, keep=False))


def published(reg: Registry, rid: str = "N1", subject: str = "S1", at_t: float = 0.0) -> Record:
    rec = reg.add(Record(rid, "red", "FR", subject, at_t), at_t)
    reg.move(rec, "publish", at_t, "GS")
    return rec


def test_rule_a_mind_copy_keeps_a_removed_notice_until_its_next_refresh():
    reg = registry()
    rec = published(reg)
    reg.move(rec, "cancel", 100.0, "FR", reason="withdrawn")
    mind = MindCopies({"MA": (50.0, 1440.0)})  # refreshed at 50, then at 1490
    assert reg.visible_at("S1", "MA", "mind", 200.0, mind) == [rec]  # the copy of 50 still has it
    assert not rec.valid_for("MA")  # ... but the General Secretariat says it is no longer valid
    assert reg.visible_at("S1", "MA", "mind", 1490.0, mind) == []  # gone from the next copy
    assert reg.visible_at("S1", "MA", "find", 200.0, mind) == []  # FIND is live


def test_rule_a_mind_copy_does_not_have_a_notice_published_after_its_refresh():
    reg = registry()
    rec = published(reg, at_t=60.0)
    mind = MindCopies({"MA": (50.0, 1440.0)})
    assert reg.visible_at("S1", "MA", "mind", 1000.0, mind) == []
    assert reg.visible_at("S1", "MA", "mind", 1490.0, mind) == [rec]
    assert rec.valid_for("MA")


def test_rule_a_copy_before_a_first_refresh_an_interval_away_predates_the_exercise():
    mind = MindCopies({"MA": (30 * 60.0, 24 * 60.0)})  # first refresh at 30h, then daily
    # One interval before the start (a missed refresh): before the exercise, so nothing filed
    # during it is in the copy, but a notice published before the start may be.
    assert mind.last_refresh("MA", 20 * 60.0) == -24 * 60.0
    assert mind.last_refresh("MA", 31 * 60.0) == 30 * 60.0
    reg = registry()
    published(reg)
    assert reg.visible_at("S1", "MA", "mind", 20 * 60.0, mind) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["cancel", "challenge", "keep", "delete", "expire"]), max_size=4),
       st.lists(st.floats(1, 3000), min_size=4, max_size=4), st.floats(0, 1439), st.floats(0, 4000))
def test_property_a_mind_post_sees_exactly_what_was_visible_at_the_last_refresh(actions, gaps, offset, t):
    reg = registry()
    rec = published(reg)
    now = 0.0
    for action, gap in zip(actions, gaps, strict=False):
        if not NOTICE.allows(rec.state, action):
            continue
        now += gap
        reg.move(rec, action, now, "GS")
    mind = MindCopies({"MA": (offset, 1440.0)})
    copied = mind.last_refresh("MA", t)
    state_then = next((s for when, s in reversed(rec.history) if when <= copied), None)
    expected = [rec] if state_then in VISIBLE["notice"] else []
    assert reg.visible_at("S1", "MA", "mind", t, mind) == expected


# --- in the engine --------------------------------------------------------------------------------

def _phase(first: str, interval: str = "24h") -> dict:
    return {"MA": {"first_refresh": first, "interval": interval}}


def test_rule_a_hit_on_a_removed_notice_is_checked_with_the_general_secretariat_and_goes_no_further():
    # N1 is published at 90 (into Morocco's copy of 2h), withdrawn at 3h; S1 enters Morocco at 5h,
    # before the next refresh at 26h: the border post hits on a notice that is no longer valid.
    ex = Exercise(scenario(parameters=FIXED, desks=ROUND_CLOCK, ndtf={"doubt_share": 0.0},
                           world=world({"MA": "mind"}, mind=_phase("2h")),
                           subjects=[entering_morocco(300)],
                           requests=[red(withdraw_after="3h")]), seats=INSTANT)
    ex.run()
    cancelled = one(ex, "notice.cancelled", notice="N1")
    hit = one(ex, "database.hit", subject="S1")
    assert at(ex, cancelled) < at(ex, hit) == 300.0 and (hit["system"], hit["notice"]) == ("mind", "N1")
    assert events(ex, "arrest.provisional") == []
    released = one(ex, "subject.released", subject="S1")
    assert released["reason"] == NO_LONGER_VALID and released["country"] == "MA"


def test_rule_a_stale_yellow_notice_hit_does_not_cancel_it_again():
    # A Yellow Notice withdrawn before the crossing is still in the copy: the hit is journalled,
    # the notice is not moved a second time (cancelling a cancelled notice is an illegal move).
    yellow = {"id": "Y1", "kind": "yellow", "by": "FR", "subject": "S1", "at": "0m", "withdraw_after": "3h"}
    ex = Exercise(scenario(parameters=FIXED, desks=ROUND_CLOCK, ndtf={"doubt_share": 0.0},
                           world=world({"MA": "mind"}, mind=_phase("2h")),
                           subjects=[entering_morocco(300)], requests=[yellow]), seats=INSTANT)
    ex.run()
    assert one(ex, "database.hit", subject="S1")["notice"] == "Y1"
    assert len(events(ex, "notice.cancelled", notice="Y1")) == 1
    assert ex.registry.records["Y1"].state == "cancelled"


def test_rule_a_scenario_sets_a_countrys_mind_phase_and_leaves_the_others_drawn():
    base = {"parameters": FIXED, "world": world({"MA": "mind"})}
    drawn = Exercise(scenario(**base)).mind.phase
    ex = Exercise(scenario(**{**base, "world": {**base["world"], "mind": _phase("6h", "12h")}}))
    assert ex.mind.phase["MA"] == (360.0, 720.0)
    assert {c: p for c, p in ex.mind.phase.items() if c != "MA"} == {c: p for c, p in drawn.items() if c != "MA"}
    only_interval = Exercise(scenario(**{**base, "world": {**base["world"], "mind": {"MA": {"interval": "36h"}}}}))
    share = drawn["MA"][0] / drawn["MA"][1]
    assert only_interval.mind.phase["MA"] == pytest.approx((share * 2160.0, 2160.0))


def test_rule_refreshes_are_journalled_for_mind_countries_where_people_travel():
    finds = {"SN": "find", "DE": "find", "FR": "find", "ES": "find"}
    ex = Exercise(scenario(parameters=FIXED, duration="2d", subjects=[entering_morocco(300)],
                           world=world({"MA": "mind", **finds}, mind=_phase("6h", "12h"))))
    ex.run()
    refreshed = events(ex, "mind.refreshed")
    assert {e["country"] for e in refreshed} == {"MA"}
    assert [at(ex, e) for e in refreshed] == [360.0, 1080.0, 1800.0, 2520.0]
    assert refreshed[0]["interval_min"] == 720.0 and refreshed[0]["actor"] == "MA"
    assert describe(refreshed[0]) == "Morocco's border posts get a fresh MIND copy"
    # Nobody travels: only the countries whose phase the scenario sets are journalled.
    quiet = Exercise(scenario(parameters=FIXED, duration="2d",
                              world=world({**finds, "MA": "mind", "SN": "mind"}, mind=_phase("6h", "12h"))))
    quiet.run()
    assert {e["country"] for e in events(quiet, "mind.refreshed")} == {"MA"}


def _write(tmp_path, mind: dict, **world_more) -> str:
    import yaml

    doc = {"id": "t", "title": "t", "start": "2026-03-02T06:00:00Z", "duration": "1d",
           "world": {"members": ["FR", "ES", "MA"], "mind": mind, **world_more}}
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("mind, message", [
    ({"MA": {"interval": "30m"}}, "at least 1h"),
    ({"MA": {}}, "give first_refresh, interval or both"),
    ({"JP": {"first_refresh": "1h"}}, "not in this exercise's world"),
    ({"MA": {"first_refresh": "soon"}}, "not a duration"),
])
def test_rule_a_mind_phase_is_checked(tmp_path, mind, message):
    with pytest.raises(InputError) as err:
        load_scenario(_write(tmp_path, mind))
    assert message in str(err.value) and "world.mind" in str(err.value)


def test_rule_a_phase_for_a_country_without_a_mind_copy_is_a_warning(tmp_path):
    loaded = load_scenario(_write(tmp_path, {"MA": {"first_refresh": "1h"}}, border_systems={"MA": "find"}))
    (warning,) = [p for p in loaded.warnings if "world.mind" in str(p)]
    assert warning.severity == "warning" and "use FIND, not a MIND copy" in str(warning)
