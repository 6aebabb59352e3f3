"""The table of waiting decisions, kept in step with the engine in place.

Rebuilding it every tick would re-layout the screen and send the cursor back to the top; rows
are added and removed as decisions come and go, and only the countdown cells change.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from textual import events
from textual.widgets import DataTable

from sim.api import DecisionView, format_minutes

from ..text import shown


class DecisionTable(DataTable):
    def __init__(self, with_seat: bool = False, **kw) -> None:
        super().__init__(cursor_type="row", **kw)
        self.with_seat = with_seat
        self._last: tuple[Sequence[DecisionView], float, Callable[[str], str]] | None = None
        self._width = 0

    def on_mount(self) -> None:
        self._columns()

    def _columns(self) -> None:
        # No id column: a decision is its question (ids are the engine's, not people's). The
        # question wraps in the width the other columns leave, on up to three lines.
        self._width = self.scrollable_content_region.width
        if self.with_seat:
            self.add_column("seat", key="seat", width=5)
        self.add_column("time left" if not self.with_seat else "left", key="left", width=9 if not self.with_seat else 7)
        self.add_column("question", key="question", width=self._room())

    def _room(self) -> int:
        taken = (7 + 2) + (5 + 2) if self.with_seat else 9 + 2
        return max(12, self.scrollable_content_region.width - taken - 2)

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width == self._width:
            return
        self.clear(columns=True)
        self._columns()
        if self._last is not None:
            self.sync(*self._last)

    def sync(self, decisions: Sequence[DecisionView], now: float, name: Callable[[str], str] = str) -> None:
        self._last = (decisions, now, name)
        waiting = {q.id: q for q in decisions}
        on_screen = {k.value for k in self.rows if k.value is not None}  # every row is keyed by its decision id
        for gone in on_screen - set(waiting):
            self.remove_row(gone)
        for qid, q in waiting.items():
            left = format_minutes(max(0.0, q.deadline - now))
            if qid in on_screen:
                self.update_cell(qid, "left", left)
            else:
                # The seat as people say it: the NCB's country code, or the desk (NDTF, CCC).
                cells = (_seat_short(q.seat),) if self.with_seat else ()
                lines = textwrap.wrap(name(q.prompt), self._room()) or [""]
                if len(lines) > 3:
                    lines = [*lines[:2], textwrap.shorten(" ".join(lines[2:]), self._room(), placeholder="…")]
                self.add_row(*cells, left, "\n".join(shown(line) for line in lines), key=q.id, height=len(lines))


def _seat_short(seat: str) -> str:
    role, _, where = seat.partition(":")
    return where or role.upper()
