"""Shared test helpers: small scenarios built in code, and the CLI run in-process or as a user runs it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.engine.exercise import Exercise
from sim.scenario.model import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
FLAGSHIP = SCENARIOS / "fugitive-three-borders.yaml"

ALL_WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def read_data_csv(path: Path) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """Read a shipped data file directly (not through the engine): (comment lines, header, rows)."""
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        lines = fh.read().splitlines()
    comments = [line for line in lines if line.startswith("#")]
    body = [line for line in lines if line.strip() and not line.startswith("#")]
    reader = csv.reader(body)
    header = next(reader)
    return comments, header, [dict(zip(header, values, strict=True)) for values in reader]


def scenario(**fields) -> Scenario:
    base = {"id": "t", "title": "test", "start": "2026-03-02T06:00:00Z", "duration": "2d", "seed": 7,
            "world": {"members": ["FR", "ES", "MA", "SN", "DE"]}}
    base.update(fields)
    return Scenario.model_validate(base)


def journal_text(sc: Scenario, seed: int | None = None, until: float | None = None) -> str:
    buf = io.StringIO()
    ex = Exercise(sc, seed=seed, journal_sink=buf, keep_events=False)
    ex.run(until)
    return buf.getvalue()


def ncbsim(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The CLI exactly as a user runs it: a fresh process, the installed console entry point."""
    env = dict(os.environ, PYTHONHASHSEED="random")
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=timeout)


@pytest.fixture
def flagship() -> Path:
    return FLAGSHIP


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run in an empty folder, so files a command writes (sessions, reports) land there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# Each run made slow (serial executor, same process), so a test can act while a sweep is midway;
# while the file named by NCBSIM_TEST_GATE exists, runs wait for it to go.
SLOW_SWEEP = """
import os, sys, time
import sim.batch.runs as runs
real = runs.run_task
started = 0
def run_task(task):
    global started
    started += 1
    time.sleep(0.4)
    # NCBSIM_TEST_HOLD_AFTER=N: every run after the N-th waits to be killed, so a kill always lands mid-sweep.
    hold = int(os.environ.get("NCBSIM_TEST_HOLD_AFTER", "0"))
    while (hold and started > hold) or os.path.exists(os.environ.get("NCBSIM_TEST_GATE", "/nonexistent")):
        time.sleep(0.02)
    return real(task)
runs.run_task = run_task
import sim.batch.sweep as sweep
sweep.run_task = run_task
from sim.cli import main
sys.exit(main(sys.argv[1:]))
"""


# The smallest scenario that validates and runs: the base of the hostile-input tests.
MINIMAL_SCENARIO = """\
id: t
title: test
start: 2026-03-02T06:00:00Z
duration: 2d
seed: 7
world:
  members: [FR, ES, MA, SN, DE]
players:
  - {role: ncb, country: FR}
injects:
  - id: I1
    at: 1h
    from: ES
    to: FR
    text: hello
"""


def recorded_once(tmp_path_factory, name: str, make) -> Path:
    """A folder that ``make(folder)`` fills once per test session, shared by every xdist worker.

    Recording the flagship or the world-baseline year costs seconds; several modules (and both
    workers) read the same recording, so it is made once under a lock in the session's common
    temporary folder. Readers must treat it as read-only: a test that writes (a note, a resume)
    copies the file into its own ``tmp_path`` first.
    """
    import fcntl
    import shutil

    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker has its own basetemp inside the session's; without it, the parent
    # is shared with other pytest sessions, so the basetemp itself is the common folder.
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / f"recorded-{name}"
    with open(root / f"recorded-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / ".complete").exists():
            return folder
        shutil.rmtree(folder, ignore_errors=True)  # a recording that failed midway is made again
        folder.mkdir()
        make(folder)
        (folder / ".complete").touch()
    return folder


SCRIPT_FLAGSHIP = ROOT / "tests" / "data" / "script-flagship.yaml"


def scripted_recording(tmp_path_factory, name: str) -> Path:
    """A shipped scenario run headless with the flagship's script: ``s.db`` (the session),
    ``run.jsonl`` (its journal) and ``summary.json`` (the ``--json`` summary)."""
    def make(folder: Path) -> None:
        r = ncbsim("run", str(SCENARIOS / name), "--policy", f"scripted:{SCRIPT_FLAGSHIP}", "--session",
                   str(folder / "s.db"), "--journal", str(folder / "run.jsonl"), "--json", timeout=300)
        assert r.returncode == 0, r.stderr
        (folder / "summary.json").write_text(r.stdout)

    return recorded_once(tmp_path_factory, f"scripted-{name}", make)


@pytest.fixture(autouse=True)
def _jumps_finish_in_one_go(request, monkeypatch):
    """A jump ("n") searches for 0.5 s of wall time, then carries on over the clock's ticks; Pilot
    tests run without the clock, so on a busy machine a jump could stop short of what they press
    it for. There it may search as long as it needs (the seeking path: test_driver.py)."""
    if "tests/tui/" in str(request.node.path).replace("\\", "/"):
        import tui.driver

        monkeypatch.setattr(tui.driver, "JUMP_BUDGET_S", 60.0)
