"""Conditions on journal events, in one place: what an objective checks, and what sets off an
inject or a request (``on:``) — the same fields, comparisons and meaning of "done by" for all."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Literal

from pydantic import Field, model_validator

from ..events.registry import objective_kinds
from .chance import TIMING_HELP, Timing
from .types import Strict, as_written

# The journal kinds an objective or a trigger can wait for: declared in sim/events/registry.py.
OBJECTIVE_KINDS = objective_kinds()


class Compare(Strict):
    """A comparison in place of one value in a ``match``: a list field holds (``includes``) or
    leaves out (``excludes``) values; a number is above or below a bound (``gt``, ``ge``, ``lt``,
    ``le``). Several given: all must hold."""

    includes: list[str] | None = Field(
        None, min_length=1, description="a list field holds every one of these, e.g. to: {includes: [TR, AE]}")
    excludes: list[str] | None = Field(
        None, min_length=1, description="a list field holds none of these, e.g. to: {excludes: [IR]}")
    gt: float | None = Field(None, description="a number greater than this, e.g. waited_min: {gt: 240}")
    ge: float | None = Field(None, description="a number at least this")
    lt: float | None = Field(None, description="a number less than this")
    le: float | None = Field(None, description="a number at most this")

    @model_validator(mode="after")
    def _something(self) -> Compare:
        given = self.operators()
        if not given:
            raise ValueError("give includes or excludes (a list field), or gt, ge, lt or le (a number)")
        if {"includes", "excludes"} & set(given) and {"gt", "ge", "lt", "le"} & set(given):
            raise ValueError("includes and excludes compare a list, gt, ge, lt and le a number: one field is not both")
        return self

    def operators(self) -> dict[str, Any]:
        """The comparisons given, by name, in a fixed order."""
        return {k: v for k in ("includes", "excludes", "gt", "ge", "lt", "le") if (v := getattr(self, k)) is not None}

    def holds(self, value: object) -> bool:
        """Whether an event's value passes every comparison; an absent list counts as empty, an
        absent number passes none."""
        ops = self.operators()
        if "includes" in ops or "excludes" in ops:
            items = set(value) if isinstance(value, list | tuple) else set()
            return set(ops.get("includes", ())) <= items and not set(ops.get("excludes", ())) & items
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        return all({"gt": value > b, "ge": value >= b, "lt": value < b, "le": value <= b}[k] for k, b in ops.items())

    def __str__(self) -> str:
        signs = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤"}
        return " ".join(f"{k} {', '.join(v)}" if isinstance(v, list) else f"{signs[k]} {v:g}"
                        for k, v in self.operators().items())


class EventCheck(Strict):
    """Met when ``count`` journal events of this kind carry every field in ``match``."""

    event: Literal[OBJECTIVE_KINDS] = Field(description="journal event kind to look for")  # type: ignore[valid-type]
    match: dict[str, str | int | float | bool | Compare] = Field(
        default_factory=dict, description="fields the event must carry, e.g. {inject: I1}; a list field or a "
                                          "number takes a comparison instead of a value: {to: {includes: [TR, AE]}}, "
                                          "{waited_min: {gt: 240}}")
    count: int = Field(1, ge=1, le=1_000_000, description="how many matching events are needed")
    done_by: Literal["player", "person", "policy", "default", "trainer"] | None = Field(
        None, description="only events caused by this: `player` — whoever plays one of the exercise's "
                          "`players` seats: the person in a session, the policy standing in for them in a "
                          "headless run (never a default at a deadline, never the automation of another "
                          "seat); `person` — only a person; `policy`, `default` (applied at a deadline) or "
                          "`trainer`; default: anyone")
    seat: str | None = Field(
        None, pattern=r"^(ncb:[A-Z]{2}|ndtf|ccc)$",
        description="only what this seat did (ncb:FR, ndtf, ccc): its decisions, its NCB's messages and requests")

    def matches(self, event: dict[str, Any], stand_ins: Collection[str] = ()) -> bool:
        """Whether one journal event counts towards this check. ``stand_ins``: the played seats
        a policy answers for in this run (headless), whose policy's acts count as the player's."""
        by = event.get("by")
        if self.done_by == "player":
            if by != "person" and not (by == "policy" and any(_done_at(s, event) for s in stand_ins)):
                return False
        elif self.done_by is not None and by != self.done_by:
            return False
        if self.seat is not None and not _done_at(self.seat, event):
            return False
        return all(v.holds(event.get(k)) if isinstance(v, Compare) else event.get(k) == v
                   for k, v in self.match.items())


class OnEvent(EventCheck):
    """What sets off an inject or a request: the event (with ``count``, the count-th one) and the
    delay after it."""

    delay: Timing = Field(as_written("0m"), description="time after the event" + TIMING_HELP)


def _done_at(seat: str, event: dict[str, Any]) -> bool:
    """An event is the seat's when it names the seat (decisions) or its office is the actor."""
    if "seat" in event:
        return bool(event["seat"] == seat)
    role, _, country = seat.partition(":")
    return bool(event.get("actor") == (country if role == "ncb" else "GS"))
