"""Pilot tests: every screen, and a whole exercise from the picker to the debrief by keys alone."""

from __future__ import annotations

from conftest import FLAGSHIP
from textual.widgets import DataTable
from tui_helpers import EXAMPLE, app_for, play_to_debrief

from tui.screens.briefing import BriefingScreen
from tui.screens.debrief import DebriefScreen
from tui.screens.decision import DecisionScreen
from tui.screens.help import HelpScreen
from tui.screens.operations import OperationsScreen
from tui.screens.picker import PickerScreen
from tui.widgets.inbox_table import InboxTable


async def test_a_whole_exercise_by_key_presses_alone(in_tmp):
    app = app_for()
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("enter")  # the first exercise: the annotated example
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OperationsScreen)
        decided = await play_to_debrief(app, pilot)
        assert isinstance(app.screen, DebriefScreen)
        assert app.driver.host.finished
        assert (in_tmp / "s-report.html").exists()  # named after its session (s.db)
    made = [e for e in app.driver.host.events() if e["kind"] == "decision.made"]
    assert decided == len(made) and all(e["by"] == "seat" for e in made)


async def test_operations_screen_shows_inbox_decisions_and_log(in_tmp):
    app = app_for(FLAGSHIP)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("n")  # the warrant arrives
        await pilot.pause()
        await pilot.press("n")  # France has read it: two requests to decide on
        await pilot.pause()
        screen = app.screen
        inbox = screen.query_one("#inbox", InboxTable)
        decisions = screen.query_one("#decisions", DataTable)
        assert inbox.row_count >= 1 and decisions.row_count == 2
        await pilot.press("n")  # refused while a decision waits
        await pilot.pause()
        assert decisions.row_count == 2
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("space")
        assert app.driver.paused is False
        await pilot.press("plus", "minus", "minus")
        assert app.driver.speed[0] == "10 min/s"


async def test_decision_dialog_answers_and_escape_puts_it_off(in_tmp):
    app = app_for(FLAGSHIP)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter", "n", "n")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DecisionScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.driver.my_decisions()) == 2
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("down", "enter")  # "Do not file it"
        await pilot.pause()
        held = [e for e in app.driver.host.events() if e["kind"] == "decision.made" and e["option"] == "hold"]
        assert len(held) == 1


async def test_play_resumes_a_session(in_tmp):
    app = app_for(EXAMPLE)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter", "n", "n")
        await pilot.pause()
        stopped = app.driver.now
    again = app_for(None, session="s.db")
    async with again.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert again.driver.now == stopped


async def test_command_palette_offers_the_exercise_commands(in_tmp):
    app = app_for(EXAMPLE)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"faster")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.driver.speed[0] == "6 h/s"


async def test_case_file_shows_what_the_seat_knows_of_a_subject(in_tmp):
    app = app_for(FLAGSHIP)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter", "n", "n")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert "No subject" in str(app.screen.query_one("#detail").render())
        for _ in range(2):  # file both requests: the seat now knows of DUVAL through them
            await pilot.press("d")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("n", "c")
        await pilot.pause()
        files = app.driver.case_file()
        assert files and files[0].name == "Marc DUVAL"
        assert "Marc DUVAL" in str(app.screen.query_one("#detail").render())
