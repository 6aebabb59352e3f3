"""Tidy parameter columns for the result tables, and the command that reproduces one run.

A parameter swept as ``"50.24h"`` is stored as the number 50.24 in a column named
``mind.refresh_interval_h``: one float64 column per parameter, in the unit its name gives, so a
design matrix is ``runs[columns]`` with no parsing. The rules (the contract with ``ncbsim
analyze`` and the research API):

- the column is the path without a leading ``parameters.``;
- a value that is a duration (``"6h"``, ``"2d"``, or a number with a duration unit such as
  ``unit: h``) is stored in hours, and the column gets ``_h``;
- a number with another declared unit (``unit: pct``) is stored as the number, and the column
  gets ``_<unit>``;
- a plain number is stored as is;
- anything else (a country code, a list, true/false) stays text in a string column: the value
  as JSON, or the string itself.

Everything here runs without the research stack, so ``ncbsim run`` can use it on a light install.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ..durations import format_duration, minutes, parse_duration

# The layout of the result tables, recorded in the manifest and in every run's task digest: 2 added
# the numeric parameter columns, the parameters as JSON and the reproducing command. Runs stored in
# another layout are never mixed into a folder of this one.
RESULTS_FORMAT = 2
_DURATION_UNITS = {"s", "m", "h", "d", "w"}
_NUMBER_WITH_UNIT = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S+)\s*$")


@dataclass(frozen=True)
class ParameterColumn:
    """Where one experiment parameter lands in the ``runs`` and ``summary`` tables."""

    path: str  # the parameter's path in the experiment, e.g. parameters.mind.refresh_interval
    column: str  # its column, e.g. mind.refresh_interval_h
    unit: str  # "h" for durations, the declared unit of other numbers, "" for plain numbers and text
    dtype: str  # "float64" or "string"

    def value(self, raw: Any) -> float | str | None:
        """The cell for the value a design point gives this parameter."""
        if raw is None:
            return None
        if self.dtype == "string":
            return _text(raw)
        number = _number(raw, self.unit)
        if number is None:  # never for a design the spec was made from; a guard for hand-made tasks
            raise ValueError(f"{self.path}: {raw!r} is not a number in {self.unit or 'plain numbers'}")
        return number

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "column": self.column, "unit": self.unit, "dtype": self.dtype}


def _text(raw: Any) -> str:
    return raw if isinstance(raw, str) else json.dumps(plain(raw), ensure_ascii=False, sort_keys=True)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _duration_hours(raw: Any) -> float | None:
    if isinstance(raw, timedelta):
        return minutes(raw) / 60.0
    if not isinstance(raw, str):
        return None
    try:
        return minutes(parse_duration(raw)) / 60.0
    except ValueError:
        return None


def _number(raw: Any, unit: str) -> float | None:
    """``raw`` as a number in ``unit`` (hours when ``unit`` is "h"), or None when it is not one."""
    if unit == "h":
        return _duration_hours(raw)
    if unit:
        m = _NUMBER_WITH_UNIT.match(raw) if isinstance(raw, str) else None
        if m is not None and m[2] == unit:
            return float(m[1])
        return float(raw) if _is_number(raw) else None
    return float(raw) if _is_number(raw) else None


def _kind(path: str, declared: str | None, values: Sequence[Any]) -> tuple[str, str]:
    """(unit, dtype) of a parameter from its declared unit and every value the design gives it."""
    if declared in _DURATION_UNITS or (values and all(_duration_hours(v) is not None for v in values)):
        unit = "h"
    elif declared:
        unit = declared
    else:
        unit = ""
    if values and all(_number(v, unit) is not None for v in values):
        return unit, "float64"
    return "", "string"


def column_name(path: str, unit: str) -> str:
    name = path.removeprefix("parameters.")
    return f"{name}_{unit}" if unit else name


def parameter_columns(parameters: Iterable[Any], points: Sequence[dict[str, Any]]) -> tuple[ParameterColumn, ...]:
    """One column per experiment parameter (``Parameter`` models, in design order)."""
    out = []
    for p in parameters:
        values = [pt[p.path] for pt in points if p.path in pt]
        unit, dtype = _kind(p.path, p.unit, values)
        out.append(ParameterColumn(p.path, column_name(p.path, unit), unit, dtype))
    taken: dict[str, str] = {}
    for c in out:  # two paths that differ only by ``parameters.`` would share a name: keep both apart
        if c.column in taken:
            raise ValueError(f"the parameters {taken[c.column]} and {c.path} would share the column {c.column}")
        taken[c.column] = c.path
    return tuple(out)


def plain(value: Any) -> Any:
    """A parameter value as JSON holds it: dates and durations as the text a scenario takes."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return format_duration(value)
    return value


def parameters_json(overrides: dict[str, Any]) -> str:
    """The ``parameters`` column: ``{"<path>": <value as the scenario takes it>}`` in design order."""
    return json.dumps({k: plain(v) for k, v in overrides.items()}, ensure_ascii=False)


# --- ``ncbsim run --set PATH=VALUE``: the value as text, and back -----------------------------------

def parse_value(text: str, where: str) -> Any:
    """A ``--set`` value read as YAML, with the scenario files' own rules (YAML 1.2 core: ``no``
    is text, ``5`` a number, ``[ES, MA]`` a list, ``6h`` text that a duration field reads)."""
    from ..scenario.yamlsafe import load_yaml_text

    return load_yaml_text("value: " + text, where).data["value"]


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (1, 1.0 and true are three values)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def value_text(value: Any) -> str:
    """``value`` written so that ``parse_value`` reads back exactly the same value."""
    candidates = []
    if isinstance(value, str):
        candidates.append(value)
    elif isinstance(value, (datetime, date)):
        candidates.append(value.isoformat().replace("+00:00", "Z"))
        candidates.append(value.isoformat())
    elif _is_number(value):
        candidates.append(repr(value))
    candidates.append(json.dumps(plain(value), ensure_ascii=False))
    for text in candidates:
        try:
            if _same(parse_value(text, "--set"), value):
                return text
        except Exception:  # noqa: BLE001 - a candidate that does not parse is simply not the one
            continue
    return candidates[-1]


def set_arguments(overrides: dict[str, Any]) -> list[str]:
    """``--set PATH=VALUE`` for each value of a design point."""
    args = []
    for path, value in overrides.items():
        args += ["--set", f"{path}={value_text(value)}"]
    return args


def reproduce_command(scenario: str, *, seed: int, replication: int, until: timedelta | None,
                      policy: str | None, overrides: dict[str, Any], metrics: Sequence[str],
                      sets: list[str] | None = None) -> str:
    """The shell command that runs one batch run again and prints the metrics the batch recorded
    (``sets``: the point's ``set_arguments``, when the caller has them already)."""
    args = ["ncbsim", "run", scenario, "--seed", str(seed), "--replication", str(replication)]
    if until is not None:
        args += ["--until", format_duration(until)]
    if policy:
        args += ["--policy", policy]
    args += set_arguments(overrides) if sets is None else sets
    if metrics:
        args += ["--metrics", ",".join(metrics)]
    return shlex.join(args)
