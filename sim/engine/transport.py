"""I-24/7 and national messages from sender to reader: routes, languages, the desks, the CCC.

``Transport`` owns the NCB desks and every message on its way: it picks the language a message
is written in, routes it over I-24/7 (or hands it over nationally), delivers it to the
recipient's desk, and — for an urgent I-24/7 message to a closed NCB — has the CCC duty officer
wake the NCB's on-call officer. It receives what it uses (the clock, the journal, the routes,
the decision port), not the whole exercise.

Languages. A sender writes in the first of its working languages that the recipient reads; only
when they share none does it write in its own first language, and the recipient pays translation
time (``desk.translation_time``). The General Secretariat, the CCC, border posts and national
bodies write in the recipient's first language. A language given explicitly (a person's command,
an inject, a case's request for information) is always used as given.

The CCC sees I-24/7 only: an urgent national-channel or phone message (a border post, a national
authority) to a closed NCB is never escalated by the CCC; the sender calls the NCB's on-call
officer itself, through the national chain (``desk.on_call_time``). Anything else to a closed
desk waits for it to open. When the CCC wakes an on-call officer for a message in a
language the NCB does not read, the duty officer (who works in all four of INTERPOL's languages)
gives it in the NCB's first language on the call: the on-call officer pays no translation time,
and the call takes the usual ``ccc.escalation_time``. A person at the CCC seat chooses: wake the
NCB and translate, wake it with the message as written, or leave it for the morning; the
decision is open for ``ccc.decision_window`` (the scenario's ``ccc:`` section).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from itertools import count
from typing import TYPE_CHECKING, Any

import simpy

from ..decisions.port import Option
from ..world.members import LANGUAGES
from .desks import NcbDesk, ShiftPlan
from .messages import Message

if TYPE_CHECKING:
    from ..decisions.port import DecisionPort
    from ..scenario.cases import Ccc
    from ..scenario.model import Desks
    from ..world import Member
    from ..world.networks import I247Routes
    from .clock import SimClock
    from .journal import Journal

Sampler = Callable[[], float]


def ccc_site(utc_hour: int) -> str:
    """The CCC works follow-the-sun: Singapore, then Lyon, then Buenos Aires, eight hours each."""
    if 6 <= utc_hour < 14:
        return "CCC-LYS"
    if 14 <= utc_hour < 22:
        return "CCC-BUE"
    return "CCC-SIN"


def writing_language(writes: tuple[str, ...] | None, reads: tuple[str, ...] | None) -> str:
    """The language a sender that works in ``writes`` uses for a reader that works in ``reads``
    (None: an office or body that writes, or reads, every working language)."""
    if not writes:
        return reads[0] if reads else "en"
    if reads:
        for lang in writes:
            if lang in reads:
                return lang
    return writes[0]


class Transport:
    def __init__(self, env: simpy.Environment, clock: SimClock, journal: Journal, members: Mapping[str, Member],
                 desks: Desks, routes: I247Routes, ccc: Ccc, *, routine: Sampler, urgent: Sampler, translate: Sampler,
                 escalation: Sampler, national_call: Sampler, extra_delay: Sampler | None) -> None:
        self.env = env
        self.clock = clock
        self.journal = journal
        self.routes = routes
        self._route_cache = routes._cache
        self.ccc = ccc
        self._escalation = escalation
        self._national_call = national_call
        self._extra_delay = extra_delay
        self._languages = {code: m.languages for code, m in members.items()}
        self._written_in: dict[tuple[str, str], str] = {}

        def handling(msg: Message, desk: NcbDesk) -> float:
            t = urgent() if msg.priority == "urgent" else routine()
            if msg.language not in desk.languages:
                # Outside the NCB's working languages: someone must translate it first.
                msg.translated = True
                t += translate()
            return t

        self.desks: dict[str, NcbDesk] = {
            code: NcbDesk(env, code, ShiftPlan(clock, m.timezone, desks.for_country(code)),
                          handling, self._handled, m.languages)
            for code, m in members.items()
        }
        self._ids = count(1)
        self.sent = 0
        self.handled_by_offices = 0
        self.in_transit = 0
        self.undeliverable = 0
        # Connected once the rest of the exercise exists (see ``connect``).
        self.port: DecisionPort | None = None
        self.ccc_played = False
        self.on_read: Callable[[str, Message], None] = lambda _code, _msg: None

    def connect(self, port: DecisionPort, ccc_played: bool, on_read: Callable[[str, Message], None]) -> None:
        """The decision port (for a played CCC seat) and what happens after a desk reads a
        message (an inject's filing prompt, the background traffic's follow-ups)."""
        self.port, self.ccc_played, self.on_read = port, ccc_played, on_read

    def ccc_site_now(self) -> str:
        return ccc_site(self.clock.utc(self.env.now).hour)

    def language(self, src: str, dst: str) -> str:
        key = (src, dst)
        lang = self._written_in.get(key)
        if lang is None:
            lang = self._written_in[key] = writing_language(self._languages.get(src), self._languages.get(dst))
        return lang

    # --- sending ----------------------------------------------------------------------------
    def send(self, src: str, dst: str, *, kind: str, priority: str = "routine", channel: str = "i247",
             language: str | None = None, inject: str | None = None, case: str | None = None,
             about: str | None = None, then: Callable[[Message], object] | None = None,
             extra: dict[str, Any] | None = None) -> Message:
        """Send a message; ``then`` runs when the recipient has handled it (read it and acted).
        ``extra`` fields (a person's text, subject, reply reference) go into its journal event."""
        now = self.env.now
        pair = (src, dst)
        if language is None:
            language = self._written_in.get(pair) or self.language(src, dst)
        # Positionally, in the field order of Message: the hot path of every message.
        msg = Message(next(self._ids), src, dst, kind, priority, language, channel, now, "",
                      extra.get("text", "") if extra else "", inject, case, about, -1.0, then)
        self.sent += 1
        journal = self.journal
        if channel == "i247":
            path, latency = self._route_cache.get(pair) or self.routes.route(src, dst)
            if not path:
                journal.emit(now, "message.sent", src, **self._sent_fields(msg, extra))
                self.undeliverable += 1
                journal.emit(now, "message.undeliverable", src, msg=msg.id, to=dst, reason="no I-24/7 route")
                return msg
            if self._extra_delay is not None:
                latency += self._extra_delay()
        else:
            path, latency = (), 0.0
        if not journal.skip(now, "message.sent"):  # (one nobody reads is numbered and counted only)
            fields = self._sent_fields(msg, extra)
            if path:
                fields["via"] = list(path[1:-1])
                fields["latency_min"] = round(latency, 3)
            journal.record(now, "message.sent", src, fields)
        self.in_transit += 1
        self.env.timeout(latency).callbacks.append(partial(self._arrive, self.desks.get(dst), msg))
        return msg

    @staticmethod
    def _sent_fields(msg: Message, extra: dict[str, Any] | None) -> dict[str, Any]:
        fields: dict[str, Any] = {"msg": msg.id, "from": msg.sender, "to": msg.recipient, "type": msg.kind,
                                  "priority": msg.priority, "channel": msg.channel, "language": msg.language}
        if msg.inject:
            fields["inject"] = msg.inject
        if msg.case:
            fields["case"] = msg.case
        if msg.about:
            fields["about"] = msg.about
        if extra:
            fields.update(extra)
        return fields

    def _arrive(self, desk: NcbDesk | None, msg: Message, _event: object = None) -> None:
        self.in_transit -= 1
        if desk is not None:
            if msg.priority == "urgent" and desk.plan.staff(self.env.now) == 0:
                if msg.channel == "i247":
                    if self.ccc.escalate_urgent:
                        self._closed_desk(desk, msg)
                        return
                elif msg.channel in ("national", "phone"):
                    # Out of the CCC's sight: the border post or authority calls the on-call officer itself.
                    msg.on_call = True
                    self.env.process(desk.on_call(msg, self._national_call()))
                    return
            desk.deliver(msg)
            return
        # The General Secretariat and the bureaus are not desks the model queues for.
        self.handled_by_offices += 1
        self.journal.emit(self.env.now, "message.handled", msg.recipient, msg=msg.id, type=msg.kind,
                          priority=msg.priority, waited_min=0.0, handling_min=0.0)
        if msg.then is not None:
            msg.then(msg)

    def _closed_desk(self, desk: NcbDesk, msg: Message) -> None:
        """An urgent I-24/7 message for a closed NCB: the CCC duty officer decides (a person at
        the CCC seat, or the automation, which wakes the NCB and translates when needed)."""
        foreign = msg.language not in desk.languages
        if not self.ccc_played or self.port is None:
            self._escalate(desk, msg, translate=foreign)
            return
        into = LANGUAGES[desk.first_language]
        options = [Option("escalate", "Call the on-call officer now", recommended=not foreign),
                   Option("hold", "Leave it for the morning")]
        if foreign:
            options.insert(0, Option("escalate_translated", f"Call the on-call officer now and give it in {into}",
                                     recommended=True))
        self.port.raise_("ccc", "escalate_urgent",
                         f"An urgent message for NCB {desk.code} arrived while it is closed. "
                         f"Wake its on-call officer?" + (f" It is written in {LANGUAGES.get(msg.language, msg.language)}"
                                                         f", which NCB {desk.code} does not read." if foreign else ""),
                         options, "hold", self.ccc.decision_window.total_seconds() / 60.0,
                         lambda key: self._ccc_decided(desk, msg, key), msg=msg.id, country=desk.code)
        self.in_transit += 1  # still on its way to an officer while the CCC decides

    def _ccc_decided(self, desk: NcbDesk, msg: Message, key: str) -> None:
        self.in_transit -= 1
        if key in ("escalate", "escalate_translated"):
            self._escalate(desk, msg, translate=key == "escalate_translated")
        else:
            desk.deliver(msg)

    def _escalate(self, desk: NcbDesk, msg: Message, translate: bool = False) -> None:
        site = self.ccc_site_now()
        msg.via_ccc = site
        # What the duty officer has in front of them: enough to relay it, or translate it.
        seen: dict[str, Any] = {"from": msg.sender, "language": msg.language}
        if msg.inject:
            seen["inject"] = msg.inject
        if msg.text:
            seen["text"] = msg.text
        if translate:
            # Told on the call in a language the on-call officer reads: no translator needed.
            msg.language = desk.first_language
            seen["translated_to"] = msg.language
        self.journal.emit(self.env.now, "message.escalated", site, msg=msg.id, to=desk.code, type=msg.kind,
                          priority=msg.priority, ccc=site, **seen)
        self.env.process(desk.on_call(msg, self._escalation()))

    def _handled(self, desk: NcbDesk, msg: Message, waited: float, handling: float) -> None:
        if self.journal.skip(self.env.now, "message.handled"):
            if msg.then is not None:
                msg.then(msg)
            self.on_read(desk.code, msg)
            return
        fields: dict[str, Any] = {"msg": msg.id, "type": msg.kind, "priority": msg.priority,
                                  "waited_min": round(waited, 2), "handling_min": round(handling, 2)}
        if msg.translated:
            fields["translated"] = True
        if msg.via_ccc:
            fields["via_ccc"] = msg.via_ccc
        elif msg.on_call:
            fields["on_call"] = True
        if msg.inject:
            fields["inject"] = msg.inject
        if msg.case:
            fields["case"] = msg.case
        self.journal.record(self.env.now, "message.handled", desk.code, fields)
        if msg.then is not None:
            msg.then(msg)
        self.on_read(desk.code, msg)

    # --- counts -----------------------------------------------------------------------------
    @property
    def queued(self) -> int:
        return sum(d.queued for d in self.desks.values())

    @property
    def in_service(self) -> int:
        return sum(d.in_service for d in self.desks.values())

    @property
    def handled(self) -> int:
        """Messages read: at NCB desks, and on arrival at the General Secretariat or a bureau."""
        return sum(d.handled for d in self.desks.values()) + self.handled_by_offices
