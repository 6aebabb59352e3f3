"""Automation policies: how the roles nobody plays answer their decisions.

* ``by_the_book`` takes the recommended option promptly (about 20 minutes);
* ``overloaded`` takes it too, but late (hours, with a long tail), so it sometimes misses deadlines;
* ``careless`` answers in about an hour and picks a wrong option a third of the time;
* ``scripted`` answers from a file (for tests and demos), and by the book where the file is silent.

Each seat draws from its own random stream, so one seat's policy never shifts another's draws.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..durations import minutes
from ..rng import Draws
from .port import Decision

if TYPE_CHECKING:
    from ..engine.exercise import Exercise
    from .script import Script

POLICIES = ("by_the_book", "overloaded", "careless", "scripted")


class Policy:
    def __init__(self, ex: Exercise, seat: str, name: str, median_min: float, sigma: float,
                 wrong_share: float = 0.0) -> None:
        self.name = f"policy:{name}"
        rng = ex.streams.stream(f"policy:{seat}")
        self.u = Draws(rng.random)
        self.delay = Draws(lambda k: rng.lognormal(math.log(median_min), sigma, k))
        self.wrong_share = wrong_share

    def respond(self, d: Decision) -> tuple[str, float]:
        key = d.recommended
        others = [o.key for o in d.options if o.key != key]
        if others and self.wrong_share and self.u() < self.wrong_share:
            key = others[int(self.u() * len(others))]
        return key, self.delay()


class Scripted:
    def __init__(self, ex: Exercise, seat: str, script: Script) -> None:
        self.name = "policy:scripted"
        self.script = script
        self.fallback = Policy(ex, seat, "by_the_book", 20.0, 0.5)

    def respond(self, d: Decision) -> tuple[str, float]:
        entry = self.script.match(d)
        if entry is None:
            return self.fallback.respond(d)
        return entry.option, minutes(entry.after)


class Person:
    """A seat played by a person: the port waits for ``Exercise.answer``."""

    name = "seat"

    def respond(self, d: Decision) -> None:
        return None


def make_policy(ex: Exercise, seat: str, name: str, script: Script | None = None) -> Policy | Scripted:
    if name == "by_the_book":
        return Policy(ex, seat, name, 20.0, 0.5)
    if name == "overloaded":
        return Policy(ex, seat, name, 8 * 60.0, 1.0)
    if name == "careless":
        return Policy(ex, seat, name, 60.0, 0.6, wrong_share=0.35)
    if name == "scripted":
        if script is None:
            raise ValueError("the scripted policy needs a script file: --policy scripted:FILE.yaml")
        return Scripted(ex, seat, script)
    raise ValueError(f"unknown policy '{name}'; expected one of {', '.join(POLICIES)}")
