"""Objectives checked live against the journal.

Each objective is a condition tree (event checks, ``none``, ``all``, ``any``) judged in three
values: holds, cannot hold any more, or not decided yet. An event check holds once it has seen
its count of matching events; a ``none`` cannot hold once it has. The verdict is journalled the
moment the tree decides, or at the deadline, when what is still undecided is settled: a check
never seen has failed, a ``none`` never broken is met.

An objective with ``after`` waits for that event: its window opens there, only later events
count, and ``within`` puts its deadline that long after the event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from simpy.core import Environment
from simpy.events import NORMAL, EventPriority, Timeout

from ..durations import minutes
from ..scenario.model import AllOf, AnyOf, EventCheck, Never, Objective, leaves_of

if TYPE_CHECKING:
    from .exercise import Exercise
    from .journal import Event

def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


class _AfterTheInstant(Timeout):
    """A timeout that fires after everything else due at its instant, so a deadline is a closed
    interval: an event at exactly the deadline counts, whenever it was scheduled. SimPy orders
    events by time, then priority; Timeout always uses NORMAL, so this one sets its own, lower."""

    def __init__(self, env: Environment, delay: float) -> None:
        self.env = env
        self.callbacks = []
        self._value = None
        self._delay = delay
        self._ok = True
        env.schedule(self, EventPriority(NORMAL + 1), delay)


@dataclass(slots=True)
class _Watch:
    """One objective's live state."""

    objective: Objective
    root: EventCheck | Never | AllOf | AnyOf  # the condition tree, built once: leaves are keyed by identity
    deadline: float  # minutes after the start; the end of the exercise when none is given
    opened: bool  # the window is open: no 'after', or its event has happened
    seen: dict[int, int] = field(default_factory=dict)  # id(leaf) -> matching events in the window
    triggers: int = 0  # matching 'after' events so far


class ObjectiveTracker:
    def __init__(self, ex: Exercise, objectives: list[Objective]) -> None:
        # What the tracker uses, taken once: the clock, the journal it listens to, the length of the
        # exercise and the played seats a policy stands in for (all settled before it is built).
        self.env, self.clock, self.journal = ex.env, ex.clock, ex.journal
        self.duration, self.stand_ins = ex.duration, ex.stand_ins
        self.objectives = objectives
        self.status: dict[str, str] = {o.id: "open" for o in objectives}
        self.when: dict[str, str] = {}
        self.reason: dict[str, str] = {}  # why an objective failed, when not simply its deadline
        self._watch: dict[str, _Watch] = {}
        # kind -> (objective id, leaf) to test; the 'after' checks under the key None in each pair
        self._by_kind: dict[str, list[tuple[str, EventCheck | None]]] = {}
        for o in objectives:
            deadline = minutes(o.by) if o.by is not None else self.duration
            self._watch[o.id] = _Watch(o, o.condition, deadline, opened=o.after is None)
        for oid, w in self._watch.items():
            for leaf in leaves_of(w.root):
                self._by_kind.setdefault(leaf.event, []).append((oid, leaf))
            after = w.objective.after
            if after is not None:
                self._by_kind.setdefault(after.event, []).append((oid, None))
        if objectives:
            self.journal.listen(self._on_event, kinds=self._by_kind)
        for w in self._watch.values():
            if w.deadline < self.duration:
                self._expire_at(w.deadline, w.objective.id)

    def _on_event(self, event: Event) -> None:
        touched: dict[str, _Watch] = {}
        triggered: list[tuple[_Watch, Event]] = []
        for oid, leaf in self._by_kind.get(event["kind"], ()):
            if self.status[oid] != "open":
                continue
            w = self._watch[oid]
            if leaf is None:
                if not w.opened and w.objective.after is not None and w.objective.after.matches(event, self.stand_ins):
                    w.triggers += 1
                    if w.triggers >= w.objective.after.count:
                        triggered.append((w, event))
            elif w.opened and leaf.matches(event, self.stand_ins):
                w.seen[id(leaf)] = w.seen.get(id(leaf), 0) + 1
                touched[oid] = w
        for w in touched.values():
            verdict = self._judge(w, w.root, final=False)
            if verdict is not None:
                self._close(w.objective, "met" if verdict else "failed", evidence=event["seq"],
                            reason=None if verdict else "forbidden")
        # The event that opens a window is not itself counted in it: only what follows is.
        for w, trigger in triggered:
            w.opened = True
            within = w.objective.within
            if within is not None:
                # What was already so at the start (an arrest under way) happened at ``since``: its
                # window was running before the start, and may be over already.
                since = trigger.get("since")
                began = self.clock.at(_utc(since)) if isinstance(since, str) else self.env.now
                w.deadline = min(w.deadline, began + minutes(within))
                if w.deadline < self.duration:
                    self._expire_at(w.deadline, w.objective.id)

    def _judge(self, w: _Watch, node: Any, final: bool) -> bool | None:
        """True: holds; False: cannot hold; None: undecided (only before the deadline)."""
        if isinstance(node, EventCheck):
            if w.seen.get(id(node), 0) >= node.count:
                return True
            return False if final else None
        if isinstance(node, Never):
            if w.seen.get(id(node.none), 0) >= node.none.count:
                return False
            return True if final else None
        parts = [self._judge(w, child, final) for child in (node.all_ if isinstance(node, AllOf) else node.any_)]
        if isinstance(node, AllOf):
            return False if False in parts else (True if all(parts) else None)
        return True if True in parts else (False if all(p is False for p in parts) else None)

    def _expire_at(self, deadline: float, oid: str) -> None:
        _AfterTheInstant(self.env, max(0.0, deadline - self.env.now)).callbacks.append(lambda _e: self._expire(oid))

    def _close(self, o: Objective, verdict: str, evidence: int | None = None, reason: str | None = None) -> None:
        self.status[o.id] = verdict
        self.when[o.id] = self.clock.iso(self.env.now)
        fields: dict[str, Any] = {"objective": o.id, "title": o.title}
        if evidence is not None:
            fields["evidence"] = evidence
        if reason is not None:
            fields["reason"] = self.reason[o.id] = reason
        with self.journal.cause(None):  # the exercise's verdict, whoever's action met it
            self.journal.emit(self.env.now, f"objective.{verdict}", "exercise", **fields)

    def _expire(self, oid: str) -> None:
        if self.status[oid] != "open":
            return
        w = self._watch[oid]
        if self.env.now < min(w.deadline, self.duration):
            return  # a relative deadline moved this objective's end: a later timeout decides it
        if not w.opened:
            self._close(w.objective, "failed", reason="not_started")
            return
        verdict = self._judge(w, w.root, final=True)
        self._close(w.objective, "met" if verdict else "failed")

    def finish(self) -> None:
        """At the exercise's end every objective still open is decided."""
        for o in self.objectives:
            self._expire(o.id)
