"""TUI test helpers: the app built deterministically (no wall clock, fixed library, session in tmp)."""

from __future__ import annotations

from conftest import SCENARIOS

from tui.app import make_app
from tui.screens.debrief import DebriefScreen
from tui.screens.decision import DecisionScreen
from tui.screens.operations import OperationsScreen

EXAMPLE = SCENARIOS / "annotated-example.yaml"
# The workstation's test exercise: NCB France does every step itself (no request foreseen).
WORKSTATION = SCENARIOS.parent / "tests" / "data" / "workstation-fr.yaml"


def app_for(scenario=None, seat=None, session="s.db"):
    return make_app(str(scenario) if scenario else None, seat, session, library=SCENARIOS, clock=False)


async def play_to_debrief(app, pilot, *, steps: int = 200, between=None) -> int:
    """Play by keys alone: take the first option of every decision, else jump to the next event.

    ``between(answered)`` runs before each jump, for a test to look at the screen on the way.
    Returns how many decisions were answered.
    """
    answered = 0
    for _ in range(steps):
        if isinstance(app.screen, DebriefScreen):
            break
        if isinstance(app.screen, OperationsScreen) and app.driver.my_decisions():
            await pilot.press("d")
            await pilot.pause()
            assert isinstance(app.screen, DecisionScreen)
            await pilot.press("enter")
            await pilot.pause()
            answered += 1
        else:
            if between is not None:
                await between(answered)
            await pilot.press("n")
            await pilot.pause()
    return answered
