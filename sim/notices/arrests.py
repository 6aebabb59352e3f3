"""From a hit to extradition or release: one arrest case per hit that asks for arrest.

The border post holds the person and tells its NCB; that NCB reports the hit to the requesting
NCB over I-24/7; the requester confirms; the confirmation must come back through the finding
NCB's desk before the hold time runs out, or the person walks. Desks keep local hours, so a
hit at night in another time zone is a race. After the provisional arrest the requesting
country has until the extradition deadline to send its formal request; the arresting country
needs a legal basis and may refuse to surrender its own nationals.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count
from typing import TYPE_CHECKING

from ..decisions.port import Option
from ..durations import format_minutes
from ..scenario.parameters import distribution
from ..world.legal import legal_basis, refuses_national
from .machines import ARREST
from .registry import Record

if TYPE_CHECKING:
    from ..engine.exercise import Exercise
    from ..people.subjects import SubjectState


MATERIAL = ("photographs", "fingerprints")  # what a requester may ask for before confirming a hit

# Release reasons (journal `reason` of subject.released).
NO_CONFIRMATION = "no_confirmation_in_time"
NO_LONGER_VALID = "request_no_longer_valid"
NATIONAL = "national_not_extradited"
NO_BASIS = "no_legal_basis"
NO_REQUEST = "no_extradition_request_in_time"
DECLINED = "requester_declined"


@dataclass(slots=True)
class ArrestCase:
    id: str
    subject: SubjectState
    country: str  # where the person is held
    record: Record
    state: str = ARREST.initial
    hit_at: float = 0.0
    hold_until: float = 0.0
    arrested_at: float = 0.0
    request_due: float | None = None
    release_reason: str | None = None
    asked: tuple[str, ...] = ()  # identification material the requester asked for before confirming


class Arrests:
    def __init__(self, ex: Exercise) -> None:
        self.ex = ex
        p, rng = ex.scenario.parameters, ex.streams.stream("extradition")
        self.hold = distribution(p, "border.hold_time").sampler(rng)
        self.deadline = distribution(p, "extradition.deadline").sampler(rng)
        self.preparation = distribution(p, "extradition.preparation_time").sampler(rng)
        self.proceedings = distribution(p, "extradition.proceedings").sampler(rng)
        self.cases: dict[str, ArrestCase] = {}
        self._ids = count(1)

    def _move(self, case: ArrestCase, action: str, actor: str, **fields) -> None:
        case.state, event = ARREST.next(case.state, action)
        rec = case.record
        ref = {"diffusion": rec.id} if rec.kind == "diffusion" else {"notice": rec.id}
        self.ex.journal.emit(self.ex.env.now, event, actor, case=case.id, subject=case.subject.id,
                             country=case.country, requester=rec.requester, **ref, notice_kind=rec.kind,
                             state=case.state, **fields)

    def open(self, st: SubjectState, country: str, rec: Record) -> None:
        ex = self.ex
        case = ArrestCase(f"A{next(self._ids)}", st, country, rec, hit_at=ex.env.now)
        self.cases[case.id] = case
        st.status = "held"
        hold = self.hold()
        case.hold_until = ex.env.now + hold
        def hold_ran_out() -> None:
            if case.state == "held":
                self._release(case, country, NO_CONFIRMATION,
                              f"no confirmation from {rec.requester} within {format_minutes(hold)}")

        ex.after(hold, hold_ran_out)
        # Border post -> its NCB (nationally) -> the requesting NCB (I-24/7) -> back to confirm.
        ex.send(f"border:{country}", country, kind="hit_report", priority="urgent", channel="national",
                then=lambda _m: ex.send(country, rec.requester, kind="hit_report", priority="urgent",
                                        then=lambda _m2: self._requester_confirms(case)))

    def _requester_confirms(self, case: ArrestCase) -> None:
        """The requesting NCB has read the hit report: its officer must confirm, in time — or ask
        the holding NCB for photographs or fingerprints first, which costs time on the hold."""
        if case.state != "held":
            return
        ex, rec = self.ex, case.record
        left = case.hold_until - ex.env.now
        if left <= 0:
            return
        received = f" You have its {' and '.join(case.asked)}." if case.asked else ""
        asks = [Option(f"ask:{m}", f"Ask {case.country} for the {m} first ({format_minutes(left)} of hold left)")
                for m in MATERIAL if m not in case.asked]
        ex.port.raise_(
            f"ncb:{rec.requester}", "confirm_hit",
            f"{case.country} holds {case.subject.spec.identity.name} at the border on your {rec.kind} {rec.id}.{received} "
            f"Confirm that the person is wanted and that you will request extradition?",
            [Option("confirm", "Confirm: the person is wanted, extradition will be requested", recommended=rec.visible),
             *asks, Option("decline", "Decline: let the person go", recommended=not rec.visible)],
            "decline", left, lambda key: self._confirmation(case, key),
            case=case.id, subject=case.subject.id, country=case.country,
            **({"diffusion": rec.id} if rec.kind == "diffusion" else {"notice": rec.id}))

    def _confirmation(self, case: ArrestCase, key: str) -> None:
        if case.state != "held":
            return  # the hold ran out first
        if key == "decline":
            self._release(case, case.record.requester, DECLINED, f"{case.record.requester} declined to confirm")
            return
        if key.startswith("ask:"):
            self._ask_more(case, key[4:])
            return
        self.ex.send(case.record.requester, case.country, kind="hit_confirmation", priority="urgent",
                     then=lambda _m: self._arrest(case))

    def _ask_more(self, case: ArrestCase, material: str) -> None:
        """The requester asks the holding NCB for identification material; it sends it once its
        desk has read the question, and the requester decides again when it arrives."""
        ex, rec = self.ex, case.record
        case.asked = (*case.asked, material)

        def answer(_m: object) -> None:
            ex.send(case.country, rec.requester, kind="hit_material", priority="urgent",
                    about=case.subject.id, extra={"text": f"{material.capitalize()} of the person held at the border"},
                    then=lambda _m2: self._requester_confirms(case))

        ex.send(rec.requester, case.country, kind="hit_question", priority="urgent", about=case.subject.id,
                extra={"text": f"Please send the {material} of the person you hold"}, then=answer)

    def _arrest(self, case: ArrestCase) -> None:
        ex, rec, country = self.ex, case.record, case.country
        if case.state != "held":
            return
        if not rec.visible or (rec.recipients is not None and country not in rec.recipients):
            self._release(case, country, NO_LONGER_VALID, f"the {rec.kind} request is no longer valid ({rec.state})")
            return
        nationality = case.subject.spec.identity.nationality
        if refuses_national(rec.requester, country, nationality, ex.legal, ex.nationals_override):
            self._release(case, country, NATIONAL, f"{country} does not extradite its own nationals")
            return
        basis = legal_basis(rec.requester, country, ex.legal, ex.treaty_override)
        if basis is None:
            self._release(case, country, NO_BASIS, f"no legal basis for extradition from {country} to {rec.requester}")
            return
        self._move(case, "confirm", country, basis=basis)
        case.arrested_at = ex.env.now
        case.subject.status = "arrested"
        deadline = self.deadline()
        ex.env.timeout(deadline).callbacks.append(lambda _e: self._deadline(case, deadline))
        ex.port.raise_(
            f"ncb:{rec.requester}", "request_extradition",
            f"{case.subject.spec.identity.name} is provisionally arrested in {country}. Start the formal extradition "
            f"request (it must arrive within {format_minutes(deadline)})?",
            [Option("send", "Prepare and send the formal request", recommended=True),
             Option("abandon", "Abandon: the person will be released at the deadline")],
            "abandon", deadline, lambda key: self._extradition_decided(case, key, deadline),
            case=case.id, subject=case.subject.id, country=country)

    def _deadline(self, case: ArrestCase, deadline: float) -> None:
        if case.state != "arrested":
            return
        if case.request_due is not None and case.request_due <= self.ex.env.now:
            return  # the formal request lands at this very instant: in time
        self._release(case, case.country, NO_REQUEST,
                      f"no formal extradition request within {format_minutes(deadline)}")

    def _extradition_decided(self, case: ArrestCase, key: str, deadline: float) -> None:
        if key != "send" or case.state != "arrested":
            return
        prep = self.preparation()
        if self.ex.env.now + prep <= case.arrested_at + deadline:
            case.request_due = self.ex.env.now + prep
            self.ex.env.timeout(prep).callbacks.append(lambda _e: self._request(case))

    def _request(self, case: ArrestCase) -> None:
        if case.state != "arrested":
            return
        self._move(case, "request_extradition", case.record.requester)
        self.ex.env.timeout(self.proceedings()).callbacks.append(lambda _e: self._surrender(case))

    def _surrender(self, case: ArrestCase) -> None:
        if case.state != "extradition_requested":
            return
        rec = case.record
        self._move(case, "extradite", case.country, to=rec.requester)
        case.subject.status = "extradited"
        case.subject.location = rec.requester
        self.ex.review.cancel_if_valid(rec, "extradited", rec.requester)

    def _release(self, case: ArrestCase, actor: str, reason: str, detail: str) -> None:
        case.release_reason = reason
        self._move(case, "release", actor, reason=reason, detail=detail)
        self.ex.movements.released(case.subject)
