"""Subjects on the move: travel over the travel graph, and a border check at every entry.

The check's outcome depends on the entry country's connection (FIND: live; MIND: an offline copy
as of its last refresh; none: no database check at the border) and on the document used (a
stolen passport is in SLTD). A hit on a notice or diffusion that asks for arrest holds the person
and opens an arrest case; what other hits lead to is in hits.py. A passenger changing planes in a
country may stay airside and meet no border there, and a destination with API/PNR screens a
flight's passengers at departure (borders.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..scenario.cases import Plan, Subject
from ..scenario.chance import settled, settled_minutes
from ..world import travel_hours
from ..world.legal import checked_crossing
from .borders import AIR, AIRSIDE, CHECKED, screens_in_advance, transit
from .hits import NEVER_A_PERSON, WARNING_KINDS, Dvi, Hits, arrest_requested, asks_to_locate

if TYPE_CHECKING:
    import simpy

    from ..engine.exercise import Exercise


@dataclass(slots=True)
class SubjectState:
    spec: Subject
    location: str
    status: str = "free"  # free, held, arrested, extradited, located, detained (national warrant), identified, deceased
    alarm: simpy.Event | None = None  # a SimPy event that cuts a wait short when the subject feels pressure
    route_pos: int = 0  # index of the next destination in the plan's route
    trip: int = 0  # which travel process is his: a release starts a new one, and the old one must stop

    @property
    def id(self) -> str:
        return self.spec.id


__all__ = ["Movements", "SubjectState", "arrest_requested"]


class Movements:
    def __init__(self, ex: Exercise) -> None:
        # What the journeys use, taken once: the clock, the journal, I-24/7, the world (its travel
        # graph is built on first use: a year with nobody travelling never needs it) and the law,
        # the borders' systems (an IMEST may change them while deployed), the notices and the MIND
        # copies, and the arrest cases a hit opens.
        self.env, self.journal, self.send = ex.env, ex.journal, ex.send
        self.world, self.legal = ex.world, ex.legal
        self.border_system, self.imest_prescreen = ex.border_system, ex.imest_prescreen
        self.registry, self.mind = ex.registry, ex.mind
        self.open_arrest = ex.arrests.open
        self.hits = Hits(ex, self.released)
        self.subjects = {s.id: SubjectState(s, s.location) for s in ex.scenario.subjects}
        self.dvi = Dvi(ex, self.subjects)
        for st in self.subjects.values():
            if st.spec.plan is not None:
                ex.env.process(self._travel(st, st.spec.plan))
        if any(s.flees_on for s in ex.scenario.subjects):
            ex.journal.listen(self._pressure, kinds=("notice.published", "arrest.provisional"))

    def _pressure(self, e: dict) -> None:
        """A public extract about a subject, or an associate's arrest, makes a subject move on.
        What was so before the start (``since``) is old news: no fresh pressure."""
        if "since" in e:
            return
        if e["kind"] == "notice.published" and e.get("public") and e.get("subject") in self.subjects:
            self.alarm(e["subject"], "public_extract")
        elif e["kind"] == "arrest.provisional":
            for st in self.subjects.values():
                if e["subject"] in st.spec.associates:
                    self.alarm(st.id, "associate_arrest")

    def alarm(self, subject: str, cause: str) -> None:
        st = self.subjects[subject]
        if cause not in st.spec.flees_on or st.status != "free" or st.alarm is None or st.alarm.triggered:
            return
        self.journal.emit(self.env.now, "subject.alarmed", subject, subject=subject, cause=cause)
        st.alarm.succeed()

    def _wait(self, st: SubjectState, delay: float):
        """Wait, unless pressure cuts the wait short."""
        alarm = st.alarm = self.env.event()
        yield self.env.timeout(delay) | alarm
        if st.alarm is alarm:  # another travel process may have set its own meanwhile
            st.alarm = None  # pressure while travelling changes nothing, so it is not an alarm

    def _travel(self, st: SubjectState, plan: Plan, first_wait: float | None = None):
        env, trip = self.env, st.trip
        route = settled(plan.route)
        yield from self._wait(st, settled_minutes(plan.leaves_after) if first_wait is None else first_wait)
        while st.route_pos < len(route):
            if st.trip != trip:
                return  # held and released while waiting: the new trip carries on, not this one
            target = route[st.route_pos]
            travel = self.world.travel
            if target != st.location and target in travel:
                path, _hours = travel_hours(travel, st.location, target)
                for i, nxt in enumerate(path[1:], 1):
                    if st.status != "free":
                        return
                    edge = travel.edges[st.location, nxt]
                    passing = None  # a country on the way to the next stop, not a stop of the plan
                    if i + 1 < len(path):
                        onward = travel.edges[nxt, path[i + 1]]
                        passing = transit(st.location, nxt, path[i + 1], edge["mode"], onward["mode"], self.legal)
                    checked = passing != AIRSIDE and checked_crossing(st.location, nxt)
                    if checked and (screens_in_advance(nxt, edge["mode"], self.legal)
                                    or (edge["mode"] == AIR and nxt in self.imest_prescreen)):
                        self.hits.prescreen(st, nxt, st.location, edge["hours"])
                    yield env.timeout(edge["hours"] * 60.0)
                    if st.status != "free" or st.trip != trip:
                        return
                    previous, st.location = st.location, nxt
                    self.journal.emit(env.now, "subject.moved", st.id, subject=st.id, **{"from": previous},
                                      to=nxt, mode=edge["mode"], hours=edge["hours"], checked=checked,
                                      **({"transit": passing} if passing else {}))
                    if checked:
                        self.border_check(st, nxt, in_transit=passing == CHECKED, came_from=previous)
            st.route_pos += 1
            if st.status == "free" and st.route_pos < len(route):
                yield from self._wait(st, settled_minutes(plan.stay))

    def released(self, st: SubjectState) -> None:
        """A person let go after a hit carries on with the plan, after the usual stay."""
        st.status = "free"
        plan = st.spec.plan
        if plan is not None and st.route_pos < len(route := settled(plan.route)):
            if st.location == route[st.route_pos]:
                st.route_pos += 1  # held on arrival at this stop: it counts as reached
            st.trip += 1
            self.env.process(self._travel(st, plan, first_wait=settled_minutes(plan.stay)))

    def border_check(self, st: SubjectState, country: str, in_transit: bool = False,
                     came_from: str | None = None) -> None:
        """A border post of ``country`` checks the person (``in_transit``: a connecting passenger
        checked without entering). Its own wanted list is checked whatever its INTERPOL connection."""
        now = self.env.now
        system = self.border_system(country)
        shown, name, which = self.hits.document(st, country)
        doc = shown.status
        self.journal.emit(now, "border.checked", country, subject=st.id, country=country, system=system, document=doc,
                          **which)
        # Every check is nominal: under the name in the document shown (the real one, or an alias
        # that finds only the records listing it).
        real = st.spec.identity.name
        warrant = self.hits.national_warrant(st.id, country)
        if warrant is not None and st.status == "free" and warrant.lists_name(name, real):
            self.hits.arrest_nationally(st, country, warrant)
        if system == "none":
            return
        if self.hits.in_sltd(shown, country, system):
            self.journal.emit(now, "database.hit", country, subject=st.id, country=country, database="SLTD",
                              system=system, document=doc, **which)
            self.send(f"border:{country}", country, kind="sltd_hit", priority="urgent", channel="national")
        copied = self.registry.copied_at(country, system, now, self.mind)
        records = [r for r in self.registry.visible_at(st.id, country, system, now, self.mind)
                   if r.kind not in NEVER_A_PERSON and r.lists_name(name, real, copied)]
        arresting = None
        for rec in records:
            self.journal.emit(now, "database.hit", country, subject=st.id, country=country, database="notices",
                              system=system, **rec.reference(),
                              notice_kind=rec.kind, requester=rec.requester)
            if arresting is None and arrest_requested(rec) and rec.requester != country:
                arresting = rec
        if arresting is not None and st.status == "free":
            self.open_arrest(st, country, arresting)
        for rec in records:
            if not rec.valid_for(country):
                continue  # a MIND copy's stale entry: the NCB's check with the General Secretariat ends it here
            if rec.kind == "yellow":
                self.hits.missing_person(st, country, rec, in_transit)
            elif asks_to_locate(rec):
                self.hits.whereabouts(st, country, rec, in_transit)
            elif rec.kind in WARNING_KINDS:
                self.hits.warn(st, country, rec, in_transit)
            elif rec.kind == "un":
                self.hits.travel_ban(st, country, rec, came_from, in_transit)
