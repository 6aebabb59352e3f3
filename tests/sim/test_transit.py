"""Travel and borders as they are (domain.md): a passenger changing planes stays airside and is not
checked, unless the country checks connecting passengers or the route needs an entry; a
destination with API/PNR screens the passengers of a flight before it lands."""

from __future__ import annotations

from conftest import ALL_WEEK, scenario

from sim.engine.exercise import Exercise
from sim.people.borders import AIRSIDE, CHECKED, ENTRY, transit
from sim.world.legal import legal_facts

ROUND_CLOCK = {"default": {"staff": 2, "night_staff": 2, "days": ALL_WEEK}}
# Senegal to New Zealand has no direct flight: it connects at a hub (Dubai, or the United States).
VIA_DUBAI = ["FR", "SN", "AE", "NZ"]
VIA_US = ["FR", "SN", "US", "NZ"]


def kinds(ex: Exercise, kind: str) -> list[dict]:
    return [e for e in ex.journal.events if e["kind"] == kind]


def journey(members: list[str], requests: list[dict], *, kind: str = "wanted", route: tuple[str, ...] = ("NZ",),
            duration: str = "5d") -> Exercise:
    sc = scenario(desks=ROUND_CLOCK, parameters={"ndtf.screening_time": "1h"}, ndtf={"doubt_share": 0},
                  duration=duration, world={"members": members},
                  subjects=[{"id": "S1", "kind": kind, "identity": {"name": "Ana LIMA", "nationality": "SN"},
                             "location": "SN", "plan": {"route": list(route), "leaves_after": "1d"}}],
                  requests=requests)
    ex = Exercise(sc)
    ex.run()
    return ex


RED = {"id": "N1", "kind": "red", "by": "FR", "subject": "S1", "at": "0m", "offence": "fraud", "max_penalty_years": 5}
YELLOW = {"id": "N1", "kind": "yellow", "by": "FR", "subject": "S1", "at": "0m"}


def test_a_passenger_changing_planes_at_an_airside_hub_meets_no_border_there():
    ex = journey(VIA_DUBAI, [RED])
    moved = kinds(ex, "subject.moved")
    assert [(m["to"], m.get("transit"), m["checked"]) for m in moved] == [("AE", "airside", False), ("NZ", None, True)]
    assert [c["country"] for c in kinds(ex, "border.checked")] == ["NZ"]  # the Red Notice is seen in NZ only
    assert [h["country"] for h in kinds(ex, "database.hit")] == ["NZ"]


def test_a_country_that_checks_connecting_passengers_checks_them_in_transit():
    ex = journey(VIA_US, [RED])
    (first, *_) = kinds(ex, "subject.moved")
    assert (first["to"], first["transit"], first["checked"]) == ("US", "checked", True)
    assert [h["country"] for h in kinds(ex, "database.hit")] == ["US"]
    assert next(iter(ex.arrests.cases.values())).country == "US"  # held while connecting


def test_yellow_sighting_in_transit_does_not_cancel_the_notice():
    ex = journey(VIA_US, [YELLOW], kind="missing")
    sighted, located = kinds(ex, "subject.located")
    assert (sighted["country"], sighted["transit"]) == ("US", True) and "measures" not in sighted
    assert (located["country"], located["transit"], located["measures"]) == ("NZ", False, "protective")
    (cancelled,) = kinds(ex, "notice.cancelled")
    reports = kinds(ex, "whereabouts.reported")
    assert [r["country"] for r in reports] == ["US", "NZ"]
    assert cancelled["t"] >= reports[1]["t"] > located["t"]  # cancelled only once found at the destination


def test_the_route_needs_an_entry_when_the_mode_changes_or_it_goes_on_into_schengen():
    facts = legal_facts()
    assert transit("SN", "AE", "NZ", "air", "air", facts) == AIRSIDE
    assert transit("SN", "US", "NZ", "air", "air", facts) == CHECKED
    assert transit("SN", "MA", "ES", "air", "surface", facts) == ENTRY  # off the plane and over the strait
    assert transit("SN", "AE", "NZ", "scenario", "air", facts) == ENTRY  # a trainer's route: not known to fly
    assert transit("US", "FR", "ES", "air", "air", facts) == ENTRY  # Schengen's external border is at Paris
    assert transit("ES", "FR", "US", "air", "air", facts) == ENTRY


def test_api_pnr_destination_screens_the_passenger_at_departure_and_the_outcome_waits_for_arrival():
    ex = journey(VIA_DUBAI, [RED])
    (screened,) = kinds(ex, "border.prescreened")
    departed = next(m for m in kinds(ex, "subject.moved") if m["to"] == "NZ")
    assert (screened["country"], screened["from"], screened["system"], screened["hits"]) == ("NZ", "AE", "api", ["N1"])
    assert screened["t"] < departed["t"]  # known before the plane lands
    (alert,) = [m for m in kinds(ex, "message.sent") if m["type"] == "api_hit"]
    assert (alert["from"], alert["to"], alert["t"]) == ("border:NZ", "NZ", screened["t"])
    (hit,) = kinds(ex, "database.hit")
    assert hit["t"] == departed["t"]  # the border hit, and the arrest case, happen on arrival
    assert next(iter(ex.arrests.cases.values())).hit_at > 0 and hit["country"] == "NZ"


def test_no_advance_screening_where_the_destination_has_no_api_pnr_or_the_passenger_stays_airside():
    ex = journey(["FR", "SN", "MA", "ES", "DE"], [RED], route=("MA",))
    assert not kinds(ex, "border.prescreened")  # Morocco: no API/PNR in the data
    ex = journey(VIA_DUBAI, [])
    assert [s["country"] for s in kinds(ex, "border.prescreened")] == ["NZ"]  # not Dubai, where it stays airside
    assert kinds(ex, "border.prescreened")[0]["hits"] == []
    assert not [m for m in kinds(ex, "message.sent") if m["type"] == "api_hit"]
