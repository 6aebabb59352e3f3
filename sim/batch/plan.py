"""Plan an experiment: load and check it whole, before the first run, and list its runs.

Every design point is applied to the base scenario's data and validated as the scenario loader
validates a file, so a value the model would refuse (a path that does not exist, ``0``
reviewers, a rate out of bounds) is reported at ``validate`` time, located in the experiment,
instead of failing every run of a sweep. Needs none of the research stack.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..durations import minutes
from ..errors import InputError, Problem
from ..files import read_input_bytes
from ..scenario.loader import LoadedScenario, Located, dotted, load_scenario, locate, plain_data, validate_model
from .columns import RESULTS_FORMAT, ParameterColumn, parameter_columns, reproduce_command, set_arguments
from .designs import Design, Locate, Origin, build_design, design_problems
from .experiment import MAX_RUNS, Experiment, path_problem
from .paths import PathError, resolve, set_path
from .runs import RunTask

MAX_PROBLEMS = 20  # a design of 10,000 points that is wrong the same way everywhere needs few lines
MAX_SAMPLES_PER_RUN = 10_000  # time-series rows per metric and run
_INPUT_LIMIT = 64 * 1024 * 1024


@dataclass
class Plan:
    experiment: Experiment
    path: Path
    scenario_path: Path
    scenario_data: dict[str, Any]
    scenario_sha256: str
    points: list[dict[str, Any]]
    tasks: list[RunTask] = field(default_factory=list)
    # role → (file, sha256) of every file the results depend on; resume refuses when one changed
    inputs: dict[str, tuple[str, str]] = field(default_factory=dict)
    # the runs table's parameter columns, in design order (numbers in the unit their name gives)
    columns: tuple[ParameterColumn, ...] = ()


def load_experiment(path: str | os.PathLike) -> Experiment:
    return validate_model(locate(path), Experiment)


def _scenario_files(loaded: LoadedScenario, scenario_path: Path) -> dict[str, tuple[str, str]]:
    """role → (file, sha256) of the scenario and each include, as the loader read them.

    The loader keeps one digest of all its files together; each file's own digest comes from
    reading them again, and is kept only if together they still make the loader's digest — so a
    file that changed after it was loaded cannot be recorded as the one that was run.
    """
    files: dict[str, tuple[str, str]] = {}
    together = hashlib.sha256()
    for i, name in enumerate(loaded.located.files):
        data = read_input_bytes(name, limit=_INPUT_LIMIT, what="scenario" if i == 0 else "scenario fragment")
        together.update(data)
        if i == 0:
            role, name = "scenario", str(scenario_path)
        else:
            role = f"include {os.path.relpath(Path(name).resolve(), scenario_path.parent)}"
        files[role] = (name, hashlib.sha256(data).hexdigest())
    if together.hexdigest() != loaded.digest:
        raise InputError([Problem(str(scenario_path), 0, 0, "", "the scenario or one of its includes changed "
                                                                "while it was being read; run the command again")])
    return files


def _origin(located: Located) -> Locate:
    def at(path: tuple) -> Origin:
        return (*located.where(path), dotted(path))
    return at


def plan(path: str | os.PathLike) -> Plan:
    p = Path(path)
    located = locate(p)
    exp: Experiment = validate_model(located, Experiment)
    at = _origin(located)
    scenario_path = (p.parent / exp.scenario).resolve()
    if not scenario_path.is_file():
        raise InputError([Problem(*at(("scenario",)), f"no scenario file at {scenario_path}")])
    loaded = load_scenario(scenario_path)
    data = plain_data(loaded.located.data)
    # Paths are resolved against this scenario (its ids, its lists' lengths), not the model alone.
    problems = [Problem(*at(("parameters", i, "path")), f"{prm.path}: {why}")
                for i, prm in enumerate(exp.parameters) if (why := path_problem(prm.path, data))]
    if problems:
        # What the design itself gets wrong (its sample size, its options) is said in the same
        # report: the path's typo fixed, the next run should not stop at the next mistake.
        raise InputError(problems + design_problems(exp, at))
    design = build_design(exp, p.parent, at)
    runs = len(design.points) * exp.replications
    if runs > MAX_RUNS:
        raise InputError([Problem(*at(("replications",)), f"{len(design.points):,} design point(s) × "
                                  f"{exp.replications:,} replication(s) = {runs:,} runs; at most {MAX_RUNS:,} are "
                                  "allowed (split the study into experiments)")])
    until = minutes(exp.until) if exp.until is not None else None
    ts = exp.timeseries
    if ts is not None:
        _check_timeseries(exp, until if until is not None else minutes(loaded.scenario.duration), at)
    _check_points(exp, design, data, loaded.located, at)

    # The digests of the bytes the plan was made from; hashing the files again now would record
    # whatever they hold by now.
    inputs = {"experiment": (str(p), located.digest), **_scenario_files(loaded, scenario_path)}
    if exp.design == "csv" and exp.csv:
        inputs["design CSV"] = (str(p.parent / exp.csv), design.file_sha256)
    try:
        columns = parameter_columns(exp.parameters, design.points)
    except ValueError as e:
        raise InputError([Problem(*at(("parameters",)), str(e))]) from None
    pl = Plan(exp, p, scenario_path, data, loaded.digest, design.points, inputs=inputs, columns=columns)
    data_sha = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    common = {"scenario": data_sha, "seed": exp.seed, "until": until, "policy": exp.policy,
              "metrics": list(exp.metrics), "ts_every": minutes(ts.every) if ts else None,
              "ts_metrics": list(ts.metrics) if ts else [], "engine": __version__, "format": RESULTS_FORMAT}
    for i, overrides in enumerate(design.points):
        sets = set_arguments(overrides)
        for r in range(exp.replications):
            key = hashlib.sha256(json.dumps({**common, "overrides": overrides, "replication": r},
                                            sort_keys=True, default=str).encode()).hexdigest()
            command = reproduce_command(str(scenario_path), seed=exp.seed, replication=r, until=exp.until,
                                        policy=exp.policy, overrides=overrides, metrics=exp.metrics, sets=sets)
            pl.tasks.append(RunTask(f"p{i:04d}-r{r:04d}", i, r, overrides, data, exp.seed, until, exp.policy,
                                    tuple(exp.metrics), minutes(ts.every) if ts else None,
                                    tuple(ts.metrics) if ts else (), key, command, columns))
    return pl


def _check_timeseries(exp: Experiment, until_min: float, at: Locate) -> None:
    assert exp.timeseries is not None
    every = minutes(exp.timeseries.every)
    if every <= 0:
        raise InputError([Problem(*at(("timeseries", "every")), "expected a sampling period above zero")])
    if until_min / every > MAX_SAMPLES_PER_RUN:
        raise InputError([Problem(*at(("timeseries", "every")),
                                  f"{until_min / every:,.0f} samples per run; at most {MAX_SAMPLES_PER_RUN:,} "
                                  "(sample less often)")])


def _scenario_problems(data: dict[str, Any], point: dict[str, Any], scenario: Located) -> list[Problem]:
    """The scenario loader's errors for the base scenario with ``point`` applied to it."""
    from ..scenario.checks import check_parameter_names, check_scenario
    from ..scenario.model import Scenario

    trial = copy.deepcopy(data)
    for path, value in point.items():
        try:
            set_path(trial, path, value)
        except PathError as e:  # an earlier parameter replaced the list or section this one goes into
            return [Problem(scenario.files[0], 0, 0, path, str(e))]
    here = Located(trial, scenario.marks, scenario.files, scenario.digest)
    try:
        sc = validate_model(here, Scenario, check_parameter_names(here))
        return [q for q in check_scenario(sc, here) if q.severity == "error"]
    except InputError as e:
        return [q for q in e.problems if q.severity == "error"]


def _owner(paths: list[str], field_: str) -> int | None:
    """The parameter a scenario problem belongs to: its path is the field, or contains it, or is in it."""
    best: int | None = None
    for i, path in enumerate(paths):
        related = field_ == path or field_.startswith(path + ".") or path.startswith(field_ + ".")
        if related and (best is None or len(path) > len(paths[best])):
            best = i
    return best


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_points(exp: Experiment, design: Design, data: dict[str, Any], scenario: Located, at: Locate) -> None:
    # A problem the scenario model finds is named by keys and positions (requests.1.to): the
    # parameter it belongs to is found by where its path resolves, shown as the author wrote it.
    paths = [prm.path for prm in exp.parameters]
    fields = [dotted(resolve(path, data)) for path in paths]
    # A sampled range's ends first: when one is refused, the sampled points near it only repeat that.
    bounds = [(pt, where, "a bound") for pt, where in design.bounds]
    points = [(pt, (lambda i, k=k: design.where(k, i)), f"design point {k}") for k, pt in enumerate(design.points)]
    for checks in (bounds, points):
        _check(checks, paths, fields, scenario, data, at)


def _check(checks: list, paths: list[str], fields: list[str], scenario: Located, data: dict[str, Any],
           at: Locate) -> None:
    found: dict[tuple, Problem] = {}
    for point, where, label in checks:
        if not point:
            continue
        for q in _scenario_problems(data, point, scenario):
            i = _owner(fields, q.field)
            if i is not None:
                file, line, col, fld = where(i)
                detail = "" if q.field == fields[i] else f" ({q.field})"
                message = f"{paths[i]} = {_shown(point[paths[i]])}: {q.message}{detail}"
            else:
                file, line, col, fld = at(("parameters",))
                values = ", ".join(f"{k} = {_shown(v)}" for k, v in point.items())
                message = f"{label} ({values}): {q.field or 'scenario'}: {q.message}"
            # One line per place and kind of problem: the first value refused there stands for the rest.
            key = (file, line, col, fld, q.field) if i is not None else (file, line, col, fld, message)
            found.setdefault(key, Problem(file, line, col, fld, message))
    if found:
        problems = sorted(found.values())
        if len(problems) > MAX_PROBLEMS:
            extra = len(problems) - MAX_PROBLEMS
            problems = problems[:MAX_PROBLEMS] + [Problem(*at(("parameters",)),
                                                          f"... and {extra:,} more problem(s) with the design")]
        raise InputError(problems)
