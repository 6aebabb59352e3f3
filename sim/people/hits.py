"""What a hit that does not ask for arrest leads to, and the other ends of a border check.

- Blue Notice, or a diffusion asking to locate: the person is not held; the finding NCB reports
  the whereabouts to the requester over I-24/7, and the requester knows where the person was once
  its desk has read the report (``whereabouts.reported``).
- Yellow Notice at an entry: the person is located; the finding NCB takes protective measures and
  informs the requester, which cancels the notice once it has the report (the person is found). A
  Yellow hit while the person changes planes in a country that checks connecting passengers is a
  sighting in transit: the requester is told, the person goes on, the notice stays.
- Green or Orange Notice: a warning to the NCB of the country whose border saw the person.
- INTERPOL-UN Security Council Special Notice: a travel ban. The country refuses entry (its NCB
  decides when played) and sends the person back, except its own nationals; the General
  Secretariat is told.
- A wanted person entering the country that asked for his arrest: its own border post arrests him
  on the national warrant; no INTERPOL channel is needed, and the NCB then cancels its requests.
- Advance passenger information: the destination screens a flight's passengers at departure.
- Disaster victim identification: a body's Black Notice is matched with a missing person's Yellow
  Notice, by a DVI operation at an incident or by the General Secretariat's routine comparison.

Purple Notices describe modus operandi, objects and devices; they never hit a person.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from ..decisions.port import Option
from ..durations import minutes
from ..notices.kinds import ARRESTING, record_name
from ..scenario.chance import settled_minutes
from ..scenario.motion import IN_SLTD
from ..scenario.parameters import distribution

if TYPE_CHECKING:
    from ..engine.exercise import Exercise
    from ..notices.registry import Record
    from ..scenario.cases import Incident
    from ..scenario.motion import TravelDocument
    from .subjects import SubjectState

NEVER_A_PERSON = ("purple",)  # kinds about modus operandi and objects: no person hit at a border
WARNING_KINDS = ("green", "orange")
DETAINED = "detained"  # SubjectState.status: held on the country's own warrant
BAN_PENDING = "at_the_border"  # SubjectState.status: stopped on a UN travel ban while the NCB decides
REFUSED_ENTRY = "refused_entry"  # sent back under a UN travel ban: the journey ends
BAN_WINDOW = 2 * 60.0  # how long a border post holds a traveller with papers in order for the NCB's decision


def ref(rec: Record) -> dict[str, str]:
    return rec.reference()


def asks_to_locate(rec: Record) -> bool:
    return rec.kind == "blue" or (rec.kind == "diffusion" and rec.purpose == "locate")


def arrest_requested(rec: Record) -> bool:
    return rec.kind in ARRESTING or (rec.kind == "diffusion" and rec.purpose in (None, "arrest"))


class Hits:
    def __init__(self, ex: Exercise, released: Callable[[SubjectState], None]) -> None:
        # What the hits use, taken once: the clock, the journal, I-24/7, the decision port, the
        # notices and the MIND copies; ``released`` lets a person go on (the subjects' movements).
        self.env, self.journal, self.send, self.port = ex.env, ex.journal, ex.send, ex.port
        self.registry, self.mind, self.border_system = ex.registry, ex.mind, ex.border_system
        self.members = ex.world.members
        self.played = frozenset(ex.played)  # the seats people (or their stand-ins) play
        self.cancel_record = ex.review.cancel_if_valid
        self.released = released

    def _name(self, st: SubjectState) -> str:
        return f"{st.spec.identity.name} ({st.id})"

    def _country(self, code: str) -> str:
        m = self.members.get(code)
        return m.name if m else code

    # --- the document shown at a border ------------------------------------------------------------
    def document(self, st: SubjectState, country: str) -> tuple[TravelDocument, str, dict[str, str]]:
        """The document the person shows entering ``country``, the name printed in it, and the
        journal fields naming it (only for a subject given a list of documents)."""
        doc = st.spec.document_for(country)
        name = st.spec.name_in(doc)
        return doc, name, ({"document_id": doc.id, "name": name} if st.spec.documents else {})

    def in_sltd(self, doc: TravelDocument, country: str, system: str) -> bool:
        """Whether a check in ``country`` finds the document in SLTD: stolen or lost, and reported
        by the time the country's data was taken (live with FIND, the last refresh of a MIND copy)."""
        if doc.status not in IN_SLTD or system == "none":
            return False
        if doc.reported is None:
            return True  # reported before the start, as the short form 'document: stolen' says
        copied = self.registry.copied_at(country, system, self.env.now, self.mind)
        return minutes(doc.reported) <= copied

    # --- the requesting country's own warrant -------------------------------------------------
    def national_warrant(self, subject: str, country: str) -> Record | None:
        """The country's own request for the person's arrest, which rests on a national warrant.
        A request it cancelled (withdrawn, or its purpose met) no longer stands for one."""
        for rec in self.registry.by_subject.get(subject, ()):
            if rec.requester == country and arrest_requested(rec) and rec.state != "cancelled":
                return rec
        return None

    def arrest_nationally(self, st: SubjectState, country: str, rec: Record) -> None:
        now = self.env.now
        st.status = DETAINED
        self.journal.emit(now, "arrest.national", country, subject=st.id, country=country, **ref(rec),
                          notice_kind=rec.kind, requester=rec.requester)

        def purpose_met(_m: object) -> None:
            # The person is in the requester's own hands: its requests to the world have served.
            for other in self.registry.by_subject.get(st.id, ()):
                if other.requester == country and arrest_requested(other):
                    self.cancel_record(other, "arrested", country)

        self.send(f"border:{country}", country, kind="national_arrest", priority="urgent", channel="national",
                  about=st.id, extra={"text": f"{self._name(st)} arrested at the border on our national warrant"},
                  then=purpose_met)

    # --- whereabouts: Blue, locate diffusions, Yellow -------------------------------------------
    def whereabouts(self, st: SubjectState, country: str, rec: Record, in_transit: bool,
                    then: Callable[[], object] | None = None, **located: Any) -> None:
        """The border post tells its NCB, which reports the whereabouts to the requester; ``then``
        runs once the requester has read the report."""
        now = self.env.now
        self.journal.emit(now, "subject.located", country, subject=st.id, country=country, **ref(rec),
                          notice_kind=rec.kind, transit=in_transit, **located)
        urgent = rec.kind == "yellow"
        seen = "seen in transit" if in_transit else "at the border"
        text = (f"{self._name(st)}, the subject of your {record_name(rec.kind, rec.id)}, was {seen} in {self._country(country)} "
                + ("and is under protective measures" if located.get("measures") else "and was not held"))

        def learnt(_m: object) -> None:
            self.journal.emit(self.env.now, "whereabouts.reported", rec.requester, subject=st.id, country=country,
                              requester=rec.requester, **ref(rec), notice_kind=rec.kind, transit=in_transit)
            if then is not None:
                then()

        def report(_m: object) -> None:
            if rec.requester == country:
                learnt(_m)
                return
            self.send(country, rec.requester, kind="whereabouts", priority="urgent" if urgent else "high",
                      about=st.id, extra={"text": text}, then=learnt)

        self.send(f"border:{country}", country, kind="locate_hit", priority="urgent" if urgent else "high",
                  channel="national", about=st.id, extra={"text": text}, then=report)

    def missing_person(self, st: SubjectState, country: str, rec: Record, in_transit: bool) -> None:
        """A Yellow Notice hit: located at an entry (protected; the notice is cancelled once the
        requester has the report), or sighted in transit (the notice stays)."""
        if in_transit:
            self.whereabouts(st, country, rec, True)
            return
        if st.status == "free":
            st.status = "located"
        self.whereabouts(st, country, rec, False,
                         then=lambda: self.cancel_record(rec, "located", rec.requester),
                         measures="protective")

    # --- Green and Orange ---------------------------------------------------------------------
    def warn(self, st: SubjectState, country: str, rec: Record, in_transit: bool) -> None:
        now = self.env.now
        self.journal.emit(now, "warning.issued", country, subject=st.id, country=country, **ref(rec),
                          notice_kind=rec.kind, requester=rec.requester, transit=in_transit)
        what = "a threat to public safety" if rec.kind == "orange" else "a criminal likely to reoffend"
        self.send(f"border:{country}", country, kind="warning", priority="urgent" if rec.kind == "orange" else "high",
                  channel="national", about=st.id,
                  extra={"text": f"{self._name(st)} crossed our border: {record_name(rec.kind, rec.id)} of "
                                 f"{self._country(rec.requester)} warns of {what}"})

    # --- INTERPOL-UN Security Council Special Notice -------------------------------------------
    def travel_ban(self, st: SubjectState, country: str, rec: Record, came_from: str | None,
                   in_transit: bool) -> None:
        """A UN Special Notice hit: the person is under a Security Council travel ban, which binds
        every member state except towards its own nationals. The border post holds the traveller
        while the NCB decides (a played NCB's officer; otherwise the ban is applied): refuse entry
        and send the person back where they came from, or let them in. Either way the General
        Secretariat, which keeps the notice for the Security Council, is told."""
        nationalities = {st.spec.identity.nationality, *st.spec.identity.other_nationalities}
        if country in nationalities or st.status != "free":
            return  # a state admits its own nationals; a person already held is not travelling on
        st.status = BAN_PENDING
        seat = f"ncb:{country}"
        if seat not in self.played:
            self._refuse_entry(st, country, rec, came_from, in_transit)
            return
        self.port.raise_(seat, "apply_travel_ban",
                         f"{self._name(st)} is at your border and is the subject of UN Special Notice {rec.id} "
                         "(Security Council travel ban). Refuse entry?",
                         [Option("refuse_entry", "Refuse entry and send the person back", recommended=True),
                          Option("admit", "Let the person in")],
                         "admit", BAN_WINDOW,
                         lambda key: (self._refuse_entry(st, country, rec, came_from, in_transit) if key == "refuse_entry"
                                      else self._admit(st, country, rec, in_transit)),
                         subject=st.id, notice=rec.id, country=country)

    def _refuse_entry(self, st: SubjectState, country: str, rec: Record, came_from: str | None,
                      in_transit: bool) -> None:
        st.status = REFUSED_ENTRY
        if came_from is not None:
            st.location = came_from  # removed on the next service back; the journey ends there
        self.journal.emit(self.env.now, "entry.refused", country, subject=st.id, country=country, **ref(rec),
                          notice_kind=rec.kind, requester=rec.requester, transit=in_transit,
                          **({"returned_to": came_from} if came_from else {}))
        self._tell_gs(st, country, rec, f"{self._name(st)}, subject of UN Special Notice {rec.id}, was refused entry "
                                        f"at our border" + (f" and returned to {self._country(came_from)}" if came_from else ""))

    def _admit(self, st: SubjectState, country: str, rec: Record, in_transit: bool) -> None:
        self.journal.emit(self.env.now, "entry.admitted", country, subject=st.id, country=country, **ref(rec),
                          notice_kind=rec.kind, requester=rec.requester, transit=in_transit)
        self._tell_gs(st, country, rec, f"{self._name(st)}, subject of UN Special Notice {rec.id}, was admitted")
        self.released(st)

    def _tell_gs(self, st: SubjectState, country: str, rec: Record, text: str) -> None:
        def report(_m: object) -> None:
            self.send(country, "GS", kind="sanctions_hit", priority="high", about=st.id, extra={"text": text})

        self.send(f"border:{country}", country, kind="sanctions_hit", priority="urgent", channel="national",
                  about=st.id, extra={"text": text}, then=report)

    # --- API/PNR --------------------------------------------------------------------------------
    def prescreen(self, st: SubjectState, country: str, origin: str, hours: float) -> None:
        """The destination screens a passenger of a flight at departure (API/PNR): the same
        databases its border posts see, and its own wanted list; a hit goes to its NCB now."""
        now = self.env.now
        found: list[str] = []
        doc, name, _which = self.document(st, country)
        real = st.spec.identity.name
        warrant = self.national_warrant(st.id, country)
        if warrant is not None and warrant.lists_name(name, real):
            found.append(warrant.id)
        system = self.border_system(country)
        if system != "none":
            if self.in_sltd(doc, country, system):
                found.append("SLTD")
            copied = self.registry.copied_at(country, system, now, self.mind)
            for rec in self.registry.visible_at(st.id, country, system, now, self.mind):
                if rec.kind not in NEVER_A_PERSON and rec.id not in found and rec.lists_name(name, real, copied):
                    found.append(rec.id)
        self.journal.emit(now, "border.prescreened", country, subject=st.id, country=country, system="api",
                          **{"from": origin}, hours=hours, hits=found)
        if found:
            self.send(f"border:{country}", country, kind="api_hit", priority="urgent", channel="national",
                      about=st.id, extra={"text": f"Passenger {self._name(st)} flying in from "
                                                  f"{self._country(origin)} (about {hours:g} h): hits on "
                                                  f"{', '.join(found)}"})


class Dvi:
    """Disaster victim identification: a body (``identified_as``) matched with a missing person
    once a Black Notice on the body and a Yellow Notice on the person are both published."""

    def __init__(self, ex: Exercise, subjects: dict[str, SubjectState]) -> None:
        # What the matching uses, taken once: the clock, the journal, I-24/7, the notices, and the
        # subjects' states (whose status a match settles).
        self.env, self.journal, self.send, self.after = ex.env, ex.journal, ex.send, ex.after
        self.registry, self.cancel_record, self.subjects = ex.registry, ex.review.cancel_if_valid, subjects
        self.person = {s.id: s.identified_as for s in ex.scenario.subjects if s.identified_as}
        self.where = {s.id: s.location for s in ex.scenario.subjects}
        self.operations: dict[str, str] = {}  # country -> the incident whose DVI operation runs there
        self.matched: set[str] = set()
        self.scheduled: set[tuple[str, str]] = set()
        if not self.person:
            return
        rng, p = ex.streams.stream("dvi"), ex.scenario.parameters
        self.team = distribution(p, "dvi.matching_time").sampler(rng)
        self.routine = distribution(p, "dvi.routine_matching_time").sampler(rng)
        # A DVI operation needs its team on the ground: the IRT's when the country calls one in,
        # its own from the incident otherwise.
        self.with_irt = {inc.id: inc for inc in ex.scenario.incidents if inc.dvi and inc.irt}
        for inc in ex.scenario.incidents:
            if inc.dvi and not inc.irt:
                ex.after(settled_minutes(inc.at), partial(self._operation, inc))
        ex.journal.listen(self._published, kinds=("notice.published",))
        if self.with_irt:
            ex.journal.listen(self._irt_on_ground, kinds=("irt.deployed",))

    def _irt_on_ground(self, e: dict) -> None:
        inc = self.with_irt.get(e.get("incident", ""))
        if e["kind"] == "irt.deployed" and inc is not None:
            self._operation(inc)

    def _live(self, subject: str, kind: str) -> Record | None:
        return next((r for r in self.registry.by_subject.get(subject, ()) if r.kind == kind and r.visible), None)

    def _published(self, e: dict) -> None:
        if e["kind"] != "notice.published" or e.get("notice_kind") not in ("black", "yellow"):
            return
        for body, person in self.person.items():
            if e.get("subject") in (body, person):
                self._consider(body)

    def _operation(self, inc: Incident) -> None:
        self.operations.setdefault(inc.country, inc.id)
        for body in self.person:
            if self.where[body] == inc.country:
                self._consider(body)

    def _consider(self, body: str) -> None:
        if body in self.matched or self._live(body, "black") is None or self._live(self.person[body], "yellow") is None:
            return
        incident = self.operations.get(self.where[body])
        if incident is not None and (body, incident) not in self.scheduled:
            self.scheduled.add((body, incident))
            self.after(self.team(), partial(self._match, body, incident))
        if (body, "GS") not in self.scheduled:
            self.scheduled.add((body, "GS"))
            self.after(self.routine(), partial(self._match, body, None))

    def _match(self, body: str, incident: str | None) -> None:
        person = self.person[body]
        black, yellow = self._live(body, "black"), self._live(person, "yellow")
        if body in self.matched:
            return
        if black is None or yellow is None:
            # A notice was withdrawn meanwhile: a new one, once published, starts the comparison again.
            self.scheduled.discard((body, incident or "GS"))
            return
        self.matched.add(body)
        actor = self.where[body] if incident is not None else "GS"
        self.journal.emit(self.env.now, "dvi.matched", actor, subject=body, identified_as=person, country=self.where[body],
                          black=black.id, yellow=yellow.id, black_requester=black.requester,
                          yellow_requester=yellow.requester, **({"incident": incident} if incident else {}))
        self.subjects[body].status = "identified"
        self.subjects[person].status = "deceased"
        name = f"{self.subjects[person].spec.identity.name} ({person})"
        for rec in (black, yellow):
            def found(_m: object, rec: Record = rec) -> None:
                self.cancel_record(rec, "identified", rec.requester)

            if rec.requester == actor:
                found(None)
                continue
            self.send(actor, rec.requester, kind="dvi_match", priority="high", about=rec.subject,
                      extra={"text": f"Disaster victim identification: the body of Black Notice {black.id} is "
                                     f"{name}, the subject of Yellow Notice {yellow.id}"}, then=found)
