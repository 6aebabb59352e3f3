"""Intelligence exchange between NCBs: requests for information, replies and reminders.

A request is read at the partner's desk (in its hours and languages); the partner answers after
researching it, or not at all. An unanswered request ages: after a while the sender chases it
with a reminder, one priority higher, which costs both desks time and may shake an answer loose.
Cases and operations both gather their intelligence this way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from ..decisions.port import Option
from ..rng import Draws
from ..scenario.chance import settled, settled_minutes
from ..scenario.parameters import distribution

if TYPE_CHECKING:
    from ..engine.exercise import Exercise

RAISE = {"routine": "high", "high": "urgent", "urgent": "urgent"}
REMINDER_RESPONSE = 0.5  # chance that a reminder makes a silent partner answer
SAYS = {"confirms": ": the person is known to us", "denies": ": the person is not known to us"}


@dataclass(slots=True)
class Ask:
    case: str
    sender: str
    partner: str
    priority: str
    language: str | None
    about: str | None
    reply_share: float
    chase_after: float
    max_reminders: int
    on_answer: Callable[[Ask], None] | None = None
    answer: str | None = None  # what the automation's reply says (confirms, denies), or silent: none comes
    prompt: str | None = None  # the open decision asking a played partner to answer
    msg: int = 0  # the request's message, which the answer replies to
    answered: bool = False
    answering: bool = False
    reminders: int = 0
    scripted: bool = False  # the reply is the automation's, which says what the scenario's answer is


class Exchange:
    def __init__(self, ex: Exercise) -> None:
        # What the exchange uses, taken once: the clock, the journal, I-24/7, the decision port, the
        # members' names and the scenario's subjects and cases; the seats' acts, which write a
        # researched reply, are built after it, so they are looked up late.
        self.env, self.journal, self.send, self.port, self.after = ex.env, ex.journal, ex.send, ex.port, ex.after
        self.played = frozenset(ex.played)  # the seats people (or their stand-ins) play
        self.members = ex.world.members
        self.subjects, self.cases = ex.scenario.subjects, ex.scenario.cases
        self.apply: Callable[[str, dict[str, Any], str | None], None] = (
            lambda seat, payload, by: ex.acts.apply(seat, payload, by=by))
        rng = ex.streams.stream("exchange")
        self.u = Draws(rng.random)
        self.research = distribution(ex.scenario.parameters, "case.research_time").sampler(rng)
        self.asks: list[Ask] = []
        self._by_msg: dict[int, Ask] = {}  # each request and reminder's message id -> its request

    def ask(self, ask: Ask) -> Ask:
        self.asks.append(ask)
        msg = self.send(ask.sender, ask.partner, kind="rfi", priority=ask.priority, language=ask.language,
                        case=ask.case, about=ask.about, then=lambda _m: self._partner_reads(ask, ask.reply_share),
                        extra={"text": f"Request for information {self._topic(ask)}."})
        self._by_msg[msg.id] = ask
        ask.msg = msg.id
        self._chase_later(ask)
        return ask

    def _topic(self, ask: Ask) -> str:
        """What a request is about, in words: the person's name and the case's title."""
        who = next((s.identity.name for s in self.subjects if s.id == ask.about), ask.about)
        case = next((c.title for c in self.cases if c.id == ask.case), None)
        return (f"about {who} " if who else "") + (f"for the case “{case}”" if case else f"(case {ask.case})")

    def ask_of(self, msg: int) -> Ask | None:
        """The request for information a message (the request or a reminder of it) carried."""
        return self._by_msg.get(msg)

    def answered_by_message(self, ask: Ask, priority: str, language: str | None, extra: dict) -> None:
        """A person at the partner's seat wrote the reply themselves: it is the answer once the
        requester has read it, and it settles the prompt to answer."""
        ask.answering = True
        if ask.prompt is not None:
            self.port.settle(ask.prompt, "reply")
        if ask.scripted and ask.answer in SAYS:  # the scenario's answer, not a person's words
            extra = {**extra, "answer": ask.answer}
        self.send(ask.partner, ask.sender, kind="rfi_reply", priority=priority, language=language, case=ask.case,
                  about=ask.about, extra=extra, then=lambda _m: self._answered(ask))

    def _partner_reads(self, ask: Ask, willingness: float) -> None:
        if ask.answered or ask.answering:
            return
        seat = f"ncb:{ask.partner}"
        if seat in self.played:
            open_prompt = self.port.decisions.get(ask.prompt) if ask.prompt else None
            if open_prompt is not None and open_prompt.state == "open":
                return  # a reminder of a request the seat is already asked to answer
            # A played NCB decides for itself whether and when to answer.
            sender = self.members[ask.sender].name if ask.sender in self.members else ask.sender
            ask.prompt = self.port.raise_(seat, "answer_rfi", f"NCB {sender} asks for information {self._topic(ask)}. "
                                          f"Reply to its message yourself, or have it researched and answered?",
                                          [Option("reply", "Have it researched and answered", recommended=True),
                                           Option("ignore", "Do not answer")],
                                          "ignore", ask.chase_after,
                                          lambda key: self._research(ask) if key == "reply" else None,
                                          case=ask.case, **({"subject": ask.about} if ask.about else {})).id
            return
        if self.u() >= willingness or ask.answer == "silent":  # drawn first all the same: a silent
            return  # partner leaves the other requests' draws as they were
        self._research(ask)

    def _research(self, ask: Ask) -> None:
        if ask.answered or ask.answering:
            return
        ask.answering = True
        self.after(self.research(), lambda: self._reply(ask))

    def _reply(self, ask: Ask) -> None:
        """The researched answer, written as a reply to the request — the command a person at the
        partner's seat gives (by whoever is the cause: the automation, or a policy)."""
        ask.answering = False  # the reply below is the answer the request waits for
        ask.scripted = True
        self.apply(f"ncb:{ask.partner}", {
            "kind": "send_message", "to": [ask.sender], "priority": ask.priority, "reply_to": ask.msg,
            "case": ask.case, "text": f"Our answer to your request for information {self._topic(ask)}"
                                      f"{SAYS.get(ask.answer or '', '')}."},
            self.journal.by)

    def _answered(self, ask: Ask) -> None:
        ask.answered = True
        if ask.on_answer is not None:
            ask.on_answer(ask)

    def _chase_later(self, ask: Ask) -> None:
        def chase(_e) -> None:
            if ask.answered or ask.answering or ask.reminders >= ask.max_reminders:
                return
            ask.reminders += 1
            ask.priority = RAISE[ask.priority]
            msg = self.send(ask.sender, ask.partner, kind="reminder", priority=ask.priority,
                            language=ask.language, case=ask.case, about=ask.about,
                            then=lambda _m: self._partner_reads(ask, REMINDER_RESPONSE),
                            extra={"text": f"Reminder {ask.reminders}: our request for information "
                                           f"{self._topic(ask)} is still unanswered."})
            self._by_msg[msg.id] = ask
            self._chase_later(ask)

        self.env.timeout(ask.chase_after).callbacks.append(chase)


def schedule_cases(ex: Exercise, exchange: Exchange) -> None:
    for case in ex.scenario.cases:
        for rfi in case.requests_for_information:
            ask = Ask(case.id, case.lead, rfi.to, rfi.priority, rfi.language, rfi.about, case.reply_share,
                      settled_minutes(case.reminder_after), case.max_reminders, answer=settled(rfi.answer))
            ex.after(settled_minutes(rfi.at), partial(exchange.ask, ask))
