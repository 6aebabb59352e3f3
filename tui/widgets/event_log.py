"""The log of what a seat knows (the desk's "What you know", the trainer's ground truth, a seat's
view): lines of markup wrapped at the panel's width, the newest at the bottom, following the tail.

A line-API widget. It was a RichLog, which renders each write at once into strips kept for the
whole exercise, asks the widget's style (worked out from its ancestors at each asking) for every
line it draws, and draws every line in view again after each write (its line cache is keyed by a
line's place, and every line moves when the log scrolls); on a resize it wrote everything again.
Here a write parses the markup and wraps each new line at the panel's width (its height is what
the scrollbar needs); a line's strip is made when it is drawn and kept while its text, its width
and the panel's style stay the same, wherever it moves; the style is read once a repaint; and the
log keeps its last ``keep`` lines, so a long exercise holds a bounded log, not every line it
showed. (The observer's log at maximum speed gets a screenful of new lines at each turn, so there
every line in view is new and made once; a desk's log mostly moves by a line or two.)

It looks and answers as the RichLog did: the same wrapping (Rich's, at the panel's width up to the
app's console width, or at ``min_width`` in a narrower panel), colours (RichLog's stylesheet under
this widget's name), keys and scrollbars (a scroll view's); a write scrolls to the end at once.
Its frame is fixed (``FixedFrame``): every log is ``1fr`` high in the stylesheet, so new lines
repaint the panel without a layout of the screen.
"""

from __future__ import annotations

from bisect import bisect_right

from rich.containers import Lines
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .fixed_frame import FixedFrame

# Each line is wrapped at least this wide (RichLog's default is 78): a panel narrower than that
# would hide the end of every wrapped line, so logs wrap at the panel's own width down to this.
MIN_LOG_WIDTH = 20
KEEP = 2000  # the lines a log keeps (a long exercise writes tens of thousands)


class EventLog(FixedFrame, ScrollView, can_focus=True):
    """A log of markup lines: ``write`` adds lines at the bottom (and scrolls to them)."""

    # RichLog's own stylesheet (textual 8.2.8, pinned).
    DEFAULT_CSS = """
    EventLog {
        background: $surface;
        color: $foreground;
        overflow-y: scroll;
        &:focus {
            background-tint: $foreground 5%;
        }
    }
    """

    def __init__(self, *, markup: bool = True, auto_scroll: bool = True, min_width: int = MIN_LOG_WIDTH,
                 keep: int = KEEP, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.markup = markup
        self.auto_scroll = auto_scroll
        self.min_width = min_width
        self._keep = keep
        self._entries: list[Text] = []  # the lines kept, oldest first, each as written (unwrapped)
        self._first = 0  # the serial number of _entries[0]: cache keys outlive the oldest lines' removal
        self._ends: list[int] = []  # _ends[i]: the rows entries 0..i take, wrapped at _wrap_width
        self._wrap_width = 0  # the width the rows are counted at (0: the panel has no size yet)
        self._rows = 0  # the rows in view, as of the last resize
        self._widest = 0
        self._wrapped: LRUCache[int, Lines] = LRUCache(512)  # serial -> its rows at _wrap_width
        self._strips: LRUCache[tuple, Strip] = LRUCache(1024)
        # What every row of one repaint shares, read once a repaint (see render_lines).
        self._base = Style()
        self._width = 0

    # --- what it shows --------------------------------------------------------------------------
    @property
    def line_count(self) -> int:
        """How many rows the log takes at its width."""
        return self._ends[-1] if self._ends else 0

    def wrapped(self) -> list[Text]:
        """Every row kept, as wrapped now (the drawing itself wraps only the rows it draws)."""
        return [row for entry in self._entries for row in self._wrap(entry)]

    def write(self, content: str | Text, scroll_end: bool | None = None) -> EventLog:
        """Add ``content`` (markup, when the log reads markup) at the bottom: a line each of its lines."""
        text = content.copy() if isinstance(content, Text) else (
            Text.from_markup(content) if self.markup else Text(content))
        text.expand_tabs()
        lines = text.split("\n", allow_blank=True)
        if self._wrap_width:
            total = self.line_count
            for n, line in enumerate(lines, self._first + len(self._entries)):
                rows = self._wrapped[n] = self._wrap(line)
                total += len(rows)
                self._ends.append(total)
        self._entries.extend(lines)
        self._trim()
        self._sized()
        if self.auto_scroll if scroll_end is None else scroll_end:
            # At once: the frame is fixed, so the scroll's range is already the new one.
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()
        return self

    def clear(self) -> EventLog:
        self._entries.clear()
        self._ends.clear()
        self._first, self._widest = 0, 0
        self._wrapped.clear()
        self._strips.clear()
        self._sized()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()
        return self

    def _wrap(self, line: Text) -> Lines:
        width = self._wrap_width or self.min_width
        # A line that fits is its own row (what Rich's wrap gives it, at a hundredth of the cost:
        # most lines of the log fit a wide panel).
        rows = Lines([line]) if line.cell_len <= width else line.wrap(self.app.console, width)
        self._widest = max([self._widest, *(row.cell_len for row in rows)])
        return rows

    def _trim(self) -> None:
        """Drop the oldest lines past ``keep`` (in batches: each drop renumbers the rows)."""
        drop = len(self._entries) - self._keep
        if drop <= self._keep // 4:
            return
        del self._entries[:drop]
        self._first += drop
        if self._ends:
            gone = self._ends[drop - 1]
            self._ends = [end - gone for end in self._ends[drop:]]
            if not self.is_vertical_scroll_end:  # the rows read stay in view
                self.scroll_to(y=max(0, self.scroll_y - gone), animate=False, immediate=True)

    def _sized(self) -> None:
        self.virtual_size = Size(self._widest, self.line_count)

    def on_resize(self, event: events.Resize) -> None:
        if not event.size.width:
            return
        # A log that showed its last line still does (a panel made shorter, e.g. by the trainer's
        # end panel, would otherwise hide the newest lines): judged at the size it had.
        at_end = not self._wrap_width or self.scroll_y >= self.line_count - self._rows
        self._rows = self.scrollable_content_region.height
        # As RichLog wrapped: at the panel's width, or the app's console's if narrower (the
        # terminal's width; 80 in a headless test), and never under ``min_width``.
        width = max(min(self.scrollable_content_region.width, self.app.console.width), self.min_width)
        if width != self._wrap_width:
            # A reader scrolled back keeps the line at the top of the panel there, wrapped anew.
            top = bisect_right(self._ends, int(self.scroll_y)) if self._ends else 0
            self._wrap_width, self._widest = width, 0
            self._wrapped.clear()
            self._strips.clear()
            total, self._ends = 0, []
            for n, line in enumerate(self._entries, self._first):
                rows = self._wrapped[n] = self._wrap(line)
                total += len(rows)
                self._ends.append(total)
            self._sized()
            self.refresh()
            if not at_end:
                self.scroll_to(y=self._ends[top - 1] if top else 0, animate=False, immediate=True)
        if at_end:
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    # --- drawing --------------------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's style is worked out from its ancestors at each asking: once a repaint.
        self._base = self.rich_style
        self._width = self.scrollable_content_region.width
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        if row >= self.line_count:
            return Strip.blank(self._width, self._base)
        entry = bisect_right(self._ends, row)
        in_entry = row - (self._ends[entry - 1] if entry else 0)
        serial = self._first + entry
        key = (serial, in_entry, self._wrap_width, self._width, scroll_x, self._base)
        strip = self._strips.get(key)
        if strip is None:
            rows = self._wrapped.get(serial)
            if rows is None:
                rows = self._wrapped[serial] = self._wrap(self._entries[entry])
            segments = list(rows[in_entry].render(self.app.console))
            strip = self._strips[key] = (Strip(segments).crop_extend(scroll_x, scroll_x + self._width, self._base)
                                         .apply_style(self._base))
        return strip

    def notify_style_update(self) -> None:
        self._strips.clear()
        super().notify_style_update()
