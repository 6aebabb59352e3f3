"""NCB desks: local working hours, nights and weekends, priorities, staffing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conftest import ALL_WEEK, scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.clock import SimClock, zone
from sim.engine.desks import ShiftPlan
from sim.engine.exercise import Exercise
from sim.scenario.model import DeskStaffing

FIXED_10M = {"desk.handling_time": "10m", "desk.urgent_handling_time": "5m"}


def handled(ex: Exercise, inject: str) -> dict:
    return next(e for e in ex.journal.events if e["kind"] == "message.handled" and e.get("inject") == inject)


def read_at(start: str, ncb: str) -> str:
    """When ``ncb``'s desk reads a national police message sent at ``start`` (handling fixed at 10 min)."""
    sc = scenario(start=start, duration="3d", parameters=FIXED_10M, world={"members": [ncb, "FR"]},
                  injects=[{"id": "I1", "at": "0m", "from": "national-police", "to": ncb, "text": "x"}])
    ex = Exercise(sc)
    ex.run()
    return handled(ex, "I1")["t"]


def test_message_at_night_waits_for_local_morning():
    # 22:00 UTC Monday = 23:00 in Paris; the FR desk opens at 08:00 Paris (07:00 UTC in winter).
    sc = scenario(start="2026-03-02T22:00:00Z", parameters=FIXED_10M,
                  injects=[{"id": "I1", "at": "0m", "from": "ES", "to": "FR", "text": "night", "language": "fr"}])
    ex = Exercise(sc)
    ex.run()
    assert handled(ex, "I1")["t"] == "2026-03-03T07:10:00Z"


def test_night_staff_handles_at_once():
    sc = scenario(start="2026-03-02T22:00:00Z", parameters=FIXED_10M,
                  desks={"overrides": {"FR": {"night_staff": 1}}},
                  injects=[{"id": "I1", "at": "0m", "from": "national-police", "to": "FR", "text": "x"}])
    ex = Exercise(sc)
    ex.run()
    assert handled(ex, "I1")["t"] == "2026-03-02T22:10:00Z"


def test_weekend_waits_for_monday_in_local_time():
    # Saturday 7 March 2026, noon UTC. Tokyo is UTC+9: opens Monday 08:00 JST = Sunday 23:00 UTC.
    assert read_at("2026-03-07T12:00:00Z", "JP") == "2026-03-08T23:10:00Z"


def test_urgent_before_routine_when_the_desk_opens():
    sc = scenario(start="2026-03-02T22:00:00Z", parameters=FIXED_10M,
                  desks={"default": {"staff": 1}},
                  injects=[{"id": "R", "at": "0m", "from": "police", "to": "FR", "text": "routine"},
                           {"id": "U", "at": "1h", "from": "police", "to": "FR", "text": "urgent",
                            "priority": "urgent"}])
    ex = Exercise(sc)
    ex.run()
    assert handled(ex, "U")["seq"] < handled(ex, "R")["seq"]


def test_dst_shift_moves_opening_time_in_utc():
    # Europe switches to summer time on 29 March 2026: Paris 08:00 is 07:00 UTC before, 06:00 after.
    clock = SimClock(datetime(2026, 3, 27, 0, tzinfo=UTC))
    plan = ShiftPlan(clock, "Europe/Paris", DeskStaffing(staff=2, days=ALL_WEEK))
    assert plan.staff(6 * 60 + 59) == 0 and plan.staff(7 * 60) == 2  # Friday 27th
    monday = 3 * 1440
    assert plan.staff(monday + 5 * 60 + 59) == 0 and plan.staff(monday + 6 * 60) == 2


def test_staffing_levels_and_closed_desk():
    clock = SimClock(datetime(2026, 3, 2, 0, tzinfo=UTC))  # Monday
    plan = ShiftPlan(clock, "UTC", DeskStaffing(staff=3, night_staff=1, hours="09:00-17:00"))
    assert [plan.staff(h * 60) for h in (8, 9, 16, 17)] == [1, 3, 3, 1]
    closed = ShiftPlan(clock, "UTC", DeskStaffing(staff=0, night_staff=0))
    assert closed.staff(600) == 0 and closed.constant


def test_a_closed_desk_keeps_its_messages_queued():
    sc = scenario(desks={"overrides": {"FR": {"staff": 0}}},
                  injects=[{"id": "I1", "at": "1h", "from": "ES", "to": "FR", "text": "x"}])
    ex = Exercise(sc)
    ex.run()
    assert ex.desks["FR"].queued == 1 and ex.handled == 0


def test_message_outside_the_ncbs_languages_takes_longer():
    # France works in French only: the same message in Spanish needs translating first.
    params = dict(FIXED_10M, **{"desk.translation_time": "45m"})
    sc = scenario(parameters=params, desks={"default": {"staff": 2, "night_staff": 2}},
                  injects=[{"id": "FR-text", "at": "0m", "from": "ES", "to": "FR", "text": "x", "language": "fr"},
                           {"id": "ES-text", "at": "0m", "from": "ES", "to": "FR", "text": "x", "language": "es"}])
    ex = Exercise(sc)
    ex.run()
    same, other = handled(ex, "FR-text"), handled(ex, "ES-text")
    assert same["handling_min"] == 10.0 and "translated" not in same
    assert other["handling_min"] == 55.0 and other["translated"] is True


def test_urgent_message_to_a_closed_ncb_goes_through_the_ccc_routine_waits():
    # 22:00 UTC Monday: NCB France is closed until 07:00 UTC. The CCC's Singapore site is on duty.
    params = dict(FIXED_10M, **{"ccc.escalation_time": "30m"})
    injects = [{"id": "U", "at": "0m", "from": "ES", "to": "FR", "text": "hit", "priority": "urgent", "language": "fr"},
               {"id": "R", "at": "0m", "from": "ES", "to": "FR", "text": "fyi", "language": "fr"}]
    ex = Exercise(scenario(start="2026-03-02T22:00:00Z", parameters=params, injects=injects))
    ex.run()
    esc = [e for e in ex.journal.events if e["kind"] == "message.escalated"]
    assert len(esc) == 1 and esc[0]["ccc"] == "CCC-SIN" and esc[0]["to"] == "FR"
    urgent = handled(ex, "U")
    assert urgent["via_ccc"] == "CCC-SIN" and urgent["t"] < "2026-03-02T23:00:00Z"
    assert handled(ex, "R")["t"] >= "2026-03-03T07:00:00Z"


def test_without_ccc_escalation_urgent_waits_for_the_morning():
    injects = [{"id": "U", "at": "0m", "from": "ES", "to": "FR", "text": "hit", "priority": "urgent", "language": "fr"}]
    ex = Exercise(scenario(start="2026-03-02T22:00:00Z", parameters=FIXED_10M, injects=injects,
                           ccc={"escalate_urgent": False}))
    ex.run()
    assert handled(ex, "U")["t"] == "2026-03-03T07:05:00Z"
    assert not any(e["kind"] == "message.escalated" for e in ex.journal.events)


def test_a_message_at_night_goes_to_the_night_officer_not_an_idle_day_officer():
    # Two day officers idle when the shift ends at 18:00; one stays on at night. A message at
    # 22:00 Paris time must be read at once, whichever officer was idle first.
    for seed in range(8):
        sc = scenario(seed=seed, start="2026-03-02T18:00:00Z", desks={"default": {"staff": 2, "night_staff": 1}},
                      parameters={**FIXED_10M, "desk.translation_time": "0m"},
                      injects=[{"id": "I1", "at": "3h", "from": "ES", "to": "FR", "text": "x", "language": "fr"}])
        ex = Exercise(sc)
        ex.run()
        assert handled(ex, "I1")["waited_min"] == 0.0


def test_the_night_backlog_is_read_when_the_shift_starts():
    sc = scenario(start="2026-03-02T20:00:00Z", desks={"default": {"staff": 2}}, parameters=FIXED_10M,
                  injects=[{"id": f"I{k}", "at": f"{k}h", "from": "police", "to": "FR", "text": "x"} for k in range(1, 4)])
    ex = Exercise(sc)
    ex.run()
    assert sorted(handled(ex, f"I{k}")["t"] for k in range(1, 4)) == [
        "2026-03-03T07:10:00Z", "2026-03-03T07:10:00Z", "2026-03-03T07:20:00Z"]


def test_the_desk_opens_at_its_local_hour_on_the_monday_after_a_dst_change():
    # Washington springs forward in the night of Sunday 8 March 2026: the desk opens at 08:00 EDT
    # (12:00 UTC) on Monday 9th. A message from Saturday is read then, not an hour later.
    assert read_at("2026-03-07T15:00:00Z", "US") == "2026-03-09T12:10:00Z"


def test_shift_changes_are_dst_safe_in_every_direction():
    # The staffing changes at local 08:00 and 18:00 on working days, whatever the UTC offset did.
    clock = SimClock(datetime(2026, 3, 1, 0, tzinfo=UTC))
    plan = ShiftPlan(clock, "America/New_York", DeskStaffing(staff=2))
    for day in range(260):
        for minute in (7 * 60 + 59, 8 * 60, 17 * 60 + 59, 18 * 60):
            local = clock.local(day * 1440.0, "America/New_York").replace(hour=minute // 60, minute=minute % 60)
            t = clock.at(local)
            on = local.weekday() < 5 and 8 * 60 <= minute < 18 * 60
            assert plan.staff(t) == (2 if on else 0), local


def test_idle_officers_are_not_woken_by_shift_changes():
    # A week of five desks with nothing to read: no officer waits on a timer, so once the start's
    # processes have run the simulation has nothing left to do (the old officers woke twice a day).
    ex = Exercise(scenario(duration="7d", traffic={"messages_per_ncb_per_day": 0}))
    ex.run(until=1.0)
    assert ex.next_event_time() == float("inf")


def test_a_backlog_is_read_by_every_officer_coming_on_duty_at_once():
    # Five messages queue overnight on a desk of three: at 08:00 Paris three officers start on
    # them together, then take the rest as each finishes.
    sc = scenario(start="2026-03-02T20:00:00Z", desks={"default": {"staff": 3}}, parameters=FIXED_10M,
                  injects=[{"id": f"I{k}", "at": f"{k}h", "from": "police", "to": "FR", "text": "x"}
                           for k in range(1, 6)])
    ex = Exercise(sc)
    ex.run()
    assert sorted(handled(ex, f"I{k}")["t"] for k in range(1, 6)) == [
        "2026-03-03T07:10:00Z"] * 3 + ["2026-03-03T07:20:00Z"] * 2


@given(st.sampled_from(["Europe/Paris", "Africa/Casablanca", "Australia/Lord_Howe", "Pacific/Chatham",
                        "America/Santiago", "Asia/Kathmandu", "Pacific/Kiritimati", "America/St_Johns"]),
       st.sampled_from([(0, 1440), (0, 600), (480, 1080), (450, 1440), (1, 1439)]),
       st.sets(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1),
       st.integers(0, 2), st.integers(0, 400 * 24), st.lists(st.integers(0, 200 * 1440), min_size=20, max_size=20))
@settings(max_examples=60, deadline=None)
def test_the_staffing_at_any_instant_is_the_local_hours_rule(tz, window, days, night, start_h, instants):
    # Whatever the zone (half-hour DST, a Ramadan suspension, midnight changes), hours (a 24:00
    # closing, a midnight opening) and days, the plan's level is the rule read in local time —
    # away from a DST change, where a local time may be skipped or repeated.
    op, cl = window
    hours = f"{op // 60:02d}:{op % 60:02d}-{cl // 60:02d}:{cl % 60:02d}"
    clock = SimClock(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=start_h))
    plan = ShiftPlan(clock, tz, DeskStaffing(staff=3, night_staff=night, hours=hours, days=sorted(days)))
    z, order = zone(tz), ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    for t in sorted(instants):
        offsets = {clock.local(t + d, tz).utcoffset() for d in (-200.0, 0.0, 200.0)}
        if len(offsets) > 1:
            continue
        local = clock.utc(t).astimezone(z)
        minute = local.hour * 60 + local.minute
        on = order[local.weekday()] in days and op <= minute < cl
        assert plan.staff(t) == (3 if on else night), (local, hours, sorted(days))
