"""The NDTF's reviewers, and a request's way through their review one event at a time.

A request's review is a chain of steps, each run from the callbacks of the event it waits for
(its screening's end, a reviewer's turn, the reviewer's work done, the NCB's answer or the
deadline for it), in the step of the simulation a SimPy process would resume in, so what happens
at an instant keeps its order. Its way (screened, looked at, the NCB asked for more if the form
has gaps, perhaps a detailed review, the verdict) is run by the request's ``Case``, a ``Review``,
whose steps are plain functions; only a person playing the NDTF goes on as a generator run by
``drive``. In a year at eight times the request volume tens of thousands of requests wait for a
reviewer or an NCB at once: as generators, each held two or three generators, a wake-up event,
its callbacks, a closure and its cells, all of which the garbage collector scanned as they aged;
a waiting request is one object.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, cast

import simpy

from .rules import COVERT, DATA_QUALITY, OVERT, Finding

MAX_ASKS = 3  # the NDTF asks for missing data at most this often before it refuses the request

if TYPE_CHECKING:
    from .registry import Record
    from .review import Case, NdtfReview


def drive(steps: Generator[simpy.Event, Any, None], resumed_by: simpy.Event | None = None) -> None:
    """Run a review's steps now and on each event it waits for: a SimPy process without its
    start and end events, which nobody waits on or interrupts.

    Each step resumes from the event's callbacks (``resumed_by``), in the same step a process
    would, so what happens at an instant keeps its order; the first runs at once, where the
    process's start would have run right after the current step."""
    value = None if resumed_by is None else resumed_by.value
    while True:
        try:
            event = steps.send(value)
        except StopIteration:
            return
        if event.callbacks is not None:
            # (A failed event is not defused: the run stops with its error, as with a process.)
            # A partial, not a lambda: one Python call per step.
            event.callbacks.append(partial(drive, steps))
            return
        value = event.value  # already processed: go on at once, as a process does


class Reviewers:
    """The NDTF's reviewers as a count and a queue: what ``simpy.Resource`` does, without its
    request and release events. A free reviewer is taken at once; a request that finds none waits
    its turn (first come, first served) and is handed the reviewer who finishes, by an event
    that succeeds then (as a ``Resource`` request would)."""

    __slots__ = ("busy", "capacity", "env", "waiting")

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        self.env = env
        self.capacity = capacity
        self.busy = 0
        # A waiting generator's turn event, or a waiting review (given its turn event when its
        # turn comes, so that it holds no event while it waits).
        self.waiting: deque[simpy.Event | Review] = deque()

    def take(self) -> bool:
        """Take a free reviewer now; False when none is free (then ``wait`` in turn)."""
        if self.busy < self.capacity:
            self.busy += 1
            return True
        return False

    def wait(self, waiter: simpy.Event | Review) -> None:
        self.waiting.append(waiter)

    def done(self) -> None:
        """A reviewer has finished: the next in turn gets them (busy stays counted), or they are free."""
        if not self.waiting:
            self.busy -= 1
            return
        turn = self.waiting.popleft()
        if isinstance(turn, Review):
            review, turn = turn, self.env.event()
            turn.callbacks.append(review)
        turn.succeed()

    def work(self, minutes: Callable[[], float]) -> Generator[simpy.Event, Any, None]:
        """A generator's hands-on work: hold a reviewer for ``minutes()`` (drawn once one is free)."""
        if not self.take():
            turn = self.env.event()
            self.wait(turn)
            yield turn
        yield self.env.timeout(minutes())
        self.done()


Step = Callable[["Review"], None]
Answered = Callable[["Review", bool], None]  # True: the NCB completed the request in time


class Review:
    """One request's way through the NDTF's review: each event it waits for calls it, and it runs
    its next step (``then``). What a step needs later is kept here (the reviewer's work factor and
    the step after it, the covert findings a detailed review may confirm).

    It is the base of the request's ``Case`` (review.py): a request in flight is one object, not a
    case and a review that points to it; at eight times the world's volume tens of thousands
    wait for a reviewer at once, and each object of theirs is scanned by the garbage collector."""

    __slots__ = ("after", "answered", "covert", "factor", "found", "gap", "ndtf", "rec", "then")
    # Set by ``start`` (ndtf, rec), or by the step that needs them before any step reads them.
    ndtf: NdtfReview
    rec: Record
    then: Step
    after: Step
    factor: float
    covert: Sequence[Finding]
    gap: Finding  # what the NDTF asked the NCB for last
    answered: Answered  # the step once the NCB has answered (or not, by the deadline)
    found: list[Finding]  # a diffusion's findings when the NCB was asked for more

    @property
    def case(self) -> Case:
        return cast("Case", self)

    def start(self, ndtf: NdtfReview, rec: Record) -> None:
        """The review of ``rec`` begins: its first step runs now, its next on the events it waits for."""
        self.ndtf, self.rec = ndtf, rec
        if rec.kind == "diffusion":
            self.diffusion()
        else:
            self.notice()

    def __call__(self, _event: simpy.Event) -> None:
        self.then(self)

    def wait(self, delay: float, then: Step) -> None:
        self.then = then
        self.ndtf.env.timeout(delay).callbacks.append(self)

    def hands_on(self, factor: float, then: Step) -> None:
        """A reviewer works on it for the work time times ``factor`` (drawn once one is free); then ``then``."""
        self.factor, self.after = factor, then
        if self.ndtf.reviewers.take():
            self.start_work()
        else:
            self.then = Review.start_work
            self.ndtf.reviewers.wait(self)

    def start_work(self) -> None:
        minutes = self.ndtf.work()
        if self.factor != 1.0:
            minutes *= self.factor
        self.wait(minutes, Review.worked)

    def worked(self) -> None:
        self.ndtf.reviewers.done()  # handed over first, as the reviewer's generator did
        self.after(self)

    def ask(self, gap: Finding, answered: Answered) -> None:
        """Ask the requesting NCB for what ``gap`` says is missing; when it answers or the deadline
        passes (whichever first), and a reviewer has looked at an answer, ``answered``."""
        self.gap, self.answered, self.then = gap, answered, Review._info_arrived
        self.ndtf.ask_for_info(self.rec, self.case, gap).callbacks.append(self)

    def _info_arrived(self) -> None:
        if not self.ndtf.info_arrived(self.rec, self.case):
            self.answered(self, False)
            return
        self.hands_on(0.5, Review._answer_read)

    def _answer_read(self) -> None:
        self.answered(self, True)

    # A notice request: screened (calendar time), a reviewer's first look, the NCB asked for more
    # if the form has gaps (a generator: NdtfReview.notice_checks), a detailed review for those in
    # doubt and those whose indications show a problem, the verdict.

    def notice(self) -> None:
        self.wait(self.ndtf.screening(), Review._notice_screened)

    def _notice_screened(self) -> None:
        self.hands_on(1.0, Review._notice_looked_at)

    def _notice_looked_at(self) -> None:
        ndtf, rec, case = self.ndtf, self.rec, self.case
        found = ndtf.current_findings(rec, case)
        if any(f.reason == DATA_QUALITY for f in found) or ndtf.returned(found, case):
            self.notice_checks(found)  # (it runs the checks from the start)
            return
        overt = [f for f in found if f.reason in OVERT]
        if overt:
            ndtf.refuse(rec, overt[0].reason, overt[0].detail)
            return
        self.notice_checked(found)

    def notice_checks(self, found: list[Finding]) -> None:
        """The overt checks when the form has gaps: the NCB is asked for more (at most
        ``MAX_ASKS`` times) and the completed form checked again; then on as any other."""
        ndtf, rec, case = self.ndtf, self.rec, self.case
        returned = ndtf.returned(found, case)
        overt = [f for f in found if f.reason in OVERT and f.reason != DATA_QUALITY
                 and not any(r.reason == f.reason for r in returned)]
        if overt:
            ndtf.refuse(rec, overt[0].reason, overt[0].detail)
            return
        gaps = returned + [f for f in found if f.reason == DATA_QUALITY]
        if not gaps:
            self.notice_checked(found)
            return
        case.threshold_asked = case.threshold_asked or bool(returned)
        if case.asks >= MAX_ASKS:
            ndtf.refuse(rec, DATA_QUALITY, gaps[0].detail + f"; still incomplete after {MAX_ASKS} requests for more")
            return
        self.ask(gaps[0], Review._notice_answered)

    def _notice_answered(self, completed: bool) -> None:
        ndtf, rec = self.ndtf, self.rec
        if rec.state == "cancelled":
            return  # the NCB withdrew it instead of completing it
        if not completed:
            ndtf.refuse(rec, DATA_QUALITY, self.gap.detail + "; the NCB did not complete the request in time")
            return
        self.notice_checks(ndtf.current_findings(rec, self.case))  # the form as the NCB completed it

    def notice_checked(self, found: list[Finding]) -> None:
        """The form passed the overt checks: a detailed review if in doubt, then the verdict."""
        ndtf = self.ndtf
        covert = [f for f in found if f.reason in COVERT]
        if covert or ndtf.u() < ndtf.settings.doubt_share:
            self.covert = covert or ()  # (most have none: no empty list kept while they wait)
            self.wait(ndtf.detailed(), Review._notice_detailed)
            return
        self._notice_verdict(None)

    def _notice_detailed(self) -> None:
        self.hands_on(3.0, Review._notice_detailed_done)

    def _notice_detailed_done(self) -> None:
        ndtf, covert = self.ndtf, self.covert
        self._notice_verdict(covert[0] if covert and ndtf.u() < ndtf.settings.detect_covert else None)

    def _notice_verdict(self, verdict: Finding | None) -> None:
        ndtf, rec = self.ndtf, self.rec
        verdict = verdict or ndtf.refugee_now(rec)  # confirmed while the request waited
        if "ndtf" in ndtf.played and not rec.background:
            drive(ndtf.notice_decided(self, verdict))
            return
        ndtf.conclude_notice(rec, self.case, verdict)

    # A diffusion: already circulated; reviewed after a delay, purged if it breaks the rules.

    def diffusion(self) -> None:
        ndtf, rec, case = self.ndtf, self.rec, self.case
        if case.withdraw_after is not None:
            ndtf.later(case.withdraw_after, lambda: ndtf.cancel_if_valid(rec, "withdrawn", rec.requester))
        self.wait(ndtf.diffusion_delay(), Review._diffusion_screened)

    def _diffusion_screened(self) -> None:
        self.hands_on(1.0, Review._diffusion_looked_at)

    def _diffusion_looked_at(self) -> None:
        ndtf, rec = self.ndtf, self.rec
        if rec.state != "circulated":
            return  # cancelled or deleted before review
        found = ndtf.current_findings(rec, self.case)
        problems = [f for f in found if f.reason in OVERT and f.reason != DATA_QUALITY]
        if not problems and any(f.reason == DATA_QUALITY for f in found):
            self.diffusion_checks(found)  # (it runs the checks from the start)
            return
        self.diffusion_checked(found, problems)

    def diffusion_checks(self, found: list[Finding]) -> None:
        """The checks when the form has gaps: the NCB is asked for more (at most ``MAX_ASKS``
        times) and the completed form checked again; then on as any other."""
        problems = [f for f in found if f.reason in OVERT and f.reason != DATA_QUALITY]
        if not problems:
            gaps = [f for f in found if f.reason == DATA_QUALITY]
            if gaps and self.case.asks >= MAX_ASKS:
                problems = gaps
            elif gaps:
                self.found = found
                self.ask(gaps[0], Review._diffusion_answered)
                return
        self.diffusion_checked(found, problems)

    def _diffusion_answered(self, completed: bool) -> None:
        ndtf, rec = self.ndtf, self.rec
        if rec.state not in ("circulated", "info_requested"):
            return  # cancelled or deleted meanwhile
        if not completed:
            found = self.found
            self.diffusion_checked(found, [f for f in found if f.reason == DATA_QUALITY])
            return
        self.diffusion_checks(ndtf.current_findings(rec, self.case))  # the form as the NCB completed it

    def diffusion_checked(self, found: list[Finding], problems: list[Finding]) -> None:
        ndtf, rec = self.ndtf, self.rec
        covert = [f for f in found if f.reason in COVERT]
        if not problems and covert and ndtf.u() < ndtf.settings.detect_covert:
            problems = covert
        refugee = ndtf.refugee_now(rec)
        if refugee is not None:
            problems = [refugee]
        if "ndtf" in ndtf.played and not rec.background:
            drive(ndtf.diffusion_decided(self, problems))
            return
        ndtf.conclude_diffusion(rec, problems)
