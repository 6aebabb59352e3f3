"""The experiment language: a base scenario, parameters to vary, a design, replications, metrics.

Parameters are addressed by dotted path into the scenario's data (``ndtf.reviewers``,
``traffic.messages_per_ncb_per_day``); under ``parameters.`` the rest of the path is one key
(``parameters.mind.refresh_interval``), since model parameter names contain dots themselves.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from ..scenario.types import Duration, Identifier, Strict

METRICS = {
    "objectives_met": "objectives met by the end",
    "objectives_failed": "objectives failed",
    "arrests": "provisional arrests",
    "released": "people released after a hit or an arrest",
    "extraditions_requested": "formal extradition requests sent",
    "hours_to_first_arrest": "sim hours from the start to the first provisional arrest (empty if none)",
    "notices_published": "notices published",
    "notices_refused": "notices refused",
    "diffusions_purged": "diffusions purged",
    "refusal_share": "share of NDTF decisions that refused or purged",
    "messages_handled": "I-24/7 messages read",
    "messages_queued": "messages still waiting at the end",
    "decisions_expired": "decisions left to expire",
}


class Values(Strict):
    values: list[Any] = Field(min_length=1, description="enumerated values")


class Steps(Strict):
    start: float
    stop: float = Field(description="inclusive")
    step: float = Field(gt=0)


class Range(Strict):
    low: float
    high: float
    integer: bool = Field(False, description="round sampled values to whole numbers")

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.high <= self.low:
            raise ValueError("high must be above low")
        return self


class Parameter(Strict):
    path: str = Field(min_length=1, description="dotted path into the scenario, e.g. ndtf.reviewers")
    values: list[Any] | None = Field(None, description="enumerated values (full factorial)")
    steps: Steps | None = Field(None, description="a stepped range (full factorial)")
    range: Range | None = Field(None, description="a continuous range (Latin hypercube, Sobol)")
    unit: str | None = Field(None, description="append to sampled numbers, e.g. 'h' to make durations")

    @model_validator(mode="after")
    def _one(self) -> Parameter:
        if sum(x is not None for x in (self.values, self.steps, self.range)) != 1:
            raise ValueError("give exactly one of values, steps or range")
        return self


class Timeseries(Strict):
    every: Duration = Field(description="sampling period")
    metrics: list[Literal[tuple(METRICS)]] = Field(min_length=1)  # type: ignore[valid-type]


class Experiment(Strict):
    id: Identifier
    title: str = Field(min_length=1)
    scenario: str = Field(min_length=1, description="the base scenario, relative to this file")
    seed: int = Field(0, ge=0, lt=2 ** 63, description="experiment seed: replication r uses the same streams "
                                                         "at every design point (common random numbers)")
    replications: int = Field(1, ge=1, le=100_000)
    until: Duration | None = Field(None, description="stop time; default the scenario's duration")
    policy: Literal["by_the_book", "overloaded", "careless"] | None = Field(
        None, description="one policy for every role (default: the scenario's)")
    design: Literal["full_factorial", "latin_hypercube", "sobol", "csv"] = "full_factorial"
    samples: int = Field(8, ge=1, le=100_000, description="design points for latin_hypercube and sobol")
    csv: str | None = Field(None, description="design points file (one column per parameter path), for design csv")
    parameters: list[Parameter] = Field(default_factory=list)
    metrics: list[Literal[tuple(METRICS)]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["objectives_met", "arrests", "released"], min_length=1)
    timeseries: Timeseries | None = None

    @model_validator(mode="after")
    def _design_fits(self) -> Experiment:
        kinds = {p.path: ("range" if p.range else "discrete") for p in self.parameters}
        if self.design in ("latin_hypercube", "sobol") and any(k != "range" for k in kinds.values()):
            raise ValueError(f"the {self.design} design samples ranges: give every parameter a 'range'")
        if self.design == "full_factorial" and any(k == "range" for k in kinds.values()):
            raise ValueError("a full factorial design needs 'values' or 'steps', not 'range'")
        if self.design == "csv" and not self.csv:
            raise ValueError("the csv design needs 'csv: FILE'")
        if len(kinds) != len(self.parameters):
            raise ValueError("a parameter path is listed twice")
        return self
