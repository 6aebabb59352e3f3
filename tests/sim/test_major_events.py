"""Major events (issue 17, exercise 8): what an IMEST changes, and the UN Special Notice hit.

Rules checked:
- while an IMEST is deployed with ``border_system: find``, the host's border posts check live, so a
  notice published after the host's last MIND refresh is found; after the IMEST leaves, the host's
  own system is back;
- with ``prescreen: true`` the host screens arriving flights (API) while the IMEST is there;
- with ``imest_requested_by: ncb`` the host NCB's officer decides (``request_imest``); no request, no IMEST;
- a UN Special Notice hit is a travel ban: entry refused and the person sent back where they came
  from (``entry.refused``), the General Secretariat told; a played border NCB decides
  (``apply_travel_ban``), and letting the person in lets them travel on; a state's own national is
  never refused.
"""

from __future__ import annotations

from conftest import ALL_WEEK, scenario

from sim.decisions.script import Script
from sim.decisions.seats import SeatConfig
from sim.engine.exercise import Exercise

ROUND_CLOCK = {"default": {"staff": 2, "night_staff": 2, "days": ALL_WEEK}}
# Morocco's border posts check a MIND copy taken before the start and refreshed only on day 5.
STALE_MA = {"members": ["FR", "ES", "MA", "SN", "DE"], "border_systems": {"MA": "mind"},
            "mind": {"MA": {"first_refresh": "5d", "interval": "7d"}}}
GAMES = {"id": "E1", "name": "Games", "country": "MA", "starts": "12h", "lasts": "3d"}


def kinds(ex: Exercise, kind: str) -> list[dict]:
    return [e for e in ex.journal.events if e["kind"] == kind]


def travel(requests: list[dict], *, events: tuple[dict, ...] = (), nationality: str = "SN", players: list | None = None,
           script: dict | None = None, route: tuple[str, ...] = ("MA",), duration: str = "4d",
           world: dict = STALE_MA) -> Exercise:
    sc = scenario(desks=ROUND_CLOCK, parameters={"ndtf.screening_time": "1h"}, ndtf={"doubt_share": 0},
                  duration=duration, world=world, major_events=list(events), players=players or [],
                  subjects=[{"id": "S1", "identity": {"name": "Lea MARTIN", "nationality": nationality},
                             "location": "FR", "plan": {"route": list(route), "leaves_after": "1d", "stay": "1d"}}],
                  requests=requests)
    seats = SeatConfig(policy="scripted", script=Script.model_validate(script)) if script else None
    ex = Exercise(sc, seats=seats)
    ex.run()
    return ex


GREEN = [{"id": "G1", "kind": "green", "by": "FR", "subject": "S1", "at": "0m"}]
UN = [{"id": "U1", "kind": "un", "by": "FR", "subject": "S1", "at": "0m"}]
LIVE_MA = {"members": ["FR", "ES", "MA", "SN", "DE"], "border_systems": {"MA": "find"}}


def test_an_imest_with_find_lets_the_host_see_a_notice_its_mind_copy_does_not_have_yet():
    without = travel(GREEN)
    (check,) = [e for e in kinds(without, "border.checked") if e["country"] == "MA"]
    assert check["system"] == "mind" and not kinds(without, "warning.issued")
    imest = travel(GREEN, events=[{**GAMES, "border_system": "find"}])
    (check,) = [e for e in kinds(imest, "border.checked") if e["country"] == "MA"]
    assert check["system"] == "find"
    (warned,) = kinds(imest, "warning.issued")
    assert (warned["country"], warned["notice"]) == ("MA", "G1")
    assert imest.border_system("MA") == "mind"  # the IMEST has left: Morocco's own system again


def test_an_imest_with_prescreening_screens_flights_to_the_host_only_while_deployed():
    assert not kinds(travel(GREEN), "border.prescreened")
    screened = travel(GREEN, events=[{**GAMES, "prescreen": True}])
    (pre,) = kinds(screened, "border.prescreened")
    assert pre["country"] == "MA" and pre["from"] == "FR"
    over = travel(GREEN, events=[{**GAMES, "lasts": "6h", "prescreen": True}])  # gone before the flight
    assert not kinds(over, "border.prescreened")


def test_with_imest_ask_the_host_ncb_decides_and_no_request_means_no_imest():
    asked = travel(GREEN, events=[{**GAMES, "imest_requested_by": "ncb", "border_system": "find"}],
                   players=[{"role": "ncb", "country": "MA"}])
    (q,) = [e for e in kinds(asked, "decision.requested") if e["type"] == "request_imest"]
    assert q["seat"] == "ncb:MA" and q["recommended"] == "request" and q["default"] == "national"
    (req,) = kinds(asked, "imest.requested")
    assert req["by"] == "policy" and req["country"] == "MA"
    assert kinds(asked, "imest.deployed")[0]["t"] == "2026-03-02T18:00:00Z"  # on the event's first day
    assert kinds(asked, "warning.issued")
    refused = travel(GREEN, events=[{**GAMES, "imest_requested_by": "ncb", "border_system": "find"}],
                     script={"answers": [{"type": "request_imest", "option": "national"}]})
    assert not kinds(refused, "imest.requested") and not kinds(refused, "imest.deployed")
    assert not kinds(refused, "warning.issued")  # the stale MIND copy again
    late = travel(GREEN, events=[{**GAMES, "imest_requested_by": "ncb", "imest_ask_within": "2d"}],
                  script={"answers": [{"type": "request_imest", "option": "request", "after": "1d"}]})
    assert kinds(late, "imest.deployed")[0]["t"] == "2026-03-03T06:00:00Z"  # asked after the start: deploys then
    assert kinds(late, "imest.ended")[0]["t"] == "2026-03-05T18:00:00Z"  # the event's end all the same


def test_a_un_special_notice_hit_refuses_entry_and_sends_the_person_back():
    ex = travel(UN, route=["MA", "SN"], world=LIVE_MA)
    (refused,) = kinds(ex, "entry.refused")
    assert (refused["country"], refused["notice"], refused["returned_to"]) == ("MA", "U1", "FR")
    st = ex.movements.subjects["S1"]
    assert st.location == "FR" and st.status == "refused_entry"
    assert not [e for e in kinds(ex, "subject.moved") if e["to"] == "SN"]  # the journey ends
    told = [e for e in kinds(ex, "message.sent") if e["type"] == "sanctions_hit"]
    assert [(m["from"], m["to"]) for m in told] == [("border:MA", "MA"), ("MA", "GS")]


def test_a_played_border_ncb_decides_the_travel_ban_and_admitting_lets_the_person_travel_on():
    played = travel(UN, world=LIVE_MA, players=[{"role": "ncb", "country": "MA"}])
    (q,) = [e for e in kinds(played, "decision.requested") if e["type"] == "apply_travel_ban"]
    assert q["recommended"] == "refuse_entry" and q["default"] == "admit" and q["subject"] == "S1"
    assert kinds(played, "entry.refused")[0]["by"] == "policy"
    admitted = travel(UN, route=["MA", "SN"], duration="5d", world=LIVE_MA, players=[{"role": "ncb", "country": "MA"}],
                      script={"answers": [{"type": "apply_travel_ban", "option": "admit"}]})
    assert kinds(admitted, "entry.admitted") and not kinds(admitted, "entry.refused")
    assert [e["to"] for e in kinds(admitted, "subject.moved")][-1] == "SN"


def test_a_state_never_refuses_its_own_national():
    ex = travel(UN, nationality="MA", world=LIVE_MA)
    assert [e for e in kinds(ex, "database.hit") if e.get("notice") == "U1"]
    assert not kinds(ex, "entry.refused") and ex.movements.subjects["S1"].location == "MA"
