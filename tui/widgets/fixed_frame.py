"""Scrolling panels whose frame the screen's layout sets: new content scrolls, the screen stays put.

Textual lays out the whole screen again whenever a scroll view's content grows (its virtual size
is a layout reactive), in case the view's own size depends on it. The inbox and the event log
take the height the stylesheet gives them (``1fr``), so the new layout changes nothing on the
screen — but at maximum speed both grow at nearly every tick, and the layouts were the costliest
part of the drawing (a profile of bench/tui_tick.py: 48 layouts in 95 ticks, a third of the event
loop's time). Here new content only updates the scrollbars and repaints the panel; a scrollbar
that appears or goes still lays the screen out (``show_vertical_scrollbar`` is a layout reactive
of its own), once.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive


class FixedFrame:
    """Mixed in before a ScrollView whose height and width never follow its content."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def watch_virtual_size(self, size: Size) -> None:
        self._scroll_update(size)  # type: ignore[attr-defined]
