"""NCB desks: officers who work through a priority queue of messages in local working hours.

A desk is a priority queue worked by one process per officer (not one process per message):
officer *i* is on duty while the desk's current staffing exceeds *i*. The queue is a plain heap
rather than a SimPy store: an officer with work takes the next message without any event, and
only an idle officer waits on one, which halves the events per message on the hot path. Staffing follows
the NCB's local working hours, so a message that arrives at night waits for the morning.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import datetime, timedelta
from heapq import heappop, heappush
from itertools import count
from math import nextafter
from typing import cast

import simpy

from ..scenario.model import WEEKDAYS, DeskStaffing
from .clock import SimClock, zone
from .messages import Message

INF = float("inf")
CHUNK_DAYS = 28  # local days a shift plan works out at a time: a short exercise never pays for a year
# From a chunk's first local midnight to the noon of each day from the one before it to the one after it.
_NOON_STEPS = tuple(timedelta(days=j - 1, hours=12) for j in range(CHUNK_DAYS + 2))


class ShiftPlan:
    """Staffing over time for one desk: the instants its staffing changes, worked out four weeks at
    a time from the NCB's local working hours (DST-safe via zoneinfo), then looked up by bisection
    (with the current stretch cached: most look-ups fall in it)."""

    __slots__ = ("_day0", "_days_done", "_done_to", "_k", "_levels", "_moves", "_since", "_times", "_until", "clock",
                 "close_min", "constant", "day", "days", "night", "open_min", "tz")


    def __init__(self, clock: SimClock, tz: str, staffing: DeskStaffing) -> None:
        self.clock = clock
        self.tz = zone(tz)
        self.day, self.night = staffing.staff, staffing.night_staff
        self.open_min, self.close_min = staffing.window()
        self.days = frozenset(WEEKDAYS.index(d) for d in staffing.days)
        self.constant = self.day == self.night or not self.days or (
            len(self.days) == 7 and self.open_min == 0 and self.close_min == 1440)
        op, cl = self.open_min, self.close_min
        # Per weekday, its opening and its closing as (local minute, level from then on). A closing
        # at 24:00 is the next day's 00:00: open then only if the desk opens at midnight that day.
        self._moves = tuple(
            ((op, self.day if wd in self.days else self.night),
             (cl, self.day if cl == 1440 and op == 0 and (wd + 1) % 7 in self.days else self.night))
            for wd in range(7))
        start = clock.local(0.0, self.tz.key).replace(tzinfo=None)
        # _times: the instants (sim minutes) the level changes; _levels[k] holds before _times[k]
        # and from _times[k - 1] on.
        self._times: list[float] = []
        self._levels: list[int] = [(self.day if self.days else self.night) if self.constant else self._level_at(start)]
        # Candidates start the local day before the start (its 24:00 closing may fall after it).
        self._day0 = start.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
        self._days_done = 0
        self._done_to = INF if self.constant else -INF  # the changes before this instant are all known
        self._k = 0  # the cached stretch: _levels[_k] holds on [_since, _until)
        self._since, self._until = (-INF, INF) if self.constant else (INF, -INF)

    def _level_at(self, wall: datetime) -> int:
        m = wall.hour * 60 + wall.minute
        on = wall.weekday() in self.days and self.open_min <= m < self.close_min
        return self.day if on else self.night

    def _instant(self, wall: datetime) -> float:
        # A local wall time as sim minutes (fold 0: a time a DST change skips or repeats counts once).
        return (wall.replace(tzinfo=self.tz) - self.clock.start).total_seconds() / 60.0

    def _offset(self, wall: datetime) -> float:
        off = self.tz.utcoffset(wall)  # as wall.replace(tzinfo=tz) reads it (fold 0)
        return off.total_seconds() / 60.0 if off is not None else 0.0

    def _extend(self) -> None:
        """Work out the next CHUNK_DAYS local days' openings and closings that change the level.

        In minutes: a day's local midnight as if it were UTC, less the zone's offset. The offset
        is read once per day (at noon); a day whose noon offset differs from a neighbour's holds a
        DST change, and its times are converted one by one."""
        times, levels = self._times, self._levels
        level = levels[-1]
        first = self._days_done
        base = self._day0 + timedelta(days=first)
        # The first day's local midnight as if it were UTC, in sim minutes; the others follow by 1440.
        midnight0 = (base - self.clock.start.replace(tzinfo=None)).total_seconds() / 60.0
        wd0 = base.weekday()
        moves = self._moves
        # Each day's noon offset, from the day before to the day after the chunk: the datetimes by
        # C additions of steps made once (building a timedelta per day was most of a year's cost
        # of the shift plans: 196 desks, 13 chunks).
        noons = [off.total_seconds() / 60.0 if off is not None else 0.0
                 for off in map(self.tz.utcoffset, [base + d for d in _NOON_STEPS])]
        for j in range(CHUNK_DAYS):
            midnight = midnight0 + j * 1440
            before, noon, after = noons[j], noons[j + 1], noons[j + 2]
            for m, new in moves[(wd0 + j) % 7]:
                if new == level:
                    continue
                if before == noon == after:
                    at = midnight + m - noon
                else:  # a DST change near this day: this time's own offset
                    at = midnight + m - self._offset(base + timedelta(days=j, minutes=m))
                if at <= 0.0 or (times and at <= times[-1]):
                    continue  # before the start (whose own level holds) or a repeated local time
                times.append(at)
                levels.append(new)
                level = new
        self._days_done = first + CHUNK_DAYS
        # A later local day's times fall after this instant in any zone (offsets differ by < 1 day).
        self._done_to = self._instant(self._day0 + timedelta(days=self._days_done - 1))

    def _index(self, t: float) -> int:
        """Where ``t`` falls: _levels[k] holds at t, _times[k] (once worked out) is the next change."""
        while t >= self._done_to:
            self._extend()
        return bisect_right(self._times, t)

    def staff(self, t: float) -> int:
        """Officers on duty at sim minute ``t``."""
        if self._since <= t < self._until:
            return self._levels[self._k]
        k = self._k = self._index(t)
        times = self._times
        self._since = times[k - 1] if k else -INF
        self._until = times[k] if k < len(times) else self._done_to
        return self._levels[k]

    def next_change(self, t: float) -> float:
        """The first instant after ``t`` the staffing changes (inf: never)."""
        if self.constant:
            return INF
        k = self._index(t)
        while k >= len(self._times):  # a change is at most a week away: work out more days
            self._extend()
        return self._times[k]

    def next_start(self, t: float) -> float:
        """The first instant after ``t`` that more officers come on duty (inf: never)."""
        if self.constant:
            return INF
        k = self._index(t)
        times, levels = self._times, self._levels
        while True:
            while k >= len(times):
                self._extend()
            if levels[k + 1] > levels[k]:
                return times[k]
            k += 1


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
        # Officers not working (idle on duty, or off duty), in the order they stopped: each waits
        # on its own event, woken only with a message to read.
        self._idle: list[tuple[int, simpy.Event]] = []
        self._bell = -INF  # when the desk next wakes officers coming on duty for its backlog
        self.handling = handling
        self.on_handled = on_handled
        self.in_service = 0
        self.handled = 0
        self.busy_minutes = 0.0
        self._order = count()
        self.alert_at: int | None = None  # a watched backlog (watch_backlog); None: not watched
        self._alerted = False
        self._on_backlog: Callable[[NcbDesk, int, bool], None] | None = None
        for i in range(max(plan.day, plan.night)):
            env.process(self._officer(i))

    def watch_backlog(self, limit: int, on_backlog: Callable[[NcbDesk, int, bool], None]) -> None:
        """Call ``on_backlog(desk, queued, True)`` when ``limit`` messages wait unread, and
        ``(desk, queued, False)`` once the queue is back down to half of it (so a queue hovering
        at the limit is not reported at every message)."""
        self.alert_at, self._on_backlog = limit, on_backlog

    def _backlog(self) -> None:
        queued, limit = len(self._heap), cast(int, self.alert_at)
        if not self._alerted and queued >= limit:
            self._alerted = True
            cast(Callable[[NcbDesk, int, bool], None], self._on_backlog)(self, queued, True)
        elif self._alerted and queued <= limit // 2:
            self._alerted = False
            cast(Callable[[NcbDesk, int, bool], None], self._on_backlog)(self, queued, False)

    def deliver(self, msg: Message) -> None:
        msg.delivered_at = self.env.now
        # (rank, arrival order) keeps the heap total-ordered without ever comparing messages.
        heappush(self._heap, (msg.rank, next(self._order), msg))
        self._dispatch()
        if self.alert_at is not None:
            self._backlog()

    def _dispatch(self) -> None:
        """Hand queued messages to officers on duty and idle, the longest idle first; if some
        are left, ring when the next shift starts (busy officers take them as they finish)."""
        heap, idle = self._heap, self._idle
        if idle:
            on_duty = self.plan.staff(self.env.now)
            k = 0
            while heap and k < len(idle):
                i, wake = idle[k]
                if i < on_duty:
                    del idle[k]
                    self._hand(wake, heappop(heap)[2])
                else:
                    k += 1  # off duty: not woken, whatever waits
        if heap and self._bell <= self.env.now:
            self._ring_at(self.plan.next_start(self.env.now))

    def _hand(self, wake: simpy.Event, msg: Message) -> None:
        if self.plan.constant:
            wake.succeed(msg)
            return
        # Two steps, as an officer of a desk with shifts has always been woken (it once waited on
        # "work or shift change"): what else happens at this instant keeps its order.
        def handed(_e: simpy.Event) -> None:
            wake.succeed(msg)

        relay = self.env.event()
        relay.callbacks.append(handed)
        relay.succeed()

    def _ring_at(self, at: float) -> None:
        if at == INF:
            return
        now = self.env.now
        delay = at - now
        if now + delay < at:  # the shift must have started when the bell rings
            delay = nextafter(delay, INF)
        self._bell = at
        self.env.timeout(delay).callbacks.append(self._ring)

    def _ring(self, _e: simpy.Event) -> None:
        self._bell = -INF
        if self._heap:
            self._dispatch()

    @property
    def queued(self) -> int:
        return len(self._heap)

    def _wait_for_duty(self, i: int):
        env, plan = self.env, self.plan
        while plan.staff(env.now) <= i:
            yield env.timeout(plan.next_change(env.now) - env.now)

    def _officer(self, i: int):
        env, plan = self.env, self.plan
        if plan.constant and plan.staff(0.0) <= i:
            return  # this officer never comes on duty
        while True:
            if self._heap and plan.staff(env.now) > i:
                msg = heappop(self._heap)[2]
            else:
                waiting = env.event()
                self._idle.append((i, waiting))
                msg = cast(Message, (yield waiting))  # woken only with a message to read
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
        if self.alert_at is not None:
            self._backlog()

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
