"""Drives an exercise from the UI clock: wall time × speed, never blocking input for long.

A thin wrapper around the play host (``sim.api.PlayHost``): the host owns the run and its
session, takes the seat's commands and gives its views as immutable data; the driver keeps the
UI's clock settings (speed, pause) and turns wall time into sim time. It is plain Python (no
Textual), so its behaviour is tested without a terminal.
"""

from __future__ import annotations

import time
from functools import cache

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
    all_members,
    describe,
    is_key,
    settle_for_a_session,
)
from sim.play.commands import DraftRequest, ReadMessage
from sim.play.views import ArrestCaseView, BoardRow, FormChoices, Recipient, RequestView, TransferView

from .wording import Namer, decision_short, message_type

# Sim seconds per wall second; the last one means "as fast as the machine goes".
SPEEDS = (("real time", 1.0), ("1 min/s", 60.0), ("10 min/s", 600.0), ("1 h/s", 3600.0), ("6 h/s", 21600.0),
          ("max", float("inf")))
TICK_BUDGET_S = 0.015  # wall time the engine may use per UI tick (the rest is for drawing and keys)
# Wall time a jump ("n") may search in one go before it carries on over the clock's ticks.
JUMP_BUDGET_S = 0.5
MAX = float("inf")
# "Next" stops this many sim minutes before the end when nothing more reaches the seat: it says
# so, and the person runs the clock to the end themselves (never past it without a word).
END_MARGIN = 1.0


@cache
def settle_heap() -> None:
    """Once a process, when the clock first runs. What exists then (the world, the session, the
    screens) lives as long as the session: the collector stops rescanning it (``gc.freeze``), and
    collects the young less often. At maximum speed a tick of the UI allocated enough for eleven
    young collections and, every tenth tick, a full one that stalled the screen for 100-200 ms
    (bench/tui_tick.py; docs/benchmarks.md)."""
    settle_for_a_session()


class Driver:
    owns_clock = True  # the person at this screen runs the clock (not so for a seat joined to a server)
    served = False  # joined to an exercise server (ncbsim serve): the server keeps the session

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
        # Why the clock stopped by itself (a decision, the next thing, the end), for the status
        # line; empty when the person paused it or it runs.
        self.pause_reason = ""
        self.seeking = False  # "next" is running the clock to the next thing the seat will see
        # At maximum speed a waiting decision's deadline passes within a tick: the person is asked
        # once whether the defaults may apply (run_on(confirmed=True)); after that, never again.
        self.max_confirmed = False
        self.name = Namer(host.subject_names(), {r.code: r.name for r in host.recipients() if r.code != "GS"},
                          {c.id: c.title for c in host.scenario.cases})
        self.choices: FormChoices = host.form_choices()
        self._board_told: dict[str, int] = {}  # ref -> history lines the person has been told of
        self._board_version = -1  # the board as last looked at for news
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

    def tick(self, wall_seconds: float) -> bool:
        """Advance by wall time × speed; True when something new reached the seat."""
        self.stopped_for = ()
        if self.paused or self.host.finished:
            return False
        settle_heap()
        if self.seeking:
            before = self.host.seen_count(self.seat)
            self._sought(self.host.advance_to_news(self.seat, TICK_BUDGET_S, TICK_BUDGET_S, self._seek_limit()))
            self.save_progress()
            return self.host.seen_count(self.seat) > before
        rate = self.speed[1]
        if rate == MAX and self.pause_on_decision and self.waiting() and not self.max_confirmed:
            # At max speed the deadline would pass within this tick: not without the person's word.
            self._stop(f"{self.waiting_words()}; at max speed space asks first")
            return False
        target = self.host.duration if rate == MAX else self.now + wall_seconds * rate / 60.0
        changed = self.host.advance(target, TICK_BUDGET_S, self.seat if self.pause_on_decision else None)
        self.save_progress()
        if self.pause_on_decision:
            new = tuple(d for d in self.waiting() if d.id not in self._stopped_for)
            if new:
                self.stopped_for = new
                self._stopped_for.update(d.id for d in new)
                self._stop(self.waiting_words(new))
        return changed

    def _stop(self, reason: str) -> None:
        self.paused, self.seeking, self.pause_reason = True, False, reason

    def waiting_words(self, decisions: tuple[DecisionView, ...] | None = None) -> str:
        """What waits, in words: "Morocco's hit on Marc DUVAL waits for you (d)"."""
        waiting = decisions if decisions is not None else self.waiting()
        if not waiting:
            return ""
        first = decision_short(waiting[0], self.name)
        more = f" and {len(waiting) - 1} more" if len(waiting) > 1 else ""
        if self.seat == "trainer":
            return f"{first}{more} waits for {self.name.seat(waiting[0].seat)}"
        return f"{first}{more} waits for you (d)"

    def day(self) -> tuple[int, int]:
        """(day, of days) in calendar days of the seat's local time: day 1 is the date the exercise
        starts on the seat's wall calendar, and a new day begins at its midnight (UTC for the
        trainer and the General Secretariat's desks)."""
        m = all_members().get(self.home)
        on = (lambda t: self.host.local(t, m.timezone).date()) if m else (lambda t: self.host.utc(t).date())
        first = on(0.0)
        last = on(max(0.0, self.host.duration - 1e-3))  # an end at midnight is the previous day's last instant
        return (on(self.now) - first).days + 1, (last - first).days + 1

    def needs_confirmation(self) -> bool:
        """Starting the clock now would let a waiting decision's deadline pass at maximum speed,
        and the person has not yet said that the defaults may apply (a seat whose scenario says
        its clock does not stop for decisions is never asked)."""
        return (self.paused and self.speed[1] == MAX and self.pause_on_decision and bool(self.waiting())
                and not self.max_confirmed)

    def run_on(self, confirmed: bool = False) -> bool:
        """Start the clock (space); False, and nothing changes, when it must ask first (see
        ``needs_confirmation``): ``confirmed`` is the person's yes, given once for the session."""
        if self.needs_confirmation():
            if not confirmed:
                return False
            self.max_confirmed = True
        self.paused, self.pause_reason = False, ""
        return True

    def pause(self) -> None:
        self.paused, self.seeking, self.pause_reason = True, False, ""

    def toggle(self) -> bool:
        """Space: pause a running clock, or start a paused one (False: it must ask first)."""
        if not self.paused:
            self.pause()
            return True
        return self.run_on()

    def faster(self) -> None:
        self.speed_index = min(len(SPEEDS) - 1, self.speed_index + 1)

    def slower(self) -> None:
        self.speed_index = max(0, self.speed_index - 1)

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

    def jump_to_next_event(self, budget_s: float | None = None) -> str:
        """Run to the next thing this seat will see (a message, a line of what it knows, a change
        on its board, a new decision); background traffic and what never reaches it do not count.
        Returns why it stopped — "news", "decision", "none" (nothing more reaches the seat before
        the end: the clock stops just short of it and ``pause_reason`` says so), "end" — or
        "seeking" when ``budget_s`` of wall time ran out first: the clock then goes on seeking on
        its ticks (the screen never freezes), and stops when it finds something. While one of
        the seat's decisions waits it does not move ("waiting"): a jump could pass its deadline."""
        if budget_s is None:
            budget_s = JUMP_BUDGET_S
        if self.host.finished:
            return "end"
        if self.my_decisions():
            return "waiting"
        if self.now >= self._seek_limit():  # told already that nothing more comes: on to the end
            while not self.host.finished:  # a minute of sim time at most: never long
                self.host.advance(self.host.duration, budget_s)
            self._stop("")
            self.save_progress(force=True)
            return "end"
        self.paused, self.seeking, self.pause_reason = False, True, ""
        return self._sought(self.host.advance_to_news(self.seat, budget_s, TICK_BUDGET_S, self._seek_limit()))

    def _seek_limit(self) -> float:
        return max(self.now, self.host.duration - END_MARGIN)

    def _sought(self, outcome: str) -> str:
        if outcome == "budget":
            self.save_progress()
            return "seeking"
        self.save_progress(force=True)
        if outcome == "news":
            self._stop(self._news_words())
        elif outcome == "decision":
            new = tuple(d for d in self.my_decisions() if d.id not in self._stopped_for)
            self._stopped_for.update(d.id for d in new)
            self._stop(self.waiting_words(new or None))
        elif outcome == "until":
            self._stop(f"nothing more reaches you before the end ({self.host.utc(self.host.duration):%a %d %b %H:%M} UTC)"
                       "; n or space runs the clock to it")
            return "none"
        else:
            self._stop("")
        return outcome

    def _news_words(self) -> str:
        """The newest thing the seat's screen shows, in a few words."""
        for _, e in reversed(self.host.seen(self.seat)):
            if e["kind"] == "message.sent" and e.get("to") == self.home and e.get("type") not in ("traffic", "forward"):
                return f"new {message_type(str(e['type']))} from {self.name.sender(str(e['from']))}"
            if e["kind"].startswith(("message.", "decision.")) or not is_key(e):
                continue
            return "new: " + self.name.engine(describe(e))
        return "something new reached you"

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

    @property
    def watching(self) -> bool:
        """The trainer's seat on the desk's screen (a scenario nobody plays): every NCB's traffic
        passes by, and nobody's work is done from here — the host refuses the trainer a seat's acts."""
        return self.seat == "trainer"

    def read(self, item: InboxItem) -> None:
        """The person opened ``item``: say so to the host (once; opening it again changes nothing).
        The trainer reads at no seat, so nothing is said for it."""
        if not item.read and not self.watching:
            self.submit(ReadMessage(item.msg))

    # --- requests, the form and the case board ---------------------------------------------------
    def requests(self) -> tuple[RequestView, ...]:
        return self.host.requests(self.seat)

    def form_for(self, request: str, notice_kind: str = "red") -> DraftRequest:
        return self.host.form_for(self.seat, request, notice_kind)

    def check_form(self, draft: DraftRequest) -> tuple[str, ...]:
        return self.host.check_form(self.seat, draft)

    def request_form(self, request: str) -> dict:
        """The form the scenario prepared for the seat's request (what "file it" files)."""
        return self.host.request_form(self.seat, request)

    def request_checks(self, request: str) -> list[str]:
        """What the review rules' overt checks say of that prepared form."""
        return self.host.request_checks(self.seat, request)

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

    def transfers(self) -> tuple[TransferView, ...]:
        """The fraudulent transfers reported to this seat's NCB (the stop-payment form's choices)."""
        return self.host.transfers(self.seat)

    def persons(self) -> dict[str, str]:
        """The people of the exercise (not bodies or objects) by id -> name: whom an NCB can ask to arrest."""
        return dict(self.host.person_names())

    def countries(self) -> tuple[Recipient, ...]:
        """The NCBs the seat can ask to act (every member's but its own), by name."""
        return tuple(r for r in self.recipients() if r.code != "GS")

    def board_news(self) -> list[tuple[BoardRow, tuple[str, ...]]]:
        """Each board row with what happened to it since the person was last told (the
        consequences of what the seat did), and remembers them as told."""
        version = self.host.board_version(self.seat)
        if version == self._board_version:
            return []
        self._board_version = version
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
