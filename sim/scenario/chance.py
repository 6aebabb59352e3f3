"""Uncertainty a designer writes: weighted alternatives, and distributions on timings.

A drawn field is written plainly (a route, a duration, an answer) or as a draw: weighted
alternatives ``{one_of: [{weight: 3, route: [ES, MA]}, {weight: 1, route: PT}]}``, or, for a
timing, a distribution in the syntax of ``parameters:`` (``{uniform: {low: 6h, high: 18h}}``).

Every draw is made once per run, before the clock starts, each from its own random stream named
after the field's path with the items' ids (``draw:subjects.S1.plan.route``): adding a subject,
or reordering sections, never changes another field's draw. ``draw_all`` returns a copy of the
scenario whose drawn fields hold their values, so the engine reads plain values only; the
exercise journals each draw as ``scenario.drawn`` at the start. Model parameters
(``parameters:``) are not drawn here: the engine samples them afresh all run long.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal, overload

from pydantic import AfterValidator, BaseModel, Discriminator, Field, Tag, model_validator

from ..durations import format_minutes, minutes
from .types import (
    MAX_DRAW_MINUTES,
    CountryCode,
    Distribution,
    Duration,
    Empirical,
    Exponential,
    Fixed,
    Lognormal,
    Strict,
    Triangular,
    Uniform,
    Weight,
)

if TYPE_CHECKING:
    import numpy as np

    from ..rng import RandomStreams
    from .model import Scenario

DistributionModel = Fixed | Lognormal | Uniform | Triangular | Exponential | Empirical
DRAWN_DURATIONS = (Lognormal, Uniform, Triangular, Exponential, Empirical)  # Fixed is read as a duration
LIKELY = 0.999  # the "latest" a long-tailed draw is taken to reach when checking timings


# --- timings ---------------------------------------------------------------------------------

def _timing_form(value: Any) -> str:
    return "distribution" if isinstance(value, dict | BaseModel) else "duration"


def _fixed_is_a_duration(value: Any) -> Any:
    # {fixed: 6h} means 6h: nothing is drawn, and the journal is what a plain 6h gives.
    return value.fixed if isinstance(value, Fixed) else value


Timing = Annotated[
    Annotated[Duration, Tag("duration")] | Annotated[Distribution, Tag("distribution")],
    Discriminator(_timing_form),
    AfterValidator(_fixed_is_a_duration),
]
"""A duration, or a distribution of durations drawn once per run (the syntax of ``parameters:``)."""

TIMING_HELP = ("; or a distribution drawn once per run from the seed, e.g. {uniform: {low: 6h, high: 18h}} or "
               "{lognormal: {median: 2d, sigma: 0.5}}")


# --- weighted alternatives -------------------------------------------------------------------

def _one_country_is_a_route(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _no_value_key(data: Any, name: str, example: str) -> Any:
    """A choice names its value after the field (``route:``, ``answer:``); ``value:`` is the
    likely guess, so it is answered with the spelling rather than "extra inputs"."""
    if isinstance(data, dict) and "value" in data and name not in data:
        raise ValueError(f"write each choice as {example}: the value goes under '{name}', not 'value'")
    return data


class _Weighted(Strict):
    @model_validator(mode="after")
    def _some_weight(self) -> _Weighted:
        if not any(c.weight > 0 for c in self.one_of):  # type: ignore[attr-defined]
            raise ValueError("at least one choice needs a weight above zero")
        return self

    def weights(self) -> list[float]:
        return [c.weight for c in self.one_of]  # type: ignore[attr-defined]


class RouteChoice(Strict):
    weight: Weight = Field(description="relative weight: 3 against 1 and 1 is drawn 3 times in 5; 0 is never drawn")
    route: Annotated[list[CountryCode], Field(min_length=1)] = Field(
        description="the countries to reach, in order; one code (ES) is a route with that destination only")

    @model_validator(mode="before")
    @classmethod
    def _spelling(cls, data: Any) -> Any:
        data = _no_value_key(data, "route", "{weight: 3, route: [ES, MA]}")
        if isinstance(data, dict) and "route" in data:
            data = {**data, "route": _one_country_is_a_route(data["route"])}
        return data


class RouteOneOf(_Weighted):
    """Weighted alternative routes; one is drawn at the start of each run from the seed."""

    one_of: list[RouteChoice] = Field(min_length=1, description="the alternatives, each {weight, route}")


Answer = Literal["confirms", "denies", "silent"]
ANSWER_HELP = ("confirms: the reply says the person is known; denies: the reply says the person is not known; "
               "silent: the partner never replies, reminders or not (a person playing the partner's seat "
               "decides for themselves; a reply the automation writes for them says what was drawn)")


class AnswerChoice(Strict):
    weight: Weight = Field(description="relative weight; 0 is never drawn")
    answer: Answer = Field(description=ANSWER_HELP)

    @model_validator(mode="before")
    @classmethod
    def _spelling(cls, data: Any) -> Any:
        return _no_value_key(data, "answer", "{weight: 0.7, answer: confirms}")


class AnswerOneOf(_Weighted):
    """Weighted alternative answers; one is drawn at the start of each run from the seed."""

    one_of: list[AnswerChoice] = Field(min_length=1, description="the alternatives, each {weight, answer}")


def _plain_or_one_of(value: Any) -> str:
    return "one_of" if isinstance(value, dict | _Weighted) else "plain"


Route = Annotated[
    Annotated[Annotated[list[CountryCode], Field(min_length=1)], Tag("plain")] | Annotated[RouteOneOf, Tag("one_of")],
    Discriminator(_plain_or_one_of),
]
"""A route, or weighted alternative routes drawn at the start."""

PartnerAnswer = Annotated[
    Annotated[Answer, Tag("plain")] | Annotated[AnswerOneOf, Tag("one_of")],
    Discriminator(_plain_or_one_of),
]
"""An answer, or weighted alternative answers drawn at the start."""

DRAWN = (*DRAWN_DURATIONS, RouteOneOf, AnswerOneOf)


# --- what the engine reads -------------------------------------------------------------------

@overload
def settled(value: timedelta | DistributionModel) -> timedelta: ...
@overload
def settled(value: list[str] | RouteOneOf) -> list[str]: ...
@overload
def settled(value: str | AnswerOneOf) -> str: ...
@overload
def settled(value: str | AnswerOneOf | None) -> str | None: ...
def settled(value: Any) -> Any:
    """A drawn field's value in a scenario ``draw_all`` has settled (what the Exercise runs on)."""
    if isinstance(value, DRAWN):
        raise TypeError("a drawn field was read before the draw; the Exercise settles them in draw_all")
    return value


def settled_minutes(value: timedelta | DistributionModel) -> float:
    """A settled timing in sim minutes: what every scheduler of a scenario timing reads."""
    return minutes(settled(value))


# --- the draw --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Drawn:
    """One draw: the field's path (items named by id) and what the journal says of it."""

    path: str
    value: Any
    fields: dict[str, Any]


def stream_name(path: str) -> str:
    return f"draw:{path}"


def pick(weights: list[float], rng: np.random.Generator) -> int:
    """The index of one weighted choice; a zero weight is never picked."""
    total = sum(weights)
    u = float(rng.random()) * total
    cum = 0.0
    last = max(i for i, w in enumerate(weights) if w > 0)
    for i, w in enumerate(weights):
        cum += w
        if w > 0 and u < cum:
            return i
    return last  # u within rounding of the total


def draw_value(node: BaseModel, rng: np.random.Generator) -> tuple[Any, dict[str, Any]]:
    """Draw one field's value, with the journal's account of it."""
    if isinstance(node, RouteOneOf | AnswerOneOf):
        i = pick(node.weights(), rng)
        choices = [c.model_dump(mode="json") for c in node.one_of]
        value = node.one_of[i].route if isinstance(node, RouteOneOf) else node.one_of[i].answer
        shown = " → ".join(value) if isinstance(value, list) else value
        return value, {"value": shown, "choice": i, "choices": choices,
                       **({"route": list(value)} if isinstance(value, list) else {"answer": value})}
    m = float(node.sampler(rng)())  # type: ignore[attr-defined]
    return timedelta(minutes=m), {"value": format_minutes(m), "minutes": round(m, 3),
                                  "distribution": node.model_dump(mode="json")}


def _key(item: Any, index: int) -> str:
    ident = getattr(item, "id", None)
    return ident if isinstance(ident, str) else str(index)


def draw_all(scenario: Scenario, streams: RandomStreams) -> tuple[Scenario, list[Drawn]]:
    """The scenario with every drawn field settled, and the draws in the order of the file's
    sections. A scenario without draws is returned as it is."""
    draws: list[Drawn] = []

    def walk(node: Any, path: tuple[str, ...]) -> Any:
        if isinstance(node, DRAWN):
            dotted = ".".join(path)
            value, fields = draw_value(node, streams.stream(stream_name(dotted)))
            draws.append(Drawn(dotted, value, {"path": dotted, **fields}))
            return value
        if isinstance(node, BaseModel):
            updates = {}
            for name in type(node).model_fields:
                if not path and name == "parameters":
                    continue  # model parameters: sampled by the engine all run long, not once
                old = getattr(node, name)
                new = walk(old, (*path, name))
                if new is not old:
                    updates[name] = new
            return node.model_copy(update=updates) if updates else node
        if isinstance(node, list):
            items = [walk(x, (*path, _key(x, i))) for i, x in enumerate(node)]
            return items if any(a is not b for a, b in zip(items, node, strict=True)) else node
        if isinstance(node, dict):
            changed = {k: walk(v, (*path, str(k))) for k, v in node.items()}
            return changed if any(changed[k] is not v for k, v in node.items()) else node
        return node

    return walk(scenario, ()), draws


# --- what validation needs to know of a timing ------------------------------------------------

def _phi_above(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2))


def timing_range(value: timedelta | DistributionModel) -> tuple[float, float]:
    """Earliest and latest minutes a timing takes; for a long tail, the latest is the value it
    stays below in 999 runs of 1,000."""
    if isinstance(value, timedelta):
        return minutes(value), minutes(value)
    if isinstance(value, Fixed):
        return minutes(value.fixed), minutes(value.fixed)
    if isinstance(value, Uniform):
        return minutes(value.uniform.low), minutes(value.uniform.high)
    if isinstance(value, Triangular):
        return minutes(value.triangular.low), minutes(value.triangular.high)
    if isinstance(value, Empirical):
        e = value.empirical
        ws = e.weights or [1.0] * len(e.values)
        vals = [minutes(v) for v, w in zip(e.values, ws, strict=True) if w > 0]
        return min(vals), max(vals)
    if isinstance(value, Exponential):
        return 0.0, min(-minutes(value.exponential.mean) * math.log(1 - LIKELY), MAX_DRAW_MINUTES)
    ln = value.lognormal
    z = 3.090232306167813  # the standard normal's 0.999 quantile
    return 0.0, min(minutes(ln.median) * math.exp(ln.sigma * z), MAX_DRAW_MINUTES)


def share_at_or_after(value: timedelta | DistributionModel, t: float) -> float:
    """The share of runs in which a timing falls at or after ``t`` minutes."""
    if isinstance(value, timedelta | Fixed):
        return 1.0 if timing_range(value)[0] >= t else 0.0
    if isinstance(value, Uniform):
        lo, hi = timing_range(value)
        return 1.0 if t <= lo else 0.0 if t >= hi else (hi - t) / (hi - lo)
    if isinstance(value, Triangular):
        lo, hi = timing_range(value)
        mo = minutes(value.triangular.mode)
        if t <= lo:
            return 1.0
        if t >= hi:
            return 0.0
        if t <= mo:
            return 1 - (t - lo) ** 2 / ((hi - lo) * (mo - lo))
        return (hi - t) ** 2 / ((hi - lo) * (hi - mo))
    if isinstance(value, Empirical):
        e = value.empirical
        ws = e.weights or [1.0] * len(e.values)
        return sum(w for v, w in zip(e.values, ws, strict=True) if minutes(v) >= t) / sum(ws)
    if isinstance(value, Exponential):
        mean = minutes(value.exponential.mean)
        if t <= 0:
            return 1.0
        return math.exp(-t / mean) if mean > 0 else 0.0  # a mean of zero always draws zero
    if t <= 0:
        return 1.0
    ln = value.lognormal
    return _phi_above((math.log(t) - math.log(max(minutes(ln.median), 1e-9))) / ln.sigma)


def late_warning(value: timedelta | DistributionModel, end: float, what: str) -> str | None:
    """A warning when a drawn timing can fall at or after the exercise's end (None when it
    cannot, or for a fixed one: callers keep their own wording for that)."""
    if isinstance(value, timedelta | Fixed):
        return None
    share = share_at_or_after(value, end)
    if share < 1 - LIKELY:
        return None
    lo, hi = timing_range(value)
    span = f"it is drawn between {format_minutes(lo)} and {format_minutes(hi)}"
    if share >= 1:
        return f"{what} at or after the exercise ends ({format_minutes(end)}) in every run: {span}"
    often = "fewer than 1%" if share < 0.01 else f"about {share:.0%}"
    return f"{what} at or after the exercise ends ({format_minutes(end)}) in {often} of runs: {span}"


__all__ = ["ANSWER_HELP", "TIMING_HELP", "AnswerOneOf", "Drawn", "PartnerAnswer", "Route", "RouteOneOf", "Timing",
           "draw_all", "late_warning", "pick", "settled", "share_at_or_after", "timing_range"]

