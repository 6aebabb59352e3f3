"""Design points from an experiment: full factorial, Latin hypercube, Sobol, or a CSV file."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path
from typing import Any

from .experiment import Experiment, Parameter


def _discrete(p: Parameter) -> list[Any]:
    if p.values is not None:
        return list(p.values)
    n = int(round((p.steps.stop - p.steps.start) / p.steps.step)) + 1
    vals = [p.steps.start + k * p.steps.step for k in range(n)]
    return [int(v) if float(v).is_integer() else round(v, 12) for v in vals]


def _scale(p: Parameter, u: float) -> Any:
    v = p.range.low + u * (p.range.high - p.range.low)
    v = int(round(v)) if p.range.integer else round(v, 9)
    return f"{v}{p.unit}" if p.unit else v


def design_points(exp: Experiment, base: Path) -> list[dict[str, Any]]:
    params = exp.parameters
    if not params:
        return [{}]
    if exp.design == "full_factorial":
        grids = [_discrete(p) for p in params]
        return [{p.path: (f"{v}{p.unit}" if p.unit else v) for p, v in zip(params, combo)}
                for combo in itertools.product(*grids)]
    if exp.design in ("latin_hypercube", "sobol"):
        from scipy.stats import qmc

        if exp.design == "sobol":
            sampler = qmc.Sobol(d=len(params), scramble=True, seed=exp.seed)
        else:
            sampler = qmc.LatinHypercube(d=len(params), seed=exp.seed)
        return [{p.path: _scale(p, float(u)) for p, u in zip(params, row)} for row in sampler.random(exp.samples)]
    with open(base / exp.csv, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [{p.path: _number(row[p.path]) for p in params} for row in rows]


def _number(text: str) -> Any:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text
