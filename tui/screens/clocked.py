"""What the trainee's and the trainer's screens share: a driver, the clock keys, help and quit."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.binding import Binding, BindingType
from textual.screen import Screen

from sim.api import DecisionView

from ..driver import Driver
from .help import HelpScreen

# RichLog renders each line at least this wide (Textual's default is 78): a panel narrower than
# that would hide the end of every wrapped line, so logs wrap at the panel's own width instead.
MIN_LOG_WIDTH = 20
CLOCK_BINDINGS: list[BindingType] = [
    Binding("space", "toggle_clock", "Start/pause"),
    Binding("plus,equals_sign", "faster", "Faster"),
    Binding("minus", "slower", "Slower"),
]


class ClockedScreen(Screen):
    """A screen driven by the UI clock.

    Each screen defines ``refresh_all(changed=True)``: draw what changed (``changed`` is False
    when only the clock moved). Declared here, not stubbed, so the clock keys can call it.
    """

    refresh_all: Callable[..., None]

    def __init__(self, driver: Driver, clock: bool = True) -> None:
        super().__init__()
        self.driver = driver
        self.clock = clock  # tests switch the wall clock off and step the engine by keys
        self._last = time.monotonic()
        self._logged = 0
        self._modal_open = False  # the clock holds still while a dialog is open

    def start_clock(self) -> None:
        if self.clock:
            self.set_interval(0.1, self._tick)

    def _tick(self) -> None:
        now = time.monotonic()
        elapsed, self._last = now - self._last, now
        if self._modal_open:
            return
        self.refresh_all(self.driver.tick(elapsed))
        if self.driver.stopped_for:
            self.notify(self.stop_alert(self.driver.stopped_for), title="Clock paused", timeout=10)
        self.after_tick()

    def stop_alert(self, decisions: tuple[DecisionView, ...]) -> str:
        """Why the clock just stopped, and what to do."""
        return ("A decision is waiting: press d to decide, or space to let the clock run on "
                "(at its deadline the default applies).")

    def after_tick(self) -> None:
        """Hook for what follows a tick (the trainee's screen shows the debrief at the end)."""

    def action_toggle_clock(self) -> None:
        self.driver.paused = not self.driver.paused
        self._last = time.monotonic()
        self.refresh_all(False)

    def action_faster(self) -> None:
        self.driver.faster()
        self.refresh_all(False)

    def action_slower(self) -> None:
        self.driver.slower()
        self.refresh_all(False)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())
