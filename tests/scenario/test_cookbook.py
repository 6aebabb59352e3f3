"""Every cookbook recipe (docs/cookbook/*.yaml) validates and, run headless with its own seed, gives
exactly the verdicts its '# Outcome:' line claims."""

from __future__ import annotations

import pytest

from sim.engine.exercise import Exercise
from sim.scenario.cookbook import recipes
from sim.scenario.loader import load_scenario

RECIPES = recipes()


def test_there_is_a_recipe_per_capability():
    assert len(RECIPES) >= 6


@pytest.mark.parametrize("recipe", RECIPES, ids=[r.slug for r in RECIPES])
def test_recipe_validates_runs_and_keeps_its_word(recipe):
    loaded = load_scenario(recipe.path)
    assert not loaded.warnings, loaded.warnings
    sc = loaded.scenario
    assert set(recipe.outcome) == {o.id for o in sc.objectives}, "the Outcome line names every objective"
    ex = Exercise(sc)
    ex.run()
    assert dict(ex.objectives.status) == recipe.outcome
