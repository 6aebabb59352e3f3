"""Snapshots of every screen at 120x36 and 80x24 (fixed seed, no wall clock, no cursor blink).

Regenerate after an intended change with: python -m pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest
from conftest import FLAGSHIP
from tui_helpers import EXAMPLE, WORKSTATION, app_for

SIZES = [(120, 36), (80, 24)]


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch):
    """A focused field's cursor shows, steadily: a blinking one is drawn or not depending on how
    long the machine took to get there, and a loaded machine failed snapshots on it."""
    from textual.reactive import reactive
    from textual.widgets import Input, TextArea

    for widget in (Input, TextArea):
        steady = reactive(False, init=False)
        steady.__set_name__(widget, "cursor_blink")
        monkeypatch.setattr(widget, "cursor_blink", steady)


async def _to_debrief(pilot):
    app = pilot.app
    for _ in range(200):
        if app.driver.host.finished:
            break
        if app.driver.my_decisions():
            await pilot.press("d")
            await pilot.pause()
            await pilot.press("enter")
        else:
            await pilot.press("n")
        await pilot.pause()


SCREENS = {
    "picker": (None, []),
    "briefing": (FLAGSHIP, []),
    "operations": (FLAGSHIP, ["enter", "n", "n"]),
    "decision": (FLAGSHIP, ["enter", "n", "n", "d"]),
    "help": (FLAGSHIP, ["enter", "question_mark"]),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(snap_compare, in_tmp, name, size):
    scenario, keys = SCREENS[name]
    assert snap_compare(app_for(scenario), press=keys, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_debrief(snap_compare, in_tmp, size):
    async def run_before(pilot):
        await pilot.press("enter")
        await pilot.pause()
        await _to_debrief(pilot)

    assert snap_compare(app_for(EXAMPLE), run_before=run_before, terminal_size=size)


# The consoles at the smallest terminal and a large one (tests/tui/test_trainer_console.py checks
# that nothing on them is cut, whatever they show).
CONSOLE_SIZES = [(80, 24), (160, 48)]


@pytest.mark.parametrize("size", CONSOLE_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_trainer_console(snap_compare, in_tmp, size):
    from tui.app import make_app

    app = make_app(str(FLAGSHIP), None, "t.db", clock=False, trainer=True)
    assert snap_compare(app, press=["down", "down", "down", "h"], terminal_size=size)


@pytest.mark.parametrize("size", CONSOLE_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", ["end", "seat-view", "validate", "help"])
def test_trainer_console_screens(snap_compare, in_tmp, size, name):
    """The end of the exercise (its panel, the report a key away), France's view as the trainer sees
    it, the evaluator's validation dialog, and the trainer's help."""
    from tui.app import make_app

    async def run_before(pilot):
        await pilot.pause()
        host = pilot.app.driver.host
        host.catch_up(None if name == "end" else 200)
        pilot.app.screen.refresh_all()
        await pilot.press(*{"end": [], "seat-view": ["v", *"france", "enter"], "validate": ["e"],
                            "help": ["question_mark"]}[name])
        await pilot.pause()

    app = make_app(str(FLAGSHIP), None, "t.db", clock=False, trainer=True, automate=name == "end")
    assert snap_compare(app, run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", [(160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_operations_wide(snap_compare, in_tmp, size):
    """The trainee's operations screen at a large terminal (80×24 is in test_screen)."""
    assert snap_compare(app_for(FLAGSHIP), press=SCREENS["operations"][1], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("keys", [["a"], ["tab", "tab", "r"]], ids=["adhoc-inject", "rating"])
def test_trainer_dialogs(snap_compare, in_tmp, size, keys):
    from tui.app import make_app

    app = make_app(str(FLAGSHIP), None, "t.db", clock=False, trainer=True)
    assert snap_compare(app, press=keys, terminal_size=size)


# The workstation's screens, at the smallest and a large terminal.
WORKSTATION_SIZES = [(80, 24), (160, 48)]
START = ["enter", "n", "n"]  # the briefing, the warrant, France has read it: two requests to decide on
WORKSTATION_SCREENS = {
    "message": START + ["enter"],  # the inbox has the focus: the warrant opens
    "compose": START + ["m"],
    "forward": START + ["enter", "f"],
    "recipients": START + ["m", "ctrl+o", "s", "p"],
    "request-form": START + ["d", "f"],  # the Red Notice request's form, prefilled, without the penalty
    "new-request": START + ["r"],
}


@pytest.mark.parametrize("size", WORKSTATION_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(WORKSTATION_SCREENS))
def test_workstation_screen(snap_compare, in_tmp, name, size):
    assert snap_compare(app_for(FLAGSHIP), press=WORKSTATION_SCREENS[name], terminal_size=size)


@pytest.mark.parametrize("size", WORKSTATION_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_case_board(snap_compare, in_tmp, size):
    """The board two and a half days in: the Red Notice request sent back for its penalty, the
    diffusion reviewed, the hit in Morocco that awaits France's answer."""
    from sim.play.commands import DraftRequest, SubmitRequest

    async def run_before(pilot):
        driver = pilot.app.driver
        await pilot.press("enter")
        await pilot.pause()
        person = (("name", "Marc DUVAL"), ("born", "1986-04-11"), ("nationality", "FR"))
        driver.submit(DraftRequest("N-FR-1", "red", "S1", "prosecution", "homicide", form=person + (
            ("description", "1.82 m"), ("photo", "p1"), ("charge", "murder"), ("law", "Art 221-1"), ("warrant", "W1"))))
        driver.submit(SubmitRequest("N-FR-1"))
        driver.submit(DraftRequest("D-FR-1", "diffusion", "S1", "arrest", "homicide", 30, to=("ES", "MA"),
                                   form=person + (("charge", "murder"),)))
        driver.submit(SubmitRequest("D-FR-1"))
        driver.host.advance(3500, 5.0)
        await pilot.press("b")
        await pilot.pause()

    assert snap_compare(app_for(WORKSTATION), run_before=run_before, terminal_size=size)


# After an arrest: the board's arrest cases and their dialogs, and the provisional-arrest form
# (tests/data/arrest-fr.yaml: DUVAL arrested in Spain, SAADI's surrender refused by Morocco).
ARREST = FLAGSHIP.parent.parent / "tests" / "data" / "arrest-fr.yaml"
ARREST_SCREENS = {
    "arrest-board": ("S1", []),
    "extradition-form": ("S1", ["x"]),
    "abandon": ("S1", ["a"]),
    "prosecution": ("S2", ["t"]),
}


@pytest.mark.parametrize("size", WORKSTATION_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(ARREST_SCREENS))
def test_arrest_screen(snap_compare, in_tmp, name, size):
    from sim.play.commands import RequestProvisionalArrest

    subject, keys = ARREST_SCREENS[name]

    async def run_before(pilot):
        driver = pilot.app.driver
        await pilot.press("enter")
        await pilot.pause()
        driver.submit(RequestProvisionalArrest("ES", "S1", text="DUVAL is at the Hotel Sol in Madrid."))
        driver.submit(RequestProvisionalArrest("MA", "S2"))
        driver.host.advance(120, 5.0)
        await pilot.press("b")
        await pilot.pause()
        case = next(c.case for c in driver.arrest_cases() if c.subject == subject)
        table = pilot.app.screen.query_one("#board")
        table.move_cursor(row=table.get_row_index(case))
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()

    assert snap_compare(app_for(ARREST), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", WORKSTATION_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_provisional_arrest_form(snap_compare, in_tmp, size):
    """The form from the operations screen (p), with the person chosen and the country picked."""

    async def run_before(pilot):
        await pilot.press("enter", "p")
        await pilot.pause()
        form = pilot.app.screen
        form.query_one("#arrest-subject").value = "S1"
        await pilot.pause()
        await pilot.press("ctrl+o", *"spain", "enter", "space", *"Hotel Sol, Madrid")
        await pilot.pause()

    assert snap_compare(app_for(ARREST), run_before=run_before, terminal_size=size)
