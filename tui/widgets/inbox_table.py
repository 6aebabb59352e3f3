"""The I-24/7 inbox: messages newest first, two lines each, under a header, with a row cursor.

A line-API widget: the rows are the host's own tuple, and a line is made only when it is drawn,
from the message now on it. It was a DataTable kept in step with the inbox, and each batch of new
messages cost a row object and a measure per message, a sort and a new index of every row, and
the rows in view drawn again through Rich's per-cell rendering. The observer's inbox gains a
screenful of messages at each turn at maximum speed and thousands over a long run, so a turn cost
more the longer the exercise ran. Here taking a new inbox costs nothing per message; drawing
costs the rows in view, each made once for as long as its message, its stripe and the cursor on
it stay the same.

It looks and answers as the DataTable did: the same columns (the mark, then the message cut to
the panel's width), header, zebra stripes, cursor and hover colours (DataTable's stylesheet,
under this widget's name), keys (enter, up/down, page up/down, ctrl+home/ctrl+end) and clicks (a
click moves the cursor to a row, a click on the cursor's row opens it). New messages come in on
top and the cursor keeps its row, as the table's sort left it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sim.api import InboxItem

from ..wording import Namer
from .fixed_frame import FixedFrame

MARK_WIDTH = 3
PADDING = 1  # each side of a cell, as DataTable's cell_padding
ROW_HEIGHT = 2
HEADER = ("", "message")

Cells = Callable[[InboxItem, Namer, int], tuple[str, str]]


class InboxTable(FixedFrame, ScrollView, can_focus=True):
    """The inbox of one seat: ``show`` it the host's rows; ``Selected`` says which was opened."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+home", "scroll_top", "Top", show=False),
        Binding("ctrl+end", "scroll_bottom", "Bottom", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "inbox-table--header", "inbox-table--cursor", "inbox-table--hover",
        "inbox-table--even-row", "inbox-table--odd-row",
    }

    # DataTable's own stylesheet (textual 8.2.8, pinned), for the parts an inbox uses.
    DEFAULT_CSS = """
    InboxTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .inbox-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .inbox-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark {
            & > .inbox-table--even-row {
                background: $surface-darken-1 40%;
            }
        }
        & > .inbox-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .inbox-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .inbox-table--odd-row {
        }
        & > .inbox-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .inbox-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .inbox-table--hover {
            background: $block-hover-background;
        }
    }
    """

    class Selected(Message):
        """A message was opened: enter on the cursor's row, or a click on it."""

        def __init__(self, inbox_table: InboxTable, row: int, item: InboxItem) -> None:
            super().__init__()
            self.inbox_table, self.row, self.item = inbox_table, row, item

        @property
        def control(self) -> InboxTable:
            return self.inbox_table

    def __init__(self, cells: Cells, **kw) -> None:
        super().__init__(**kw)
        self._cells = cells  # the line function the seat's own screen uses (one source of wording)
        self._rows: Sequence[InboxItem] = ()
        self._namer: Namer | None = None
        self.cursor_row = 0
        self._hover_row = -1  # the row under the mouse, shown while the mouse is what moved last
        self._show_hover = False
        self._texts: LRUCache[tuple[InboxItem, int], tuple[str, str, str]] = LRUCache(1000)
        self._strips: LRUCache[tuple, Strip] = LRUCache(1000)
        self._styles: dict[tuple, Style] = {}  # see _style
        # What every line of one repaint shares, read once a repaint (the widget's style is worked
        # out from its ancestors at each asking: a third of the inbox's drawing, asked per line).
        self._pseudo_state: object = None  # focus changes the cursor's colours
        self._base = Style()
        self._room = 0

    # --- what it shows --------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def items(self) -> Sequence[InboxItem]:
        """The rows, newest first, as last shown."""
        return self._rows

    def room(self) -> int:
        """The message column's width: what the mark's column and the padding leave."""
        return max(24, self.scrollable_content_region.width - MARK_WIDTH - 4 * PADDING)

    def show(self, rows: Sequence[InboxItem], name: Namer) -> None:
        """Show ``rows`` (newest first, as the host gives them)."""
        if name is not self._namer:
            self._namer = name
            self._texts.clear()
            self._strips.clear()
        old, self._rows = self._rows, rows
        self.virtual_size = Size(0, 1 + ROW_HEIGHT * len(rows))
        if self.cursor_row >= len(rows):
            self.cursor_row = max(0, len(rows) - 1)
        first, last = self._rows_in_view()
        if old[first:last] != rows[first:last]:  # compared message by message: the rows in view only
            self.refresh()

    def cells_at(self, row: int) -> tuple[str, str]:
        """The row's two cells, the mark and the message, as the cell function words them."""
        assert self._namer is not None
        return self._cells(self._rows[row], self._namer, self.room())

    def index_of(self, msg: int) -> int:
        """The row of message ``msg``."""
        return next(i for i, r in enumerate(self._rows) if r.msg == msg)

    def _rows_in_view(self) -> tuple[int, int]:
        top = int(self.scroll_y)
        return top // ROW_HEIGHT, (top + self.scrollable_content_region.height) // ROW_HEIGHT + 1

    # --- drawing --------------------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        self._pseudo_state = self.get_pseudo_class_state()
        self._base = self.rich_style
        self._room = self.room()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            return self._strip(-1, 0, None, width)
        y += int(self.scroll_y) - 1
        row, in_row = divmod(y, ROW_HEIGHT)
        if row >= len(self._rows):
            return Strip.blank(width, self._base)
        return self._strip(row, in_row, self._rows[row], width)

    def _strip(self, row: int, in_row: int, item: InboxItem | None, width: int) -> Strip:
        cursor = row == self.cursor_row and row >= 0
        hover = row == self._hover_row and self._show_hover
        key = (item, in_row, row % 2, cursor, hover, width, self._room, self._pseudo_state, self._base)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._make_strip(row, in_row, item, width, cursor, hover)
        # The strip is kept while only its place changes: its mouse meta says where it is now.
        return strip.apply_meta({"row": row})

    def _make_strip(self, row: int, in_row: int, item: InboxItem | None, width: int,
                    cursor: bool, hover: bool) -> Strip:
        room = self._room
        if item is None:
            mark, text = HEADER
        else:
            mark, first, second = self._texts_of(item, room)
            mark, text = (mark if in_row == 0 else ""), (first if in_row == 0 else second)
        style = self._style(row, cursor, hover)
        pad = " " * PADDING
        segments = [
            Segment(pad + _fit(mark, MARK_WIDTH) + pad + pad + _fit(text, room) + pad, style),
            Segment(" " * max(0, width - room - MARK_WIDTH - 4 * PADDING), style),
        ]
        return Strip(segments).adjust_cell_length(width, self._base).simplify()

    def _texts_of(self, item: InboxItem, room: int) -> tuple[str, str, str]:
        """The row's mark and two lines as shown: the cell function's markup read as text."""
        key = (item, room)
        texts = self._texts.get(key)
        if texts is None:
            assert self._namer is not None
            mark, message = self._cells(item, self._namer, room)
            first, _, second = Text.from_markup(message).plain.partition("\n")
            texts = self._texts[key] = (Text.from_markup(mark).plain, first, second.partition("\n")[0])
        return texts

    def _style(self, row: int, cursor: bool, hover: bool) -> Style:
        """A row's colours as DataTable makes them: the stripe (or the header's), then the hover
        and the cursor over it, whose colours win over the text's."""
        key = (row == -1, row % 2, cursor, hover, self._pseudo_state, self._base)
        style = self._styles.get(key)
        if style is None:
            part = self.get_component_rich_style
            if row == -1:
                base = self.get_component_styles("inbox-table--header").rich_style
            else:
                base = self.get_component_styles(
                    "inbox-table--odd-row" if row % 2 else "inbox-table--even-row").rich_style
            over = Style()
            if hover:
                over += part("inbox-table--hover")
            if cursor:
                over += part("inbox-table--cursor")
            style = self._styles[key] = (base + over + Style.from_color(over.color, over.bgcolor))
        return style

    def notify_style_update(self) -> None:
        self._strips.clear()  # a new theme or focus style: every row is drawn again
        self._styles.clear()
        super().notify_style_update()

    def on_resize(self, event: events.Resize) -> None:
        self.refresh()  # the message column follows the panel's width (see room)

    # --- the cursor -----------------------------------------------------------------------------
    def move_cursor(self, *, row: int, animate: bool = False, scroll: bool = True) -> None:
        row = max(0, min(row, len(self._rows) - 1))
        old, self.cursor_row = self.cursor_row, row
        if old != row:
            self._refresh_row(old)
            self._refresh_row(row)
        if scroll:
            self._scroll_cursor_into_view(animate)

    def _refresh_row(self, row: int) -> None:
        self.refresh_lines(1 + ROW_HEIGHT * row, ROW_HEIGHT)

    def refresh_lines(self, y_start: int, line_count: int = 1) -> None:
        # The header does not scroll: a row's lines are where they are below it.
        self.refresh(Region(0, y_start - int(self.scroll_y), self.size.width, line_count))

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        region = Region(int(self.scroll_x), 1 + ROW_HEIGHT * self.cursor_row, self.size.width, ROW_HEIGHT)
        self.scroll_to_region(region, animate=animate, spacing=Spacing(1, 0, 0, 0), force=True)

    def _keys_move(self) -> None:
        if self._show_hover:
            self._show_hover = False
            self._refresh_row(self._hover_row)

    def action_cursor_up(self) -> None:
        self._keys_move()
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._keys_move()
        self.move_cursor(row=self.cursor_row + 1)

    def action_page_down(self) -> None:
        self._keys_move()
        height = self.scrollable_content_region.height - 1
        self.scroll_relative(y=height, animate=False, force=True)
        self.move_cursor(row=self.cursor_row + height // ROW_HEIGHT, scroll=False)

    def action_page_up(self) -> None:
        self._keys_move()
        height = self.scrollable_content_region.height - 1
        self.scroll_relative(y=-height, animate=False)
        self.move_cursor(row=self.cursor_row - height // ROW_HEIGHT, scroll=False)

    def action_scroll_top(self) -> None:
        self._keys_move()
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        self._keys_move()
        self.move_cursor(row=len(self._rows) - 1)

    def action_select_cursor(self) -> None:
        self._keys_move()
        if self._rows:
            self.post_message(self.Selected(self, self.cursor_row, self._rows[self.cursor_row]))

    # --- the mouse ------------------------------------------------------------------------------
    def _on_mouse_move(self, event: events.MouseMove) -> None:
        row = event.style.meta.get("row", -1) if event.style.meta else -1
        old, self._hover_row, self._show_hover = self._hover_row, row, row >= 0
        if old != row:
            self._refresh_row(old)
            self._refresh_row(row)

    def _on_leave(self, _: events.Leave) -> None:
        if self._show_hover:
            self._show_hover = False
            self._refresh_row(self._hover_row)

    async def _on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("row", -1) if event.style.meta else -1
        if not 0 <= row < len(self._rows):
            return  # the header, or below the last row
        if row == self.cursor_row:
            self.post_message(self.Selected(self, row, self._rows[row]))
        self.move_cursor(row=row, animate=True)
        event.stop()


def _fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut (the cell function cuts to fit already;
    a wide character can still make it a cell longer)."""
    return set_cell_size(text, width)
