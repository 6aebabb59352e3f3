"""Every shipped scenario (scenarios/*.yaml, not its experiments) is winnable: played by the book
with its own seed, headless, every objective is met (issue 15, item 7). An objective that fails
for a by-the-book player measures the exercise's dice, not the trainee: the flagship's O7 once
asked for a request its ministry needs about sixteen days to prepare inside a window of nineteen.

A scenario without objectives has nothing to meet and is not run (the world baseline, a year of
traffic, would take most of the suite's budget for it)."""

from __future__ import annotations

import pytest
from conftest import SCENARIOS

from sim.api import PlayHost, load_scenario

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


def test_the_shipped_scenarios_are_all_here():
    assert {p.stem for p in SHIPPED} >= {"fugitive-three-borders", "pharma-ring-operation", "annotated-example"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_a_by_the_book_player_meets_every_objective_with_the_shipped_seed(path):
    scenario = load_scenario(path).scenario
    if not scenario.objectives:
        pytest.skip(f"{path.name} has no objectives")
    host = PlayHost.headless(scenario, policy="by_the_book", keep_events=False)
    host.run()
    status = dict(host.objective_status())
    assert host.finished and scenario.seed is not None
    assert status == {o.id: "met" for o in scenario.objectives}, (
        f"{path.name} (seed {scenario.seed}), by the book: "
        + "; ".join(f"{o.id} {status[o.id]}: {o.title}" for o in scenario.objectives if status[o.id] != "met"))
