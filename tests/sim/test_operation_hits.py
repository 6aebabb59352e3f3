"""An operation's hits reaching the desks one by one (issue 17, exercise 10).

Rules checked:
- every hit of a reporting participant becomes one report (share 1), and each ends in one outcome;
  an NCB nobody plays triages by the book (true hits urgent, false positives discarded);
- reporting hits one by one draws from its own stream: the operation's counts are unchanged;
- a played NCB's triage decides the outcome: urgent on a false positive wastes a unit, anything but
  urgent on a wanted person or a victim loses them, and an unanswered triage falls to routine;
- a report read after the checkpoint's hold has lost the person unread (a desk past capacity);
- a watched desk journals desk.backlog when its unread queue reaches the limit, and desk.caught_up
  once it is down to half; an unwatched desk says nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from conftest import ALL_WEEK, scenario

from sim.decisions.script import Script
from sim.decisions.seats import SeatConfig
from sim.engine.exercise import Exercise

ROUND_CLOCK = {"default": {"staff": 3, "night_staff": 3, "days": ALL_WEEK}}
OFFICE_HOURS = {"default": {"staff": 2, "night_staff": 0, "hours": "08:00-18:00", "days": ALL_WEEK}}


def kinds(ex: Exercise, kind: str) -> list[dict]:
    return [e for e in ex.journal.events if e["kind"] == kind]


def operation(*, reports: dict | None, players: list | None = None, script: dict | None = None,
              desks: dict = ROUND_CLOCK, **fields) -> Exercise:
    op = {"id": "OP", "name": "Liberterra", "kind": "liberterra", "participants": ["FR", "ES"],
          "action_starts": "6h", "action_days": 2, "intelligence_requests": 0,
          "checks_per_day_per_country": 1000, "hit_rate": 0.006}
    if reports is not None:
        op["hit_reports"] = reports
    sc = scenario(duration="4d", desks=desks, operations=[op], players=players or [], **fields)
    seats = SeatConfig(policy="scripted", script=Script.model_validate(script)) if script else None
    ex = Exercise(sc, seats=seats)
    ex.run()
    return ex


def test_each_hit_is_reported_and_triaged_by_the_book_where_nobody_plays():
    ex = operation(reports={"countries": ["FR"]})
    fr_hits = sum(e["hits"] for e in kinds(ex, "operation.checks") if e["country"] == "FR")
    found = kinds(ex, "operation.hit")
    assert fr_hits > 5 and len(found) == fr_hits and {e["country"] for e in found} == {"FR"}
    resolved = {e["hit"]: e for e in kinds(ex, "operation.hit_resolved")}
    assert set(resolved) == {e["hit"] for e in found}
    book = {"wanted": "arrested", "victim": "victim_protected", "not_the_person": "cleared"}
    assert all(e["outcome"] == book[e["type"]] for e in resolved.values())
    (ended,) = kinds(ex, "operation.ended")
    assert ended["reported"] == fr_hits and ended["lost"] == 0
    assert ended["victims"] == sum(e["type"] == "victim" for e in found)
    reports = [e for e in kinds(ex, "message.sent") if e["type"] == "operation_hit"]
    assert len(reports) == fr_hits and {(m["from"], m["to"]) for m in reports} == {("border:FR", "FR")}


def test_reporting_hits_one_by_one_leaves_the_operations_counts_as_they_were():
    def counts(ex: Exercise) -> list[tuple]:
        return [(e["country"], e["day"], e["checks"], e["hits"]) for e in kinds(ex, "operation.checks")]

    assert counts(operation(reports=None)) == counts(operation(reports={}))
    assert not kinds(operation(reports=None), "operation.hit")
    assert "victims" not in kinds(operation(reports=None), "operation.ended")[0]


def test_a_played_ncbs_triage_decides_what_each_hit_comes_to():
    fr = [{"role": "ncb", "country": "FR"}]
    everything_urgent = operation(reports={"countries": ["FR"]}, players=fr,
                                  script={"answers": [{"type": "triage_hit", "option": "urgent"}]})
    out = Counter((e["type"], e["outcome"]) for e in kinds(everything_urgent, "operation.hit_resolved"))
    assert out[("not_the_person", "wasted")] > 0 and not out[("not_the_person", "cleared")]
    assert all(o in ("arrested", "victim_protected") for (t, o) in out if t != "not_the_person")
    asked = [e for e in kinds(everything_urgent, "decision.requested") if e["type"] == "triage_hit"]
    assert len(asked) == sum(out.values()) and all(e["default"] == "routine" for e in asked)
    discarded = operation(reports={"countries": ["FR"]}, players=fr,
                          script={"answers": [{"type": "triage_hit", "option": "discard"}]})
    lost = [e for e in kinds(discarded, "operation.hit_resolved") if e["type"] != "not_the_person"]
    assert lost and all(e["outcome"] == "lost" for e in lost)
    unanswered = operation(reports={"countries": ["FR"], "hold": "2h"}, players=fr,
                           script={"answers": [{"type": "triage_hit", "option": "urgent", "after": "3h"}]})
    expired = [e for e in kinds(unanswered, "decision.expired") if e["type"] == "triage_hit"]
    assert expired and all(e["applied"] == "routine" for e in expired)
    assert all(e["outcome"] in ("lost", "cleared") for e in kinds(unanswered, "operation.hit_resolved"))


def test_a_report_read_after_the_hold_has_lost_the_person_unread():
    ex = operation(reports={"countries": ["FR"], "hold": "1h"}, desks=OFFICE_HOURS)
    found = {e["hit"]: e["t"] for e in kinds(ex, "operation.hit")}
    unread = [e for e in kinds(ex, "operation.hit_resolved") if e.get("unread")]
    assert unread  # night-time hits wait for the morning shift
    assert all(e["outcome"] == ("cleared" if e["type"] == "not_the_person" else "lost") for e in unread)
    def hours(a: str, b: str) -> float:
        return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() / 3600

    assert all(hours(found[e["hit"]], e["t"]) >= 1 for e in unread)  # read only after the hold


def test_a_watched_desk_says_when_it_falls_behind_and_when_it_has_caught_up():
    ex = operation(reports={"countries": ["FR"]}, desks=OFFICE_HOURS, backlog_alerts={"FR": 2})
    alerts = [e for e in ex.journal.events if e["kind"] in ("desk.backlog", "desk.caught_up")]
    assert alerts and alerts[0]["kind"] == "desk.backlog"
    assert all(e["country"] == "FR" and e["limit"] == 2 for e in alerts)
    # Alternating: behind when two reports wait overnight, caught up at one or none.
    assert [e["kind"] for e in alerts] == ["desk.backlog", "desk.caught_up"] * (len(alerts) // 2) + (
        ["desk.backlog"] if len(alerts) % 2 else [])
    assert all(e["queued"] == 2 for e in alerts if e["kind"] == "desk.backlog")
    assert all(e["queued"] <= 1 for e in alerts if e["kind"] == "desk.caught_up")
    assert alerts[0]["t"][11:13] < "06"  # at night, while the desk is closed (opens 08:00 Paris)
    assert not kinds(operation(reports={"countries": ["FR"]}, desks=OFFICE_HOURS), "desk.backlog")
