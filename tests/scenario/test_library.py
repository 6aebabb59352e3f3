"""The exercise library (issue 17): every exercise in scenarios/ — a scenario that names the skills
it trains — is winnable by the book and lost by carelessness, headless, for several seeds, and
says what a training unit needs to choose it.

By the book, every objective is met: an objective a by-the-book stand-in fails measures the
exercise's dice, not the trainee. Careless (a wrong option a third of the time, answers in about
an hour), some objective fails for every seed: an exercise carelessness passes grades nothing.
The objectives grade the players' own actions (``done_by: player`` or ``person``), so what is
met is what the stand-in for the person did, not what the automation did for them."""

from __future__ import annotations

import pytest
from conftest import SCENARIOS

from sim.api import PlayHost, load_scenario
from sim.events.registry import KINDS
from sim.scenario.model import leaves_of

SEEDS = (1, 2, 3)
EXERCISES = sorted(p for p in SCENARIOS.glob("*.yaml") if load_scenario(p).scenario.skills)


def _run(path, policy: str, seed: int) -> dict[str, str]:
    scenario = load_scenario(path).scenario
    host = PlayHost.headless(scenario, seed=seed, policy=policy, keep_events=False)
    undeclared: set[tuple[str, str]] = set()

    def declared(e) -> None:  # principle 9, whichever way the exercise is played: every field in the registry
        if e["kind"] not in KINDS:
            undeclared.add((e["kind"], "(the kind)"))
        else:
            undeclared.update((e["kind"], f) for f in set(e) - {"seq", "t", "kind"} - set(KINDS[e["kind"]].names))
    host.listen(declared)
    host.run()
    assert host.finished
    assert not undeclared, f"{path.name} ({policy}, seed {seed}) writes undeclared kinds or fields: {sorted(undeclared)}"
    return dict(host.objective_status())


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_by_the_book_every_objective_is_met(path, seed):
    status = _run(path, "by_the_book", seed)
    objectives = load_scenario(path).scenario.objectives
    assert status == {o.id: "met" for o in objectives}, (
        f"{path.name} seed {seed}, by the book: "
        + "; ".join(f"{o.id} {status[o.id]}: {o.title}" for o in objectives if status[o.id] != "met"))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_careless_some_objective_fails(path, seed):
    status = _run(path, "careless", seed)
    assert any(v != "met" for v in status.values()), f"{path.name} seed {seed}: careless met every objective"


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_an_exercise_says_what_a_training_unit_needs_to_choose_it(path):
    loaded = load_scenario(path)
    sc = loaded.scenario
    assert not loaded.warnings, [p.message for p in loaded.warnings]
    assert sc.briefing.strip() and sc.summary.strip() and sc.learning_objectives and sc.players
    assert sc.objectives and any(
        leaf.done_by in ("player", "person") for o in sc.objectives for leaf in leaves_of(o.condition)), (
        "no objective grades what the players themselves did")


def test_the_library_has_ten_exercises_covering_every_notice_kind_and_diffusions():
    """Issue 17: ten exercises, and every notice kind and diffusions exercised by at least one
    (as the generated guide's library section lists them)."""
    from sim.notices.kinds import NOTICE_KINDS
    from sim.scenario.guide import kinds_covered

    assert len(EXERCISES) >= 10
    missing = ({*NOTICE_KINDS, "diffusion"}) - kinds_covered(SCENARIOS)
    assert not missing, f"no exercise exercises {sorted(missing)}"
    guide = (SCENARIOS.parent / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for path in EXERCISES:
        assert load_scenario(path).scenario.title in guide, f"{path.name} is not in the library section"
