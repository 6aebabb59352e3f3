"""The Python API examples in docs/research.md ("Python API and the EMA Workbench") run as written,
so the documentation cannot rot: the EMA Workbench example through the Workbench itself."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import pytest
from conftest import ROOT

DOC = ROOT / "docs" / "research.md"


def section_blocks() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Python API and the EMA Workbench", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def run(code: str) -> subprocess.CompletedProcess:
    # From the repository, as the section says: the examples name scenarios/… relative to it.
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=180)


def test_the_run_scenario_example_prints_what_the_doc_says():
    (example,) = [b for b in section_blocks() if "perform_experiments" not in b]
    r = run(example + "\nprint(repr(m))\n")
    assert r.returncode == 0, r.stderr
    shown = re.search(r"# (\{.*\})", example)
    assert shown is not None
    # The doc cuts the float short with "..."; everything it shows must be what the run gives.
    assert r.stdout.strip().startswith(shown[1].split("...")[0]), (r.stdout, shown[1])


def test_the_ema_workbench_example_runs_and_gives_an_outcome_for_every_experiment():
    if importlib.util.find_spec("ema_workbench") is None:
        pytest.skip("ema-workbench is not installed (pip install -e '.[ema]'; [dev] includes it)")
    (example,) = [b for b in section_blocks() if "perform_experiments" in b]
    assert "import sim." not in example and all(
        m.startswith("sim.api") for m in re.findall(r"from (sim[\w.]*) import", example))  # only the public API
    r = run(example + "\nprint('ROWS', len(experiments), {k: len(v) for k, v in outcomes.items()})\n")
    assert r.returncode == 0, r.stderr
    rows = re.search(r"ROWS (\d+) (\{.*\})", r.stdout)
    assert rows is not None, r.stdout
    # 2 scenarios of the uncertainty × 2 policies of the lever, each outcome for each of the 4 runs.
    assert int(rows[1]) == 4 and eval(rows[2]) == {"arrests": 4, "hours_to_first_arrest": 4, "messages_queued": 4}
