"""The trainer's console as a controller runs a live exercise: the clock waits for a player's
decision at the default speed and the trainer answers it; ratings show HSEEP's letters; an
evaluator validates an expected action by hand and the report shows it; the trainer's own help
and palette; a seat's read-only view; the end of the exercise with the report one key away."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import FLAGSHIP, MINIMAL_SCENARIO
from textual.widgets import DataTable, Input, OptionList, Static
from tui_helpers import app_for, cut_lines

from sim.api import AddInject
from tui.app import make_app
from tui.screens.decision import DecisionScreen
from tui.screens.help import TRAINER_HELP, TrainerHelpScreen
from tui.screens.seat_view import SeatPickerScreen, SeatViewScreen
from tui.screens.trainer import TRAINER_COMMANDS, RatingScreen, TrainerScreen, ValidateScreen
from tui.widgets.inbox_table import InboxTable


def trainer_app(scenario=FLAGSHIP, **kw):
    return make_app(str(scenario), None, "t.db", clock=False, trainer=True, **kw)


def tick(screen: TrainerScreen, seconds: float = 0.1) -> None:
    """One tick of the console's clock, as if ``seconds`` of wall time had passed since the last."""
    screen._last = time.monotonic() - seconds
    screen._tick()


async def test_at_default_speed_a_players_decision_stops_the_clock_and_the_trainer_answers_it(in_tmp):
    """Rule: without --automate nobody answers a player's seat but the trainer, so at the default
    speed the clock stops when one must decide, one alert says why, and the decision waits."""
    app = trainer_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen, driver = app.screen, app.driver
        assert isinstance(screen, TrainerScreen) and driver.speed[0] == "1 h/s"  # the default speed
        driver.paused = False
        for _ in range(200):
            tick(screen)
            if driver.paused:
                break
        await pilot.pause()
        assert driver.paused and {q.seat for q in driver.stopped_for} == {"ncb:FR"}
        alerts = [n.message for n in app._notifications if "must decide" in n.message]
        assert len(alerts) == 1 and "NCB France must decide" in alerts[0]
        waiting = driver.host.awaiting_people()
        for _ in range(30):  # a paused clock: ticks change nothing, the decision keeps waiting
            tick(screen)
        assert driver.host.awaiting_people() == waiting
        decisions = screen.query_one("#decisions", DataTable)
        decisions.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DecisionScreen)
        await pilot.press("enter")
        await pilot.pause()
        made = [e for e in driver.host.events() if e["kind"] == "decision.made"]
        assert made and made[0]["decision"] == waiting[0].id and made[0]["by"] == "trainer"


async def test_rating_O1_M_shows_M(in_tmp):
    """Rule: the objectives table shows HSEEP's letter of the last rating (M, not the P of
    "performed_with_major_challenges")."""
    app = trainer_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        objectives = app.screen.query_one("#objectives", DataTable)
        objectives.focus()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RatingScreen)
        app.screen.query_one("#note", Input).value = "Slow to read the warrant"
        app.screen.query_one("#rating").focus()
        await pilot.press("down", "down", "enter")  # the third rating: with major challenges
        await pilot.pause()
        assert objectives.get_row("O1")[2] == "M"
        assert app.driver.host.notes()[-1]["rating"] == "performed_with_major_challenges"


async def test_an_evaluator_validates_an_expected_action_and_the_report_shows_it(in_tmp):
    """Rule: an evaluator's verdict by hand (met / partly met / not met, with a note) is recorded
    in the session, journalled, and the after-action report (R) shows it beside the journal's."""
    app = trainer_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.driver.host.catch_up(200)  # I1 has fired and France has read it
        app.screen.refresh_all()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ValidateScreen)
        target = app.screen.query_one("#target", OptionList)
        assert target.get_option_at_index(target.highlighted).id == "inject:I1"
        await pilot.press("enter")  # I1 chosen: on to the note
        await pilot.press(*"read late")
        await pilot.press("enter", "down", "enter")  # partly met
        await pilot.pause()
        assert isinstance(app.screen, TrainerScreen)
        (v,) = app.driver.host.validations()
        assert (v["inject"], v["verdict"], v["note"]) == ("I1", "partly_met", "read late")
        await pilot.press("R")
        await pilot.pause()
        report = Path("t-report.html")
        assert report.exists()
        page = report.read_text()
        assert "id='validations'" in page and "partly met" in page and "read late" in page
        assert any("t-report.html" in n.message for n in app._notifications)


def test_the_help_lists_every_trainer_key_and_the_palette_every_command():
    """Rule: the trainer's help is its own, listing every key the console binds; the palette
    offers every action those keys do."""
    names = {"question_mark": "?", "plus": "+", "minus": "-"}
    for binding in TrainerScreen.BINDINGS:
        key = binding.key.split(",")[0]  # type: ignore[union-attr]
        assert f"`{names.get(key, key)}`" in TRAINER_HELP, key
        action = binding.action  # type: ignore[union-attr]
        assert action in {a for _, a in TRAINER_COMMANDS}, action
    assert all(hasattr(TrainerScreen, f"action_{a}") for _, a in TRAINER_COMMANDS)
    assert "ncbsim play --session" not in TRAINER_HELP  # not the trainee's


async def test_question_mark_opens_the_trainers_help_and_the_palette_has_its_commands(in_tmp):
    app = trainer_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, TrainerHelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"validate an expected")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ValidateScreen)


async def test_a_seat_view_shows_that_seats_inbox_and_not_anothers(in_tmp):
    """Rule: the trainer's view of a seat is exactly what the seat sees (its host views), read-only."""
    app = trainer_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        host = app.driver.host
        app.driver.submit(AddInject("X1", "ES", "Only Spain receives this", "urgent", "MA"))
        host.catch_up(200)
        spain = {str(m.msg) for m in host.inbox("ncb:ES")}
        france = {str(m.msg) for m in host.inbox("ncb:FR")}
        assert spain and france and not spain & france
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, SeatPickerScreen)
        await pilot.press(*"spain", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SeatViewScreen) and app.screen.seat == "ncb:ES"
        inbox = app.screen.query_one("#inbox", InboxTable)
        assert {str(r.msg) for r in inbox.items} == spain
        (row,) = [inbox.cells_at(inbox.index_of(int(k))) for k in spain]
        # the ad-hoc inject from Morocco, as Spain's desk received it: its sender by name, its text
        assert "Morocco" in str(row[1]) and "Only Spain receives this" in str(row[1])
        unread_before = [m.read for m in host.inbox("ncb:ES")]
        await pilot.press("enter")  # read-only: opening nothing, marking nothing read
        assert [m.read for m in host.inbox("ncb:ES")] == unread_before
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TrainerScreen) and not app.screen._modal_open  # the clock runs again


async def test_the_end_of_the_exercise_shows_a_panel_with_the_report_a_key_away(in_tmp):
    # Any exercise's end: a two-day one (the flagship's 22 days took most of a minute to reach it).
    Path("short.yaml").write_text(MINIMAL_SCENARIO, encoding="utf-8")
    app = trainer_app(Path("short.yaml"), automate=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one("#end-panel", Static)
        assert not panel.display
        app.driver.host.catch_up(None)
        app.screen.refresh_all()
        await pilot.pause()
        assert panel.display and "R: write the after-action report" in str(panel.render())
        assert sum("exercise is over" in n.message for n in app._notifications) == 1
        await pilot.press("R")
        await pilot.pause()
        assert "report written to t-report.html" in str(panel.render())
        await pilot.press("R")  # a second report never overwrites the first
        await pilot.pause()
        assert Path("t-report.html").exists() and Path("t-report-2.html").exists()
    assert "report written to t-report-2.html" in app.session_note  # said again on exit


# --- nothing on screen is cut ------------------------------------------------------------------
async def _trainer_console(pilot):
    await pilot.pause()


async def _trainer_end(pilot):
    await pilot.pause()
    pilot.app.driver.host.catch_up(None)
    pilot.app.screen.refresh_all()
    await pilot.pause()


async def _seat_view(pilot):
    await pilot.pause()
    pilot.app.driver.host.catch_up(200)
    await pilot.press("v", *"france", "enter")
    await pilot.pause()


async def _validate(pilot):
    await pilot.pause()
    pilot.app.driver.host.catch_up(200)
    await pilot.press("e")
    await pilot.pause()


async def _operations(pilot):
    await pilot.press("enter", "n", "n")
    await pilot.pause()


CUT_SCREENS = {"trainer": _trainer_console, "trainer-end": _trainer_end, "seat-view": _seat_view,
               "validate": _validate, "operations": _operations}
CASES = [pytest.param(name, size, id=f"{name}-{size[0]}x{size[1]}")
         for name in CUT_SCREENS for size in ((80, 24), (160, 48))]


@pytest.mark.parametrize("name, size", CASES)
async def test_no_title_footer_key_or_bar_is_cut(in_tmp, name, size):
    """Rule: at 80×24 and 160×48 every panel title, every key the footer offers and the clock bar
    show whole (read from the screen as drawn, whatever the screen holds)."""
    app = app_for(FLAGSHIP) if name == "operations" else trainer_app(automate=name == "trainer-end")
    async with app.run_test(size=size) as pilot:
        await CUT_SCREENS[name](pilot)
        assert cut_lines(app) == []


async def test_the_cut_check_reports_a_cut_title_footer_and_bar(in_tmp):
    """The check itself: a pass means something — a title too long for its border, a footer too
    narrow for its keys and a bar wider than the screen are each reported."""
    app = trainer_app()
    async with app.run_test(size=(40, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#injects").border_title = "The MSEL, with a title far too long to fit"
        app.screen.query_one("#clock-bar", Static).update("x" * 120)  # more than its two lines hold
        await pilot.pause()
        problems = "\n".join(cut_lines(app))
        assert "#injects is cut" in problems and "#clock-bar is wider" in problems
        assert "the footer does not show" in problems


async def test_the_palettes_answer_opens_the_selected_decision_as_its_seat(in_tmp):
    """Rule: every palette command acts; 'answer' does what enter on the Decisions panel does."""
    app = trainer_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.driver.host.catch_up(30)  # France's two filing decisions wait
        app.screen.refresh_all()
        app.screen.action_answer()
        await pilot.pause()
        assert isinstance(app.screen, DecisionScreen) and app.screen.decision.seat == "ncb:FR"
