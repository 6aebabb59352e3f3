"""The experiment language: a base scenario, parameters to vary, a design, replications, metrics.

Parameters are addressed by dotted path into the scenario's data (``ndtf.reviewers``,
``traffic.messages_per_ncb_per_day``), an item of a list by id or position in brackets
(``requests[D1].to``, ``injects[0].at``); under ``parameters.`` the rest of the path is one key
(``parameters.mind.refresh_interval``), since model parameter names contain dots themselves.
The syntax and its checks are in ``paths``.

Everything here runs without the research stack, so ``ncbsim validate`` checks an experiment on
a light install; only sampling a Latin hypercube or Sobol design needs scipy, and a Saltelli or
Morris design SALib.
"""

from __future__ import annotations

import math
import os
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from ..errors import InputError, Problem
from ..metrics import METRICS
from ..scenario.types import Duration, Identifier, Strict
from .paths import PATH_HELP, PathError, resolve

# A sweep is planned in memory (one task per run) and every design point is checked against
# the scenario before the first run, so both are bounded; split a larger study into experiments.
MAX_POINTS = 10_000
MAX_RUNS = 100_000
SAMPLED = ("latin_hypercube", "sobol", "saltelli", "morris")  # designs that sample ranges
METRICS_DOC = "what each run is measured by: " + "; ".join(f"{m.name} ({m.meaning})" for m in METRICS.values())


def _finite(value: Any) -> Any:
    """Refuse .inf and .nan anywhere in a value, however deeply nested (a distribution's sigma)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"expected a finite number, got {v}")
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return value


FiniteValue = Annotated[Any, AfterValidator(_finite)]
FiniteNumber = Annotated[float, Field(allow_inf_nan=False)]


class Values(Strict):
    values: list[FiniteValue] = Field(min_length=1, description="enumerated values")


class Steps(Strict):
    start: FiniteNumber
    stop: FiniteNumber = Field(description="inclusive")
    step: FiniteNumber = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Steps:
        if self.stop < self.start:
            raise ValueError("stop must not be below start")
        return self

    def count(self) -> int:
        """How many values, computed without listing them (a tiny step must not fill memory)."""
        # The small tolerance keeps 0.1-style steps from losing the inclusive stop to rounding.
        return math.floor((self.stop - self.start) / self.step + 1e-9) + 1


class Range(Strict):
    low: FiniteNumber
    high: FiniteNumber
    integer: bool = Field(False, description="round sampled values to whole numbers")

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.high <= self.low:
            raise ValueError("high must be above low")
        return self


class Parameter(Strict):
    path: str = Field(min_length=1, max_length=200, description=PATH_HELP)
    values: list[FiniteValue] | None = Field(None, min_length=1, description="enumerated values (full factorial)")
    steps: Steps | None = Field(None, description="a stepped range (full factorial)")
    range: Range | None = Field(None, description="a continuous range (latin_hypercube, sobol, saltelli, morris)")
    unit: str | None = Field(None, max_length=8, description="append to sampled numbers, e.g. 'h' to make durations")

    @model_validator(mode="after")
    def _one(self) -> Parameter:
        if sum(x is not None for x in (self.values, self.steps, self.range)) != 1:
            raise ValueError("give exactly one of values, steps or range")
        return self


class Timeseries(Strict):
    every: Duration = Field(description="sampling period")
    metrics: list[Literal[tuple(METRICS)]] = Field(min_length=1, description=METRICS_DOC)  # type: ignore[valid-type]


class Experiment(Strict):
    id: Identifier
    title: str = Field(min_length=1)
    scenario: str = Field(min_length=1, description="the base scenario, relative to this file")
    seed: int = Field(0, ge=0, lt=2 ** 63, description="experiment seed: replication r uses the same streams "
                                                         "at every design point (common random numbers)")
    replications: int = Field(1, ge=1, le=MAX_RUNS)
    until: Duration | None = Field(None, description="stop time; default the scenario's duration")
    policy: Literal["by_the_book", "overloaded", "careless"] | None = Field(
        None, description="one policy for every role (default: the scenario's)")
    design: Literal["full_factorial", "latin_hypercube", "sobol", "saltelli", "morris", "csv"] = Field(
        "full_factorial", description="how design points are chosen; for Sobol sensitivity indices use saltelli "
                                      "(sobol and latin_hypercube are plain samples that Sobol analysis cannot use), "
                                      "for screening many parameters morris")
    samples: int = Field(8, ge=1, le=MAX_POINTS, description=(
        "latin_hypercube and sobol: design points; saltelli: base samples N, a power of 2 (N × (D + 2) design "
        "points for D parameters, N × (2D + 2) with second_order); morris: trajectories (N × (D + 1) points)"))
    second_order: bool | None = Field(None, description="saltelli only: also estimate second-order indices S2 "
                                                        "(nearly doubles the design points); default false")
    levels: int | None = Field(None, ge=2, le=100, description="morris only: grid levels per parameter (default 4; "
                                                               "an even number)")
    csv: str | None = Field(None, description="design points file (one column per parameter path), for design csv")
    parameters: list[Parameter] = Field(default_factory=list)
    metrics: list[Literal[tuple(METRICS)]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["objectives_met", "arrests", "released"], min_length=1, description=METRICS_DOC)
    timeseries: Timeseries | None = None

    @model_validator(mode="after")
    def _design_fits(self) -> Experiment:
        kinds = {p.path: ("range" if p.range else "discrete") for p in self.parameters}
        if self.design in SAMPLED and any(k != "range" for k in kinds.values()):
            raise ValueError(f"the {self.design} design samples ranges: give every parameter a 'range'")
        if self.design == "full_factorial" and any(k == "range" for k in kinds.values()):
            raise ValueError("a full factorial design needs 'values' or 'steps', not 'range'")
        if self.design == "csv" and not self.csv:
            raise ValueError("the csv design needs 'csv: FILE'")
        if len(kinds) != len(self.parameters):
            raise ValueError("a parameter path is listed twice")
        return self


def path_problem(path: str, data: dict[str, Any]) -> str | None:
    """Why ``path`` cannot address a value of the scenario whose data is ``data``, or None when it can."""
    from ..scenario.model import Scenario

    try:
        resolve(path, data, Scenario)
    except PathError as e:
        return str(e)
    return None


def check_experiment(path: str | os.PathLike) -> list[Problem]:
    """Every problem with an experiment, as ``ncbsim validate`` reports them (empty when it is sound).

    Includes its base scenario, its design file, and each design point applied to the scenario
    and validated as the scenario loader would.
    """
    from .plan import plan

    try:
        plan(path)
    except InputError as e:
        return list(e.problems)
    return []
