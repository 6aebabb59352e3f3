"""The MSEL in motion: injects fired at their times or after each other — and the controller's
hand on it: fire one now, hold one back, release it, or add one that was never written.

Controller actions change what happens, so a session records them like decisions and a replay
puts them back at the same instants.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..durations import minutes
from ..scenario.chance import settled_minutes
from ..scenario.model import Inject

if TYPE_CHECKING:
    from .exercise import Exercise


class Injects:
    def __init__(self, ex: Exercise) -> None:
        self.ex = ex
        self.by_id: dict[str, Inject] = {inj.id: inj for inj in ex.scenario.injects}
        self.fired: list[str] = []
        self.held: set[str] = set()
        self._due_while_held: set[str] = set()
        self._followers: dict[str, list[tuple[float, Inject]]] = {}  # inject id → (delay in minutes, follower)
        for inj in ex.scenario.injects:
            if inj.after is not None:
                self._followers.setdefault(inj.after.inject, []).append((settled_minutes(inj.after.delay), inj))
            elif inj.at is not None:  # the model requires exactly one of the two
                self._at(settled_minutes(inj.at), inj)

    def status(self, inject_id: str) -> str:
        if inject_id in self.fired:
            return "fired"
        if inject_id in self.held:
            return "held (due)" if inject_id in self._due_while_held else "held"
        return "pending"

    def _at(self, t: float, inj: Inject) -> None:
        self.ex.env.timeout(max(0.0, t - self.ex.env.now)).callbacks.append(lambda _e: self._due(inj))

    def _due(self, inj: Inject) -> None:
        if inj.id in self.fired:
            return  # the controller fired it early
        if inj.id in self.held:
            self._due_while_held.add(inj.id)
            return
        self.fire(inj)

    def fire(self, inj: Inject, by: str | None = None) -> None:
        ex = self.ex
        channel = inj.channel or ("i247" if inj.from_ in ex.world.members else "national")
        self.fired.append(inj.id)
        extra: dict[str, Any] = {}
        if inj.expect is not None:  # so a journal alone is enough to score the expectation
            extra["expect"] = {"action": inj.expect.action, "within_min": minutes(inj.expect.within),
                               **({"objective": inj.expect.objective} if inj.expect.objective else {})}
        if by:
            extra["by"] = by
        ex.journal.emit(ex.env.now, "inject.fired", "control", inject=inj.id, to=inj.to, **{"from": inj.from_},
                        channel=channel, priority=inj.priority, **extra)
        ex.send(inj.from_, inj.to, kind="inject", priority=inj.priority, channel=channel, language=inj.language,
                inject=inj.id)
        for delay, follower in self._followers.get(inj.id, ()):
            self._at(ex.env.now + delay, follower)

    def check(self, payload: dict[str, Any]) -> Inject:
        """The inject a controller's action concerns, or ValueError saying why it cannot be done.
        Actions: {"action": "fire"|"hold"|"release", "inject": id} or
        {"action": "adhoc", "inject": {an inject as written in a scenario}}."""
        action = payload.get("action")
        if action == "adhoc":
            from pydantic import ValidationError

            try:
                inj = Inject.model_validate({"at": "0m", **payload.get("inject", {})})
            except ValidationError as e:
                raise ValueError("; ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors())) from None
            if inj.id in self.by_id:
                raise ValueError(f"inject id {inj.id} is already used")
            if inj.to not in self.ex.world.members:
                raise ValueError(f"{inj.to} is not in this exercise's world")
            return inj
        if action not in ("fire", "hold", "release"):
            raise ValueError(f"unknown control action {action!r}")
        known = self.by_id.get(payload.get("inject", ""))
        if known is None:
            raise ValueError(f"no inject {payload.get('inject')!r}")
        if action in ("fire", "hold") and known.id in self.fired:
            raise ValueError(f"inject {known.id} has already fired")
        if action == "release" and known.id not in self.held:
            raise ValueError(f"inject {known.id} is not held")
        return known

    def control(self, payload: dict[str, Any]) -> None:
        ex, action = self.ex, payload["action"]
        inj = self.check(payload)
        if action == "adhoc":
            self.by_id[inj.id] = inj
            self.fire(inj, by="trainer")
        elif action == "fire":
            self.held.discard(inj.id)
            self.fire(inj, by="trainer")
        elif action == "hold":
            self.held.add(inj.id)
            ex.journal.emit(ex.env.now, "inject.held", "control", inject=inj.id)
        else:
            self.held.discard(inj.id)
            ex.journal.emit(ex.env.now, "inject.released", "control", inject=inj.id)
            if inj.id in self._due_while_held:
                self._due_while_held.discard(inj.id)
                self.fire(inj, by="trainer")
