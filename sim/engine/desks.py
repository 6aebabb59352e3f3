"""NCB desks: officers who work through a priority queue of messages in local working hours.

A desk is a priority queue worked by one process per officer (not one process per message):
officer *i* is on duty while the desk's current staffing exceeds *i*. The queue is a plain heap
rather than a SimPy store: an officer with work takes the next message without any event, and
only an idle officer waits on one, which halves the events per message on the hot path. Staffing follows
the NCB's local working hours, so a message that arrives at night waits for the morning.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from heapq import heappop, heappush
from itertools import count
from typing import cast

import simpy

from ..scenario.model import WEEKDAYS, DeskStaffing
from .clock import SimClock, zone
from .messages import Message

INF = float("inf")


class ShiftPlan:
    """Staffing over time for one desk, with the next change cached (tz maths is not free)."""

    __slots__ = ("_level", "_until", "clock", "close_min", "day", "days", "night", "open_min", "tz")

    def __init__(self, clock: SimClock, tz: str, staffing: DeskStaffing) -> None:
        self.clock = clock
        self.tz = zone(tz)
        self.day, self.night = staffing.staff, staffing.night_staff
        self.open_min, self.close_min = staffing.window()
        self.days = frozenset(WEEKDAYS.index(d) for d in staffing.days)
        self._level = 0
        self._until = -INF

    @property
    def constant(self) -> bool:
        return self.day == self.night or not self.days or (
            len(self.days) == 7 and self.open_min == 0 and self.close_min == 1440)

    def _level_at(self, local: datetime) -> int:
        m = local.hour * 60 + local.minute
        on = local.weekday() in self.days and self.open_min <= m < self.close_min
        return self.day if on else self.night

    def staff(self, t: float) -> int:
        if t < self._until:
            return self._level
        if self.constant:
            self._level, self._until = (self.day if self.days else self.night), INF
            return self._level
        local = self.clock.local(t, self.tz.key)
        self._level = self._level_at(local)
        self._until = t + self._minutes_to_change(local)
        return self._level

    def _minutes_to_change(self, local: datetime) -> float:
        # Walk the next eight days' opening and closing instants (DST-safe via zoneinfo).
        level = self._level_at(local)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        for d in range(8):
            base = midnight + timedelta(days=d)
            for m in (self.open_min, self.close_min):
                cand = (base + timedelta(minutes=m)).replace(tzinfo=self.tz)
                if cand > local and self._level_at(cand) != level:
                    return (cand - local).total_seconds() / 60.0
        return INF


class NcbDesk:
    """The I-24/7 desk of one NCB."""

    def __init__(self, env: simpy.Environment, code: str, plan: ShiftPlan,
                 handling: Callable[[Message, NcbDesk], float],
                 on_handled: Callable[[NcbDesk, Message, float, float], None],
                 languages: tuple[str, ...] = ()) -> None:
        self.env = env
        self.code = code
        self.plan = plan
        self.languages = frozenset(languages)
        self.first_language = languages[0] if languages else "en"  # what the CCC translates into
        self._heap: list[tuple[int, int, Message]] = []
        self._idle: list[tuple[int, simpy.Event]] = []  # (officer, wake-up) for officers waiting for work
        self.handling = handling
        self.on_handled = on_handled
        self.in_service = 0
        self.handled = 0
        self.busy_minutes = 0.0
        self._order = count()
        for i in range(max(plan.day, plan.night)):
            env.process(self._officer(i))

    def deliver(self, msg: Message) -> None:
        msg.delivered_at = self.env.now
        if self._idle:
            # Only an officer on duty now takes it; one whose shift ended while idle does not.
            on_duty = self.plan.staff(self.env.now)
            for k, (i, wake) in enumerate(self._idle):
                if i < on_duty:
                    del self._idle[k]
                    wake.succeed(msg)
                    return
        # (rank, arrival order) keeps the heap total-ordered without ever comparing messages.
        heappush(self._heap, (msg.rank, next(self._order), msg))

    @property
    def queued(self) -> int:
        return len(self._heap)

    def _wait_for_duty(self, i: int):
        env, plan = self.env, self.plan
        while plan.staff(env.now) <= i:
            yield env.timeout(plan._until - env.now if plan._until < INF else INF)

    def _officer(self, i: int):
        env, plan = self.env, self.plan
        while True:
            if plan.staff(env.now) <= i:
                if plan._until == INF:
                    return  # this officer never comes on duty
                yield env.timeout(plan._until - env.now)
                continue
            if self._heap:
                msg = heappop(self._heap)[2]
            else:
                waiting = self.env.event()
                self._idle.append((i, waiting))
                if plan._until < INF:
                    # Idle until work comes or the staffing changes, then look again: an officer
                    # whose shift ends must not sit on the queue, and one whose shift starts must
                    # pick up the night's backlog.
                    yield waiting | env.timeout(plan._until - env.now)
                    if not waiting.triggered:  # (a message handed over at this same instant counts)
                        self._idle.remove((i, waiting))
                        continue
                    msg = cast(Message, waiting.value)  # an idle officer is woken with the message itself
                else:
                    msg = yield waiting
            self.in_service += 1
            if plan.staff(env.now) <= i:
                # Took it just before the shift ended: it waits on the desk until morning.
                yield from self._wait_for_duty(i)
            started = env.now
            duration = self.handling(msg, self)
            yield env.timeout(duration)
            self._done(msg, started, duration)

    def _done(self, msg: Message, started: float, duration: float) -> None:
        self.in_service -= 1
        self.handled += 1
        self.busy_minutes += duration
        self.on_handled(self, msg, started - msg.delivered_at, duration)

    def on_call(self, msg: Message, delay: float):
        """Closed desk, urgent message: the CCC reaches the NCB's on-call officer, who handles it
        after ``delay`` without waiting for the morning (follow-the-sun escalation)."""
        msg.delivered_at = self.env.now
        self.in_service += 1
        yield self.env.timeout(delay)
        started = self.env.now
        duration = self.handling(msg, self)
        yield self.env.timeout(duration)
        self._done(msg, started, duration)
