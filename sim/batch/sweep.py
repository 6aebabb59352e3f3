"""Run an experiment: build the tasks, keep the executor busy, store each result as it lands."""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..durations import minutes
from ..errors import InputError, Problem
from ..scenario.loader import load_scenario, locate, plain_data, validate_model
from .designs import design_points
from .executors import executor
from .experiment import Experiment
from .results import ResultStore
from .runs import RunTask, run_task


@dataclass
class Plan:
    experiment: Experiment
    path: Path
    scenario_path: Path
    scenario_data: dict[str, Any]
    scenario_sha256: str
    points: list[dict[str, Any]]
    tasks: list[RunTask] = field(default_factory=list)


def load_experiment(path: str | os.PathLike) -> Experiment:
    return validate_model(locate(path), Experiment)


def plan(path: str | os.PathLike) -> Plan:
    p = Path(path)
    exp = load_experiment(p)
    scenario_path = (p.parent / exp.scenario).resolve()
    if not scenario_path.is_file():
        raise InputError([Problem(str(p), 0, 0, "scenario", f"no scenario file at {scenario_path}")])
    loaded = load_scenario(scenario_path)
    data = plain_data(loaded.located.data)
    try:
        points = design_points(exp, p.parent)
    except (OSError, KeyError) as e:
        raise InputError([Problem(str(p), 0, 0, "csv", f"cannot read the design points: {e}")]) from None
    pl = Plan(exp, p, scenario_path, data, loaded.digest, points)
    until = minutes(exp.until) if exp.until is not None else None
    ts = exp.timeseries
    for i, overrides in enumerate(points):
        for r in range(exp.replications):
            pl.tasks.append(RunTask(f"p{i:04d}-r{r:04d}", i, r, overrides, data, exp.seed, until, exp.policy,
                                    tuple(exp.metrics), minutes(ts.every) if ts else None,
                                    tuple(ts.metrics) if ts else ()))
    return pl


def _progress(done: int, total: int, started: float, failed: int) -> None:
    if not sys.stderr.isatty():
        return
    rate = done / max(1e-9, time.monotonic() - started)
    eta = (total - done) / rate if rate else float("inf")
    bar = "#" * int(30 * done / max(1, total))
    print(f"\r[{bar:<30}] {done}/{total} runs · {rate:.2f}/s · ETA {eta:,.0f}s"
          + (f" · {failed} failed" if failed else ""), end="", file=sys.stderr, flush=True)


def run_sweep(pl: Plan, out: Path, kind: str, workers: int, scheduler: str | None, resume: bool) -> dict[str, Any]:
    store = ResultStore(out)
    done = store.done()
    if done and not resume:
        raise InputError([Problem(str(out), 0, 0, "", f"{len(done)} runs are already here; use --resume to carry "
                                                      "on, or another --out")])
    store.write_manifest({
        "experiment": pl.experiment.model_dump(mode="json"), "experiment_file": str(pl.path),
        "scenario_file": str(pl.scenario_path), "scenario_sha256": pl.scenario_sha256,
        "engine_version": __version__, "design_points": pl.points, "runs": len(pl.tasks),
        "executor": kind, "workers": workers,
    })
    todo = [t for t in pl.tasks if t.run_id not in done]
    started, finished, failed = time.monotonic(), len(pl.tasks) - len(todo), 0
    window = max(2, workers * 3)  # a few tasks in flight per worker: flat memory however large the sweep
    with executor(kind, workers, scheduler) as ex:
        pending: set = set()
        queue = iter(todo)
        try:
            while True:
                while len(pending) < window:
                    task = next(queue, None)
                    if task is None:
                        break
                    pending.add(ex.submit(run_task, task))
                if not pending:
                    break
                ready, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in ready:
                    result = f.result()
                    store.write(result, pl.scenario_sha256)
                    finished += 1
                    failed += result["run"]["status"] != "ok"
                    _progress(finished, len(pl.tasks), started, failed)
        except KeyboardInterrupt:
            for f in pending:
                f.cancel()
            if sys.stderr.isatty():
                print(file=sys.stderr)
            raise
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return {"runs": len(pl.tasks), "skipped_as_done": len(pl.tasks) - len(todo), "failed_now": failed,
            "seconds": round(time.monotonic() - started, 2)}


def status_counts(out: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    path = out / "status.jsonl"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                s = json.loads(line)["status"]
            except (ValueError, KeyError):
                continue
            counts[s] = counts.get(s, 0) + 1
    return counts
