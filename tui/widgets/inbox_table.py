"""The I-24/7 inbox table, kept in step with the seat in place.

Clearing and refilling it for every new message cost 30 ms of rows and 50 ms of the table
re-measuring them at 270 messages: at maximum speed, most of a UI tick. So new messages are
added, a message that changed (opened, handled) has its cells updated, and the newest-first
order is one sort on each row's place, which measures nothing again. The table is refilled only
when its width changes (the text is cut to fit it) or a message left the inbox.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import events
from textual.widgets import DataTable

from sim.api import InboxItem

from ..wording import Namer
from .fixed_frame import FixedFrame


class _Placed(str):
    """A cell's text that knows its message's place in arrival order, for the newest-first sort."""

    place: int


class InboxTable(FixedFrame, DataTable):
    def __init__(self, cells: Callable[[InboxItem, Namer, int], tuple[str, str]], **kw) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kw)
        self._cells = cells  # the line function the seat's own screen uses (one source of wording)
        self._drawn: dict[str, InboxItem] = {}
        self._room = 0
        self._last: tuple[Sequence[InboxItem], Namer] | None = None

    def room(self) -> int:
        """The message column's width: what the mark's column and the padding leave."""
        return max(24, self.scrollable_content_region.width - 7)

    def show(self, rows: Sequence[InboxItem], name: Namer) -> None:
        """Show ``rows`` (newest first, as the host gives them)."""
        self._last = (rows, name)
        room = self.room()
        if room != self._room or not self._drawn.keys() <= {str(r.msg) for r in rows}:
            self._refill(rows, name, room)
            return
        added = False
        for i, r in enumerate(rows):
            key = str(r.msg)
            old = self._drawn.get(key)
            if old is r or old == r:
                continue
            mark, text = self._placed(r, name, room, len(rows) - 1 - i)
            if old is None:
                self.add_row(mark, text, key=key, height=2)
                added = True
            else:
                self.update_cell(key, "mark", mark)
                self.update_cell(key, "message", text)
            self._drawn[key] = r
        if added:
            # The host appends in arrival order, so a message's place never changes: the sort
            # puts the new ones on top and leaves the cursor where it was (by row, as before).
            self.sort("mark", key=lambda mark: -mark.place)
            self._measure_now()

    def _measure_now(self) -> None:
        """Measure the new rows now rather than when the table next idles (DataTable's
        ``_on_idle``, textual is pinned): measured then, the table was drawn twice for one batch
        of messages, once before and once after — at maximum speed, most of the inbox's frame."""
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)

    def _refill(self, rows: Sequence[InboxItem], name: Namer, room: int) -> None:
        row = self.cursor_row
        self.clear(columns=True)
        self._room = room
        self._drawn = {}
        self.add_column("", key="mark", width=3)
        self.add_column("message", key="message", width=room)
        for i, r in enumerate(rows):
            self.add_row(*self._placed(r, name, room, len(rows) - 1 - i), key=str(r.msg), height=2)
            self._drawn[str(r.msg)] = r
        self.move_cursor(row=min(row, max(0, self.row_count - 1)))

    def _placed(self, r: InboxItem, name: Namer, room: int, place: int) -> tuple[_Placed, str]:
        mark, text = self._cells(r, name, room)
        placed = _Placed(mark)
        placed.place = place
        return placed, text

    def on_resize(self, event: events.Resize) -> None:
        if self._last is not None and self.room() != self._room:
            self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        if self._last is not None:
            self.show(*self._last)
