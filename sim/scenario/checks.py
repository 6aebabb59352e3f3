"""Cross-checks and lint for a validated scenario: references, reachability, timing.

Errors make a scenario unrunnable (an inject that follows an unknown inject); warnings are
advice a trainer wants before the exercise (an inject timed after the end never fires).
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ..durations import format_minutes as _fmt
from ..durations import minutes
from ..errors import Problem
from ..world import all_members
from .model import Scenario
from .parameters import PARAMETERS

if TYPE_CHECKING:
    from .loader import Located

# Which journal kinds the engine can produce today, and the fields each carries.
PRODUCED_FIELDS = {
    "inject.fired": {"inject", "to", "from", "channel", "priority", "actor"},
    "message.sent": {"msg", "from", "to", "type", "priority", "channel", "language", "inject", "actor"},
    "message.handled": {"msg", "type", "priority", "inject", "actor", "waited_min", "handling_min"},
    "message.undeliverable": {"msg", "to", "reason", "actor"},
    "objective.met": {"objective", "title", "actor"},
    "objective.failed": {"objective", "title", "actor"},
}


def _suggest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_parameter_names(loc: Located) -> list[Problem]:
    """Runs on the raw data, so a misspelt parameter is reported with the model's own errors."""
    params = loc.data.get("parameters")
    if not isinstance(params, dict):
        return []
    return [loc.problem(("parameters", name), f"unknown parameter '{name}'{_suggest(str(name), PARAMETERS)}; "
                                              f"known: {', '.join(PARAMETERS)}")
            for name in params if name not in PARAMETERS]


def check_scenario(sc: Scenario, loc: Located) -> list[Problem]:
    out: list[Problem] = []
    err = lambda path, msg: out.append(loc.problem(path, msg))  # noqa: E731
    warn = lambda path, msg: out.append(loc.problem(path, msg, "warning"))  # noqa: E731
    end = minutes(sc.duration)

    in_world = set(sc.world.codes(list(all_members())))

    def country(path: tuple, code: str | None) -> None:
        if code is not None and code not in in_world:
            err(path, f"{code} is not in this exercise's world (see world.members and world.exclude)")

    if not in_world:
        err(("world",), "the world selection leaves no member country")

    for i, p in enumerate(sc.players):
        country(("players", i, "country"), p.country)
    seats = [p.seat for p in sc.players]
    for i, s in enumerate(seats):
        if s in seats[:i]:
            err(("players", i), f"seat {s} is listed twice")

    for code in sc.desks.overrides:
        country(("desks", "overrides", code), code)
    for i, r in enumerate(sc.world.travel.routes):
        for k, c in enumerate(r.between):
            country(("world", "travel", "routes", i, "between", k), c)

    # Injects: unique ids, known references, reachable, within the exercise.
    ids: dict[str, int] = {}
    for i, inj in enumerate(sc.injects):
        if inj.id in ids:
            err(("injects", i, "id"), f"inject id '{inj.id}' is already used by injects.{ids[inj.id]}")
        ids.setdefault(inj.id, i)
    objective_ids: dict[str, int] = {}
    for i, o in enumerate(sc.objectives):
        if o.id in objective_ids:
            err(("objectives", i, "id"), f"objective id '{o.id}' is already used by objectives.{objective_ids[o.id]}")
        objective_ids.setdefault(o.id, i)

    for i, inj in enumerate(sc.injects):
        country(("injects", i, "to"), inj.to)
        sender_is_ncb = inj.from_ in all_members()
        if sender_is_ncb:
            country(("injects", i, "from"), inj.from_)
        if inj.channel == "i247" and not sender_is_ncb:
            err(("injects", i, "channel"), f"only an NCB sends over I-24/7; '{inj.from_}' is not a member's ISO code")
        if inj.from_ == inj.to and inj.channel in (None, "i247") and sender_is_ncb:
            err(("injects", i, "from"), "an NCB does not send I-24/7 messages to itself")
        if inj.after is not None and inj.after.inject not in ids:
            err(("injects", i, "after", "inject"),
                f"no inject has id '{inj.after.inject}'{_suggest(inj.after.inject, ids)}")
        if inj.expect is not None and inj.expect.objective and inj.expect.objective not in objective_ids:
            err(("injects", i, "expect", "objective"),
                f"no objective has id '{inj.expect.objective}'{_suggest(inj.expect.objective, objective_ids)}")

    fire_at = _fire_times(sc, ids)
    for i, inj in enumerate(sc.injects):
        t = fire_at.get(inj.id)
        if t is None and inj.after is not None and inj.after.inject in ids:
            err(("injects", i, "after"), "this inject is part of a cycle of 'after' references and can never fire")
        elif t is not None and t >= end:
            where = ("injects", i, "at") if inj.at is not None else ("injects", i, "after")
            warn(where, f"fires {_fmt(t)} after the start, at or after the exercise ends ({_fmt(end)}); it will never fire")
        elif t is not None and inj.expect is not None and t + minutes(inj.expect.within) > end:
            warn(("injects", i, "expect", "within"), "the expected action's deadline falls after the exercise ends")

    for i, o in enumerate(sc.objectives):
        if o.by is not None and minutes(o.by) > end:
            warn(("objectives", i, "by"), "the deadline is after the exercise ends; it is checked at the end")
        fields = PRODUCED_FIELDS.get(o.check.event, set())
        for key, value in o.check.match.items():
            if key not in fields:
                warn(("objectives", i, "check", "match", key),
                     f"'{o.check.event}' events carry no field '{key}'{_suggest(key, fields)}; this objective cannot be met")
            elif key == "inject" and value not in ids:
                warn(("objectives", i, "check", "match", key),
                     f"no inject has id '{value}'{_suggest(str(value), ids)}; this objective cannot be met")
            elif key == "objective" and value not in objective_ids:
                warn(("objectives", i, "check", "match", key), f"no objective has id '{value}'")
            elif key in ("to", "from", "actor") and isinstance(value, str) and value in all_members() and value not in in_world:
                warn(("objectives", i, "check", "match", key), f"{value} is not in this exercise's world")
        if o.check.match.get("inject") in fire_at and fire_at[o.check.match["inject"]] >= end:
            warn(("objectives", i, "check"), "the inject this objective waits for never fires; it cannot be met")
    return out


def _fire_times(sc: Scenario, ids: dict[str, int]) -> dict[str, float]:
    """When each inject fires (minutes), following 'after' chains; cycles stay absent."""
    times: dict[str, float] = {inj.id: minutes(inj.at) for inj in sc.injects if inj.at is not None}
    pending = [inj for inj in sc.injects if inj.after is not None]
    changed = True
    while changed and pending:
        changed = False
        for inj in list(pending):
            parent = inj.after.inject
            if parent in times:
                times[inj.id] = times[parent] + minutes(inj.after.delay)
                pending.remove(inj)
                changed = True
    return times
