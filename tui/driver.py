"""Drives an exercise from the UI clock: wall time × speed, never blocking input for long.

Holds the session-bound run, the seat's view of the journal, and the clock settings. It is
plain Python (no Textual), so its behaviour is tested without a terminal.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.api import (
    Decision,
    Exercise,
    SeatView,
    SessionRun,
    SessionStore,
    check_same_scenario,
    load_scenario,
    new_session,
)

# Sim seconds per wall second; the last one means "as fast as the machine goes".
SPEEDS = (("real time", 1.0), ("1 min/s", 60.0), ("10 min/s", 600.0), ("1 h/s", 3600.0), ("6 h/s", 21600.0),
          ("max", float("inf")))
TICK_BUDGET_S = 0.015  # wall time the engine may use per UI tick (the rest is for drawing and keys)


@dataclass
class Seen:
    """What the seat has learnt so far, in order: (known since, event)."""

    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


class Driver:
    def __init__(self, run: SessionRun, seat: str, session_path: str | None) -> None:
        self.run = run
        self.seat = seat
        self.session_path = session_path
        self.exercise: Exercise = run.exercise
        self.view = SeatView(seat)
        self.seen = Seen()
        self._cursor = 0
        self._pending: list[tuple[str, dict[str, Any]]] = []  # known later than now (in transit)
        self.speed_index = 3
        self.paused = True
        self.pause_on_decision = True
        self.home = seat.partition(":")[2]
        self.partners: set[str] = set()  # NCBs this seat has exchanged case traffic with
        self._inbox: dict[int, dict[str, Any]] = {}
        self._read: set[int] = set()
        self.inbox_version = 0  # bumps when the inbox changes, so the UI redraws it only then
        self._saved_at = 0.0
        self._asked = False  # a decision for this seat was raised during the current advance
        self.exercise.port.listeners.append(self._decision_raised)
        player = next((p for p in self.exercise.scenario.players if p.seat == seat), None)
        self.pause_on_decision = player.pause_on_decision if player else True

    def _decision_raised(self, decision: Decision) -> None:
        if self.seat in (decision.seat, "trainer"):
            self._asked = True

    # --- building ---------------------------------------------------------------------------
    @classmethod
    def open(cls, scenario_path: str | None, seat: str | None, session_path: str | None,
             trainer: bool = False, automate: bool = False) -> Driver:
        """A new session for (scenario, seat), or the existing session file resumed. A trainer's
        session has every player's seat waiting for a person (the trainer answers for them)."""
        if session_path and os.path.exists(session_path):
            store = SessionStore.open(session_path)
            try:  # a session refused here is closed now: its lock and connection do not outlive the refusal
                if scenario_path:
                    check_same_scenario(store, load_scenario(scenario_path), None)
                people = store.people
                run = SessionRun(store)
                d = cls(run, "trainer" if trainer else (seat or (people[0] if people else "trainer")), session_path)
                d.catch_up(store.reached())
            except BaseException:
                store.close()
                raise
            return d
        if scenario_path is None:
            raise ValueError("no scenario given, and no session file to resume")
        loaded = load_scenario(scenario_path)
        if trainer:
            seat = "trainer"
        seat = seat or (loaded.scenario.players[0].seat if loaded.scenario.players else "trainer")
        if trainer:
            people = [] if automate else [p.seat for p in loaded.scenario.players]
        else:
            people = [seat] if seat != "trainer" else []
        if session_path:
            store = new_session(session_path, loaded, seed=None, policy=None, script=None, people=people)
        else:
            import tempfile

            # Every play is a session; without --session it lives in a temporary file.
            tmp = Path(tempfile.mkdtemp(prefix="ncbsim-")) / "session.db"
            store = new_session(tmp, loaded, seed=None, policy=None, script=None, people=people)
        try:
            return cls(SessionRun(store), seat, session_path)
        except BaseException:
            store.close()
            raise

    # --- the clock --------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.exercise.env.now

    @property
    def speed(self) -> tuple[str, float]:
        return SPEEDS[self.speed_index]

    def faster(self) -> None:
        self.speed_index = min(len(SPEEDS) - 1, self.speed_index + 1)

    def slower(self) -> None:
        self.speed_index = max(0, self.speed_index - 1)

    def tick(self, wall_seconds: float) -> bool:
        """Advance by wall time × speed; True when something new reached the seat."""
        if self.paused or self.exercise.finished:
            return False
        rate = self.speed[1]
        target = self.exercise.duration if rate == float("inf") else self.now + wall_seconds * rate / 60.0
        self._asked = False
        stop = (lambda: self._asked) if self.pause_on_decision else None
        self.exercise.advance(target, TICK_BUDGET_S, stop)
        self.save_progress()
        changed = self._absorb()
        if self.pause_on_decision and self.my_decisions():
            self.paused = True
        return changed

    def _news(self) -> int:
        return sum(1 for _, e in self.seen.items if e.get("type") not in ("traffic", "forward"))

    def close(self) -> None:
        """Let go of the session file and its writer's lock, so this process may open it again."""
        self.run.store.close()

    def save_progress(self, force: bool = False) -> None:
        """Where the clock is, for resuming; at most every two seconds (each write is an fsync)."""
        import time

        wall = time.monotonic()
        if force or self.exercise.finished or wall - self._saved_at > 2.0:
            self._saved_at = wall
            self.run.store.progress(self.now, finished=self.exercise.finished,
                                    journal_sha256=self.run.sink.hexdigest() if self.exercise.finished else None)

    def jump_to_next_event(self, budget_s: float = 0.5) -> None:
        """Run until something new reaches this seat (or a decision waits, or the end); the
        background traffic of other NCBs does not count. Gives up after ``budget_s`` of wall
        time so the screen never freezes; pressing again goes on from there."""
        import time

        start, deadline = self._news(), time.monotonic() + budget_s
        while (not self.exercise.finished and self._news() == start and not self.my_decisions()
               and time.monotonic() < deadline):
            nxt = self.exercise.next_event_time()
            self._asked = False
            self.exercise.advance(min(self.exercise.duration, max(nxt, self.now + 1.0)), TICK_BUDGET_S,
                                  lambda: self._asked)
            self._absorb()
        self.save_progress(force=True)

    def catch_up(self, until: float) -> None:
        """Resume: replay the recorded session to where it stopped."""
        self.exercise.run(until)
        self._absorb()

    def _absorb(self) -> bool:
        events = self.exercise.journal.events
        new = False
        for e in events[self._cursor:]:
            since = self.view.reach(e)
            if since is not None:
                self._pending.append((since, e))
        self._cursor = len(events)
        now_iso = self.exercise.clock.iso(self.now)
        keep = []
        for since, e in self._pending:
            if since <= now_iso:
                self.seen.items.append((since, e))
                self._note(since, e)
                new = True
            else:
                keep.append((since, e))
        self._pending = keep
        return new

    def _note(self, since: str, e: dict[str, Any]) -> None:
        """Keep the inbox and the partner set up to date, one event at a time."""
        kind = e["kind"]
        if kind == "message.sent" and e.get("type") not in ("traffic", "forward"):
            self.partners.update(c for c in (e.get("from"), e.get("to")) if c and c != self.home)
            if e.get("to") == self.home:
                self._inbox[e["msg"]] = {"since": since, "msg": e["msg"], "from": e["from"], "type": e["type"],
                                         "priority": e["priority"], "inject": e.get("inject"),
                                         "text": self.inject_text(e["inject"]) if e.get("inject") else ""}
                self.inbox_version += 1
        elif kind == "message.handled" and e["actor"] == self.home and e["msg"] in self._inbox:
            self._read.add(e["msg"])
            self.inbox_version += 1
        elif kind == "diffusion.sent":
            self.partners.update(c for c in e.get("to", ()) if c != self.home)

    # --- what the seat sees and does ----------------------------------------------------------
    def my_decisions(self) -> list[Decision]:
        return [d for d in self.exercise.port.open if self.seat in (d.seat, "trainer")]

    def answer(self, decision_id: str, option: str) -> None:
        self.exercise.answer(decision_id, option)
        self.save_progress(force=True)
        self._absorb()

    def inject_text(self, inject_id: str) -> str:
        inj = next((i for i in self.exercise.scenario.injects if i.id == inject_id), None)
        return inj.text.strip() if inj else ""

    def inbox(self) -> list[dict[str, Any]]:
        """Messages delivered to the seat's NCB (newest first): what an I-24/7 inbox shows."""
        return [dict(row, read=msg in self._read) for msg, row in reversed(self._inbox.items())]

    def case_file(self) -> list[dict[str, Any]]:
        """The subjects this seat knows of, with what it knows about each (in the order learnt)."""
        subjects = {s.id: s for s in self.exercise.scenario.subjects}
        files: dict[str, dict[str, Any]] = {}
        for since, e in self.seen.items:
            sid = e.get("subject") or e.get("about")
            if sid not in subjects or e["kind"].startswith(("message.", "decision.")):
                continue
            f = files.setdefault(sid, {"id": sid, "identity": subjects[sid].identity, "facts": []})
            f["facts"].append((since, e))
        return list(files.values())

    def background_load(self) -> int:
        country = self.seat.partition(":")[2]
        desk = self.exercise.desks.get(country)
        return desk.queued if desk else 0
