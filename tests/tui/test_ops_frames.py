"""The operations screen (and the trainer's) while the clock runs fast: engine and panels in
alternate frames, panels that grow without a layout of the screen, and inbox rows drawn once yet
clicked where they are."""

from __future__ import annotations

import pytest
from conftest import FLAGSHIP
from tui_helpers import app_for

from tui.app import make_app
from tui.driver import SPEEDS
from tui.screens.clocked import ClockedScreen
from tui.screens.operations import OperationsScreen
from tui.screens.trainer import TrainerScreen
from tui.widgets.event_log import EventLog
from tui.widgets.inbox_table import InboxTable


async def _running_at_max(pilot, app) -> OperationsScreen:
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, OperationsScreen)
    app.driver.speed_index = len(SPEEDS) - 1
    app.driver.pause_on_decision = False
    app.driver.run_on()
    return screen


@pytest.mark.parametrize("trainer", [False, True], ids=["operations", "trainer"])
async def test_the_engine_ticks_in_one_frame_and_a_panel_is_drawn_in_the_next(in_tmp, trainer):
    app = make_app(str(FLAGSHIP), None, "t.db", clock=False, trainer=True) if trainer else app_for(FLAGSHIP)
    async with app.run_test(size=(120, 36)) as pilot:
        if trainer:
            await pilot.pause()
            screen: ClockedScreen = app.screen
            assert isinstance(screen, TrainerScreen)
            app.driver.speed_index = len(SPEEDS) - 1
            app.driver.pause_on_decision = False
            app.driver.run_on()
        else:
            screen = await _running_at_max(pilot, app)
        panels = set(screen.STAGGERED)
        assert panels
        ticks = []
        real = app.driver.tick
        app.driver.tick = lambda wall: ticks.append(wall) or real(wall)  # type: ignore[method-assign]
        screen._stale.update(panels)
        screen.frame()  # the engine's frame: the clock moves, no panel is drawn
        assert len(ticks) == 1 and screen._stale >= panels
        screen.frame()  # the panels' frame: one panel drawn, the engine left alone
        assert len(ticks) == 1 and len(panels - screen._stale) == 1
        screen.frame()
        assert len(ticks) == 2
        app.driver.pause()
        screen.frame()  # paused: no panel's turn...
        assert screen._stale
        screen.frame()  # ...and the engine's frame draws all that is behind
        await pilot.pause()
        assert not screen._stale


async def test_the_event_log_grows_scrolled_to_its_end_without_a_new_layout(in_tmp):
    app = app_for(FLAGSHIP)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        log = app.screen.query_one("#event-log", EventLog)
        layouts = []
        real = app.screen._refresh_layout
        app.screen._refresh_layout = lambda *a, **kw: layouts.append(1) or real(*a, **kw)  # type: ignore[method-assign]
        log.write("first")
        await pilot.pause()
        layouts.clear()
        log.write("\n".join(f"line {i}" for i in range(60)), scroll_end=False)
        log.scroll_end(animate=False, immediate=True, x_axis=False)
        # the scrollbar appears (one layout, for its room), the log is at its end at once
        assert log.show_vertical_scrollbar and log.scroll_y == log.max_scroll_y > 0
        await pilot.pause()
        assert len(layouts) <= 1
        layouts.clear()
        log.write("one more", scroll_end=False)
        log.scroll_end(animate=False, immediate=True, x_axis=False)
        await pilot.pause()
        assert layouts == [] and log.scroll_y == log.max_scroll_y


async def test_an_inbox_row_drawn_before_knows_its_new_place_for_a_click(in_tmp):
    app = app_for(FLAGSHIP)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _running_at_max(pilot, app)
        inbox = screen.query_one("#inbox", InboxTable)
        while inbox.row_count < 2 and not app.driver.host.finished:
            screen.clock_moved(app.driver.tick(0.1))
            screen._inbox()
            await pilot.pause()
        assert inbox.row_count >= 2
        inbox.scroll_to(y=0, animate=False, immediate=True)
        for row in range(inbox.row_count)[:4]:  # every row's first line carries its own index
            strip = inbox.render_line(1 + 2 * row)  # below the header
            assert {s.style.meta.get("row") for s in strip if s.style and s.style.meta} == {row}
