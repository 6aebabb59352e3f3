"""A progress line for long headless runs, on a terminal only.

It listens to the journal rather than driving the engine: the run itself is not sliced or
slowed, and the journal cannot differ with or without it. The wall clock is read once every
``EVERY`` events and the line redrawn at most ``PER_SECOND`` times a second, overwritten in place
and cleared at the end, so it never mixes with the summary printed after it.
"""

from __future__ import annotations

import os
from time import perf_counter
from typing import IO, Any

from ..text import for_terminal

EVERY = 1024
PER_SECOND = 4


class RunProgress:
    """Journal listener drawing "sim date · % of the horizon · events/s" on ``stream``."""

    def __init__(self, host: Any, horizon: float, stream: IO[str]) -> None:
        self.host = host  # a play host: its clock (now, iso)
        self.horizon = horizon
        self.stream = stream
        self.events = 0
        self.started = self.last = perf_counter()
        self.shown = False

    def __call__(self, _event: dict[str, Any]) -> None:
        self.events += 1
        if self.events % EVERY:
            return
        now = perf_counter()
        if now - self.last < 1 / PER_SECOND:
            return
        self.last = now
        t = self.host.now
        share = t / self.horizon if self.horizon > 0 else 1.0
        rate = self.events / max(now - self.started, 1e-9)
        self._draw(f"{self.host.iso(t)[:16].replace('T', ' ')} UTC · {share:4.0%} of the run · "
                   f"{self.events:,} events · {rate:,.0f} events/s")

    def _draw(self, text: str) -> None:
        # Best effort: a terminal that went away must not fail the run (nor be taken for the
        # journal's own write error).
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError):
            columns = 0
        width = columns - 1 if columns > 1 else 79  # a pseudo-terminal may report no size at all
        # Cut to the terminal's width: a line that wrapped could not be overwritten in place.
        try:
            self.stream.write("\r" + for_terminal(text)[:width] + "\x1b[K")
            self.stream.flush()
            self.shown = True
        except OSError:
            pass

    def clear(self) -> None:
        if self.shown:
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except OSError:
                pass
            self.shown = False
