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
