"""The NDTF review at the General Secretariat, request by request (its steps: reviewers.Review).

Notices: registration and screening (calendar time) → a reviewer checks the overt rules →
missing data (a required field, the penalty, the judicial data) is asked of the requesting NCB
(through its desk; the clock runs) and the completed request is reviewed again → requests in
doubt, and those whose indications show an Art. 2 / Art. 3 problem, get a detailed review that
may confirm it → published or refused. The reviewer judges from what the request shows (its
indications, and what the General Secretariat knows, such as a confirmed refugee status), never
from the case's ground truth: a request that conceals its character passes.
Diffusions are circulated at once and reviewed afterwards; a non-compliant one is purged from
its recipients. Reviewers are a limited resource, so a surge of requests slows everyone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import simpy

from ..decisions.port import Option
from ..durations import minutes
from ..rng import Draws
from ..scenario.chance import settled_minutes
from ..scenario.parameters import distribution
from .kinds import DEFAULT_PURPOSE, KIND_NAMES, REQUIRED_FIELDS, VALIDITY_YEARS, kind_name
from .registry import Record
from .reviewers import MAX_ASKS, Review, Reviewers
from .rules import (
    ART83_EXCLUDED,
    ART83_PENALTY,
    COVERT,
    DATA_QUALITY,
    OVERT,
    REASONS,
    REFUGEE,
    SILVER_COERCIVE,
    SILVER_PENALTY,
    Finding,
    findings,
    indicated,
    is_public,
)

if TYPE_CHECKING:
    from ..engine.exercise import Exercise
    from ..scenario.cases import Request

GS = "GS"
# The refusal grounds that apply only to some kinds (the others apply to every kind).
GROUNDS = {ART83_PENALTY: ("red", "diffusion"), ART83_EXCLUDED: ("red", "diffusion", "silver"),
           SILVER_PENALTY: ("silver",), SILVER_COERCIVE: ("silver",)}
VALIDITY_MINUTES = VALIDITY_YEARS * 365.25 * 1440


@dataclass(slots=True, eq=False)
class Case(Review):
    """What the review needs beyond the record: the rules its form breaks, what it shows the
    reviewer, and how its NCB behaves; and the review itself, step by step (``Review``). Art. 2 / Art. 3 findings in ``findings`` (the case's ground
    truth) are never read by the review: it judges those from ``indications``."""

    findings: Sequence[Finding]  # (never changed in place: replaced as the form is completed)
    # What the request and open sources show; None: those of the scenario's request of the same
    # id and requester (``Request.shows``), none for a form no scenario foresaw.
    indications: tuple[str, ...] | None = None
    completed: Sequence[Finding] | None = None  # the form's findings once the NCB completes it (default: no gaps)
    completes_on_request: bool = True
    withdraw_after: float | None = None
    ccf: tuple[float, float, str] | None = None  # (after, study, outcome)
    on_published: tuple[Callable[[Record], None], ...] = ()
    person: bool = False  # a person filed it: they answer the NDTF by correcting and resubmitting the form
    supplied: simpy.Event | None = None  # while the NDTF waits for more: succeeds when the answer arrives
    asks: int = 0  # how often the NDTF has asked the NCB for more (screening and reviewer together)
    question: str = ""  # what it asked for last
    threshold_asked: bool = False  # a penalty below the threshold was returned once (Ndtf.return_below_threshold)


def aftermath(req: Request | None) -> dict[str, Any]:
    """What a scenario's request says happens after publication, as ``Case`` fields: when its NCB
    withdraws it, and a CCF challenge (after, study, outcome). Nothing for a form no scenario foresaw."""
    if req is None:
        return {"withdraw_after": None, "ccf": None}
    return {"withdraw_after": None if req.withdraw_after is None else settled_minutes(req.withdraw_after),
            "ccf": None if req.ccf is None else (settled_minutes(req.ccf.after), settled_minutes(req.ccf.study),
                                                 req.ccf.outcome)}


class NdtfReview:
    def __init__(self, ex: Exercise) -> None:
        # What the review uses, taken once: the clock, the journal, the registry, I-24/7, the
        # decision port; the seats' acts are built after it, so the requests' truth is looked up late.
        self.env, self.journal, self.registry, self.send, self.port = ex.env, ex.journal, ex.registry, ex.send, ex.port
        self.after, self.duration, self.played = ex.after, ex.duration, frozenset(ex.played)
        self.refugee_from = ex.refugee_from
        self.truth: Callable[[str, str], Request | None] = lambda request, requester: ex.acts.truth(request, requester)
        settings = ex.scenario.ndtf
        self.settings = settings
        self.reviewers = Reviewers(ex.env, settings.reviewers)
        rng = ex.streams.stream("ndtf")
        p = ex.scenario.parameters
        self.screening = distribution(p, "ndtf.screening_time").sampler(rng)
        self.detailed = distribution(p, "ndtf.detailed_review_time").sampler(rng)
        self.work = distribution(p, "ndtf.work_time").sampler(rng)
        self.diffusion_delay = distribution(p, "ndtf.diffusion_review_time").sampler(rng)
        self.drafting = distribution(p, "ncb.drafting_time").sampler(ex.streams.stream("drafting"))
        self.u = Draws(rng.random)
        self.info_deadline = minutes(settings.info_deadline)

    def submit(self, rec: Record, case: Case) -> None:
        fields: dict[str, Any] = {}
        if rec.purpose:
            fields["purpose"] = rec.purpose
        if rec.recipients is not None:
            fields["to"] = sorted(rec.recipients)
        self.registry.add(rec, self.env.now, **fields)
        case.start(self, rec)

    def refugee_now(self, rec: Record) -> Finding | None:
        # The refugee rule depends on the moment: status may be confirmed while the request waits.
        if rec.subject and rec.requester in self.refugee_from.get(rec.subject, ()):
            return Finding(REFUGEE, f"refugee status confirmed against {rec.requester}")
        return None

    def shows(self, rec: Record, case: Case) -> tuple[str, ...]:
        """What the reviewer can see of an Art. 2 or Art. 3 problem in this request."""
        if case.indications is not None:
            return case.indications
        req = self.truth(rec.id, rec.requester)
        return req.shows() if req is not None else ()

    def current_findings(self, rec: Record, case: Case) -> list[Finding]:
        """The rules the request visibly breaks now: its form's, what it shows, the refugee rule."""
        out = [f for f in case.findings if f.reason != REFUGEE and f.reason not in COVERT]
        out += indicated(self.shows(rec, case))
        refugee = self.refugee_now(rec)
        return out + [refugee] if refugee else out

    def _hands_on(self, factor: float = 1.0):
        """The reviewer's work for a generator's way (``Review.hands_on`` for the common one)."""
        work = self.work
        return self.reviewers.work(work if factor == 1.0 else lambda: work() * factor)

    def returned(self, found: list[Finding], case: Case) -> list[Finding]:
        """Penalties below the threshold the NDTF returns for confirmation rather than refusing:
        once, and only where the NDTF is set to (``Ndtf.return_below_threshold``)."""
        if not self.settings.return_below_threshold or case.threshold_asked:
            return []
        return [Finding(f.reason, f.detail + "; confirm the penalty the law provides, or withdraw the request")
                for f in found if f.reason in (ART83_PENALTY, SILVER_PENALTY)]

    def refuse(self, rec: Record, reason: str, detail: str) -> None:
        self.registry.move(rec, "refuse", self.env.now, GS, reason=reason, detail=detail)

    def notice_decided(self, review: Review, verdict: Finding | None):
        """A person playing the NDTF decides on a notice request (the automated verdict recommended)."""
        rec = review.rec
        verdict = yield from self._reviewer_decides(rec, review.case, verdict)
        if rec.state == "cancelled":
            return  # withdrawn by its NCB while the reviewer asked for more
        self.conclude_notice(rec, review.case, verdict)

    def conclude_notice(self, rec: Record, case: Case, verdict: Finding | None) -> None:
        if verdict is not None:
            self.refuse(rec, verdict.reason, verdict.detail)
            return
        rec.public = is_public(rec.kind, rec.public)
        self.registry.move(rec, "publish", self.env.now, GS, public=rec.public)
        for hook in case.on_published:
            hook(rec)
        self._after_publication(rec, case)

    def _reviewer_decides(self, rec: Record, case: Case, automatic: Finding | None):
        """A person plays the NDTF: they publish, refuse on a ground that fits the kind, or ask
        the NCB for more (and decide again once it answers), before the deadline. What they are
        shown and recommended comes from what the request shows, as for the automated reviewer."""
        visible = [f for f in self.current_findings(rec, case) if f.reason != DATA_QUALITY]
        right = visible[0].reason if visible else "publish"
        reasons = [r for r in REASONS if r != DATA_QUALITY and (rec.kind in GROUNDS.get(r, (rec.kind,)) or r == right)]
        # A diffusion is already out: the reviewer finds it compliant or has it purged (package B).
        ok, no, kind = ("approve", "purge", "review_diffusion") if rec.kind == "diffusion" else \
            ("publish", "refuse", "review_request")
        ok_words = "Compliant: leave it in circulation" if rec.kind == "diffusion" else "Publish"
        no_words = "Purge it from its recipients" if rec.kind == "diffusion" else "Refuse"
        default = f"{no}:{automatic.reason}" if automatic is not None else ok
        while True:
            options = [Option(ok, ok_words, recommended=right == "publish")] + [
                Option(f"{no}:{r}", f"{no_words}: {r.replace('_', ' ')}", recommended=right == r) for r in reasons]
            if case.asks < MAX_ASKS:
                options.append(Option("ask", "Ask the NCB for more information first"))
            decided = self.env.event()
            shows = self.shows(rec, case)
            seen = f"; it shows {', '.join(s.replace('_', ' ') for s in shows)}" if shows else ""
            what = f"diffusion {rec.id} that NCB {rec.requester} circulated" + (
                f" to {', '.join(sorted(rec.recipients))}" if rec.recipients else "") if rec.kind == "diffusion" \
                else f"{kind_name(rec.kind)} request {rec.id} from NCB {rec.requester}"
            self.port.raise_("ndtf", kind, f"Review the {what}{seen}", options,
                             default, 3 * 1440.0, decided.succeed, request=rec.id, notice_kind=rec.kind,
                             **({"subject": rec.subject} if rec.subject else {}),
                             **({"shows": list(shows)} if shows else {}))
            key = yield decided
            if rec.kind == "diffusion" and rec.state not in ("circulated", "info_requested"):
                return None  # cancelled or deleted while the reviewer looked at it
            if key == ok:
                return None
            if key != "ask":
                reason = key.split(":", 1)[1]
                detail = next((f.detail for f in visible if f.reason == reason), "refused by the reviewer")
                return Finding(reason, detail)
            question = Finding(DATA_QUALITY, "the reviewer asks for more information on the case")
            if not (yield from self._ask_for_info(rec, case, question)):
                return Finding(DATA_QUALITY, question.detail + "; the NCB did not answer in time")
            # The answer may have changed the form: the rules and the recommendation are read again.
            visible = [f for f in self.current_findings(rec, case) if f.reason != DATA_QUALITY]
            right = visible[0].reason if visible else "publish"

    def _ask_for_info(self, rec: Record, case: Case, gap: Finding):
        """Ask the requesting NCB for the missing data; True when it arrives before the deadline
        (a generator's way; ``Review.ask`` for the common one)."""
        yield self.ask_for_info(rec, case, gap)
        if not self.info_arrived(rec, case):
            return False
        yield from self._hands_on(0.5)
        return True

    def ask_for_info(self, rec: Record, case: Case, gap: Finding) -> simpy.Event:
        """Send the NCB the question; the event that succeeds when its answer arrives or the
        deadline passes, whichever first (then ``info_arrived``)."""
        env, reg = self.env, self.registry
        reg.move(rec, "ask_info", env.now, GS, detail=gap.detail)
        case.asks += 1
        case.question = gap.detail
        supplied = env.event()
        case.supplied = supplied
        self.send(GS, rec.requester, kind="info_request", priority="high", about=rec.subject,
                  extra={"request": rec.id, "text": f"Request {rec.id}: {gap.detail}. " + (
                      "Complete the form and resubmit it." if case.person else "Please complete the request.")},
                  then=partial(self._answer_info, rec, case, supplied))  # (no closure over this frame)
        return supplied | env.timeout(self.info_deadline)

    def info_arrived(self, rec: Record, case: Case) -> bool:
        """Whether the NCB's answer arrived in time (and the request is still waiting for it):
        then the form is as the NCB completed it, and the record says so."""
        env, reg = self.env, self.registry
        supplied, case.supplied = case.supplied, None
        # Processed by the time the first of it and the deadline is: what the condition's value holds.
        if supplied is None or not supplied.processed or rec.state != "info_requested":
            return False
        if not case.person:  # the automation's answer completes the form
            req = self.truth(rec.id, rec.requester)
            case.findings = (case.completed if case.completed is not None
                             else completed_form(req) if req is not None and req.case_file is not None
                             else [f for f in case.findings if f.reason != DATA_QUALITY])
        reg.move(rec, "info_supplied", env.now, rec.requester)
        return True

    def _answer_info(self, rec: Record, case: Case, supplied: simpy.Event, _question: object = None) -> None:
        """The requesting NCB has read the NDTF's question; it drafts an answer if it can, or its
        officer decides how to answer (a scenario request with ``on_return: decision``)."""
        req = None if case.person else self.truth(rec.id, rec.requester)
        if req is not None and req.on_return == "decision":
            self._officer_decides(rec, case, req, supplied)
            return
        if not case.completes_on_request:
            return
        self.after(self.drafting(), lambda: self.send(
            rec.requester, GS, kind="info_reply", priority="high",
            then=lambda _m: supplied.succeed() if not supplied.triggered else None))

    def _officer_decides(self, rec: Record, case: Case, req: Request, supplied: simpy.Event) -> None:
        """The requesting NCB's officer answers a returned request: supply what the case file
        holds and resubmit (right when that makes it compliant), withdraw it (right when the file
        confirms what the NDTF objects to: a true penalty below the threshold cannot be repaired),
        or leave it, and the NDTF refuses it at its deadline. The officer's answer is their own
        act (``request.resubmitted`` / the cancellation carry their cause); the reply then travels."""
        completed = completed_form(req)
        repairable = not [f for f in completed if f.reason in OVERT]
        options = [Option("supply", "Complete it from the case file and resubmit", recommended=repairable),
                   Option("withdraw", "Withdraw the request", recommended=not repairable),
                   Option("leave", "Leave it for now (the NDTF refuses it at its deadline)")]

        def act(key: str) -> None:
            if rec.state != "info_requested" or supplied.triggered:
                return  # the NDTF has moved on meanwhile
            if key == "supply":
                case.completed = completed
                self.journal.emit(self.env.now, "request.resubmitted", rec.requester, request=rec.id,
                                  notice_kind=rec.kind, requester=rec.requester)
                self.send(rec.requester, GS, kind="info_reply", priority="high", about=rec.subject,
                          then=lambda _m: supplied.succeed() if not supplied.triggered else None)
            elif key == "withdraw":
                self.registry.move(rec, "cancel", self.env.now, rec.requester, reason="withdrawn")
                supplied.succeed()  # the review stops waiting: there is nothing left to review

        name = KIND_NAMES[rec.kind] + ("" if rec.kind == "diffusion" else " request")
        self.port.raise_(f"ncb:{rec.requester}", "complete_request",
                         f"The NDTF returned your {name} {rec.id}: {case.question}", options, "leave",
                         self.info_deadline, act, request=rec.id, notice_kind=rec.kind,
                         **({"subject": rec.subject} if rec.subject else {}))

    def already_published(self, rec: Record, case: Case, ago: float, **fields: object) -> None:
        """A request published (a diffusion: circulated and found compliant) ``ago`` minutes
        before the start: live now, without review; what counts from publication (validity,
        withdrawal, a CCF complaint) counts from then."""
        reg, now = self.registry, self.env.now
        if rec.kind == "diffusion":
            reg.on_file(rec, now - ago, now, rec.requester, purpose=rec.purpose, to=sorted(rec.recipients or ()),
                        **fields)
            if case.withdraw_after is not None:
                self.later(max(0.0, case.withdraw_after - ago),
                            lambda: self.cancel_if_valid(rec, "withdrawn", rec.requester))
            return
        rec.public = is_public(rec.kind, rec.public)
        reg.on_file(rec, now - ago, now, GS, public=rec.public, **fields)
        for hook in case.on_published:
            hook(rec)
        self._after_publication(rec, case, ago)

    def _after_publication(self, rec: Record, case: Case, ago: float = 0.0) -> None:
        # ``ago``: published that long before now (a notice already live at the start).
        if case.withdraw_after is not None:
            self.later(max(0.0, case.withdraw_after - ago) if ago else case.withdraw_after,
                        lambda: self.cancel_if_valid(rec, "withdrawn", rec.requester))
        if case.ccf is not None:
            after, study, outcome = case.ccf
            self.later(max(0.0, after - ago) if ago else after, lambda: self._ccf(rec, study, outcome))
        self.later(max(0.0, VALIDITY_MINUTES - ago) if ago else VALIDITY_MINUTES, lambda: self._expire(rec))

    def _expire(self, rec: Record) -> None:
        if rec.state == "published":
            self.registry.move(rec, "expire", self.env.now, GS)

    def later(self, delay: float, action: Callable[[], object]) -> None:
        if self.env.now + delay >= self.duration:
            return  # beyond the exercise: nothing to schedule
        self.after(delay, action)

    def cancel_if_valid(self, rec: Record, reason: str, actor: str) -> None:
        """Cancel a record that is still live (visible); a no-op on one already refused or gone."""
        if rec.visible and rec.machine.allows(rec.state, "cancel"):
            self.registry.move(rec, "cancel", self.env.now, actor, reason=reason)

    def _ccf(self, rec: Record, study: float, outcome: str) -> None:
        if rec.state != "published":
            return
        self.registry.move(rec, "challenge", self.env.now, "CCF", reason="ccf_study")
        self.later(study, lambda: self._ccf_decides(rec, outcome))

    def _ccf_decides(self, rec: Record, outcome: str) -> None:
        if rec.state == "blocked":
            self.registry.move(rec, "keep" if outcome == "keep" else "delete", self.env.now, "CCF",
                                  reason="ccf_decision")

    def diffusion_decided(self, review: Review, problems: list[Finding]):
        """A person playing the NDTF decides on a diffusion (the automated verdict recommended)."""
        rec = review.rec
        verdict = yield from self._reviewer_decides(rec, review.case, problems[0] if problems else None)
        if rec.state not in ("circulated", "info_requested"):
            return  # withdrawn or deleted meanwhile
        self.conclude_diffusion(rec, [verdict] if verdict is not None else [])

    def conclude_diffusion(self, rec: Record, problems: list[Finding]) -> None:
        if problems:
            self.registry.move(rec, "purge", self.env.now, GS, outcome="purged", reason=problems[0].reason,
                                  detail=problems[0].detail, recipients_told=sorted(rec.recipients or ()))
        else:
            self.registry.move(rec, "approve", self.env.now, GS, outcome="compliant")


def completed_form(req: Request) -> list[Finding]:
    """The rules a scenario's request breaks once its NCB completes it from the case file: every
    field filled, the penalty as the file says (``case_file``; a blank one is on file)."""
    file = req.case_file
    penalty = file.max_penalty_years if file is not None and file.max_penalty_years is not None \
        else req.max_penalty_years
    sentence = file.sentence_months if file is not None and file.sentence_months is not None \
        else req.sentence_months
    found = findings(req.kind, purpose=req.purpose or DEFAULT_PURPOSE.get(req.kind), offence=req.offence,
                     max_penalty_years=penalty, sentence_months=sentence,
                     provided=frozenset(REQUIRED_FIELDS[req.kind]), character=req.character,
                     human_rights_risk=req.human_rights_risk, requester=req.by)
    return [f for f in found if f.reason != DATA_QUALITY]
