"""Who answers each seat's decisions in one exercise: people, policies, recordings, a branch.

* A seat a person plays answers through ``Exercise.answer`` while the clock is stopped, after
  everything due at that instant has happened (``Exercise.run`` and ``advance`` always finish
  the instant they stop at). A replay puts the recorded answers back at the same sim times, in
  the same order, behind everything else due at that instant (priority ``AFTER_ALL``).
* Every other seat answers by its policy (the scenario's ``policies``, or ``--policy`` for all),
  which is deterministic, so a replay reproduces it without reading the recording.
* A branch replaces one recorded answer by another option and holds every other choice as the
  people made it: answers given at the same instant, and later answers, commands and controls
  where they still apply in the new world (a later answer to a decision that is no longer open,
  or no longer offers the option, falls to the book; a command the rules now refuse is journalled
  as ``command.refused``). Decisions nobody recorded an answer to are answered by the book.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from simpy.events import Event, EventPriority

from .policies import Person, Policy, Scripted, make_policy
from .port import Decision, DecisionPort, Responder
from .script import Script

if TYPE_CHECKING:
    from ..engine.exercise import Exercise


AFTER_ALL = EventPriority(2)  # SimPy runs lower numbers first (URGENT 0, NORMAL 1): this comes after every event due then


@dataclass(frozen=True, slots=True)
class RecordedAnswer:
    n: int
    decision: str
    seat: str
    option: str
    sim_time: float
    by: str


@dataclass(frozen=True)
class SeatConfig:
    policy: str | None = None  # one policy for every role (ncbsim run --policy)
    script: Script | None = None
    people: frozenset[str] = frozenset()
    replay: tuple[RecordedAnswer, ...] = ()
    branch: tuple[str, str] | None = None  # (decision id, the option chosen instead)


class Seats:
    def __init__(self, ex: Exercise, config: SeatConfig) -> None:
        # What the seats use, taken once: the clock and the journal. The exercise builds its port,
        # acts and injects after its seats, so those are looked up late; the policies, and the rules
        # a held command is checked by, are the play layer's and read the whole exercise.
        self.env, self.journal = ex.env, ex.journal
        self.port: Callable[[], DecisionPort] = lambda: ex.port
        self.apply_act: Callable[[str, dict[str, Any]], None] = lambda seat, payload: ex.acts.apply(seat, payload)
        self.control: Callable[[dict[str, Any]], None] = lambda payload: ex.injects.control(payload)
        self.refusal: Callable[[Any, str, Any], str | None] = partial(_refusal, ex)
        self.scenario_policies = ex.scenario.policies  # who answers a seat unless told otherwise
        self.make_policy: Callable[[str, str], Policy | Scripted] = \
            lambda seat, name: make_policy(ex, seat, name, config.script)
        self.config = config
        self._policies: dict[str, Policy | Scripted] = {}  # by seat, made on first use
        self._switched = False  # after a branch, people's seats are automated
        self.branch_at: float | None = None
        recorded = {r.decision: r for r in config.replay}
        if config.branch is not None:
            b = recorded.get(config.branch[0])
            if b is None:
                raise ValueError(f"the session has no decision {config.branch[0]} to branch from")
            self.branch_at = b.sim_time
        self._branch_record = recorded.get(config.branch[0]) if config.branch else None
        self._before_start: list[Callable[[], None]] = []
        if config.script is not None and config.script.commands:
            # Scheduled before the recorded actions: at one instant a script's command comes
            # first, as live, where a person or the trainer acts once the instant is complete.
            from ..play.scripted import ScriptedCommands  # the play layer's rules, checked as at a seat

            ScriptedCommands(ex, config.script.commands, self._at)
        # People's answers recorded after the branch (including those at its very instant), held
        # as they were given; an expired one is held as left to expire.
        self._held: dict[str, RecordedAnswer] = {}
        # People's answers recorded before the branch, not yet put back. Branched from a lapse, the
        # other option is taken when the decision was shown, so answers the person gave between
        # that instant and the lapse come after the branch in sim time: they are held like later ones.
        self._pending: dict[str, RecordedAnswer] = {}
        self._held_inboxes: dict[str, Any] = {}
        for r in config.replay:
            after = self._branch_record is not None and r.n > self._branch_record.n
            if r.by in ("control", "command"):  # a trainer's action on the MSEL, a person's command
                payload = json.loads(r.option)
                if after:
                    if r.by == "command" and r.seat not in self._held_inboxes:
                        from ..play.scripted import _Inbox  # what the seat could reply to or open, as live

                        inbox = self._held_inboxes[r.seat] = _Inbox(ex, r.seat.partition(":")[2] or "GS")
                        ex.journal.listeners.append(inbox)
                    self._at(r.sim_time, partial(self._held_command, r, payload))
                    continue
                action = partial(self._replay_control, payload) if r.by == "control" else \
                    partial(self._replay_act, r.seat, payload)
                if payload.get("before_start"):  # given before the clock first moved: applied there
                    self._before_start.append(action)
                else:
                    self._at(r.sim_time, action)
                continue
            if r.by == "expired":  # the person let it lapse: the replay lets it lapse again by itself
                if after:
                    self._held[r.decision] = r
                continue
            if r.by not in ("seat", "trainer"):
                continue  # policies are deterministic: the replay reproduces them by itself
            if after:
                self._held[r.decision] = r
                self._at(r.sim_time, partial(self._held_answer, r))
                continue
            option = config.branch[1] if config.branch and r.decision == config.branch[0] else r.option
            if config.branch and r.decision != config.branch[0]:
                self._pending[r.decision] = r
            self._at(r.sim_time, partial(self._replay_answer, r, option))

    def _at(self, t: float, action: Callable[[], object]) -> None:
        ev = Event(self.env)
        ev._ok, ev._value = True, None

        def due(_e: Event) -> None:
            action()

        ev.callbacks.append(due)
        self.env.schedule(ev, AFTER_ALL, max(0.0, t - self.env.now))

    def before_start(self) -> None:
        """Put back the trainer's controls given before the clock first moved (the exercise calls
        this once it is built), in the order given, before anything due at the start."""
        for action in self._before_start:
            action()
        self._before_start.clear()

    def _replay_control(self, payload: dict[str, Any]) -> None:
        with self.journal.cause("trainer"):
            self.control(payload)  # looked up now: the exercise builds its injects after its seats

    def _replay_act(self, seat: str, payload: dict[str, Any]) -> None:
        self.apply_act(seat, payload)

    def _replay_answer(self, r: RecordedAnswer, option: str) -> None:
        if self._pending.pop(r.decision, None) is not None and self._switched:
            self._held_answer(r)  # after the branch in sim time: given again only where it still applies
            return
        by = "seat" if r.by == "expired" else r.by  # a lapsed decision branched from: answered in time
        self.port().answer(r.decision, option, by=by)
        if self._branch_record is not None and r.decision == self._branch_record.decision:
            self._switch()

    def _held_answer(self, r: RecordedAnswer) -> None:
        """A person's answer after the branch, given again where it still applies; else the book's."""
        port = self.port()
        d = port.decisions.get(r.decision)
        if d is None or d.state != "open" or not self._holds(r, d):
            return  # not raised in this world, closed, or another question under that id: the book's
        if any(o.key == r.option for o in d.options):
            port.answer(r.decision, r.option, by=r.by)
            return
        key, delay = self._policy(d.seat).respond(d)
        port.answer_later(d, key, delay, by="policy:by_the_book")

    @staticmethod
    def _holds(r: RecordedAnswer, d: Decision) -> bool:
        """Whether a person's answer recorded after the branch still belongs to decision ``d`` of the
        new world. Ids are a counter: once the branch changes the course, the same id can name
        another question, or the question can come after the recorded answer's time. Only the same
        seat, raised no later than the answer, offering the recorded option, is the same question."""
        return (r.seat == d.seat and d.raised_at <= r.sim_time
                and any(o.key == r.option for o in d.options))

    def _held_command(self, r: RecordedAnswer, payload: dict[str, Any]) -> None:
        """A person's command (or the trainer's control) after the branch, checked by the seat's
        rules in the new world: one that no longer applies is journalled as refused, not an error."""
        from ..play.commands import command_from_json

        journal = self.journal
        if r.by == "control":
            try:
                with journal.cause("trainer"):
                    self.control(payload)
            except ValueError as e:
                journal.emit(self.env.now, "command.refused", "trainer", seat="trainer",
                             command=str(payload.get("action", "control")), reason=str(e), by="trainer")
            return
        command = command_from_json(payload)
        reason = self.refusal(self._held_inboxes.get(r.seat), r.seat, command)
        if reason is None:
            try:
                self.apply_act(r.seat, payload)
                return
            except ValueError as e:
                reason = str(e)
        journal.emit(self.env.now, "command.refused", r.seat, seat=r.seat, command=command.kind, reason=reason,
                     by="person")

    def _switch(self) -> None:
        """After the branch, automate the people's seats for what they left open and never answered."""
        self._switched = True
        port = self.port()
        for d in list(port.open):
            held = self._awaited(d.id)
            if d.seat in self.config.people and (held is None or not self._holds(held, d)):
                key, delay = self._policy(d.seat).respond(d)
                port.answer_later(d, key, delay, by="policy:by_the_book")

    def _awaited(self, decision: str) -> RecordedAnswer | None:
        """A person's answer still to come at its time: recorded after the branch, or before it
        but not yet put back once the branch has come (``_pending``)."""
        return self._held.get(decision) or (self._pending.get(decision) if self._switched else None)

    def _policy(self, seat: str) -> Policy | Scripted:
        if seat not in self._policies:
            role = seat.split(":")[0]
            pol = self.scenario_policies
            role_policy: str = getattr(pol, role, "by_the_book")
            name = self.config.policy or pol.seats.get(seat) or role_policy
            if self.config.people and seat in self.config.people:
                name = "by_the_book"
            self._policies[seat] = self.make_policy(seat, name)
        return self._policies[seat]

    def responder_for(self, seat: str) -> Responder:
        if seat in self.config.people and not self._switched:
            return _BranchAware(self, Person()) if self._branch_record else Person()
        return _BranchAware(self, self._policy(seat)) if self._branch_record else self._policy(seat)

    def respond_in_branch(self, d: Decision, inner: Responder) -> tuple[str, float] | None:
        """How a branched run answers ``d``: the branch's option for the branch decision, a held
        answer at its time, the book for another question under a held id; else ``inner``."""
        b, branch = self._branch_record, self.config.branch
        if b is not None and branch is not None and d.id == b.decision and b.by == "expired":
            if branch[1] == b.option:  # the lapse itself: it lapses again, as in the session
                self._at(b.sim_time, self._switch)
                return None
            # Branching from a decision the person let lapse: the other option is taken as soon as
            # it is shown, once the instant is complete, as a person answering at once would.
            self._at(d.raised_at, partial(self._replay_answer, b, branch[1]))
            return None
        held = self._awaited(d.id)
        if held is not None and self._holds(held, d):
            return None  # the person's own answer (or lapse) is held and comes at its time
        if held is not None and self._switched:
            return self._policy(d.seat).respond(d)  # another question now: the book answers it
        if b is not None and branch is not None and d.id == b.decision and b.by not in ("seat", "trainer", "expired"):
            self.env.timeout(max(0.0, b.sim_time - d.raised_at)).callbacks.append(lambda _e: self._switch())
            return branch[1], b.sim_time - d.raised_at
        return inner.respond(d)


def _refusal(ex: Exercise, inbox: Any, seat: str, command: Any) -> str | None:
    """Why the seat's rules refuse a person's held command in the new world (the play layer's
    rules, which read the whole exercise); None if they allow it."""
    from ..play.commands import ValidateExpectation
    from ..play.seat_rules import refusal, validation_refusal

    if isinstance(command, ValidateExpectation):  # the evaluator's verdict: the trainer's rules, not a seat's
        return validation_refusal(ex, command)
    return refusal(ex, inbox, seat, command)


class _BranchAware:
    """Gives the branch's option to the branch decision when a policy (not a person) made it."""

    def __init__(self, seats: Seats, inner: Responder) -> None:
        self.seats, self.inner, self.name = seats, inner, inner.name

    def respond(self, d: Decision) -> tuple[str, float] | None:
        return self.seats.respond_in_branch(d, self.inner)
