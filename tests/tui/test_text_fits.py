"""Text that fits: logs wrap again at the panel's width on resize, long messages scroll, the
inbox shows the message itself, and the status line says why the clock stopped."""

from __future__ import annotations

from dataclasses import replace

from conftest import FLAGSHIP, SCENARIOS
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from tui_helpers import app_for

from tui.screens.decision import DecisionScreen
from tui.screens.message import MessageScreen
from tui.screens.operations import OperationsScreen
from tui.widgets.event_log import EventLog
from tui.widgets.inbox_table import InboxTable

WARRANT_END = "reported lost in 2025."


def _log_text(log: EventLog) -> tuple[str, int]:
    """The log's text as one string (line breaks as spaces) and its widest line."""
    rows = log.wrapped()
    return " ".join(" ".join(row.plain.split()) for row in rows), max(row.cell_len for row in rows)


async def test_the_log_wraps_again_at_the_panels_width_when_the_terminal_is_resized(in_tmp):
    """Rule: no line of "What you know" is cut at the panel's edge, at any size: on resize the
    log wraps its lines again at the new width."""
    app = app_for(FLAGSHIP)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("n")  # the warrant arrives: a long line in the log
        await pilot.pause()
        log = app.screen.query_one("#event-log", EventLog)
        text, widest = _log_text(log)
        narrow = log.line_count
        assert WARRANT_END in text and widest <= log.scrollable_content_region.width
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        text, widest = _log_text(log)
        assert WARRANT_END in text and widest <= log.scrollable_content_region.width
        assert log.line_count < narrow  # wider panel, fewer lines: wrapped again, not kept
        await pilot.resize_terminal(60, 24)
        await pilot.pause()
        text, widest = _log_text(log)
        assert WARRANT_END in text and widest <= log.scrollable_content_region.width
        assert log.line_count > narrow


async def test_a_long_message_scrolls_in_the_message_panel(in_tmp):
    """Rule: a message longer than the panel can be read to its end (it scrolls)."""
    app = app_for(FLAGSHIP)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        item = app.driver.inbox()[0]
        long = replace(item, text="\n".join(f"Line {i} of the report from the field." for i in range(1, 61)))
        app.push_screen(MessageScreen(app.driver, long))
        await pilot.pause()
        body = app.screen.query_one("#message-body", VerticalScroll)
        assert body.max_scroll_y > 0 and body.scroll_y == 0
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y > 0  # the last line can be reached
        await pilot.press("pageup")
        await pilot.pause()
        assert 0 <= body.scroll_y < body.max_scroll_y


async def test_the_inbox_shows_the_message_at_80_columns_and_the_clock_bar_why_it_stopped(in_tmp):
    """Rule: at 80×24 the inbox shows who sent a message and 35+ characters of what it says (not
    12–16), with no ids; the status line says why the clock stopped and at what speed."""
    app = app_for(FLAGSHIP)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OperationsScreen)
        inbox = screen.query_one("#inbox", InboxTable)
        cell = inbox.cells_at(0)[1]
        head, what = cell.split("\n")
        assert head == "2 Mar 06:00 · Paris investigating judge"
        assert what.startswith("Arrest warrant TJ-Paris-2026-118 issue") and len(what) >= 35
        assert inbox.border_subtitle == "● unread · !! urgent · ! high"
        bar = str(screen.query_one("#clock-bar", Static).render())
        assert "⏸ paused: new incoming message from Paris investigating judge · speed 1 h/s" in bar
        assert "NCB France" in bar and "ncb:FR" not in bar
        await pilot.press("n")
        await pilot.pause()
        bar = str(screen.query_one("#clock-bar", Static).render())
        assert "⏸ paused: filing Red Notice N1 and 1 more waits for you (d) · speed 1 h/s" in bar


async def test_a_long_reason_to_pause_gives_way_so_the_day_and_the_seat_stay_on_the_bar(in_tmp):
    """Rule: at 80 columns the clock bar takes two lines at most; news too long for them is cut
    with an ellipsis (the log holds it whole), never the day or the seat."""
    app = app_for(SCENARIOS / "refugee-rule.yaml", seat="ndtf")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OperationsScreen)
        await pilot.press("n")
        await pilot.pause()
        reason = app.opened.pause_reason
        assert reason.startswith("new: Diffusion D1 of Tajikistan") and len(reason) > 80  # what is checked
        bar = screen.query_one("#clock-bar", Static)
        text = str(bar.render())
        assert "…" in text and reason not in text
        assert text.rstrip().endswith("· day 1 of 7 · NDTF")
        assert bar.size.height <= 2
        # The log holds the news whole; what was so before the start says when it happened, once.
        log, _widest = _log_text(screen.query_one(EventLog))
        said = "Diffusion D1 of Tajikistan to Spain, France, United Kingdom live at the start (circulated 2026-09-25 05:00)"
        assert said in log and "local)" not in log


async def test_a_decisions_options_name_countries_as_its_question_does(in_tmp):
    """Rule: the options of a decision are the engine's sentences as much as its question is:
    "Delete NCB Tajikistan's notices", not "NCB TJ's"."""
    app = app_for(SCENARIOS / "refugee-rule.yaml", seat="ndtf")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(2):  # the diffusion live at the start, then the refugee rule waits for the NDTF
            await pilot.press("n")
            await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DecisionScreen)
        options = app.screen.query_one("#decision-options", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[0].startswith("Delete NCB Tajikistan's notices and diffusions on this person; tell Tajikistan only")
        assert not any(" TJ" in label for label in labels)
