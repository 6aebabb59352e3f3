"""The table of waiting decisions, kept in step with the engine in place.

Rebuilding it every tick would re-layout the screen and send the cursor back to the top; rows
are added and removed as decisions come and go, and only the countdown cells change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.widgets import DataTable

from sim.api import DecisionView, format_minutes

from ..text import shown


class DecisionTable(DataTable):
    def __init__(self, with_seat: bool = False, **kw) -> None:
        super().__init__(cursor_type="row", **kw)
        self.with_seat = with_seat

    def on_mount(self) -> None:
        # No id column: a decision is its question (ids are the engine's, not people's).
        if self.with_seat:
            self.add_column("seat", key="seat")
        self.add_column("time left", key="left")
        self.add_column("question", key="question")

    def sync(self, decisions: Sequence[DecisionView], now: float, name: Callable[[str], str] = str) -> None:
        waiting = {q.id: q for q in decisions}
        on_screen = {k.value for k in self.rows if k.value is not None}  # every row is keyed by its decision id
        for gone in on_screen - set(waiting):
            self.remove_row(gone)
        for qid, q in waiting.items():
            left = format_minutes(max(0.0, q.deadline - now))
            if qid in on_screen:
                self.update_cell(qid, "left", left)
            else:
                cells = (q.seat,) if self.with_seat else ()
                self.add_row(*cells, left, shown(name(q.prompt)[:70]), key=q.id)
