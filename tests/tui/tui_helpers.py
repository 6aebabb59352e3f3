"""TUI test helpers: the app built deterministically (no wall clock, fixed library, session in tmp)."""

from __future__ import annotations

from conftest import SCENARIOS

from tui.app import make_app

EXAMPLE = SCENARIOS / "annotated-example.yaml"


def app_for(scenario=None, seat=None, session="s.db"):
    return make_app(str(scenario) if scenario else None, seat, session, library=SCENARIOS, clock=False)
