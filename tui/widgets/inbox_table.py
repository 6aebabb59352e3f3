"""The I-24/7 inbox table, kept in step with the seat in place.

Clearing and refilling it for every new message cost 30 ms of rows and 50 ms of the table
re-measuring them at 270 messages: at maximum speed, most of a UI tick. So new messages are
added, a message that changed (opened, handled) has its cells updated, and the newest-first
order is one sort on each row's place, which measures nothing again. The table is refilled only
when its width changes (the text is cut to fit it) or a message left the inbox.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.strip import Strip
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
        self._strips: LRUCache[tuple, Strip] = LRUCache(1000)  # see _render_line
        self._row_styles: dict[tuple, Style] = {}  # see _get_row_style

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
        """Size the table for its new rows now, rather than when it next idles (DataTable's
        ``_on_idle``; textual is pinned). Then, the table was drawn twice for one batch of
        messages, before and after; and it measured every new cell's text, which changes nothing
        here: the columns have set widths and the rows two lines each. The new virtual size is
        all there is to know."""
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            self._new_rows.clear()
            width = sum(c.get_render_width(self) for c in self.ordered_columns) + self._row_label_column_width
            self.virtual_size = Size(width, self._total_row_height + (self.header_height if self.show_header else 0))

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

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        """A line of a message's row, drawn again only when the message, the row's stripe or the
        cursor on it changes. DataTable keys its caches by a count of every change to the table,
        so a new message drew every row again, though they only moved down (on a desk, most of
        the rows in view; the observer's inbox at maximum speed is new from top to bottom at
        each turn, and gains nothing). The strip's mouse meta says which row it is on (a click
        selects by it), and is set anew where the row now is."""
        try:
            row_key, in_row = self._get_offsets(y)
        except LookupError:
            return super()._render_line(y, x1, x2, base_style)
        message = self._drawn.get(str(row_key.value))
        row = self._row_locations.get(row_key)
        if message is None or row is None:  # the header
            return super()._render_line(y, x1, x2, base_style)
        key = (row_key, in_row, message, row % 2, row == self.cursor_coordinate.row,
               row == self.hover_coordinate.row, x1, x2, self.size.width, base_style, self.cursor_type,
               self.show_cursor, self._show_hover_cursor, self._pseudo_class_state)
        strip = self._strips.get(key)
        if strip is None:
            strip = super()._render_line(y, x1, x2, base_style)
            self._strips[key] = strip
            return strip
        return strip.apply_meta({"row": row})

    def _get_row_style(self, row_index: int, base_style: Style) -> Style:
        # DataTable works a stripe's style out from the widget's ancestors for every line it
        # draws; it only changes with the theme or the focus (see notify_style_update).
        key = (row_index == -1, row_index % 2, base_style, self._pseudo_class_state)
        style = self._row_styles.get(key)
        if style is None:
            style = self._row_styles[key] = super()._get_row_style(row_index, base_style)
        return style

    def notify_style_update(self) -> None:
        self._strips.clear()  # a new theme or focus style: every row is drawn again
        self._row_styles.clear()
        super().notify_style_update()

    def on_resize(self, event: events.Resize) -> None:
        if self._last is not None and self.room() != self._room:
            self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        if self._last is not None:
            self.show(*self._last)
