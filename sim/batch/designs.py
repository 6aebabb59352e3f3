"""Design points from an experiment: full factorial, Latin hypercube, Sobol, or a CSV file.

A design also knows where each of its values was written (the experiment's line for a listed
value, the CSV's row and column for a design file), so a value the scenario refuses is reported
there. Its size is known before any point is built: a design too large is refused, not listed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..files import read_input_text
from .experiment import MAX_POINTS, Experiment, Parameter

MAX_CSV_BYTES = 16 * 1024 * 1024

# (file, line, col, field) of one value of one design point
Origin = tuple[str, int, int, str]
Locate = Callable[[tuple], Origin]


@dataclass
class Design:
    points: list[dict[str, Any]]
    where: Callable[[int, int], Origin]  # (point, parameter index) → where that value was written
    # Extra points checked against the scenario but never run: a sampled range's two ends.
    bounds: list[tuple[dict[str, Any], Callable[..., Origin]]]
    # sha256 of the design file's text as it was read (empty when the design is not a file), so
    # the manifest records the design that was run, not the file as it is some time later
    file_sha256: str = ""


def _discrete(p: Parameter) -> list[Any]:
    if p.values is not None:
        return list(p.values)
    assert p.steps is not None
    vals = [p.steps.start + k * p.steps.step for k in range(p.steps.count())]
    return [int(v) if float(v).is_integer() else round(v, 12) for v in vals]


def _with_unit(p: Parameter, v: Any) -> Any:
    return f"{v}{p.unit}" if p.unit else v


def _scale(p: Parameter, u: float) -> Any:
    assert p.range is not None
    v: float = p.range.low + u * (p.range.high - p.range.low)
    return _with_unit(p, round(v) if p.range.integer else round(v, 9))


def _too_many(n: int) -> str:
    return f"the design has {n:,} design points; at most {MAX_POINTS:,} are allowed (split the study into experiments)"


def build_design(exp: Experiment, base: Path, locate: Locate) -> Design:
    """The design's points; ``locate`` turns a path in the experiment into its (file, line, col, field)."""
    params = exp.parameters
    if not params:
        return Design([{}], lambda k, i: locate(("parameters",)), [])
    if exp.design == "full_factorial":
        sizes = [len(p.values) if p.values is not None else p.steps.count() for p in params]  # type: ignore[union-attr]
        total = math.prod(sizes)
        if total > MAX_POINTS:
            raise InputError([Problem(*locate(("parameters",))[:3], "parameters", _too_many(total))])
        grids = [_discrete(p) for p in params]
        points = [{p.path: _with_unit(p, v) for p, v in zip(params, combo, strict=True)}
                  for combo in itertools.product(*grids)]
        strides = [math.prod(sizes[i + 1:]) for i in range(len(sizes))]

        def where(k: int, i: int) -> Origin:
            if params[i].values is None:
                return locate(("parameters", i, "steps"))
            return locate(("parameters", i, "values", (k // strides[i]) % sizes[i]))

        return Design(points, where, [])
    if exp.design in ("latin_hypercube", "sobol"):
        try:
            from scipy.stats import qmc
        except ImportError:
            raise InputError([Problem(*locate(("design",))[:3], "design",
                                      f"sampling a {exp.design} design needs scipy: pip install 'ncbsim[research]' "
                                      "(from a checkout: pip install -e '.[research]')")]) from None
        if exp.design == "sobol":
            sampler: Any = qmc.Sobol(d=len(params), scramble=True, seed=exp.seed)
        else:
            sampler = qmc.LatinHypercube(d=len(params), seed=exp.seed)
        points = [{p.path: _scale(p, float(u)) for p, u in zip(params, row, strict=True)}
                  for row in sampler.random(exp.samples)]
        bounds = [({p.path: _scale(p, float(end)) for p in params},
                   lambda i, end=end: locate(("parameters", i, "range", "high" if end else "low")))
                  for end in (0, 1)]
        return Design(points, lambda k, i: locate(("parameters", i, "range")), bounds)
    return _csv_design(exp, base, locate)


def _cell(text: str) -> Any:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def _csv_design(exp: Experiment, base: Path, locate: Locate) -> Design:
    assert exp.csv is not None
    path = base / exp.csv
    name = str(path)
    text = read_input_text(path, limit=MAX_CSV_BYTES, what="design CSV", display=name)
    reader = csv.reader(io.StringIO(text, newline=""))
    wanted = [p.path for p in exp.parameters]
    problems: list[Problem] = []
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as e:
        raise InputError([Problem(name, reader.line_num, 0, "", f"not a CSV file: {e}")]) from None
    missing = [w for w in wanted if w not in header]
    if missing:
        problems.append(Problem(name, 1, 0, "", f"no column for the parameter(s) {', '.join(missing)}; "
                                                f"the header is: {', '.join(header) or '(empty)'}"))
    for j, h in enumerate(header):
        if h not in wanted:
            problems.append(Problem(name, 1, _column(header, j), h or f"column {j + 1}",
                                    f"not a parameter path of the experiment (its parameters: {', '.join(wanted)})"))
        elif h in header[:j]:
            problems.append(Problem(name, 1, _column(header, j), h, "this column is given twice"))
    if problems:
        raise InputError(problems)
    index = {h: j for j, h in enumerate(header)}
    points: list[dict[str, Any]] = []
    lines: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(c.strip() for c in row):
                continue
            if len(points) >= MAX_POINTS:
                raise InputError([Problem(name, line, 0, "", f"more than {MAX_POINTS:,} design points; "
                                                             "split the study into experiments")])
            if len(row) != len(header):
                problems.append(Problem(name, line, 0, "", f"expected {len(header)} cell(s) as in the header, found {len(row)}"))
                continue
            point = {}
            for w in wanted:
                raw = row[index[w]].strip()
                v = _cell(raw)
                if raw == "":
                    problems.append(Problem(name, line, _column(row, index[w]), w, "empty cell; expected a value"))
                elif isinstance(v, float) and not math.isfinite(v):
                    problems.append(Problem(name, line, _column(row, index[w]), w,
                                            f"expected a finite number, got {raw[:40]}"))
                point[w] = v
            points.append(point)
            lines.append((line, row))
    except csv.Error as e:
        problems.append(Problem(name, reader.line_num, 0, "", f"not a CSV file: {e}"))
    if not points and not problems:
        problems.append(Problem(name, 0, 0, "", "the design CSV has no design points below its header"))
    if problems:
        raise InputError(problems)

    def where(k: int, i: int) -> Origin:
        line, row = lines[k]
        return name, line, _column(row, index[wanted[i]]), wanted[i]

    return Design(points, where, [], hashlib.sha256(text.encode("utf-8")).hexdigest())


def _column(cells: list[str], j: int) -> int:
    """The 1-based character column where cell ``j`` starts (exact for unquoted rows)."""
    return sum(len(c) + 1 for c in cells[:j]) + 1


def design_points(exp: Experiment, base: Path) -> list[dict[str, Any]]:
    """Just the points (where their values came from does not matter here)."""
    return build_design(exp, base, lambda path: ("", 0, 0, "")).points
