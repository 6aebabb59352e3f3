"""The Exercise: a scenario brought to life in a SimPy environment.

Public API (re-exported to front ends by sim.api): build with a Scenario,
``run()``, read ``journal`` and ``summary()``. Everything random comes from ``streams``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import IO, Any

import simpy

from .. import __version__
from ..decisions.port import DecisionPort
from ..decisions.seats import SeatConfig, Seats
from ..durations import minutes
from ..notices.arrests import Arrests
from ..notices.background import BackgroundRequests
from ..notices.filing import Filing
from ..notices.registry import MindCopies, Registry
from ..notices.review import NdtfReview
from ..notices.stats import arrest_totals, notice_totals
from ..people.exchange import Exchange, schedule_cases
from ..people.funds import StopPayments
from ..people.operations import Operations
from ..people.subjects import Movements
from ..rng import RandomStreams
from ..scenario.chance import draw_all
from ..scenario.model import Scenario
from ..scenario.parameters import distribution
from ..world import World, all_members
from ..world.legal import legal_facts
from .acts import SeatActs
from .clock import SimClock
from .injects import Injects
from .journal import Journal
from .longrun import tuned_gc
from .messages import Message
from .motion import InMotion
from .objectives import ObjectiveTracker
from .traffic import BackgroundTraffic
from .transport import Transport


class Exercise:
    def __init__(self, scenario: Scenario, *, seed: int | None = None, journal_sink: IO[str] | None = None,
                 keep_events: bool = True, base_key: tuple[int, ...] = (), seats: SeatConfig | None = None) -> None:
        self.seed = scenario.seed if seed is None else seed
        self.env = simpy.Environment()
        self.clock = SimClock(scenario.start)
        self.duration = minutes(scenario.duration)
        self.streams = RandomStreams(self.seed, base_key)
        self.journal = Journal(self.clock, journal_sink, keep=keep_events)
        # The scenario's drawn fields (weighted alternatives, timings given as distributions) are
        # drawn once, now, and the exercise runs on the settled copy: the engine reads plain values.
        self.scenario, self.drawn = draw_all(scenario, self.streams)
        scenario = self.scenario
        if self.drawn:
            self.env.process(self._tell_draws())
        w = scenario.world
        self.world = World.build(
            members=w.codes(list(all_members())),
            i247_down=w.i247_down,
            travel_routes=[(r.between[0], r.between[1], r.hours) for r in w.travel.routes],
            travel_closed=w.travel.closed,
        )
        self.routes = self.world.routes()

        params = scenario.parameters
        handling_rng = self.streams.stream("handling")
        extra = distribution(params, "i247.extra_delay")
        self.transport = Transport(
            self.env, self.clock, self.journal, self.world.members, scenario.desks, self.routes, scenario.ccc,
            routine=distribution(params, "desk.handling_time").sampler(handling_rng),
            urgent=distribution(params, "desk.urgent_handling_time").sampler(handling_rng),
            translate=distribution(params, "desk.translation_time").sampler(self.streams.stream("translation")),
            escalation=distribution(params, "ccc.escalation_time").sampler(self.streams.stream("ccc")),
            national_call=distribution(params, "desk.on_call_time").sampler(self.streams.stream("on_call")),
            extra_delay=None if extra.mean() == 0 else extra.sampler(self.streams.stream("i247")))
        self.desks = self.transport.desks
        self.send = self.transport.send

        t = scenario.traffic
        self.traffic = BackgroundTraffic(self, t.messages_per_ncb_per_day, t.forward_share, t.urgent_share)

        # Decisions: raised by the model, answered by people or policies.
        self.seat_config = seats or SeatConfig()
        self.seats = Seats(self, self.seat_config)
        # The played seats a policy answers for in this run (all of them headless): what that
        # policy does there counts as the player's (objectives with ``done_by: player``).
        self.stand_ins = frozenset({p.seat for p in scenario.players} - self.seat_config.people)
        self.port = DecisionPort(self, self.seats.responder_for)
        self.played = {p.seat for p in scenario.players}

        # Law, borders and the notice system.
        self.legal = legal_facts()
        self.nationals_override = dict(w.extradites_nationals)
        self.treaty_override = {frozenset(e.between): e.basis for e in w.extradition}
        self._border = dict(w.border_systems)
        self.imest_borders: dict[str, str] = {}  # host -> the system an IMEST brings while deployed (package C)
        self.imest_prescreen: set[str] = set()  # hosts whose IMEST screens arriving flights (API) (package C)
        mind_rng = self.streams.stream("mind")
        refresh = distribution(params, "mind.refresh_interval").sampler(mind_rng)
        phases = {}
        for code in self.world.members:  # sorted, so the draws do not depend on dict history
            # Drawn for every country, set or not, so a scenario's phases leave the others' alone.
            interval = refresh()
            share = float(mind_rng.random())
            set_ = w.mind.get(code)
            if set_ is not None and set_.interval is not None:
                interval = minutes(set_.interval)
            offset = share * interval if set_ is None or set_.first_refresh is None else minutes(set_.first_refresh)
            phases[code] = (offset, interval)
        self.mind = MindCopies(phases)
        # Refreshes matter where someone may meet a border post that checks a copy: journalled
        # for those countries only (a world year without subjects writes none).
        copies = [c for c in self.world.members if self.border_system(c) == "mind"]
        self.mind.journal_refreshes(self.env, self.journal,
                                    copies if scenario.subjects else [c for c in copies if c in w.mind])
        self.registry = Registry(self.journal)
        self.refugee_from: dict[str, set[str]] = {}
        self.review = NdtfReview(self)
        self.arrests = Arrests(self)
        self.movements = Movements(self)
        self.background = BackgroundRequests(self)
        self.exchange = Exchange(self)
        schedule_cases(self, self.exchange)
        self.operations = Operations(self, self.exchange)
        self.filing = Filing(self)
        self.funds = StopPayments(self)  # package D
        self.acts = SeatActs(self)
        self.in_motion = InMotion(self)
        self.transport.connect(self.port, "ccc" in self.played, self._read)

        self.control_recorder: Callable[[dict[str, Any]], None] | None = None
        self.act_recorder: Callable[[str, dict[str, Any]], None] | None = None
        self.injects = Injects(self)
        self.objectives = ObjectiveTracker(self, scenario.objectives)
        self.finished = False
        self.started = False  # whether the clock has moved (run or advance) yet
        self.seats.before_start()  # a replay's controls given before the clock first moved

    def _tell_draws(self) -> Generator[simpy.Event, None, None]:
        """Journal what the scenario drew. A process started before any other runs first at the
        first instant, once the journal's listeners (objectives, reports, the seats' trackers)
        are attached: they all hear it, and it precedes everything else at t=0."""
        for d in self.drawn:
            self.journal.emit(0.0, "scenario.drawn", "control", **d.fields)
        yield from ()

    def after(self, delay: float, action: Callable[[], object]) -> None:
        """Run ``action`` once ``delay`` sim minutes have passed; what it returns is of no interest.

        What it records carries the cause in force now — except that work the automation carries
        out later on a person's choice (drafting the scenario's form after "file it", researching
        a reply after "have it answered") is the automation's: ``by: policy``. Only what the
        person did themselves is ``by: person``, so objectives can tell the two apart."""
        journal, by = self.journal, self.journal.by
        if by == "person":
            by = "policy"

        def due(_e: simpy.Event) -> None:
            if by is None:
                action()
                return
            with journal.cause(by):
                action()

        self.env.timeout(delay).callbacks.append(due)

    def fork_at(self, t: float, replication: int) -> None:
        """At sim time ``t``, re-seed every random stream for replication ``replication`` (what-ifs)."""
        self.env.timeout(max(0.0, t - self.env.now)).callbacks.append(lambda _e: self.streams.fork(replication))

    def answer(self, decision_id: str, option: str, by: str = "seat") -> None:
        """A person at a seat (or the trainer for it) answers an open decision, now (raises
        DecisionError if it cannot)."""
        self.port.answer(decision_id, option, by=by)

    def ccc_site_now(self) -> str:
        return self.transport.ccc_site_now()

    def border_system(self, country: str) -> str:
        return self.imest_borders.get(country) or self._border.get(country) or self.legal[country].border_system

    # --- messages ---------------------------------------------------------------------------
    def _read(self, code: str, msg: Message) -> None:
        """What follows an NCB desk reading a message, beyond the message's own ``then``."""
        if msg.inject:
            self.filing.inject_read(msg.inject, code)
            self.funds.inject_read(msg.inject, code)
        self.traffic.after_handled(code, msg.kind)

    @property
    def sent(self) -> int:
        return self.transport.sent

    @property
    def in_transit(self) -> int:
        return self.transport.in_transit

    @property
    def undeliverable(self) -> int:
        return self.transport.undeliverable

    # --- injects and the controller ------------------------------------------------------------
    @property
    def injects_fired(self) -> list[str]:
        return self.injects.fired

    def control(self, payload: dict[str, Any]) -> None:
        """A trainer's action on the MSEL (fire, hold, release, ad-hoc); see engine/injects.py.

        Given before the clock has first moved, it acts before anything due at the start; it is
        recorded as such, so a replay applies it there too (not behind the start's events)."""
        self.injects.check(payload)  # refuse before recording: a session holds only actions that worked
        if not self.started:
            payload = {**payload, "before_start": True}
        if self.control_recorder is not None:
            self.control_recorder(payload)  # durable before it has any effect
        with self.journal.cause("trainer"):
            self.injects.control(payload)

    def act(self, seat: str, payload: dict[str, Any]) -> None:
        """A person's command at a seat (its JSON, checked by the play host), recorded, then
        applied now. Given before the clock has first moved, it applies before anything due at
        the start, and a replay applies it there too."""
        if not self.started:
            payload = {**payload, "before_start": True}
        if self.act_recorder is not None:
            self.act_recorder(seat, payload)  # durable before it has any effect
        self.acts.apply(seat, payload)

    # --- running ----------------------------------------------------------------------------
    def run(self, until: float | None = None) -> None:
        """Advance to ``until`` sim minutes (default: the end of the exercise).

        Stopping before the end completes the instant it stops at: everything due at ``until``
        happens, so a person answering now acts after it (and a replay puts the answer there).
        """
        self.started = True
        end = self.duration if until is None else min(until, self.duration)
        if end > self.env.now:
            with tuned_gc():
                self.env.run(until=end)
        if end < self.duration:
            self._finish_instant()
        elif not self.finished:
            self.finished = True
            self.objectives.finish()

    def finish_instant(self) -> None:
        """Run what is still due at the current instant (after a person's command, so that what
        it set going happens now, as in a replay)."""
        self._finish_instant()

    def _finish_instant(self) -> None:
        env = self.env
        while env.peek() == env.now:
            env.step()

    def advance(self, until: float, budget_s: float, stop: Callable[[], bool] | None = None) -> bool:
        """Run towards ``until`` for at most about ``budget_s`` of wall time (the UI's clock tick),
        or until ``stop()`` says so (a decision now waits for the person at the screen).

        Returns True when ``until`` (or the end) was reached; either way the instant it stops at is
        complete, so answers given now replay identically.
        """
        from time import perf_counter

        self.started = True
        env, end = self.env, min(until, self.duration)
        deadline = perf_counter() + budget_s
        steps = 0
        while env.peek() < end:
            env.step()
            steps += 1
            if (stop is not None and stop()) or (steps % 64 == 0 and perf_counter() > deadline):
                self._finish_instant()
                return False
        self.run(end)
        return True

    def next_event_time(self) -> float:
        """When the next thing is due (for "jump to the next event"); inf when nothing is."""
        return self.env.peek()

    @property
    def queued(self) -> int:
        return self.transport.queued

    @property
    def in_service(self) -> int:
        return self.transport.in_service

    @property
    def handled(self) -> int:
        """Messages read: at NCB desks, and on arrival at the General Secretariat or a bureau."""
        return self.transport.handled

    def summary(self) -> dict[str, Any]:
        j = self.journal
        return {
            "scenario": self.scenario.id,
            "title": self.scenario.title,
            "engine_version": __version__,
            "seed": self.seed,
            "start": self.clock.iso(0),
            "end": self.clock.iso(self.env.now),
            "complete": self.finished,
            "members": len(self.world.members),
            "events": len(j),
            "events_by_kind": dict(sorted(j.counts.items())),
            "messages": {"sent": self.sent, "handled": self.handled, "queued": self.queued,
                         "in_service": self.in_service, "in_transit": self.in_transit,
                         "undeliverable": self.undeliverable},
            "injects_fired": len(self.injects_fired),
            "objectives": [
                {"id": o.id, "title": o.title, "status": self.objectives.status[o.id],
                 "at": self.objectives.when.get(o.id)}
                | ({"reason": self.objectives.reason[o.id]} if o.id in self.objectives.reason else {})
                for o in self.scenario.objectives
            ],
            "busiest_desks": self._busiest(),
            "notices": notice_totals(self.registry),
            "arrests": arrest_totals(self.arrests),
        }

    def _busiest(self) -> list[dict[str, Any]]:
        if self.env.now <= 0:
            return []
        ranked = sorted(self.desks.values(), key=lambda d: (-d.busy_minutes, d.code))[:5]
        return [{"ncb": d.code, "handled": d.handled, "queued": d.queued,
                 "busy_share": round(d.busy_minutes / (self.env.now * max(1, d.plan.day)), 3)}
                for d in ranked if d.handled]
