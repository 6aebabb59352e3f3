"""Joint operations, IRT deployments and IMEST support.

An operation has a planning phase in which every participant asks the others for intelligence
(through the desks, so closed desks and silence cost it), then action days with a surge of
database checks; each participant's arrests depend on the share of its questions that were
answered before the first action day. Checks and arrests are aggregated per country and day: an
operation's thousands of checks are not simulated one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ..decisions.port import Option
from ..durations import minutes
from ..scenario.chance import settled_minutes
from ..scenario.parameters import distribution
from .exchange import Ask, Exchange
from .triage import HitReports

if TYPE_CHECKING:
    from ..engine.desks import NcbDesk
    from ..engine.exercise import Exercise
    from ..scenario.cases import Incident, MajorEvent, OperationSpec

DAY = 1440.0


class Operations:
    def __init__(self, ex: Exercise, exchange: Exchange) -> None:
        # What the operations use, taken once: the clock, the journal, I-24/7, the decision port,
        # the CCC's site, and the host's border tools an IMEST changes while deployed; the streams,
        # because an operation's hit reports open their own only when its action starts.
        self.env, self.journal, self.send, self.port, self.after = ex.env, ex.journal, ex.send, ex.port, ex.after
        self.played = frozenset(ex.played)  # the seats people (or their stand-ins) play
        self.ccc_site_now = ex.ccc_site_now
        self.imest_borders, self.imest_prescreen = ex.imest_borders, ex.imest_prescreen
        self.stream = ex.streams.stream
        self.exchange = exchange
        self.rng = ex.streams.stream("operations")
        self.results: dict[str, dict] = {}
        for op in ex.scenario.operations:
            ex.env.process(self._run(op))
        deploy = distribution(ex.scenario.parameters, "irt.deployment_time").sampler(ex.streams.stream("irt"))
        for inc in ex.scenario.incidents:
            ex.after(settled_minutes(inc.at), partial(self._incident, inc, deploy))
        for ev in ex.scenario.major_events:
            ex.env.process(self._imest(ev))
        # Desks past capacity during the surge: watched where the scenario asks for it.
        for code, limit in ex.scenario.backlog_alerts.items():
            ex.desks[code].watch_backlog(limit, self._backlog)

    def _backlog(self, desk: NcbDesk, queued: int, behind: bool) -> None:
        self.journal.emit(self.env.now, "desk.backlog" if behind else "desk.caught_up", desk.code,
                          country=desk.code, queued=queued, limit=desk.alert_at)

    def _run(self, op: OperationSpec):
        env = self.env
        yield env.timeout(settled_minutes(op.planning_starts))
        parts = list(op.participants)
        asked = dict.fromkeys(parts, 0)
        answered = dict.fromkeys(parts, 0)
        action_at = settled_minutes(op.action_starts)
        self.journal.emit(env.now, "operation.planned", op.coordinator, operation=op.id, name=op.name,
                          type=op.kind, participants=parts)

        def on_answer(ask: Ask) -> None:
            if env.now < action_at:  # intelligence that arrives after the action is too late
                answered[ask.sender] += 1

        for c in parts:
            others = [p for p in parts if p != c]
            for _ in range(op.intelligence_requests):
                partner = others[int(self.rng.integers(len(others)))]
                asked[c] += 1
                self.exchange.ask(Ask(op.id, c, partner, "high", None, None, 0.85, 2 * DAY, 1, on_answer))
        yield env.timeout(max(0.0, action_at - env.now))
        intel = {c: (answered[c] / asked[c] if asked[c] else 0.0) for c in parts}
        self.journal.emit(env.now, "operation.started", op.coordinator, operation=op.id, name=op.name,
                          participants=parts, intelligence=round(sum(intel.values()) / len(parts), 3))
        checks = hits = 0
        reports = None
        if op.hit_reports is not None:
            reports = HitReports(op, self.stream(f"operation_hits:{op.id}"), env=env, journal=self.journal,
                                 send=self.send, port=self.port, after=self.after, played=self.played)
        for day in range(op.action_days):
            for c in parts:
                n = int(self.rng.poisson(op.checks_per_day_per_country))
                h = int(self.rng.binomial(n, op.hit_rate)) if n else 0
                checks, hits = checks + n, hits + h
                self.journal.emit(env.now, "operation.checks", c, operation=op.id, country=c, day=day + 1,
                                  checks=n, hits=h)
                if reports is not None:
                    reports.action_day(c, h)
            yield env.timeout(DAY)
        arrests = 0
        for c in parts:
            p = op.arrest_base + op.arrest_gain * intel[c]
            a = int(self.rng.binomial(op.targets_per_country, p)) if op.targets_per_country else 0
            arrests += a
            self.journal.emit(env.now, "operation.arrests", c, operation=op.id, country=c, arrests=a,
                              intelligence=round(intel[c], 3))
        self.results[op.id] = {"arrests": arrests, "checks": checks, "hits": hits,
                               "intelligence": round(sum(intel.values()) / len(parts), 3)}
        triaged = reports.totals() if reports is not None else {}
        self.results[op.id].update(triaged)
        self.journal.emit(env.now, "operation.ended", op.coordinator, operation=op.id, name=op.name,
                          participants=parts, arrests=arrests, checks=checks, hits=hits, **triaged)

    def _incident(self, inc: Incident, deploy: Callable[[], float]) -> None:
        deploy_minutes = deploy()  # drawn for every incident, IRT or not, so the stream stays aligned
        self.journal.emit(self.env.now, "incident.reported", inc.country, incident=inc.id, country=inc.country,
                          type=inc.kind)
        if not inc.irt:
            return
        if inc.irt_requested_by == "ncb":
            # The affected country's NCB officer decides whether to call INTERPOL in; a lapsed
            # prompt means the country copes with its own resources.
            self.port.raise_(f"ncb:{inc.country}", "request_irt",
                             f"{inc.kind.replace('_', ' ').capitalize()} in {inc.country} ({inc.id}): ask INTERPOL for an "
                             "Incident Response Team?",
                             [Option("request", "Ask for an IRT", recommended=True),
                              Option("national", "Rely on national resources")],
                             "national", minutes(inc.irt_ask_within),
                             lambda key: self._ask_ccc(inc, deploy_minutes) if key == "request" else None,
                             incident=inc.id, country=inc.country)
            return
        self._ask_ccc(inc, deploy_minutes)

    def _ask_ccc(self, inc: Incident, deploy_minutes: float) -> None:
        if "ccc" in self.played:
            self.port.raise_("ccc", "deploy_irt", f"{inc.country} asks for an Incident Response Team ({inc.kind}). Deploy?",
                             [Option("deploy", "Deploy an IRT", recommended=True), Option("decline", "Decline")],
                             "decline", 6 * 60.0, lambda key: self._deploy(inc, deploy_minutes) if key == "deploy" else None,
                             incident=inc.id, country=inc.country)
        else:
            self._deploy(inc, deploy_minutes)

    def _deploy(self, inc: Incident, deploy_minutes: float) -> None:
        site = self.ccc_site_now()
        self.journal.emit(self.env.now, "irt.requested", inc.country, incident=inc.id, country=inc.country, ccc=site)
        self.after(deploy_minutes, lambda: self.journal.emit(
            self.env.now, "irt.deployed", site, incident=inc.id, country=inc.country,
            hours_to_deploy=round(deploy_minutes / 60, 1)))

    def _imest(self, ev: MajorEvent):
        env = self.env
        if not ev.imest:
            return
        starts, lasts = settled_minutes(ev.starts), settled_minutes(ev.lasts)
        ends = starts + lasts
        if ev.imest_requested_by == "ncb":
            # The host NCB's officer decides whether to ask; the team deploys on the event's first
            # day, or on the day it is asked for if that is later, and never once the event is over.
            requested = env.event()

            def ask(key: str) -> None:
                if key == "request":
                    self.journal.emit(env.now, "imest.requested", ev.country, event=ev.id, name=ev.name,
                                      country=ev.country)
                    requested.succeed()

            self.port.raise_(f"ncb:{ev.country}", "request_imest",
                             f"{ev.name} in {ev.country} ({ev.id}): ask INTERPOL for a Major Event Support Team?",
                             [Option("request", "Ask for an IMEST", recommended=True),
                              Option("national", "Secure the event with national resources")],
                             "national", minutes(ev.imest_ask_within), ask, event=ev.id, country=ev.country)
            yield requested
        yield env.timeout(max(0.0, starts - env.now))
        if env.now >= ends:
            return
        self.journal.emit(env.now, "imest.deployed", "GS", event=ev.id, name=ev.name, country=ev.country)
        # While deployed, the team's tools change how the host checks travellers.
        if ev.border_system is not None:
            self.imest_borders[ev.country] = ev.border_system
        if ev.prescreen:
            self.imest_prescreen.add(ev.country)
        yield env.timeout(lasts if env.now == starts else ends - env.now)
        self.imest_borders.pop(ev.country, None)
        self.imest_prescreen.discard(ev.country)
        self.journal.emit(env.now, "imest.ended", "GS", event=ev.id, name=ev.name, country=ev.country)
