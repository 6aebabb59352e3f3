"""Objectives checked live against the journal: met when enough matching events arrive in time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..durations import minutes
from ..scenario.model import Objective

if TYPE_CHECKING:
    from .exercise import Exercise
    from .journal import Event


class ObjectiveTracker:
    def __init__(self, ex: Exercise, objectives: list[Objective]) -> None:
        self.ex = ex
        self.objectives = objectives
        self.deadline = {o.id: minutes(o.by) if o.by is not None else ex.duration for o in objectives}
        self.seen = {o.id: 0 for o in objectives}
        self.status: dict[str, str] = {o.id: "open" for o in objectives}
        self.when: dict[str, str] = {}
        self._by_kind: dict[str, list[Objective]] = {}
        for o in objectives:
            self._by_kind.setdefault(o.check.event, []).append(o)
        if objectives:
            ex.journal.listeners.append(self._on_event)
        for o in objectives:
            if self.deadline[o.id] < ex.duration:
                self._expire_at(self.deadline[o.id], o)

    def _on_event(self, event: Event) -> None:
        for o in self._by_kind.get(event["kind"], ()):
            if self.status[o.id] != "open":
                continue
            if o.check.matches(event):
                self.seen[o.id] += 1
                if self.seen[o.id] >= o.check.count:
                    self._close(o, "met", evidence=event["seq"])

    def _expire_at(self, deadline: float, o: Objective) -> None:
        self.ex.env.timeout(deadline).callbacks.append(lambda _e: self._expire(o))

    def _close(self, o: Objective, verdict: str, evidence: int | None = None) -> None:
        self.status[o.id] = verdict
        self.when[o.id] = self.ex.clock.iso(self.ex.env.now)
        fields: dict[str, Any] = {"objective": o.id, "title": o.title}
        if evidence is not None:
            fields["evidence"] = evidence
        with self.ex.journal.cause(None):  # the exercise's verdict, whoever's action met it
            self.ex.journal.emit(self.ex.env.now, f"objective.{verdict}", "exercise", **fields)

    def _expire(self, o: Objective) -> None:
        if self.status[o.id] == "open":
            self._close(o, "failed")

    def finish(self) -> None:
        """At the exercise's end every objective still open has failed."""
        for o in self.objectives:
            self._expire(o)
