"""A light install (no ``[research]`` extra): everything but ``ncbsim batch`` works, and batch says how to
add what it needs, in one line (issue 11, deliverable 2).

A missing package is simulated the way Python itself reports one: ``sys.modules[name] = None``
makes every ``import name`` raise ImportError, in a fresh process that then runs the real CLI.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, SCENARIOS

RESEARCH = ("pyarrow", "pandas", "scipy", "dask", "distributed")
EXPERIMENT = SCENARIOS / "experiments" / "ndtf-capacity-vs-mind.yaml"


def without(missing: tuple[str, ...], code: str, *args: str) -> subprocess.CompletedProcess:
    blocker = f"import sys\nfor m in {missing!r}: sys.modules[m] = None\n"
    return subprocess.run([sys.executable, "-c", blocker + code, *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


CLI = "from sim.cli import main\nsys.exit(main(sys.argv[1:]))\n"


@pytest.mark.parametrize("missing", [RESEARCH, ("pyarrow",), ("scipy",)], ids=["all", "pyarrow", "scipy"])
def test_batch_without_the_research_stack_says_how_to_add_it(tmp_path, missing):
    r = without(missing, CLI, "batch", str(EXPERIMENT), "--out", str(tmp_path / "out"))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert "pip install 'ncbsim[research]'" in lines[0] and "pip install -e '.[research]'" in lines[0]
    assert all(m in lines[0] for m in missing if m not in ("dask", "distributed"))  # dask only for its executor
    assert not (tmp_path / "out").exists()


def test_dask_is_needed_only_for_the_dask_executor(tmp_path):
    r = without(("dask", "distributed"), CLI, "batch", str(EXPERIMENT), "--executor", "dask",
                "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and "distributed missing" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_validate_checks_an_experiment_without_the_research_stack():
    r = without(RESEARCH, CLI, "validate", str(EXPERIMENT))
    assert r.returncode == 0, r.stderr
    assert "experiment" in r.stdout and "24 runs" in r.stdout


def test_nothing_but_batch_imports_the_research_stack():
    """Every module of sim and tui imports on a light install, except the two that store and summarise results."""
    code = """
import importlib, pkgutil, sim, tui
skip = {"sim.batch.results", "sim.batch.summary"}
bad = []
for pkg in (sim, tui):
    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        if m.name in skip or m.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(m.name)
        except ImportError as e:
            bad.append(f"{m.name}: {e}")
print("\\n".join(bad))
sys.exit(1 if bad else 0)
"""
    r = without(RESEARCH, code)
    assert r.returncode == 0, r.stdout + r.stderr


def test_run_works_without_the_research_stack(tmp_path):
    r = without(RESEARCH, CLI, "run", str(SCENARIOS / "annotated-example.yaml"), "--until", "6h", "--json")
    assert r.returncode == 0, r.stderr
