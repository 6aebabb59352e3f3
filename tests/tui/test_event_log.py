"""The event log as a line-API widget: it wraps as RichLog did, follows its tail, makes a line only
when it is drawn and keeps it while it moves, and holds a bounded number of lines."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import RichLog

from tui.widgets.event_log import EventLog

LONG = ("[dim]03-04 15:32[/dim] NCB France decides request extradition (Q6): send (by the automation, "
        "by the book) and the request goes to Morocco with the file")


class LogApp(App):
    CSS = "EventLog, RichLog { height: 1fr; }"

    def __init__(self, keep: int = 2000, beside: bool = False) -> None:
        super().__init__()
        self.keep, self.beside = keep, beside

    def compose(self) -> ComposeResult:
        yield EventLog(id="log", keep=self.keep)
        if self.beside:
            yield RichLog(id="rich", wrap=True, markup=True, min_width=20)


def _shown(log: EventLog) -> list[str]:
    return [log.render_line(y).text.rstrip() for y in range(log.scrollable_content_region.height)]


async def test_it_wraps_as_richlog_did_and_shows_its_last_lines():
    app = LogApp(beside=True)
    async with app.run_test(size=(60, 30)) as pilot:
        log, rich = app.query_one(EventLog), app.query_one(RichLog)
        for n in range(12):
            log.write(f"{LONG} {n}")
            rich.write(f"{LONG} {n}")
        await pilot.pause()
        await pilot.pause()
        assert log.line_count == len(rich.lines) > log.scrollable_content_region.height
        assert log.scroll_y == log.max_scroll_y > 0
        assert _shown(log) == [rich.render_line(y).text.rstrip() for y in range(rich.scrollable_content_region.height)]
        assert _shown(log)[-1].endswith("file 11")


async def test_a_line_is_made_when_drawn_and_kept_while_it_moves():
    app = LogApp()
    async with app.run_test(size=(60, 12)) as pilot:
        log = app.query_one(EventLog)
        log.write("\n".join(f"line {n}" for n in range(500)))
        await pilot.pause()
        rows = log.scrollable_content_region.height
        assert len(log._strips) <= rows + 1  # the lines in view, not the 500 written
        before = {log.render_line(y).text: log.render_line(y) for y in range(rows)}
        log.write("line 500")
        await pilot.pause()
        after = {log.render_line(y).text: log.render_line(y) for y in range(rows)}
        moved = before.keys() & after.keys()
        assert len(moved) == rows - 1 and all(before[t] is after[t] for t in moved)


async def test_it_keeps_a_bounded_number_of_lines_and_the_view_on_the_tail():
    app = LogApp(keep=100)
    async with app.run_test(size=(60, 12)) as pilot:
        log = app.query_one(EventLog)
        for n in range(3000):
            log.write(Text(f"line {n}"))
        await pilot.pause()
        assert 100 <= len(log.wrapped()) <= 125 and log.line_count == len(log.wrapped())
        assert _shown(log)[-1] == "line 2999"


async def test_a_shorter_panel_still_shows_the_newest_line():
    app = LogApp()
    async with app.run_test(size=(60, 20)) as pilot:
        log = app.query_one(EventLog)
        log.write("\n".join(f"line {n}" for n in range(50)))
        await pilot.pause()
        log.styles.height = 6
        await pilot.pause()
        await pilot.pause()
        assert _shown(log)[-1] == "line 49"
        log.scroll_home(animate=False, immediate=True)  # read back: a resize leaves the reader where they are
        log.styles.height = 8
        await pilot.pause()
        await pilot.pause()
        assert log.scroll_y == 0


async def test_a_reader_scrolled_back_keeps_the_line_they_read_when_the_panel_is_narrowed():
    app = LogApp()
    async with app.run_test(size=(100, 12)) as pilot:
        log = app.query_one(EventLog)
        for n in range(200):
            log.write(f"{LONG} {n}")
        await pilot.pause()
        log.scroll_to(y=log._ends[119], animate=False, immediate=True)  # line 120 at the top
        await pilot.pause()
        assert _shown(log)[0].startswith("03-04 15:32") and log.line_count > 200
        top = _shown(log)[0]
        await pilot.resize_terminal(50, 12)  # every line now wraps onto more rows
        await pilot.pause()
        await pilot.pause()
        shown = _shown(log)
        assert shown[0].startswith("03-04 15:32")
        assert any(line.rstrip().endswith("file 120") for line in shown[:4]), (top, shown)
