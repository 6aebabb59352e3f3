"""docs/calibration.md is what the code gives (issue 13, item 9: calibration that cannot go stale).

The document keeps each seed's raw figures beside its tables. One test per seed runs the
world-baseline year for that seed and compares its figures exactly with the kept ones; another
checks that the tables are exactly what ``bench/calibration.py`` renders from those figures (and
from the scenario's inputs). Together: a change that moves any figure fails here until
``python bench/calibration.py --write`` is run and its table committed.
"""

from __future__ import annotations

import pytest

from bench import calibration

BLOCK, RUNS = calibration.committed(calibration.DOC.read_text(encoding="utf-8"))


def test_calibration_table_is_what_the_script_renders_from_its_seeds():
    assert calibration.render(RUNS) == BLOCK


def test_calibration_table_uses_the_scripts_seeds_and_marks_inputs():
    assert tuple(sorted(RUNS)) == calibration.SEEDS
    rows = [line.split(" | ") for line in BLOCK.splitlines() if line.startswith("| ") and " seed " not in line]
    marked = {r[0].removeprefix("| "): r[1] for r in rows if len(r) > 4}
    assert {k for k, v in marked.items() if v.startswith("input: background.")} == {
        k.replace("_", " ") for k in calibration.ECHOES}
    assert {v for k, v in marked.items() if k.replace(" ", "_") not in calibration.ECHOES} == {"model"}


@pytest.mark.parametrize("seed", calibration.SEEDS)
def test_calibration_seed_figures_match_the_model_exactly(seed):
    assert calibration.stored(calibration.measure(seed)) == RUNS[seed]
