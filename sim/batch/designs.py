"""Design points from an experiment: full factorial, Latin hypercube, Sobol, Saltelli, Morris, or a CSV file.

A ``saltelli`` or ``morris`` design is SALib's own sample, in SALib's order, so design point k is
row k of the matrix ``SALib.analyze`` expects. Its sampled numbers are rounded once, here, to the
value the scenario gets (``DECIMALS`` places; an integer range to a whole number), and that
rounded value is the one the results' numeric column records: the analysis sees exactly the X
the model saw.

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

DECIMALS = 6  # a sampled number's places; in hours, days, minutes or seconds a whole number of microseconds

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
    if exp.design in ("saltelli", "morris"):
        return _salib_design(exp, locate)
    return _csv_design(exp, base, locate)


def plain_number(x: float) -> str:
    """A number as a duration's digits take it: no exponent, no trailing zeros (``12.5``, ``3``)."""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.{DECIMALS}f}".rstrip("0").rstrip(".")


def salib_value(p: Parameter, u: float, design: str) -> Any:
    """The value a SALib sample's unit-interval number ``u`` becomes, as the scenario takes it.

    A saltelli design gives every whole number of an integer range the same share of the
    sample (its Sobol indices are then those of the discrete uniform inputs); a morris design's
    levels already fall on whole numbers (checked), so rounding does not move them.
    """
    r = p.range
    assert r is not None
    x: float
    if r.integer and design == "saltelli":
        lo, hi = math.ceil(r.low), math.floor(r.high)
        x = lo + min(math.floor(u * (hi - lo + 1)), hi - lo)
    elif r.integer:
        x = round(r.low + u * (r.high - r.low))
    else:
        x = round(r.low + u * (r.high - r.low), DECIMALS) + 0.0  # + 0.0: no -0.0
    if p.unit:
        return f"{plain_number(x)}{p.unit}"
    return int(x) if r.integer else x


def salib_problem(exp: Experiment) -> dict[str, Any]:
    """SALib's problem for the experiment's sampled parameters (names are the parameter paths)."""
    return {"num_vars": len(exp.parameters), "names": [p.path for p in exp.parameters],
            "bounds": [[p.range.low, p.range.high] for p in exp.parameters if p.range is not None]}


def salib_size(exp: Experiment) -> int:
    """How many design points SALib's sample has, known before sampling."""
    d = len(exp.parameters)
    if exp.design == "saltelli":
        return exp.samples * (2 * d + 2 if exp.second_order else d + 2)
    return exp.samples * (d + 1)


def design_problems(exp: Experiment, locate: Locate) -> list[Problem]:
    """What is wrong with the design's own settings, found without the scenario."""
    return _salib_checks(exp, locate) if exp.design in ("saltelli", "morris") else []


def _salib_checks(exp: Experiment, locate: Locate) -> list[Problem]:
    def at(path: tuple, message: str) -> Problem:
        return Problem(*locate(path)[:3], ".".join(str(x) for x in path), message)

    problems = []
    n = exp.samples
    if exp.design == "saltelli" and n & (n - 1):
        low = 1 << (n.bit_length() - 1)
        problems.append(at(("samples",), f"a saltelli design needs a power of 2 base samples (SALib's Sobol "
                                         f"sequence loses its balance otherwise); got {n}, try {low} or {low * 2}"))
    if exp.design == "morris" and n < 2:
        problems.append(at(("samples",), "a morris design needs at least 2 trajectories (the spread σ of the "
                                         "elementary effects needs two of them)"))
    if exp.design == "morris":
        levels = exp.levels or 4
        for i, p in enumerate(exp.parameters):
            r = p.range
            if r is not None and r.integer and ((r.high - r.low) % (levels - 1) or not float(r.low).is_integer()):
                problems.append(at(("parameters", i, "range"), (
                    f"a morris design over an integer range needs each of its {levels} levels on a whole number: "
                    f"whole-number ends whose difference ({r.high - r.low:g}) divides by levels - 1 = {levels - 1}")))
    if exp.second_order is not None and exp.design != "saltelli":
        problems.append(at(("second_order",), f"second_order goes with design: saltelli, not {exp.design}"))
    if exp.levels is not None and exp.design != "morris":
        problems.append(at(("levels",), f"levels goes with design: morris, not {exp.design}"))
    total = salib_size(exp)
    if total > MAX_POINTS:
        problems.append(at(("samples",), _too_many(total)))
    return problems


def salib_matrix(exp: Experiment) -> Any:
    """SALib's sample on the unit cube, rows in SALib's order (the analysis relies on it)."""
    from SALib.sample import morris, sobol

    unit = {"num_vars": len(exp.parameters), "names": [p.path for p in exp.parameters],
            "bounds": [[0.0, 1.0]] * len(exp.parameters)}
    if exp.design == "saltelli":
        # Scrambled, nothing skipped: what SALib recommends for its Sobol sequence.
        return sobol.sample(unit, exp.samples, calc_second_order=bool(exp.second_order), scramble=True,
                            skip_values=0, seed=exp.seed)
    return morris.sample(unit, exp.samples, num_levels=exp.levels or 4, seed=exp.seed)


def _salib_design(exp: Experiment, locate: Locate) -> Design:
    params = exp.parameters
    if problems := _salib_checks(exp, locate):
        raise InputError(problems)
    try:
        matrix = salib_matrix(exp)
    except ImportError:
        raise InputError([Problem(*locate(("design",))[:3], "design",
                                  f"sampling a {exp.design} design needs SALib: pip install 'ncbsim[research]' "
                                  "(from a checkout: pip install -e '.[research]')")]) from None
    points = [{p.path: salib_value(p, float(u), exp.design) for p, u in zip(params, row, strict=True)}
              for row in matrix]
    bounds = [({p.path: salib_value(p, float(end), exp.design) for p in params},
               lambda i, end=end: locate(("parameters", i, "range", "high" if end else "low")))
              for end in (0, 1)]
    return Design(points, lambda k, i: locate(("parameters", i, "range")), bounds)


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
