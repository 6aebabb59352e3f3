"""Snapshots of every screen at 120x36 and 80x24 (fixed seed, no wall clock, no cursor blink).

Regenerate after an intended change with: python -m pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest
from conftest import FLAGSHIP
from tui_helpers import EXAMPLE, app_for

SIZES = [(120, 36), (80, 24)]


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


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_trainer_console(snap_compare, in_tmp, size):
    from tui.app import make_app

    app = make_app(str(FLAGSHIP), None, "t.db", clock=False, trainer=True)
    assert snap_compare(app, press=["down", "down", "down", "h"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("keys", [["a"], ["tab", "tab", "r"]], ids=["adhoc-inject", "rating"])
def test_trainer_dialogs(snap_compare, in_tmp, size, keys):
    from tui.app import make_app

    app = make_app(str(FLAGSHIP), None, "t.db", clock=False, trainer=True)
    assert snap_compare(app, press=keys, terminal_size=size)
