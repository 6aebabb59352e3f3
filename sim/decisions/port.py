"""Decision requests and the port that routes them to whoever answers for a seat.

The model raises a request (who decides, what, the options, a deadline in sim time and the
option that applies if the deadline passes) and says what each option does. The port hands it
to the seat's responder: a policy answers after a delay it chooses; a person (a seat played in
the TUI) answers through ``Exercise.answer`` whenever they do. The model does not know which.
Every request, answer and expiry is a journal event, so replaying the recorded answers rebuilds
the run exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..engine.exercise import Exercise


class DecisionError(ValueError):
    """An answer that cannot be taken: unknown or closed decision, or an option it does not offer."""


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    label: str
    recommended: bool = False  # what the rules and good practice call for


@dataclass(slots=True)
class Decision:
    id: str
    seat: str
    kind: str
    prompt: str
    options: tuple[Option, ...]
    default: str
    raised_at: float
    deadline: float
    context: dict[str, Any]
    apply: Callable[[str], object] = field(repr=False)  # what the chosen option does; its result is ignored
    state: str = "open"  # open, made, expired
    answer: str | None = None

    def option(self, key: str) -> Option:
        for o in self.options:
            if o.key == key:
                return o
        raise DecisionError(f"decision {self.id} has no option '{key}'; "
                            f"options: {', '.join(o.key for o in self.options)}")

    @property
    def recommended(self) -> str:
        return next((o.key for o in self.options if o.recommended), self.default)


class Responder(Protocol):
    """Whoever answers a seat's decisions. ``None`` from ``respond`` means a person will answer."""

    name: str

    def respond(self, decision: Decision) -> tuple[str, float] | None: ...


class DecisionPort:
    def __init__(self, ex: Exercise, responder_for: Callable[[str], Responder]) -> None:
        # What the port uses, taken once: the clock, the journal, the calendar its deadlines are
        # written in, and the exercise's ``after`` (a policy's answer carries the cause in force).
        self.env, self.journal, self.clock, self.after = ex.env, ex.journal, ex.clock, ex.after
        self.responder_for = responder_for
        self.decisions: dict[str, Decision] = {}
        self.listeners: list[Callable[[Decision], None]] = []  # told of each new decision (UIs)
        self.recorder: Callable[[Decision, str, str], None] | None = None  # commits before the answer acts
        self._ids = count(1)

    @property
    def open(self) -> list[Decision]:
        return [d for d in self.decisions.values() if d.state == "open"]

    def raise_(self, seat: str, kind: str, prompt: str, options: list[Option], default: str, within: float,
               apply: Callable[[str], object], **context: Any) -> Decision:
        journal, now = self.journal, self.env.now
        d = Decision(f"Q{next(self._ids)}", seat, kind, prompt, tuple(options), default, now, now + within,
                     context, apply)
        d.option(default)  # the default must be one of the options
        self.decisions[d.id] = d
        journal.emit(now, "decision.requested", seat, decision=d.id, seat=seat, type=kind, prompt=prompt,
                     options=[o.key for o in options], recommended=d.recommended, default=default,
                     deadline=self.clock.iso(d.deadline), **context)
        self.env.timeout(within).callbacks.append(lambda _e: self._expire(d))
        responder = self.responder_for(seat)
        answer = responder.respond(d)
        if answer is not None:
            key, delay = answer
            if delay < within:
                self.answer_later(d, key, delay, by=responder.name)
        for listener in self.listeners:
            listener(d)
        return d

    def answer_later(self, d: Decision, key: str, delay: float, by: str) -> None:
        """Answer after ``delay`` minutes, unless the decision has been answered or has expired by then."""
        self.after(max(0.0, delay), lambda: self.answer(d.id, key, by=by) if d.state == "open" else None)

    def answer(self, decision_id: str, key: str, by: str = "seat") -> Decision:
        """``by`` as the session records it: ``seat`` (the person), ``trainer`` (for the seat),
        ``policy:NAME``; the journal says person, trainer or policy (and which)."""
        d = self.decisions.get(decision_id)
        if d is None:
            raise DecisionError(f"there is no decision {decision_id}")
        if d.state != "open":
            raise DecisionError(f"decision {decision_id} is already {d.state}")
        d.option(key)
        if self.recorder is not None:
            self.recorder(d, key, by)  # durable before it has any effect
        d.state, d.answer = "made", key
        who, fields = journal_by(by)
        journal = self.journal
        with journal.cause(who):
            journal.emit(self.env.now, "decision.made", d.seat, decision=d.id, seat=d.seat, type=d.kind,
                         option=key, **fields, **_about(d))
            d.apply(key)
        return d

    def settle(self, decision_id: str, key: str, by: str | None = None) -> None:
        """Close an open decision as answered by what a person just did on their own (filing the
        form themselves answers the prompt to file it): journalled, not applied, not recorded —
        the person's command is the record, and replaying it settles the prompt again."""
        d = self.decisions.get(decision_id)
        if d is None or d.state != "open":
            return
        d.state, d.answer = "made", key
        who = by or "person"  # the cause of what settles it: a person's command, or a scripted policy's
        with self.journal.cause(who):
            self.journal.emit(self.env.now, "decision.made", d.seat, decision=d.id, seat=d.seat, type=d.kind,
                              option=key, by=who, **_about(d))

    def _expire(self, d: Decision) -> None:
        if d.state != "open":
            return
        d.state, d.answer = "expired", d.default
        journal = self.journal
        with journal.cause("default"):
            journal.emit(self.env.now, "decision.expired", d.seat, decision=d.id, seat=d.seat, type=d.kind,
                         applied=d.default)
            d.apply(d.default)


def journal_by(by: str) -> tuple[str, dict[str, str]]:
    """The session's ``by`` (seat, trainer, policy:NAME) as the journal writes it."""
    if by.startswith("policy:"):
        return "policy", {"by": "policy", "policy": by[7:]}
    who = "person" if by == "seat" else by
    return who, {"by": who}


def _about(d: Decision) -> dict[str, str]:
    """The request a decision is about, on its decision.made: so an objective can grade the
    person's answer on one request (filing N1) — the filing the automation then carries out on
    that answer is the automation's act, not the person's."""
    request = d.context.get("request")
    return {"request": request} if isinstance(request, str) and request else {}
