"""Run an experiment: check the results folder, keep the executor busy, store each result as it lands."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import InputError, Problem, RunError
from .columns import RESULTS_FORMAT, plain
from .executors import executor
from .folder import check_folder, locked
from .plan import Plan, load_experiment, plan
from .runs import RunTask, failed_result, run_task

__all__ = ["Plan", "input_files", "load_experiment", "plan", "run_sweep", "status_counts"]


def progress_line(done: int, total: int, done_now: int, seconds: float, failed: int) -> str:
    """The sweep's progress: ``done`` of ``total`` runs stored, ``done_now`` of them in this session.

    The rate and the time left count only the runs done in this session (a resumed sweep's
    stored runs took no time now), and there is no rate until one has finished.
    """
    bar = "#" * int(30 * done / max(1, total))
    if done_now:
        rate = done_now / max(1e-9, seconds)
        pace = f"{rate:.2f}/s · ETA {(total - done) / rate:,.0f}s"
    else:
        pace = "–/s · ETA –"
    return f"[{bar:<30}] {done}/{total} runs · {pace}" + (f" · {failed} failed" if failed else "")


def _progress(line: str) -> None:
    if sys.stderr.isatty():
        print("\r" + line, end="", file=sys.stderr, flush=True)


def _changed_inputs(manifest: dict[str, Any] | None, pl: Plan) -> str | None:
    """What differs between the sweep in the folder and this plan, in a person's words; None if nothing."""
    if manifest is None:
        return "its manifest.json is missing or unreadable, so what made its runs is unknown"
    before = manifest.get("inputs")
    if not isinstance(before, dict):
        return "its manifest.json does not record its input files"
    changed = []
    for role in sorted(set(before) | set(pl.inputs)):
        old, new = before.get(role), pl.inputs.get(role)
        if new is None:
            changed.append(f"{role} {old.get('file') if isinstance(old, dict) else ''} is no longer used")
        elif not isinstance(old, dict) or old.get("sha256") != new[1]:
            changed.append(f"{role} {new[0]} " + ("is new" if old is None else "changed"))
    if manifest.get("results_format") != RESULTS_FORMAT:
        changed.append(f"its tables are in an older layout (format {manifest.get('results_format', 1)}; now "
                       f"{RESULTS_FORMAT}: numeric parameter columns, the parameters as JSON, the reproducing "
                       "command), so every run would be made again")
    if manifest.get("engine_version") != __version__:
        changed.append(f"the engine is now {__version__} (was {manifest.get('engine_version')})")
    return "; ".join(changed) or None


def _resume_check(store: Any, pl: Plan, force_changed: bool) -> None:
    why = _changed_inputs(store.read_manifest(), pl)
    if why and not force_changed:
        raise InputError([Problem(str(store.out), 0, 0, "--resume",
                                  f"the sweep here was made from other inputs ({why}); add --force-changed to "
                                  "keep only the runs that still match and redo the rest, or use a new --out")])


def input_files(pl: Plan) -> list[str]:
    """Every file the plan was made from: none of them may be one the sweep writes."""
    return [f for f, _ in pl.inputs.values()]


def run_sweep(pl: Plan, out: Path, kind: str, workers: int, scheduler: str | None, resume: bool,
              force_changed: bool = False, starting: Callable[[], None] | None = None) -> dict[str, Any]:
    """Run the plan's sweep into ``out``; ``starting`` is called once every check has passed and
    the executor is up, just before the first run (a banner printed before would announce a
    sweep that may still be refused)."""
    # pyarrow is imported here, not at the top: planning (and ``ncbsim validate``) must work
    # on a light install without the research stack.
    from .results import ResultStore

    check_folder(out, input_files(pl))
    with locked(out):
        store = ResultStore(out, pl.columns)
        store.create()
        store.clean_parts()
        kept: dict[str, dict[str, Any]] = {}
        removed = 0
        if store.present():
            if not resume:
                raise InputError([Problem(str(out), 0, 0, "--out", "a sweep's results are already here; use "
                                                                   "--resume to carry on, or another --out")])
            _resume_check(store, pl, force_changed)
            removed = store.remove_other_runs({t.run_id for t in pl.tasks})
            for t in pl.tasks:
                row = store.check(t.run_id, t.key)
                if row is None:
                    store.discard(t.run_id)
                else:
                    kept[t.run_id] = row
            store.rewrite_status(list(kept.values()))
        todo = [t for t in pl.tasks if t.run_id not in kept]
        started = time.monotonic()
        # The manifest is written once the executor is up: a scheduler that cannot be reached
        # leaves the folder as it was.
        with executor(kind, workers, scheduler) as ex:
            if starting is not None:
                starting()
            store.write_manifest(manifest(pl, kind, workers))
            failed = _execute(ex, store, pl, todo, workers, started)
    return {"runs": len(pl.tasks), "skipped_as_done": len(kept), "rerun": len(todo) if kept else 0,
            "removed_other": removed, "failed_now": failed, "seconds": round(time.monotonic() - started, 2)}


def manifest(pl: Plan, kind: str, workers: int) -> dict[str, Any]:
    """What made the results: the experiment, its inputs' digests, the design, the software."""
    from .provenance import provenance

    exp = pl.experiment
    design: dict[str, Any] = {"kind": exp.design, "points": len(pl.points), "seed": exp.seed}
    if exp.design in ("latin_hypercube", "sobol", "saltelli", "morris"):
        design["samples"] = exp.samples
    if exp.design in ("saltelli", "morris"):
        from .designs import salib_problem

        # What SALib's analysis needs as is: the problem the sample was drawn from.
        design["problem"] = salib_problem(exp)
        if exp.design == "saltelli":
            design["second_order"] = bool(exp.second_order)
        else:
            design["levels"] = exp.levels or 4
    if exp.design == "csv" and exp.csv:
        design["csv"] = str(pl.path.parent / exp.csv)
    return {
        "experiment": exp.model_dump(mode="json"), "experiment_file": str(pl.path),
        "scenario_file": str(pl.scenario_path), "scenario_sha256": pl.scenario_sha256,
        "inputs": {role: {"file": f, "sha256": h} for role, (f, h) in pl.inputs.items()},
        "engine_version": __version__, "results_format": RESULTS_FORMAT,
        "parameter_columns": [c.as_json() for c in pl.columns], "design": design,
        "design_points": [{k: plain(v) for k, v in pt.items()} for pt in pl.points], "runs": len(pl.tasks),
        "executor": kind, "workers": workers, **provenance(),
    }


def _execute(ex: Executor, store: Any, pl: Plan, todo: list[RunTask], workers: int, started: float) -> int:
    finished, failed = len(pl.tasks) - len(todo), 0
    done_before = finished
    window = max(2, workers * 3)  # a few tasks in flight per worker: flat memory however large the sweep
    pending: dict[Future, RunTask] = {}
    queue = iter(todo)
    try:
        while True:
            while len(pending) < window:
                task = next(queue, None)
                if task is None:
                    break
                pending[ex.submit(run_task, task)] = task
            if not pending:
                break
            ready, _ = wait(pending, return_when=FIRST_COMPLETED)
            for f in ready:
                task = pending.pop(f)
                result = _result(f, task)
                try:
                    store.write(result, pl.scenario_sha256)
                except (OSError, RunError) as e:  # a full disk, a lost folder
                    why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
                    raise RunError(f"cannot store run {task.run_id} in {store.out}: {why}; the runs "
                                   "stored so far are kept, carry on with --resume") from None
                finished += 1
                failed += result["run"]["status"] != "ok"
                _progress(progress_line(finished, len(pl.tasks), finished - done_before,
                                        time.monotonic() - started, failed))
    except KeyboardInterrupt:
        for f in pending:
            f.cancel()
        if sys.stderr.isatty():
            print(file=sys.stderr)
        raise
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return failed


def _result(f: Future, task: RunTask) -> dict[str, Any]:
    """A finished future's result; a task the executor lost (a worker died) is a failed run."""
    try:
        return f.result()
    except BrokenProcessPool:
        raise RunError("a worker process died (killed, or out of memory) and the pool cannot go on; "
                       "the runs stored so far are kept, carry on with --resume") from None
    except Exception as e:  # noqa: BLE001 - the executor's own failure for one task (e.g. Dask's KilledWorker)
        return failed_result(task, e)


def status_counts(out: Path) -> dict[str, int]:
    """Runs per status in the log, for a message after an interruption (a torn line is skipped)."""
    counts: dict[str, int] = {}
    path = out / "status.jsonl"
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                s = json.loads(line)["status"]
            except (ValueError, KeyError, TypeError):
                continue
            counts[s] = counts.get(s, 0) + 1
    return counts
