"""Drives an exercise from the UI clock: wall time × speed, never blocking input for long.

A thin wrapper around the play host (``sim.api.PlayHost``): the host owns the run and its
session, takes the seat's commands and gives its views as immutable data; the driver keeps the
UI's clock settings (speed, pause) and turns wall time into sim time. It is plain Python (no
Textual), so its behaviour is tested without a terminal.
"""

from __future__ import annotations

import time

from sim.api import (
    AnswerDecision,
    CaseFile,
    Command,
    DecisionView,
    InboxItem,
    Outcome,
    PlayHost,
    Refused,
    Seen,
)
from sim.play.commands import DraftRequest, ReadMessage
from sim.play.views import ArrestCaseView, BoardRow, FormChoices, Recipient, RequestView

from .wording import Namer

# Sim seconds per wall second; the last one means "as fast as the machine goes".
SPEEDS = (("real time", 1.0), ("1 min/s", 60.0), ("10 min/s", 600.0), ("1 h/s", 3600.0), ("6 h/s", 21600.0),
          ("max", float("inf")))
TICK_BUDGET_S = 0.015  # wall time the engine may use per UI tick (the rest is for drawing and keys)


class Driver:
    def __init__(self, host: PlayHost, seat: str, session_path: str | None) -> None:
        self.host = host
        self.seat = seat
        self.session_path = session_path
        self.speed_index = 3
        self.paused = True
        self.home = seat.partition(":")[2]
        self._saved_at = 0.0
        host.watch(seat)
        player = next((p for p in host.scenario.players if p.seat == seat), None)
        self.pause_on_decision = player.pause_on_decision if player else True
        # Decisions the clock has already stopped for: space lets it run on while they wait (to
        # their deadline, where the default applies); only a new one stops it again.
        self._stopped_for: set[str] = set()
        self.stopped_for: tuple[DecisionView, ...] = ()  # the new ones the last tick stopped for
        self.name = Namer(host.subject_names(), {r.code: r.name for r in host.recipients() if r.code != "GS"})
        self.choices: FormChoices = host.form_choices()
        self._board_told: dict[str, int] = {}  # ref -> history lines the person has been told of
        self.board_news()  # what is on the board when the screen opens is not news

    # --- building ---------------------------------------------------------------------------
    @classmethod
    def open(cls, scenario_path: str | None, seat: str | None, session_path: str | None,
             trainer: bool = False, automate: bool = False) -> Driver:
        """A new session for (scenario, seat), or the existing session file resumed (see PlayHost.open)."""
        host, chosen = PlayHost.open(scenario_path, seat, session_path, trainer=trainer, automate=automate)
        try:
            return cls(host, chosen, session_path)
        except BaseException:
            host.close()
            raise

    # --- the clock --------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.host.now

    @property
    def speed(self) -> tuple[str, float]:
        return SPEEDS[self.speed_index]

    def faster(self) -> None:
        self.speed_index = min(len(SPEEDS) - 1, self.speed_index + 1)

    def slower(self) -> None:
        self.speed_index = max(0, self.speed_index - 1)

    def tick(self, wall_seconds: float) -> bool:
        """Advance by wall time × speed; True when something new reached the seat."""
        self.stopped_for = ()
        if self.paused or self.host.finished:
            return False
        rate = self.speed[1]
        target = self.host.duration if rate == float("inf") else self.now + wall_seconds * rate / 60.0
        changed = self.host.advance(target, TICK_BUDGET_S, self.seat if self.pause_on_decision else None)
        self.save_progress()
        if self.pause_on_decision:
            new = tuple(d for d in self.waiting() if d.id not in self._stopped_for)
            if new:
                self.paused = True
                self.stopped_for = new
                self._stopped_for.update(d.id for d in new)
        return changed

    def waiting(self) -> tuple[DecisionView, ...]:
        """The decisions this seat's clock stops for: its own; for the trainer, those the players'
        seats must answer (nobody else will, unless the session automates them)."""
        return self.host.awaiting_people() if self.seat == "trainer" else self.my_decisions()

    def close(self) -> None:
        """Let go of the session file and its writer's lock, so this process may open it again."""
        self.host.close()

    def save_progress(self, force: bool = False) -> None:
        """Where the clock is, for resuming; at most every two seconds (each write is an fsync)."""
        wall = time.monotonic()
        if force or self.host.finished or wall - self._saved_at > 2.0:
            self._saved_at = wall
            self.host.save_progress()

    def jump_to_next_event(self, budget_s: float = 0.5) -> None:
        """Run until something new reaches this seat (or a decision waits, or the end); the
        background traffic of other NCBs does not count. Gives up after ``budget_s`` of wall
        time so the screen never freezes; pressing again goes on from there."""
        self.host.advance_to_news(self.seat, budget_s, TICK_BUDGET_S)
        self.save_progress(force=True)

    # --- what the seat sees and does ----------------------------------------------------------
    def submit(self, command: Command) -> Outcome:
        """Send a command to the host as this seat; the clock's place is saved when it is taken."""
        outcome = self.host.submit(self.seat, command)
        if not isinstance(outcome, Refused):
            self.save_progress(force=True)
            self.board_news()  # what the command itself did is on screen already, not news
        return outcome

    def answer(self, decision: DecisionView, option: str) -> Outcome:
        return self.submit(AnswerDecision(decision.seat, decision.id, option))

    def my_decisions(self) -> tuple[DecisionView, ...]:
        return self.host.open_decisions(self.seat)

    def inject_text(self, inject_id: str) -> str:
        return self.host.inject_text(inject_id)

    def inbox(self) -> tuple[InboxItem, ...]:
        """Messages delivered to the seat's NCB (newest first): what an I-24/7 inbox shows."""
        return self.host.inbox(self.seat)

    @property
    def inbox_version(self) -> int:
        """Bumps when the inbox changes, so the UI redraws it only then."""
        return self.host.inbox_version(self.seat)

    @property
    def partners(self) -> frozenset[str]:
        return self.host.partners(self.seat)

    def seen(self, start: int = 0) -> Seen:
        """What reached the seat so far, in order, from the ``start``-th item: (known since, event)."""
        return self.host.seen(self.seat, start)

    def case_file(self) -> tuple[CaseFile, ...]:
        """The subjects this seat knows of, with what it knows about each (in the order learnt)."""
        return self.host.case_files(self.seat)

    def read(self, item: InboxItem) -> None:
        """The person opened ``item``: say so to the host (once; opening it again changes nothing)."""
        if not item.read:
            self.submit(ReadMessage(item.msg))

    # --- requests, the form and the case board ---------------------------------------------------
    def requests(self) -> tuple[RequestView, ...]:
        return self.host.requests(self.seat)

    def form_for(self, request: str, notice_kind: str = "red") -> DraftRequest:
        return self.host.form_for(self.seat, request, notice_kind)

    def check_form(self, draft: DraftRequest) -> tuple[str, ...]:
        return self.host.check_form(self.seat, draft)

    def recipients(self) -> tuple[Recipient, ...]:
        """Every office the seat can write to, except its own."""
        return tuple(r for r in self.host.recipients() if r.code != self.home)

    def regions(self) -> tuple[str, ...]:
        return self.host.regions()

    def board(self) -> tuple[BoardRow, ...]:
        return self.host.board(self.seat)

    def arrest_cases(self) -> tuple[ArrestCaseView, ...]:
        """The arrest cases on this seat's requests, with what it may still do about each."""
        return self.host.arrest_cases(self.seat)

    def arrest_case(self, case: str) -> ArrestCaseView | None:
        return next((c for c in self.arrest_cases() if c.case == case), None)

    def persons(self) -> dict[str, str]:
        """The people of the exercise (not bodies or objects) by id -> name: whom an NCB can ask to arrest."""
        return dict(self.host.person_names())

    def countries(self) -> tuple[Recipient, ...]:
        """The NCBs the seat can ask to act (every member's but its own), by name."""
        return tuple(r for r in self.recipients() if r.code != "GS")

    def board_news(self) -> list[tuple[BoardRow, tuple[str, ...]]]:
        """Each board row with what happened to it since the person was last told (the
        consequences of what the seat did), and remembers them as told."""
        news = []
        for row in self.board():
            told = self._board_told.get(row.ref, 0)
            if len(row.history) > told:
                news.append((row, tuple(what for _, what in row.history[told:])))
                self._board_told[row.ref] = len(row.history)
        return news

    def new_reference(self, notice_kind: str) -> str:
        """A reference for a new request that no request of the exercise uses yet."""
        taken = {r.request for r in self.requests()} | {r.ref for r in self.board()} | {
            r.id for r in self.host.scenario.requests}
        prefix = "D" if notice_kind == "diffusion" else "N"
        n = 1
        while f"{prefix}-{self.home}-{n}" in taken:
            n += 1
        return f"{prefix}-{self.home}-{n}"
