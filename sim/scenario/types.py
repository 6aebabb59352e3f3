"""Field types of the scenario language: durations, country codes, identifiers, distributions."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from ..durations import DURATION_HELP, DURATION_PATTERN, format_duration, minutes, parse_duration
from ..errors import shown
from ..rng import Draws
from ..world import all_members

ZERO = timedelta(0)
MAX_DURATION = timedelta(days=3660)  # ten years: anything longer is a typo, not an exercise
# A drawn duration is capped here: a long-tailed distribution (a lognormal with a large sigma)
# would otherwise now and then draw a time beyond the calendar, which no exercise means.
MAX_DRAW_MINUTES = 100 * 365.25 * 1440.0
# The calendar an exercise may run in: the journal's clock, time zones and working days are
# meaningful here, and start + every duration the model adds stays far from datetime's limits.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def as_written(text: str) -> Any:
    """A default in the author's notation (``"30d"``): validated like their input (validate_default),
    and shown as written in the schema and the guide. Typed Any because the field holds the
    parsed value (a timedelta), not the text."""
    return text


class Strict(BaseModel):
    """Every scenario object: unknown fields are errors (typos must not pass silently), and no
    number is infinite or not-a-number (``.inf`` and ``.nan`` are valid YAML but no rate, share
    or count means them)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, validate_default=True,
                              allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _true_or_false(cls, value: Any, info: ValidationInfo) -> Any:
        """A true/false field takes only ``true`` or ``false``. Pydantic alone would also take
        ``yes``, ``on``, ``1`` or ``n``; the loader reads YAML 1.2, where those are words and
        numbers, and so do editors checking the JSON Schema, so the file would mean one thing
        here and another there."""
        if isinstance(value, bool) or value is None or info.field_name not in _flags(cls):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            raise ValueError(f"expected true or false, got the text {shown(value)}; write it without quotes")
        got = shown(value) if isinstance(value, str) else repr(value)
        raise ValueError(f"expected true or false, got {got}; write true or false (YAML 1.2 reads yes, no, "
                         "on and off as words)")


_FLAGS: dict[type, frozenset[str]] = {}


def _flags(model: type[BaseModel]) -> frozenset[str]:
    """The model's true/false fields (``bool`` or ``bool | None``), found once per class."""
    found = _FLAGS.get(model)
    if found is None:
        found = frozenset(name for name, f in model.model_fields.items()
                          if f.annotation is bool or f.annotation == (bool | None))
        _FLAGS[model] = found
    return found


# --- numbers the model can use -------------------------------------------------------------
# Every number is finite (Strict) and bounded where the model needs it: a rate of 1e12 a day
# would never let a run end, a share above 1 is not a share.

Share = Annotated[float, Field(ge=0, le=1)]
"""A probability or a fraction of something: 0 to 1."""

Weight = Annotated[float, Field(ge=0, le=1e9)]
"""A relative weight: only ratios between weights matter."""

PerYear = Annotated[float, Field(ge=0, le=1_000_000)]
"""A Poisson volume a year, for the whole world; a million a year is ~2,700 a day."""


def _in_calendar(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"{value.isoformat()} is outside the supported calendar; expected a time from "
                         f"{EARLIEST:%Y-%m-%d} to before {LATEST:%Y-%m-%d} (UTC)")
    return value


def _plausible_day(value: date) -> date:
    if not 1850 <= value.year < LATEST.year:
        raise ValueError(f"{value.isoformat()} is outside the supported calendar; expected a date from "
                         f"1850-01-01 to before {LATEST:%Y-%m-%d}")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_in_calendar)]
"""A UTC time within the supported calendar (1970 to 2200)."""

Day = Annotated[date, AfterValidator(_plausible_day)]
"""A calendar date such as a date of birth (1850 to 2200)."""


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        td = value
    else:
        td = parse_duration(value)
    if td > MAX_DURATION:
        raise ValueError(f"{value} is longer than ten years; expected {DURATION_HELP}")
    return td


Duration = Annotated[
    timedelta,
    BeforeValidator(_duration),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN,
                    "description": DURATION_HELP, "examples": ["90m", "36h", "3d", "2w"]}),
]


def _country(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a two-letter ISO 3166 country code, like FR")  # noqa: TRY004 (pydantic wants ValueError)
    code = value.strip().upper()
    if code not in all_members():
        import pycountry

        known = pycountry.countries.get(alpha_2=code)
        if known is not None:
            raise ValueError(f"{code} ({known.name}) is not an INTERPOL member country")
        # The three-letter code is the commonest slip ("TJK", "FRA"): say which two letters are meant.
        meant = next((m for m in all_members().values() if m.iso3 == code), None)
        hint = f" (did you mean {meant.iso2}, {meant.name}?)" if meant is not None else ""
        raise ValueError(f"{shown(value)} is not an ISO 3166 alpha-2 code of a member country{hint}")
    return code


CountryCode = Annotated[
    str,
    BeforeValidator(_country),
    WithJsonSchema({"type": "string", "pattern": "^[A-Za-z]{2}$",
                    "description": "ISO 3166-1 alpha-2 code of an INTERPOL member country"}),
]

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$",
                                  description="letters, digits, _ . - ; starts with a letter")]

Priority = Literal["urgent", "high", "routine"]
Language = Literal["ar", "en", "fr", "es"]


# --- distributions -------------------------------------------------------------------------
# Written as a one-key mapping naming the family, e.g. {lognormal: {median: 4d, sigma: 0.8}},
# or a bare duration for a fixed value. Values are durations; samples are sim minutes.

class _Lognormal(Strict):
    median: Duration
    sigma: float = Field(gt=0, le=5)


class _Uniform(Strict):
    low: Duration
    high: Duration

    @model_validator(mode="after")
    def _ordered(self) -> _Uniform:
        if self.high < self.low:
            raise ValueError("high must not be below low")
        return self


class _Triangular(Strict):
    low: Duration
    mode: Duration
    high: Duration

    @model_validator(mode="after")
    def _ordered(self) -> _Triangular:
        if not (self.low <= self.mode <= self.high) or self.low == self.high:
            raise ValueError("expected low <= mode <= high with low < high")
        return self


class _Exponential(Strict):
    mean: Duration


class _Empirical(Strict):
    values: list[Duration] = Field(min_length=1)
    weights: list[Weight] | None = None

    @model_validator(mode="after")
    def _weights(self) -> _Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError("weights must have one entry per value")
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be zero")
        return self


class Fixed(Strict):
    fixed: Duration

    def sampler(self, rng: np.random.Generator) -> Callable[[], float]:
        v = minutes(self.fixed)
        return lambda: v

    def positive(self) -> bool:
        return self.fixed > ZERO

    def mean(self) -> float:
        return minutes(self.fixed)


class Lognormal(Strict):
    lognormal: _Lognormal

    def sampler(self, rng: np.random.Generator) -> Callable[[], float]:
        mu, sigma = math.log(max(minutes(self.lognormal.median), 1e-9)), self.lognormal.sigma
        return Draws(lambda k: np.minimum(rng.lognormal(mu, sigma, k), MAX_DRAW_MINUTES))

    def positive(self) -> bool:
        return self.lognormal.median > ZERO

    def mean(self) -> float:
        return minutes(self.lognormal.median) * math.exp(self.lognormal.sigma ** 2 / 2)


class Uniform(Strict):
    uniform: _Uniform

    def sampler(self, rng: np.random.Generator) -> Callable[[], float]:
        lo, hi = minutes(self.uniform.low), minutes(self.uniform.high)
        return Draws(lambda k: rng.uniform(lo, hi, k))

    def positive(self) -> bool:
        return self.uniform.low > ZERO

    def mean(self) -> float:
        return (minutes(self.uniform.low) + minutes(self.uniform.high)) / 2


class Triangular(Strict):
    triangular: _Triangular

    def sampler(self, rng: np.random.Generator) -> Callable[[], float]:
        t = self.triangular
        lo, mo, hi = minutes(t.low), minutes(t.mode), minutes(t.high)
        return Draws(lambda k: rng.triangular(lo, mo, hi, k))

    def positive(self) -> bool:
        return self.triangular.low > ZERO

    def mean(self) -> float:
        t = self.triangular
        return (minutes(t.low) + minutes(t.mode) + minutes(t.high)) / 3


class Exponential(Strict):
    exponential: _Exponential

    def sampler(self, rng: np.random.Generator) -> Callable[[], float]:
        scale = minutes(self.exponential.mean)
        return Draws(lambda k: np.minimum(rng.exponential(scale, k), MAX_DRAW_MINUTES))

    def positive(self) -> bool:
        return self.exponential.mean > ZERO

    def mean(self) -> float:
        return minutes(self.exponential.mean)


class Empirical(Strict):
    empirical: _Empirical

    def sampler(self, rng: np.random.Generator) -> Callable[[], float]:
        vals = np.array([minutes(v) for v in self.empirical.values])
        w = self.empirical.weights
        p = None if w is None else np.array(w) / sum(w)
        return Draws(lambda k: rng.choice(vals, size=k, p=p))

    def positive(self) -> bool:
        e = self.empirical
        weights = e.weights or [1.0] * len(e.values)
        return all(v > ZERO for v, w in zip(e.values, weights, strict=True) if w > 0)

    def mean(self) -> float:
        vals = [minutes(v) for v in self.empirical.values]
        w = self.empirical.weights or [1.0] * len(vals)
        return sum(v * x for v, x in zip(vals, w, strict=True)) / sum(w)


FAMILIES = ("fixed", "lognormal", "uniform", "triangular", "exponential", "empirical")


def _family(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        return key if key in FAMILIES else None
    if isinstance(value, BaseModel):
        return next(iter(type(value).model_fields))
    return None


def _bare_fixed(value: Any) -> Any:
    # `median_time: 20m` is shorthand for {fixed: 20m}.
    return {"fixed": value} if isinstance(value, (str, timedelta)) else value


Distribution = Annotated[
    Annotated[Fixed, Tag("fixed")] | Annotated[Lognormal, Tag("lognormal")] | Annotated[Uniform, Tag("uniform")] | Annotated[Triangular, Tag("triangular")] | Annotated[Exponential, Tag("exponential")] | Annotated[Empirical, Tag("empirical")],
    Discriminator(_family, custom_error_type="distribution",
                  custom_error_message="expected a duration or one of {fixed, lognormal, uniform, "
                                       "triangular, exponential, empirical} with its arguments"),
    BeforeValidator(_bare_fixed),
]

CountryPair = tuple[CountryCode, CountryCode]
