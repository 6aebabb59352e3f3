"""From a hit to surrender, refusal or release: one arrest case per person held.

The border post holds the person and tells its NCB, which checks the hit live with the General
Secretariat (a MIND copy can hold a notice removed since) and reports it to the requesting NCB
over I-24/7; the requester confirms before the hold runs out. The requested state then decides
whether it can surrender the person at all (nationals, a legal basis) and arrests provisionally;
the requester has until the time limit of the case's legal basis to send its formal request; the
courts weigh the grounds to refuse (extradition.py) and the state surrenders or refuses.

Until the surrender the case rests on its notice or diffusion: when that is cancelled, withdrawn,
blocked, deleted or purged, the General Secretariat tells the arresting NCB, which releases the
person as soon as it has read it — or keeps him on a warrant of its own. A requester that gives
up says so, and the person goes free once the arresting NCB has read it. A state that refuses to
surrender its national can be asked to prosecute him itself (aut dedere aut judicare).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from itertools import count
from typing import TYPE_CHECKING, Any

from ..decisions.port import Option
from ..durations import format_minutes
from ..scenario.parameters import distribution
from ..text import sentence_start
from ..world.legal import legal_basis, refused_nationality, request_deadline_days
from .extradition import NATIONALITY, NO_BASIS, PAPER_NAMES, Ground, refusal_grounds, required_papers
from .kinds import record_name
from .machines import ARREST, PROCEEDINGS
from .registry import Record

if TYPE_CHECKING:
    from ..engine.exercise import Exercise
    from ..people.subjects import SubjectState


MATERIAL = ("photographs", "fingerprints")  # what a requester may ask for before confirming a hit
ACTIVE = ("held", "arrested", "extradition_requested")  # the person is held for extradition
MODES = ("prosecute", "enforce")  # what a requester may ask of a state that keeps its national

# Release reasons (journal `reason` of subject.released).
NO_CONFIRMATION = "no_confirmation_in_time"
NO_LONGER_VALID = "request_no_longer_valid"
NATIONAL = "national_not_extradited"
NO_REQUEST = "no_extradition_request_in_time"
DECLINED = "requester_declined"
ABANDONED = "requester_abandoned"
BASIS_LOST = "legal_basis_lost"
RELEASE_WINDOW = 4 * 60.0  # a played holding NCB decides within hours; then the duty judge orders the release
RELEASE_REMINDER = 12 * 60.0  # a person kept without a basis: the question comes back this often
REFUSED = "extradition_refused"
RELEASE_REASONS = (NO_CONFIRMATION, NO_LONGER_VALID, NATIONAL, NO_BASIS, NO_REQUEST, DECLINED, ABANDONED, BASIS_LOST,
                   REFUSED)


def _lapsed(rec: Record) -> str:
    """Why a record is no basis any more, as the holding NCB is told: "Red Notice N1 is no longer
    valid (deleted)"."""
    return f"{record_name(rec.kind, rec.id)} is no longer valid ({rec.state})"


@dataclass(slots=True)
class ArrestCase:
    id: str
    subject: SubjectState
    country: str  # the requested state, where the person is held
    requester: str
    record: Record | None  # the notice or diffusion it rests on; None: a direct request on a warrant
    state: str = ARREST.initial
    hit_at: float = 0.0
    hold_until: float = 0.0
    arrested_at: float = 0.0
    basis: str | None = None  # the legal basis for extradition (a framework, treaty, reciprocity)
    deadline_at: float | None = None  # when the formal request must have arrived
    papers: tuple[str, ...] | None = None  # what the formal request holds, once sent
    received: bool = False  # the arresting NCB has the formal request
    abandoned: bool = False  # the requester has said it gives up
    told: bool = False  # the General Secretariat has told the arresting NCB its basis fell
    release_reason: str | None = None
    refusal: Ground | None = None
    asked: tuple[str, ...] = ()  # identification material the requester asked for before confirming
    proceedings: str | None = None  # the transfer of proceedings' state, once asked
    decision: str | None = None  # the requester's open decision on this case, if any
    ready_at: float | None = None  # when the formal request being prepared will be ready, once started

    @property
    def preparing(self) -> bool:
        """The requester's formal request is being prepared and has not left yet."""
        return self.ready_at is not None and self.papers is None and self.state == "arrested" and not self.abandoned

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    def reference(self) -> dict[str, str]:
        return {} if self.record is None else self.record.reference()


class Arrests:
    def __init__(self, ex: Exercise) -> None:
        # What the cases use, taken once: the clock, the journal, I-24/7, the decision port, the
        # law and the people; the subjects' movements are built after, so they are looked up late.
        self.env, self.journal, self.send, self.port = ex.env, ex.journal, ex.send, ex.port
        self.after = ex.after
        self.legal, self.nationals, self.treaties = ex.legal, ex.nationals_override, ex.treaty_override
        self.refugee_from = ex.refugee_from
        self.languages = {code: m.languages for code, m in ex.world.members.items()}
        self.cancel_record = lambda rec, reason, actor: ex.review.cancel_if_valid(rec, reason, actor)
        self.movements = lambda: ex.movements
        self.played = frozenset(ex.played)  # the seats people (or their stand-ins) play
        self.political = {r.id for r in ex.scenario.requests if r.character in ("political", "military")}
        p, rng = ex.scenario.parameters, ex.streams.stream("extradition")
        self.hold = distribution(p, "border.hold_time").sampler(rng)
        # A scenario that sets the deadline sets it for every case; otherwise each legal basis has its own.
        self.deadline = distribution(p, "extradition.deadline").sampler(rng) if "extradition.deadline" in p else None
        self.preparation = distribution(p, "extradition.preparation_time").sampler(rng)
        self.proceedings_time = distribution(p, "extradition.proceedings").sampler(rng)
        self.prosecution_time = distribution(p, "prosecution.decision_time").sampler(
            ex.streams.stream("prosecution"))
        self.cases: dict[str, ArrestCase] = {}
        self._resting_on: dict[str, list[ArrestCase]] = {}  # record id -> the cases that rest on it
        self._ids = count(1)
        self._watching = False

    # --- the machine --------------------------------------------------------------------------
    def _move(self, case: ArrestCase, action: str, actor: str, **fields: Any) -> None:
        case.state, event = ARREST.next(case.state, action)
        self.journal.emit(self.env.now, event, actor, case=case.id, subject=case.subject.id, country=case.country,
                          requester=case.requester, **case.reference(), **self._kind(case), state=case.state,
                          **fields)

    @staticmethod
    def _kind(case: ArrestCase) -> dict[str, str]:
        return {"notice_kind": case.record.kind} if case.record is not None else {}

    def _new(self, st: SubjectState, country: str, requester: str, rec: Record | None) -> ArrestCase:
        case = ArrestCase(f"A{next(self._ids)}", st, country, requester, rec, hit_at=self.env.now)
        self.cases[case.id] = case
        st.status = "held"
        if rec is not None:
            self._resting_on.setdefault(rec.id, []).append(case)
            if not self._watching:
                self._watching = True
                self.journal.listeners.append(self._basis_watch)
        return case

    # --- a hit at a border ----------------------------------------------------------------------
    def open(self, st: SubjectState, country: str, rec: Record) -> None:
        case = self._new(st, country, rec.requester, rec)
        hold = self.hold()
        case.hold_until = self.env.now + hold

        def hold_ran_out() -> None:
            if case.state == "held":
                self._release(case, country, NO_CONFIRMATION,
                              f"no confirmation from {rec.requester} within {format_minutes(hold)}")

        self.after(hold, hold_ran_out)
        # Border post -> its NCB (nationally), which checks the hit and reports it to the requester.
        self.send(f"border:{country}", country, kind="hit_report", priority="urgent", channel="national",
                  then=lambda _m: self._hit_checked(case))

    def _hit_checked(self, case: ArrestCase) -> None:
        """The holding NCB checks the hit live with the General Secretariat before acting: what a
        MIND copy still showed may have been removed since."""
        if case.state != "held":
            return
        rec = case.record
        assert rec is not None  # a border hit is always on a record
        valid = self._valid(case)
        self.journal.emit(self.env.now, "hit.checked", case.country, case=case.id, subject=case.subject.id,
                          country=case.country, requester=case.requester, **case.reference(), valid=valid,
                          state=rec.state)
        if not valid:
            self._release(case, case.country, NO_LONGER_VALID,
                          f"the General Secretariat says {_lapsed(rec)}")
            return
        self.send(case.country, case.requester, kind="hit_report", priority="urgent", about=case.subject.id,
                  then=lambda _m2: self._requester_confirms(case))

    def _requester_confirms(self, case: ArrestCase) -> None:
        """The requesting NCB has read the hit report: its officer must confirm, in time — or ask
        the holding NCB for photographs or fingerprints first, which costs time on the hold."""
        if case.state != "held":
            return
        rec, left = case.record, case.hold_until - self.env.now
        assert rec is not None
        if left <= 0:
            return
        received = f" You have the {' and '.join(case.asked)} you asked for." if case.asked else ""
        asks = [Option(f"ask:{m}", f"Ask {case.country} for the {m} first ({format_minutes(left)} of hold left)")
                for m in MATERIAL if m not in case.asked]
        d = self.port.raise_(
            f"ncb:{rec.requester}", "confirm_hit",
            f"{case.country} holds {case.subject.spec.identity.name} at the border on your {record_name(rec.kind, rec.id)}."
            f"{received} Confirm that the person is wanted and that you will request extradition?",
            [Option("confirm", "Confirm: the person is wanted, extradition will be requested", recommended=rec.visible),
             *asks, Option("decline", "Decline: let the person go", recommended=not rec.visible)],
            "decline", left, lambda key: self._confirmation(case, key),
            case=case.id, subject=case.subject.id, country=case.country, **case.reference())
        case.decision = d.id

    def _confirmation(self, case: ArrestCase, key: str) -> None:
        case.decision = None
        if case.state != "held" or case.abandoned:
            return  # the hold ran out first, or the requester gave up
        if key == "decline":
            # The holding NCB lets him go once it has read the requester's answer.
            self.send(case.requester, case.country, kind="hit_declined", case=case.id, priority="urgent",
                      about=case.subject.id, extra={"text": f"{case.subject.spec.identity.name} is not the person "
                                                            f"wanted, or will not be pursued: release him"},
                      then=lambda _m: self._release(case, case.country, DECLINED,
                                                    f"{case.requester} declined to confirm", told=True)
                      if case.state == "held" else None)
            return
        if key.startswith("ask:"):
            self._ask_more(case, key[4:])
            return
        self.send(case.requester, case.country, kind="hit_confirmation", priority="urgent", about=case.subject.id,
                  then=lambda _m: self._arrest(case))

    def _ask_more(self, case: ArrestCase, material: str) -> None:
        """The requester asks the holding NCB for identification material; it sends it once its
        desk has read the question, and the requester decides again when it arrives."""
        case.asked = (*case.asked, material)

        def answer(_m: object) -> None:
            self.send(case.country, case.requester, kind="hit_material", priority="urgent", about=case.subject.id,
                      extra={"text": f"{material.capitalize()} of the person held at the border"},
                      then=lambda _m2: self._requester_confirms(case))

        self.send(case.requester, case.country, kind="hit_question", priority="urgent", about=case.subject.id,
                  extra={"text": f"Please send the {material} of the person you hold"}, then=answer)

    # --- a request for provisional arrest, without a hit ----------------------------------------
    def request_arrest(self, requester: str, country: str, st: SubjectState, rec: Record | None, text: str) -> None:
        """The requesting NCB asks ``country`` to arrest the person provisionally (after a report of
        his whereabouts, say), on its notice or diffusion or, with none, on its warrant through
        the channels of the treaty. The requested NCB acts once it has read the request."""
        fields: dict[str, Any] = {"subject": st.id, "to": country, "requester": requester}
        if rec is not None:
            fields["notice" if rec.kind != "diffusion" else "diffusion"] = rec.id
        self.journal.emit(self.env.now, "arrest.requested", requester, **fields)
        self.send(requester, country, kind="arrest_request", priority="urgent", about=st.id,
                  extra={"text": text} if text else None,
                  then=lambda _m: self._arrest_requested(requester, country, st, rec))

    def _arrest_requested(self, requester: str, country: str, st: SubjectState, rec: Record | None) -> None:
        reason = None
        if st.location != country:
            reason = "not_in_country"
        elif st.status != "free":
            reason = f"already_{st.status}"
        elif rec is not None and not rec.valid_for(country):
            reason = "request_no_longer_valid"
        if reason is not None:
            self.journal.emit(self.env.now, "arrest.not_found", country, subject=st.id, country=country,
                              requester=requester, reason=reason)
            self.send(country, requester, kind="arrest_not_found", priority="urgent", about=st.id,
                      extra={"text": f"{st.spec.identity.name} could not be arrested here "
                                     f"({reason.replace('_', ' ')})"})
            return
        case = self._new(st, country, requester, rec)
        self._arrest(case)

    # --- provisional arrest ------------------------------------------------------------------------
    def _valid(self, case: ArrestCase) -> bool:
        """Whether the case's notice or diffusion is a basis now (a direct request always is, until
        the requester gives up)."""
        rec = case.record
        return rec is None or rec.valid_for(case.country)

    def under_way(self, st: SubjectState, country: str, rec: Record, since: float,
                  requested: float | None, papers: tuple[str, ...] | None) -> ArrestCase:
        """A provisional arrest made ``since`` minutes before the start (and the formal request
        received ``requested`` minutes before it, if so): the case goes through the same moves,
        and its time limit counts from the arrest. The arresting state's decisions (nationals, a
        legal basis) are the same as for an arrest made now."""
        case = self._new(st, country, rec.requester, rec)
        case.hit_at = self.env.now - since
        self._arrest(case, arrested_at=self.env.now - since, ask=requested is None)
        if case.state == "arrested" and requested is not None:
            case.papers = papers if papers is not None else self.needed(case)
            case.received = True
            self._move(case, "request_extradition", case.requester, papers=list(case.papers),
                       since=self.journal.clock.iso(self.env.now - requested))
            self.after(max(0.0, self.proceedings_time() - requested), lambda: self._decide(case))
        return case

    def _arrest(self, case: ArrestCase, arrested_at: float | None = None, ask: bool = True) -> None:
        """The holding NCB has the requester's confirmation: the state decides whether it will
        surrender the person at all before arresting him for that. ``arrested_at``: an arrest
        made before the start (its time limit counts from then); ``ask``: prompt the requester
        for the formal request (not when it was already received)."""
        if case.state != "held" or case.abandoned:
            return  # an abandoned case waits for the arresting NCB to read it, and he goes
        country, requester = case.country, case.requester
        if not self._valid(case):
            rec = case.record
            assert rec is not None
            self._basis_lost(case, NO_LONGER_VALID, _lapsed(rec))
            return
        spec = case.subject.spec
        national = refused_nationality(requester, country, spec.nationalities, self.legal, self.nationals)
        if national is not None:
            self._refuse(case, [g for g in self._grounds(case, final=False) if g.reason == NATIONALITY])
            return
        basis = legal_basis(requester, country, self.legal, self.treaties)
        if basis is None:
            self._refuse(case, [Ground(NO_BASIS, f"no legal basis for extradition from {country} to {requester}",
                                       "data: frameworks and reciprocity (sim/data/extradition.csv); scenario: "
                                       "world.extradition")])
            return
        case.basis = basis
        deadline = self.deadline() if self.deadline is not None else request_deadline_days(basis) * 1440.0
        at = self.env.now if arrested_at is None else arrested_at
        case.arrested_at, case.deadline_at = at, at + deadline
        since = {} if arrested_at is None else {"since": self.journal.clock.iso(at)}
        self._move(case, "confirm", country, basis=basis, deadline=self.journal.clock.iso(case.deadline_at), **since)
        case.subject.status = "arrested"
        # Exactly ``deadline`` for an arrest made now (no rounding through the sum).
        left = deadline if arrested_at is None else max(0.0, case.deadline_at - self.env.now)
        self.env.timeout(left).callbacks.append(lambda _e: self._deadline(case, deadline))
        if not ask:
            return
        d = self.port.raise_(
            f"ncb:{requester}", "request_extradition",
            f"{spec.identity.name} is provisionally arrested in {country} (basis: {basis}). Send the formal "
            f"extradition request: it must arrive within {format_minutes(left)}.",
            [Option("send", "Prepare and send the formal request", recommended=True),
             Option("abandon", f"Abandon: {country} releases the person once it has read it")],
            "abandon", left, lambda key: self._extradition_decided(case, key),
            case=case.id, subject=case.subject.id, country=country)
        case.decision = d.id

    def _deadline(self, case: ArrestCase, deadline: float) -> None:
        if case.state != "arrested" or case.received:
            return
        self._release(case, case.country, NO_REQUEST, f"no formal extradition request within {format_minutes(deadline)}")

    def _extradition_decided(self, case: ArrestCase, key: str) -> None:
        case.decision = None
        if key == "abandon":
            self.abandon(case)
        elif case.state == "arrested" and case.papers is None:
            # The ministry prepares the full file; it leaves when it is ready, in time or not.
            # Journalled at both ends, so the requester's board can say it is under way and when due.
            took = self.preparation()
            case.ready_at = self.env.now + took
            # The ministry's work on the person's choice is the automation's, as Exercise.after has it:
            # "What people did" lists the choice (decision.made), not this.
            mine = {"by": "policy"} if self.journal.by == "person" else {}
            self._preparation_event(case, "extradition.preparing", ready=self.journal.clock.iso(case.ready_at), **mine)
            self.after(took, lambda: self._prepared(case))

    def _preparation_event(self, case: ArrestCase, kind: str, **fields: Any) -> None:
        assert case.deadline_at is not None  # prepared only for a person arrested, whose time limit runs
        self.journal.emit(self.env.now, kind, case.requester, case=case.id, subject=case.subject.id,
                          country=case.country, requester=case.requester, **case.reference(), **self._kind(case),
                          deadline=self.journal.clock.iso(case.deadline_at), **fields)

    def _prepared(self, case: ArrestCase) -> None:
        """The file is ready: it leaves at once, unless the case ended (released at the time limit,
        kept, abandoned) or the seat sent a request of its own meanwhile."""
        if not case.preparing:
            return
        self._preparation_event(case, "extradition.prepared")
        self.send_papers(case, self.needed(case))

    # --- the formal request -----------------------------------------------------------------------
    def needed(self, case: ArrestCase) -> tuple[str, ...]:
        return required_papers(self.languages.get(case.requester, ()), self.languages.get(case.country, ()))

    def send_papers(self, case: ArrestCase, papers: tuple[str, ...]) -> None:
        """The requester sends its formal request (an advance copy over I-24/7); it counts once
        the arresting NCB has read it."""
        if case.state != "arrested" or case.papers is not None or case.abandoned:
            return
        case.papers = papers
        if case.decision is not None:
            self.port.settle(case.decision, by=self.journal.by, key="send")
            case.decision = None
        text = "Formal extradition request: " + ", ".join(PAPER_NAMES[p] for p in papers) if papers else \
            "Formal extradition request (no documents attached)"
        self.send(case.requester, case.country, kind="extradition_request", case=case.id, priority="high",
                  about=case.subject.id, extra={"text": text},
                  then=lambda _m: self._request_received(case))

    def _request_received(self, case: ArrestCase) -> None:
        if case.state != "arrested":
            return  # released or kept meanwhile: the request comes too late
        case.received = True
        assert case.papers is not None
        self._move(case, "request_extradition", case.requester, papers=list(case.papers))
        self.after(self.proceedings_time(), lambda: self._decide(case))

    def _grounds(self, case: ArrestCase, final: bool = True) -> list[Ground]:
        rec = case.record
        return refusal_grounds(
            case.requester, case.country, case.subject.spec,
            refugee_from=self.refugee_from.get(case.subject.id, ()),
            political=rec is not None and rec.id in self.political,
            papers=case.papers or (), needed=self.needed(case) if final else (),
            facts=self.legal, nationals=self.nationals)

    def _decide(self, case: ArrestCase) -> None:
        """The requested state's courts and ministry decide: no surrender without a basis valid at
        this instant, nor against a ground to refuse."""
        if case.state != "extradition_requested":
            return
        if case.abandoned:  # the requester gave up: no surrender, whether or not its message was read
            self._let_go(case, case.country, ABANDONED, f"{case.requester} abandoned the extradition")
            return
        if not self._valid(case):
            rec = case.record
            assert rec is not None
            self._basis_lost(case, BASIS_LOST, _lapsed(rec))
            return
        grounds = self._grounds(case)
        if grounds:
            self._refuse(case, grounds)
            return
        self._move(case, "extradite", case.country, to=case.requester, basis=case.basis)
        case.subject.status = "extradited"
        case.subject.location = case.requester
        if case.record is not None:
            self.cancel_record(case.record, "extradited", case.requester)

    def _refuse(self, case: ArrestCase, grounds: list[Ground]) -> None:
        first = grounds[0]
        case.refusal = first
        self._move(case, "refuse", case.country, ground=first.reason, detail=first.detail, source=first.source,
                   grounds=[g.reason for g in grounds])
        # The requester learns of it, and of what follows for a national, once its desk has read it.
        then = (lambda _m: self._offer_transfer(case)) if first.reason == NATIONALITY else None
        self.send(case.country, case.requester, kind="extradition_refused", case=case.id, priority="high",
                  about=case.subject.id,
                  extra={"text": f"Extradition of {case.subject.spec.identity.name} refused: {first.detail}"},
                  then=then)
        reason = {NATIONALITY: NATIONAL, NO_BASIS: NO_BASIS}.get(first.reason, REFUSED)
        self._let_go(case, case.country, reason, first.detail, told=True)

    # --- the legal basis falls ------------------------------------------------------------------------
    def _basis_watch(self, e: dict[str, Any]) -> None:
        """A notice or diffusion that stops being valid: the General Secretariat tells each NCB
        holding a person on it, at once."""
        if not e["kind"].startswith(("notice.", "diffusion.")):
            return
        for case in self._resting_on.get(e.get("notice") or e.get("diffusion") or "", ()):
            rec = case.record
            if rec is None or not case.active or case.told or self._valid(case):
                continue
            case.told = True
            self.send("GS", case.country, kind="basis_withdrawn", case=case.id, priority="urgent", about=case.subject.id,
                      extra={"text": f"{sentence_start(record_name(rec.kind, rec.id))} is no longer valid ({rec.state}"
                                     f"{': ' + rec.reason.replace('_', ' ') if rec.reason else ''}): "
                                     f"it is no basis for holding {case.subject.spec.identity.name}"},
                      then=partial(self._told_basis_lost, case))

    def _told_basis_lost(self, case: ArrestCase, _m: object) -> None:
        case.told = False  # read: a later lapse (after a restored notice) is told again
        if case.active and not self._valid(case):
            rec = case.record
            assert rec is not None
            self._basis_lost(case, BASIS_LOST, _lapsed(rec))

    def _basis_lost(self, case: ArrestCase, reason: str, detail: str) -> None:
        # A prompt still open on the case stays open: answering it now changes nothing.
        if f"ncb:{case.country}" in self.played and case.country not in case.subject.spec.law.own_warrant_in:
            self._ask_release(case, reason, detail)
            return
        self._let_go(case, case.country, reason, detail)

    def _ask_release(self, case: ArrestCase, reason: str, detail: str) -> None:
        """A person plays the NCB holding him, with no ground of its own: release him now (right), or
        keep him while it checks — detention without a basis, asked again every twelve hours.
        Package B."""
        name = case.subject.spec.identity.name

        def act(key: str) -> None:
            if not case.active:
                return
            if key == "release":
                self._let_go(case, case.country, reason, detail)
                return
            self.journal.emit(self.env.now, "detention.without_basis", case.country, case=case.id,
                              subject=case.subject.id, country=case.country, requester=case.requester,
                              **case.reference(), detail=detail)
            self.env.timeout(RELEASE_REMINDER).callbacks.append(
                lambda _e: self._ask_release(case, reason, detail) if case.active else None)

        options = [Option("release", f"Release {name} now: nothing else allows the detention", recommended=True),
                   Option("keep", f"Keep holding {name} while you check")]
        self.port.raise_(f"ncb:{case.country}", "release_on_lost_basis",
                         f"The basis for holding {name} has fallen: {detail}. You have no warrant of your own.",
                         options, "release", RELEASE_WINDOW, act, case=case.id, subject=case.subject.id,
                         country=case.country)

    # --- the requester gives up -------------------------------------------------------------------------
    def abandon(self, case: ArrestCase) -> None:
        """The requester tells the arresting NCB it will not pursue the extradition; the person is
        released as soon as that NCB has read it."""
        if not case.active or case.abandoned:
            return
        case.abandoned = True
        if case.decision is not None:
            kind = self.port.decisions[case.decision].kind  # still asked to confirm the hit, or to send the request
            self.port.settle(case.decision, by=self.journal.by, key="abandon" if kind == "request_extradition" else "decline")
            case.decision = None
        self.send(case.requester, case.country, kind="extradition_abandoned", case=case.id, priority="urgent",
                  about=case.subject.id, extra={"text": f"{case.requester} will not request the extradition of "
                                                        f"{case.subject.spec.identity.name}: release him"},
                  then=lambda _m: self._let_go(case, case.country, ABANDONED,
                                               f"{case.requester} abandoned the extradition") if case.active else None)

    # --- release, or keep on a warrant of its own ----------------------------------------------------
    def _let_go(self, case: ArrestCase, actor: str, reason: str, detail: str, told: bool = False) -> None:
        if case.country in case.subject.spec.law.own_warrant_in:
            self._move(case, "keep", actor, ground="national_warrant", reason=reason, detail=detail)
            case.subject.status = "detained"
            if not told:
                self._tell_requester(case, f"{case.subject.spec.identity.name} is no longer held for you ({detail}); "
                                           f"{case.country} keeps him on its own warrant")
            return
        self._release(case, actor, reason, detail, told)

    def _release(self, case: ArrestCase, actor: str, reason: str, detail: str, told: bool = False) -> None:
        case.release_reason = reason
        self._move(case, "release", actor, reason=reason, detail=detail)
        self.movements().released(case.subject)
        if not told and actor != case.requester:
            self._tell_requester(case, f"{case.subject.spec.identity.name} has been released: {detail}")

    def _tell_requester(self, case: ArrestCase, text: str) -> None:
        """The arresting NCB tells the requester what became of the person held for it (a request
        it was preparing, say, now has no one to go to)."""
        self.send(case.country, case.requester, kind="release_notice", case=case.id, priority="high",
                  about=case.subject.id, extra={"text": text})

    # --- aut dedere aut judicare -----------------------------------------------------------------------
    def _offer_transfer(self, case: ArrestCase) -> None:
        if not self.may_transfer(case):
            return  # the requester already asked, on its own
        rec = case.record
        enforce = rec is not None and rec.purpose == "sentence"
        options = [Option("prosecute", f"Ask {case.country} to prosecute him itself", recommended=not enforce)]
        if enforce:
            options.append(Option("enforce", f"Ask {case.country} to enforce the sentence", recommended=True))
        options.append(Option("none", "Do nothing further"))
        d = self.port.raise_(
            f"ncb:{case.requester}", "transfer_proceedings",
            f"{case.country} will not surrender its national {case.subject.spec.identity.name}. "
            f"Ask it to prosecute him (or enforce the sentence) instead?",
            options, "none", 30 * 1440.0, lambda key: self.ask_prosecution(case, key) if key in MODES else None,
            case=case.id, subject=case.subject.id, country=case.country)
        case.decision = d.id

    def may_transfer(self, case: ArrestCase) -> bool:
        return case.refusal is not None and case.refusal.reason == NATIONALITY and case.proceedings is None

    def ask_prosecution(self, case: ArrestCase, mode: str) -> None:
        """The requester asks the state that keeps its national to try him (or enforce the
        sentence); that state's NCB passes the file on once it has read the request."""
        if not self.may_transfer(case):
            return
        case.proceedings = "asked"
        if case.decision is not None:
            self.port.settle(case.decision, by=self.journal.by, key=mode)
            case.decision = None
        what = "prosecute" if mode == "prosecute" else "enforce the sentence against"
        self.send(case.requester, case.country, kind="transfer_of_proceedings", case=case.id, priority="high",
                  about=case.subject.id, extra={"text": f"Please {what} {case.subject.spec.identity.name}"},
                  then=lambda _m: self._transferred(case, mode))

    def _transferred(self, case: ArrestCase, mode: str) -> None:
        case.proceedings = PROCEEDINGS.initial
        self.journal.emit(self.env.now, "case.transferred", case.country, case=case.id, subject=case.subject.id,
                          country=case.country, requester=case.requester, mode=mode, state=case.proceedings)
        self.after(self.prosecution_time(), lambda: self._prosecutors_decide(case, mode))

    def _prosecutors_decide(self, case: ArrestCase, mode: str) -> None:
        law, country, st = case.subject.spec.law, case.country, case.subject
        reason = None
        if mode == "enforce" and (case.record is None or case.record.purpose != "sentence"):
            reason = "no_foreign_sentence"
        elif country in law.time_barred_in:
            reason = "time_barred"
        elif country in law.not_an_offence_in:
            reason = "not_an_offence"
        action = "open" if reason is None else "refuse"
        assert case.proceedings is not None
        case.proceedings, event = PROCEEDINGS.next(case.proceedings, action)
        fields: dict[str, Any] = {"case": case.id, "subject": st.id, "country": country, "requester": case.requester,
                                  "mode": mode, "state": case.proceedings}
        if reason is not None:
            fields["reason"] = reason
        else:
            # He is tried where he is a national; if he is there and free, he is taken into custody.
            # in_custody: taken (or kept) into custody for the trial, being in that country now.
            fields["in_custody"] = st.location == country and st.status in ("free", "detained")
            if fields["in_custody"]:
                st.status = "prosecuted"
        self.journal.emit(self.env.now, event, country, **fields)
        self.send(country, case.requester, kind="prosecution_outcome", case=case.id, priority="routine", about=st.id,
                  extra={"text": (f"Proceedings opened against {st.spec.identity.name}" if reason is None else
                                  f"No proceedings against {st.spec.identity.name}: {reason.replace('_', ' ')}")})

    # --- for the play layer: the cases a seat may act on ----------------------------------------------
    def of_requester(self, requester: str) -> Mapping[str, ArrestCase]:
        return {k: c for k, c in self.cases.items() if c.requester == requester}
