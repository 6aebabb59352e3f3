"""The MSEL in motion: injects fired at their times or after each other — and the controller's
hand on it: fire one now, hold one back, release it, move it to another time, or add one that was
never written (now or at a chosen time).

An MSEL adapts to play: an inject with ``on:`` falls due when an event happens (plus its delay),
one with ``when:`` fires only if that has happened by its due time,
one with ``unless:`` is skipped if that has happened (conditions in the language of objectives,
counted live from the journal, so they work when the journal keeps no events). A skipped inject
is journalled with why (``inject.skipped``); the injects that follow it (``after:``) are skipped
too at their own due time, and its contingencies (``instead_of:``) fall due in its place, the
first eligible one of a chain firing. A contingency whose inject fired is journalled as not
needed, so the trainer's table and the debrief say what became of every row.

Controller actions change what happens, so a session records them like decisions and a replay
puts them back at the same instants.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any

from ..durations import format_minutes, minutes
from ..events.registry import INJECT_SKIPPED_WHY as SKIP_WHY
from ..scenario.chance import settled_minutes
from ..scenario.model import AllOf, AnyOf, EventCheck, Inject, Never, leaves_of

if TYPE_CHECKING:
    from .exercise import Exercise
    from .journal import Event

PRIORITIES = ("routine", "high", "urgent")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$")


class Injects:
    def __init__(self, ex: Exercise) -> None:
        # What the MSEL uses, taken once: the clock, the journal it writes and listens to, I-24/7, the
        # world's offices, the length of the exercise and the played seats a policy stands in for.
        self.env, self.clock, self.journal, self.send = ex.env, ex.clock, ex.journal, ex.send
        self.members, self.offices = ex.world.members, ex.world.offices
        self.duration, self.stand_ins = ex.duration, ex.stand_ins
        self.by_id: dict[str, Inject] = {inj.id: inj for inj in ex.scenario.injects}
        self.fired: list[str] = []
        self.fired_at: dict[str, float] = {}
        self.held: set[str] = set()
        self.skipped: dict[str, str] = {}  # inject id → why (a SKIP_WHY key)
        self.due_at: dict[str, float] = {}  # when each scheduled inject falls due (minutes after the start)
        self.moved: set[str] = set()  # rescheduled by the trainer: off its 'after' chain
        self.adhoc: set[str] = set()
        self._due_while_held: set[str] = set()
        self._doomed: set[str] = set()  # follows a skipped inject: skipped at its own due time
        self._token: dict[str, int] = {}  # the live schedule of each inject; a reschedule supersedes it
        self._followers: dict[str, list[tuple[float, Inject]]] = {}  # inject id → (delay in minutes, follower)
        self._contingencies: dict[str, list[Inject]] = {}  # inject id → the injects instead_of it
        self._seen: dict[int, int] = {}  # id(leaf of a when/unless) → matching events so far
        self._watch: dict[str, list[EventCheck]] = {}  # event kind → leaves that count it
        self._on: dict[str, list[Inject]] = {}  # event kind → injects triggered by it (on:)
        for inj in ex.scenario.injects:
            for cond in (inj.when, inj.unless):
                if cond is not None:
                    for leaf in leaves_of(cond):
                        self._watch.setdefault(leaf.event, []).append(leaf)
            if inj.instead_of is not None:
                self._contingencies.setdefault(inj.instead_of, []).append(inj)
            elif inj.after is not None:
                self._followers.setdefault(inj.after.inject, []).append((settled_minutes(inj.after.delay), inj))
            elif inj.on is not None:
                self._on.setdefault(inj.on.event, []).append(inj)
            elif inj.at is not None:  # the model requires exactly one of the four
                self._at(settled_minutes(inj.at), inj)
        if self._watch or self._on:  # only scenarios with conditions listen: the others run as before
            self.journal.listen(self._count, kinds={*self._watch, *self._on})

    # --- what the trainer's table shows ----------------------------------------------------------
    def status(self, inject_id: str) -> str:
        if inject_id in self.fired_at:
            return "fired"
        if inject_id in self.skipped:
            return "skipped"
        if inject_id in self.held:
            return "held (due)" if inject_id in self._due_while_held else "held"
        return "pending"

    def status_words(self, inject_id: str) -> str:
        """The status as the trainer reads it: when it fired, why it was skipped, where it moved."""
        st = self.status(inject_id)
        if st == "fired":
            return f"fired at {format_minutes(self.fired_at[inject_id])}"
        if st == "skipped":
            return f"skipped: {SKIP_WHY[self.skipped[inject_id]]}"
        if inject_id in self.moved and st == "pending":
            return f"rescheduled to {format_minutes(self.due_at[inject_id])}"
        inj = self.by_id.get(inject_id)
        if st == "pending" and inj is not None and inj.on is not None:
            due = self.due_at.get(inject_id)
            return "waiting for its event" if due is None else f"its event came: due at {format_minutes(due)}"
        return st

    # --- conditions ------------------------------------------------------------------------------
    def _count(self, event: Event) -> None:
        for leaf in self._watch.get(event["kind"], ()):
            if leaf.matches(event, self.stand_ins):
                self._seen[id(leaf)] = self._seen.get(id(leaf), 0) + 1
        for inj in self._on.get(event["kind"], ()):
            on = inj.on
            if on is None or not on.matches(event, self.stand_ins):
                continue
            seen = self._seen[id(on)] = self._seen.get(id(on), 0) + 1
            # Due once, at the count-th match; not when the trainer already moved, fired or settled it.
            if seen == on.count and inj.id not in self.moved and inj.id not in self.due_at \
                    and inj.id not in self.fired_at and inj.id not in self.skipped:
                self._at(self.env.now + settled_minutes(on.delay), inj)

    def holds(self, node: EventCheck | Never | AllOf | AnyOf) -> bool:
        """Whether a condition holds on what has happened so far."""
        if isinstance(node, EventCheck):
            return self._seen.get(id(node), 0) >= node.count
        if isinstance(node, Never):
            return self._seen.get(id(node.none), 0) < node.none.count
        if isinstance(node, AllOf):
            return all(self.holds(c) for c in node.all_)
        return any(self.holds(c) for c in node.any_)

    def _why_not(self, inj: Inject) -> str | None:
        if inj.id in self._doomed:
            return "after_skipped"
        if inj.when is not None and not self.holds(inj.when):
            return "when"
        if inj.unless is not None and self.holds(inj.unless):
            return "unless"
        return None

    # --- the schedule ------------------------------------------------------------------------------
    def _at(self, t: float, inj: Inject) -> None:
        token = self._token[inj.id] = self._token.get(inj.id, 0) + 1
        self.due_at[inj.id] = t
        self.env.timeout(max(0.0, t - self.env.now)).callbacks.append(lambda _e: self._due(inj, token))

    def _due(self, inj: Inject, token: int | None = None) -> None:
        if token is not None and token != self._token.get(inj.id):
            return  # the trainer moved it: a later timeout is its own
        if inj.id in self.fired_at or inj.id in self.skipped:
            return  # the controller fired it early, or it was settled already
        if inj.id in self.held:
            self._due_while_held.add(inj.id)
            return
        why = self._why_not(inj)
        if why is not None:
            self.skip(inj, why)
        else:
            self.fire(inj, by="trainer" if inj.id in self.adhoc else None)

    def skip(self, inj: Inject, why: str) -> None:
        self.skipped[inj.id] = why
        self._due_while_held.discard(inj.id)  # settled: releasing it later must not fire it after all
        standby = [c for c in self._contingencies.get(inj.id, ()) if c.id not in self.fired_at]
        extra: dict[str, Any] = {"contingency": standby[0].id} if standby and why != "not_needed" else {}
        self.journal.emit(self.env.now, "inject.skipped", "control", inject=inj.id, why=why, **extra)
        for delay, follower in self._followers.get(inj.id, ()):
            if follower.id not in self.moved:
                self._doomed.add(follower.id)
                self._at(self.env.now + delay, follower)
        for c in standby:  # due in its place now; not needed either when it was itself not needed
            if why != "not_needed":
                self._due(c)
            elif c.id not in self.skipped:
                self.skip(c, "not_needed")

    def fire(self, inj: Inject, by: str | None = None) -> None:
        # An NCB or the General Secretariat writes over I-24/7; anyone else on the national channel.
        channel = inj.channel or ("i247" if inj.from_ in self.members or inj.from_ in self.offices
                                  else "national")
        self.fired.append(inj.id)
        self.fired_at[inj.id] = self.env.now
        self._doomed.discard(inj.id)
        extra: dict[str, Any] = {}
        if inj.expect is not None:  # so a journal alone is enough to score the expectation
            extra["expect"] = {"action": inj.expect.action, "within_min": minutes(inj.expect.within),
                               **({"objective": inj.expect.objective} if inj.expect.objective else {})}
        if inj.instead_of is not None:
            extra["instead_of"] = inj.instead_of
        if by:
            extra["by"] = by
        self.journal.emit(self.env.now, "inject.fired", "control", inject=inj.id, to=inj.to,
                          **{"from": inj.from_}, channel=channel, priority=inj.priority, **extra)
        self.send(inj.from_, inj.to, kind="inject", priority=inj.priority, channel=channel, language=inj.language,
                  inject=inj.id)
        for delay, follower in self._followers.get(inj.id, ()):
            if follower.id not in self.moved:
                self._doomed.discard(follower.id)
                self._at(self.env.now + delay, follower)
        for c in self._contingencies.get(inj.id, ()):
            if c.id not in self.fired_at and c.id not in self.skipped:
                self.skip(c, "not_needed")

    # --- the controller's hand ------------------------------------------------------------------------
    def adhoc_problems(self, data: dict[str, Any]) -> dict[str, str]:
        """What is wrong with an ad-hoc inject, field by field, in words (the form shows each next to
        its field): {field: message}; empty when it can be added."""
        out: dict[str, str] = {}
        members = world = self.members
        ident = str(data.get("id") or "").strip()
        if not ident:
            out["id"] = "give the inject an id, e.g. X1"
        elif not _ID.match(ident):
            out["id"] = f"'{ident}' is not an id: a letter, then letters, digits, '.', '_' or '-'"
        elif ident in self.by_id:
            out["id"] = f"{ident} is already used by an inject of this MSEL; choose another id"
        to = str(data.get("to") or "").strip()
        if not to:
            out["to"] = "name the NCB that receives it, e.g. FR"
        elif to not in world:
            hint = difflib.get_close_matches(to.upper(), sorted(world), n=1, cutoff=0.5)
            out["to"] = (f"'{to}' is not a member country in this exercise"
                         + (f" — did you mean {hint[0]}?" if hint else ""))
        sender = data.get("from")
        if sender is not None:
            sender = str(sender).strip()
            if not sender:
                out["from"] = "name the sender: an NCB's code (ES), a national body, or GS"
            elif re.fullmatch(r"[A-Z]{2}", sender) and sender not in members and sender != "GS":
                out["from"] = f"'{sender}' is not a member country in this exercise; write a national body in words"
            elif sender == to and sender in members:
                out["from"] = "an NCB does not send I-24/7 messages to itself"
        priority = data.get("priority", "routine")
        if priority not in PRIORITIES:
            hint = difflib.get_close_matches(str(priority), PRIORITIES, n=1, cutoff=0.4)
            out["priority"] = (f"'{priority}' is not a priority; one of routine, high, urgent"
                               + (f" — did you mean {hint[0]}?" if hint else ""))
        if not str(data.get("text") or "").strip():
            out["text"] = "write the message the receiving officer reads"
        due = data.get("due")
        if due is not None and due < self.env.now:
            out["due"] = (f"{format_minutes(due)} after the start has passed (it is now "
                          f"{format_minutes(self.env.now)}); choose now or later")
        elif due is not None and due >= self.duration:
            out["due"] = f"the exercise ends at {format_minutes(self.duration)}; choose an earlier time"
        return out

    def check(self, payload: dict[str, Any]) -> Inject:
        """The inject a controller's action concerns, or ValueError saying why it cannot be done.
        Actions: {"action": "fire"|"hold"|"release", "inject": id}; {"action": "reschedule",
        "inject": id, "due": minutes after the start}; or {"action": "adhoc", "inject": {an inject
        as written in a scenario}, "due": minutes after the start, absent for now}."""
        action = payload.get("action")
        if action == "adhoc":
            data = dict(payload.get("inject", {}))
            problems = self.adhoc_problems({**data, "due": payload.get("due")})
            if problems:
                raise ValueError("; ".join(f"{k}: {v}" for k, v in problems.items()))
            from pydantic import ValidationError

            try:
                return Inject.model_validate({"at": "0m", **data})
            except ValidationError as e:  # what adhoc_problems does not foresee, still in words
                raise ValueError("; ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors())) from None
        if action not in ("fire", "hold", "release", "reschedule"):
            raise ValueError(f"unknown control action {action!r}")
        known = self.by_id.get(payload.get("inject", ""))
        if known is None:
            raise ValueError(f"no inject {payload.get('inject')!r}")
        if action in ("fire", "hold", "reschedule") and known.id in self.fired_at:
            raise ValueError(f"inject {known.id} has already fired (at {format_minutes(self.fired_at[known.id])})")
        if action == "release" and known.id not in self.held:
            raise ValueError(f"inject {known.id} is not held")
        if action == "reschedule":
            due = payload.get("due")
            if known.id in self.skipped:
                raise ValueError(f"inject {known.id} was skipped ({SKIP_WHY[self.skipped[known.id]]}); "
                                 "fire it now if it is needed after all")
            if known.instead_of is not None:
                raise ValueError(f"inject {known.id} stands in for {known.instead_of} and falls due with it: "
                                 f"reschedule {known.instead_of}")
            if not isinstance(due, int | float) or isinstance(due, bool):
                raise ValueError("give the new time in minutes after the start")
            if due < self.env.now:
                raise ValueError(f"{format_minutes(due)} after the start has passed (it is now "
                                 f"{format_minutes(self.env.now)}); choose now or later")
            if due >= self.duration:
                raise ValueError(f"the exercise ends at {format_minutes(self.duration)}; choose an earlier time")
        return known

    def control(self, payload: dict[str, Any]) -> None:
        action = payload["action"]
        inj = self.check(payload)
        if action == "adhoc":
            self.by_id[inj.id] = inj
            self.adhoc.add(inj.id)
            due = payload.get("due")
            if due is None or due <= self.env.now:
                self.due_at[inj.id] = self.env.now  # the MSEL's due column: when it was added and fired
                self.fire(inj, by="trainer")
            else:
                self.journal.emit(self.env.now, "inject.added", "control", inject=inj.id, to=inj.to,
                                  **{"from": inj.from_}, priority=inj.priority, due=self.clock.iso(due))
                self._at(due, inj)
        elif action == "fire":
            self.held.discard(inj.id)
            self._due_while_held.discard(inj.id)
            self.skipped.pop(inj.id, None)  # the trainer wants it after all
            self.fire(inj, by="trainer")
        elif action == "hold":
            self.held.add(inj.id)
            self.journal.emit(self.env.now, "inject.held", "control", inject=inj.id)
        elif action == "reschedule":
            due = float(payload["due"])
            was = self.due_at.get(inj.id)
            self.moved.add(inj.id)
            self._doomed.discard(inj.id)
            self._due_while_held.discard(inj.id)
            self.journal.emit(self.env.now, "inject.rescheduled", "control", inject=inj.id,
                              due=self.clock.iso(due), **({"was": self.clock.iso(was)} if was is not None else {}))
            self._at(due, inj)
        else:
            self.held.discard(inj.id)
            self.journal.emit(self.env.now, "inject.released", "control", inject=inj.id)
            if inj.id in self._due_while_held:  # due while held: judged now, as it would have been then
                self._due_while_held.discard(inj.id)
                why = self._why_not(inj)
                if why is not None:
                    self.skip(inj, why)
                else:
                    self.fire(inj, by="trainer")


def condition_words(node: EventCheck | Never | AllOf | AnyOf) -> str:
    """A condition in short, for the trainer's table: "arrest.provisional (subject S1, country MA)"."""
    if isinstance(node, EventCheck):
        fields = ", ".join(f"{k} {v}" for k, v in node.match.items())
        return node.event + (f" ({fields})" if fields else "") + (f" ×{node.count}" if node.count > 1 else "")
    if isinstance(node, Never):
        return f"no {condition_words(node.none)}"
    word, parts = (" and ", node.all_) if isinstance(node, AllOf) else (" or ", node.any_)
    return "(" + word.join(condition_words(p) for p in parts) + ")"
