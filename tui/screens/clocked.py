"""What the trainee's and the trainer's screens share: a driver, the clock keys, help and quit."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label, Static

from sim.api import DecisionView

from ..driver import Driver
from ..text import shown
from .help import HelpScreen

FRAME_S = 0.05  # a clocked screen's frame: the engine ticks in one, a panel is drawn in the next
CLOCK_BINDINGS: list[BindingType] = [
    Binding("space", "toggle_clock", "Start/pause"),
    Binding("plus,equals_sign", "faster", "Faster"),
    Binding("minus", "slower", "Slower"),
]


class RunOnScreen(ModalScreen[bool]):
    """At maximum speed, asked once: may the clock run past the waiting decisions' deadlines?"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "yes", "Yes, run on"),
        Binding("escape,n", "no", "No"),
    ]

    def __init__(self, waiting: str) -> None:
        super().__init__()
        self.waiting = waiting

    def compose(self) -> ComposeResult:
        with Vertical(id="run-on", classes="case-dialog"):
            yield Label("[b]Run on at max speed?[/b]", classes="dialog-title")
            yield Static(f"{shown(self.waiting[:1].upper() + self.waiting[1:])}. At max speed the clock reaches each waiting decision's "
                         "deadline within a moment: the default applies at each deadline. You are asked this once.")
            yield Label("y: run on · n or escape: stay paused", classes="muted")
        yield Footer()

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


def clock_state(driver: Driver, reason_room: int | None = None) -> str:
    """The clock in words for a status line: running at which speed, or paused and why — the
    speed stays shown while paused. ``reason_room``: the most characters the why may take (it
    ends with an ellipsis when cut; the log below holds it whole)."""
    if driver.host.finished:
        return "■ exercise over"
    speed = driver.speed[0]
    if driver.seeking and not driver.paused:
        return "⏩ to the next thing for you…"
    if not driver.paused:
        return f"▶ {speed}"
    reason = driver.pause_reason
    if reason_room is not None and len(reason) > reason_room:
        reason = reason[:max(0, reason_room - 1)].rstrip() + "…"
    why = f": {reason}" if reason else " (space)"
    return f"⏸ paused{why} · speed {speed}"


class ClockedScreen(Screen):
    """A screen driven by the UI clock, in frames of ``FRAME_S``.

    Each screen defines ``refresh_all(changed=True)``: draw what changed (``changed`` is False
    when only the clock moved); ``clock_bar()``: the line that moves at every tick; and
    ``paint(panel)``: draw one of its ``STAGGERED`` panels. Declared here, not stubbed, so the
    clock keys and the frames can call them.

    While the clock runs, the engine's tick and a panel's turn take alternate frames, so neither
    waits for the other: at maximum speed every panel has news at every tick, and drawn all at
    once with the engine's slice (15 ms) they kept keys waiting 50-100 ms. The clock bar moves
    every tick; the panels take turns in the frames between the engine's ticks, one a frame, so
    each is at most a few frames behind. The engine still ticks every 0.1 s, so the clock covers
    as much sim time a second as it would in one callback. Paused, a tick draws everything behind.
    """

    refresh_all: Callable[..., None]
    clock_bar: Callable[[], None]
    paint: Callable[[str], None]
    STAGGERED: ClassVar[tuple[str, ...]] = ()  # the panels that take turns while the clock runs
    EVERY_TICK: ClassVar[tuple[str, ...]] = ()  # those with news at every tick (countdowns)

    def __init__(self, driver: Driver, clock: bool = True) -> None:
        super().__init__()
        self.driver = driver
        self.clock = clock  # tests switch the wall clock off and step the engine by keys
        self._last = time.monotonic()
        self._logged = 0
        self._modal_open = False  # the clock holds still while a dialog is open
        self._stale: set[str] = set()  # panels not drawn since their news (while the clock runs)
        self._turn = 0
        self._paint_frame = False  # the next frame is the engine's (see frame)

    def start_clock(self) -> None:
        if self.clock:
            self.set_interval(FRAME_S, self.frame)

    def frame(self) -> None:
        """One frame of the running screen: the engine's tick or a panel's turn, in turn."""
        paint, self._paint_frame = self._paint_frame, not self._paint_frame
        if not paint:
            self._tick()
        elif not self.driver.paused and not self._modal_open:
            self.paint_turn()

    def paint_turn(self) -> None:
        """Draw the next panel whose news is not shown yet (at most one a frame)."""
        if not self.STAGGERED:  # nothing takes turns on a screen without staggered panels
            return
        self._turn = (self._turn + 1) % len(self.STAGGERED)
        turns = self.STAGGERED[self._turn:] + self.STAGGERED[:self._turn]
        turn = next((p for p in turns if p in self._stale), None)
        if turn is not None:
            self._stale.discard(turn)
            self.paint(turn)

    def _tick(self) -> None:
        now = time.monotonic()
        elapsed, self._last = now - self._last, now
        if self._modal_open:
            return
        self.clock_moved(self.driver.tick(elapsed))
        if self.driver.stopped_for:
            if self.driver.owns_clock:
                self.notify(self.stop_alert(self.driver.stopped_for), title="Clock paused", timeout=10)
            else:  # the trainer's clock runs on: the deadline comes whether or not the seat answers
                self.notify("A decision is waiting: press d to decide (at its deadline the default applies).",
                            title="Decision", timeout=10)
        self.after_tick()

    def _trainers_clock(self) -> bool:
        """Said, and True, when the clock is the trainer's (a seat joined to an exercise server)."""
        if self.driver.owns_clock:
            return False
        self.notify("The trainer runs the clock in this exercise.", title="Clock")
        return True

    def clock_moved(self, changed: bool) -> None:
        """Draw after a clock tick: paused, all that is behind; running, the clock bar, and the
        panels with news wait for their turns (``frame``)."""
        if self.driver.paused:
            self.refresh_all(changed)
            self._stale.clear()
            return
        self.clock_bar()
        if changed:
            self._stale.update(self.STAGGERED)
            self.news()
        self._stale.update(self.EVERY_TICK)

    def news(self) -> None:
        """Hook for what a tick that changed something says at once (the desk's board news)."""

    def stop_alert(self, decisions: tuple[DecisionView, ...]) -> str:
        """Why the clock just stopped, and what to do."""
        return ("A decision is waiting: press d to decide, or space to let the clock run on "
                "(at its deadline the default applies).")

    def after_tick(self) -> None:
        """Hook for what follows a tick (the trainee's screen shows the debrief at the end)."""

    def action_toggle_clock(self) -> None:
        if self._trainers_clock():
            return
        if not self.driver.toggle():  # at max speed with a decision waiting: ask once
            self._modal_open = True

            def answered(yes: bool | None) -> None:
                self._modal_open = False
                if yes:
                    self.driver.run_on(confirmed=True)
                self._last = time.monotonic()
                self.refresh_all(False)

            self.app.push_screen(RunOnScreen(self.driver.waiting_words()), answered)
            return
        self._last = time.monotonic()
        self.refresh_all(False)

    def action_faster(self) -> None:
        if self._trainers_clock():
            return
        self.driver.faster()
        self.refresh_all(False)

    def action_slower(self) -> None:
        if self._trainers_clock():
            return
        self.driver.slower()
        self.refresh_all(False)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())
