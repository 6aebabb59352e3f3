"""The NCB network drawn map-like: every member at its coordinates, the seat's partners lit."""

from __future__ import annotations

from collections.abc import Set

from rich.text import Text
from textual.widgets import Static

from sim.api import all_members


class WorldMap(Static):
    """Equirectangular dots: ``·`` an NCB, ``•`` one this seat has traffic with, ``@`` the seat."""

    LEGEND = "@ you · • in touch · · NCB"
    WATCHED_LEGEND = "• in touch · · NCB"  # the trainer's seat has no NCB of its own

    def __init__(self, home: str | None = None, **kw) -> None:
        super().__init__(**kw)
        self.home = home
        self.partners: set[str] = set()

    def set_partners(self, partners: Set[str]) -> None:
        if partners != self.partners:
            self.partners = set(partners)
            self.refresh()

    def render(self) -> Text:
        w, h = max(20, self.size.width), max(6, self.size.height)
        grid = [[" "] * w for _ in range(h)]
        lit: dict[tuple[int, int], str] = {}

        def put(code: str, ch: str, st: str | None) -> None:
            m = all_members()[code]
            x = min(w - 1, int((m.lon + 180) / 360 * w))
            y = min(h - 1, int((80 - max(-58, min(80, m.lat))) / 138 * h))
            grid[y][x] = ch
            if st is None:
                lit.pop((y, x), None)
            else:
                lit[(y, x)] = st
        for code in all_members():
            put(code, "·", None)
        for code in sorted(self.partners):
            if code in all_members():
                put(code, "•", "bold cyan")
        if self.home in all_members():
            put(self.home, "@", "bold yellow")
        # One dim text with a span per lit dot: a span per character made the map the costliest
        # panel to redraw (5 ms) each time a new partner lit up.
        text = Text("\n".join("".join(row) for row in grid), style="dim")
        for (y, x), st in lit.items():
            text.stylize(st, y * (w + 1) + x, y * (w + 1) + x + 1)
        return text
