"""Cross-checks and lint for a validated scenario: references, reachability, timing.

Errors make a scenario unrunnable (an inject that follows an unknown inject); warnings are
advice a trainer wants before the exercise (an inject timed after the end never fires).
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ..durations import format_minutes as _fmt
from ..durations import minutes
from ..errors import Problem, shown
from ..events.registry import NEVER, Scope, match_problems
from ..world import all_members, all_offices
from .cases import PERSON_KINDS as PERSONS
from .chance import RouteOneOf, late_warning, timing_range
from .model import AllOf, EventCheck, Never, Objective, Scenario
from .parameters import PARAMETERS

if TYPE_CHECKING:
    from .loader import Located

def _suggest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_parameter_names(loc: Located) -> list[Problem]:
    """Runs on the raw data, so a misspelt parameter is reported with the model's own errors."""
    params = loc.data.get("parameters")
    if not isinstance(params, dict):
        return []
    return [loc.problem(("parameters", name), f"unknown parameter {shown(name)}{_suggest(str(name), PARAMETERS)}; "
                                              f"known: {', '.join(PARAMETERS)}")
            for name in params if name not in PARAMETERS]


# Background messages a run may send: a queue of that many fits in a few GB even if no desk reads them.
MAX_EXPECTED_MESSAGES = 5_000_000


def check_scenario(sc: Scenario, loc: Located) -> list[Problem]:
    out: list[Problem] = []
    err = lambda path, msg: out.append(loc.problem(path, msg))  # noqa: E731
    warn = lambda path, msg: out.append(loc.problem(path, msg, "warning"))  # noqa: E731
    end = minutes(sc.duration)

    in_world = set(sc.world.codes(list(all_members())))
    try:
        sc.start + sc.duration
    except OverflowError:
        err(("start",), "the exercise would end after the year 9999; choose an earlier start or a shorter duration")

    def country(path: tuple, code: str | None) -> None:
        if code is not None and code not in in_world:
            err(path, f"{code} is not in this exercise's world (see world.members and world.exclude)")

    if not in_world:
        err(("world",), "the world selection leaves no member country")

    # Each traffic number is bounded, but their product is what a run must hold in memory: every
    # message not yet read waits in a queue. Refuse what no machine could run rather than fail late.
    load = sc.traffic
    expected = load.messages_per_ncb_per_day * len(in_world) * (end / 1440) / (1 - load.forward_share)
    if expected > MAX_EXPECTED_MESSAGES:
        err(("traffic", "messages_per_ncb_per_day"),
            f"this traffic sends about {expected:,.0f} messages over the exercise ({load.messages_per_ncb_per_day:g} "
            f"a day × {len(in_world)} NCBs × {end / 1440:,.0f} days, and forwards at {load.forward_share:g}); at most "
            f"{MAX_EXPECTED_MESSAGES:,} are supported — lower the rate, the forward share, the world or the duration")

    for name, dist in sc.parameters.items():
        spec = PARAMETERS.get(name)
        if spec is not None and spec.positive and not dist.positive():
            err(("parameters", name), "every value must be longer than zero (it is an interval that repeats); "
                                      "check the lowest value, median or mean")

    for i, p in enumerate(sc.players):
        country(("players", i, "country"), p.country)
    seats = [p.seat for p in sc.players]
    for i, s in enumerate(seats):
        if s in seats[:i]:
            err(("players", i), f"seat {s} is listed twice")

    for code in sc.desks.overrides:
        country(("desks", "overrides", code), code)
    for code in sc.world.mind:
        country(("world", "mind", code), code)
        from ..world.legal import legal_facts

        system = sc.world.border_systems.get(code) or legal_facts()[code].border_system
        if system != "mind":
            warn(("world", "mind", code), f"{code}'s border posts use {system.upper()}, not a MIND copy, so this "
                                          f"refresh phase changes nothing (set world.border_systems.{code}: mind)")
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
        if inj.channel == "i247" and not sender_is_ncb and inj.from_ not in all_offices():
            err(("injects", i, "channel"), f"only an NCB or an INTERPOL office sends over I-24/7; {shown(inj.from_)} "
                                           f"is not a member's ISO code nor an office's id (GS, IGCI, CCC-SIN…)")
        if inj.from_ == inj.to and inj.channel in (None, "i247") and sender_is_ncb:
            err(("injects", i, "from"), "an NCB does not send I-24/7 messages to itself")
        if inj.after is not None and inj.after.inject not in ids:
            err(("injects", i, "after", "inject"),
                f"no inject has id '{inj.after.inject}'{_suggest(inj.after.inject, ids)}")
        if inj.instead_of is not None and inj.instead_of not in ids:
            err(("injects", i, "instead_of"),
                f"no inject has id '{inj.instead_of}'{_suggest(inj.instead_of, ids)}")
        elif inj.instead_of == inj.id:
            err(("injects", i, "instead_of"), "an inject cannot stand in for itself")
        if inj.expect is not None and inj.expect.objective and inj.expect.objective not in objective_ids:
            err(("injects", i, "expect", "objective"),
                f"no objective has id '{inj.expect.objective}'{_suggest(inj.expect.objective, objective_ids)}")

    _check_people(sc, ids, country, err, warn, end)
    _check_in_motion(sc, country, err, warn, end)
    _check_funds(sc, country, err, warn, end)  # package D
    _check_response_and_operations(sc, country, err, warn)  # package C

    fire_at = _fire_times(sc, ids)
    latest = _fire_times(sc, ids, latest=True)
    on_event = _waits_for_event(sc)
    for i, inj in enumerate(sc.injects):
        t = fire_at.get(inj.id)
        if inj.id in on_event:
            pass  # due when an event happens in play: no time to check beforehand
        elif t is None and inj.after is not None and inj.after.inject in ids:
            err(("injects", i, "after"), "this inject is part of a cycle of 'after' references and can never fire")
        elif t is None and inj.instead_of is not None and inj.instead_of in ids and inj.instead_of != inj.id:
            err(("injects", i, "instead_of"), "this inject is part of a cycle of 'instead_of' and 'after' references "
                                              "and can never fire")
        elif t is not None and t >= end:
            where = ("injects", i, "at") if inj.at is not None else ("injects", i, "after")
            warn(where, f"fires {_fmt(t)} after the start, at or after the exercise ends ({_fmt(end)}); it will never fire")
        elif t is not None and inj.at is not None and (late := late_warning(inj.at, end, "fires")):
            warn(("injects", i, "at"), late + "; then it never fires")
        elif t is not None and latest.get(inj.id, t) >= end:
            warn(("injects", i, "after", "delay"), f"is drawn to fire between {_fmt(t)} and {_fmt(latest[inj.id])} after the start: in some runs "
                        f"at or after the exercise ends ({_fmt(end)}), and then it never fires")
        elif t is not None and inj.expect is not None and t + minutes(inj.expect.within) > end:
            warn(("injects", i, "expect", "within"), "the expected action's deadline falls after the exercise ends")

    # A contingency fires only when the inject it stands in for is skipped: by its own when:/unless:,
    # or because the inject it follows was.
    by_id = {inj.id: inj for inj in sc.injects}

    def skippable(ident: str, seen: frozenset[str] = frozenset()) -> bool:
        inj = by_id.get(ident)
        if inj is None or ident in seen:
            return False
        if inj.when is not None or inj.unless is not None:
            return True
        return inj.after is not None and skippable(inj.after.inject, seen | {ident})

    for i, inj in enumerate(sc.injects):
        if inj.instead_of in by_id and inj.instead_of != inj.id and not skippable(inj.instead_of):
            warn(("injects", i, "instead_of"), f"{inj.instead_of} has no when: or unless: (nor follows an inject "
                                               "that has), so it is never skipped and this contingency never fires "
                                               "unless the trainer fires it")

    played = {p.seat for p in sc.players}
    scope = Scope.of(sc, all_members())
    _check_request_triggers(sc, scope, err)
    _check_assets(sc, country, err)
    for i, inj in enumerate(sc.injects):
        if inj.on is not None:
            for key, message in match_problems(inj.on.event, inj.on.match, scope):
                message = message.replace(NEVER, "; no event can ever match it, so this inject never fires").replace(
                    "an objective cannot wait for", "on: cannot wait for")
                err(("injects", i, "on", "match", key) if key else ("injects", i, "on", "event"), message)
        for word, cond in (("when", inj.when), ("unless", inj.unless)):
            if cond is not None:
                for path, check in _condition_checks(("injects", i, word), cond):
                    for key, message in match_problems(check.event, check.match, scope):
                        message = message.replace(NEVER, "; no event can ever match it").replace(
                            "an objective cannot wait for", f"{word}: cannot wait for")
                        err(path + ("match", key) if key else path + ("event",), message)
    for i, o in enumerate(sc.objectives):
        if o.by is not None and minutes(o.by) > end:
            warn(("objectives", i, "by"), "the deadline is after the exercise ends; it is checked at the end")
        if o.within is not None and o.by is not None and minutes(o.within) >= minutes(o.by):
            warn(("objectives", i, "within"), "within is as long as by or longer: the deadline after the start "
                                              "always comes first")
        for path, check in _event_checks(("objectives", i), o):
            _check_event_check(path, check, sc, scope, fire_at, played, country, err, warn)
        _check_preparation_window(sc, i, o, end, warn)
    return out


def _condition_checks(path: tuple, node) -> list[tuple[tuple, EventCheck]]:
    """Every event check of a condition tree, with where it is written."""
    out: list[tuple[tuple, EventCheck]] = []

    def walk(where: tuple, node) -> None:
        if isinstance(node, EventCheck):
            out.append((where, node))
        elif isinstance(node, Never):
            out.append((where + ("none",), node.none))
        else:
            key, children = ("all", node.all_) if isinstance(node, AllOf) else ("any", node.any_)
            for k, child in enumerate(children):
                walk(where + (key, k), child)

    walk(path, node)
    return out


def _event_checks(path: tuple, o: Objective) -> list[tuple[tuple, EventCheck]]:
    """Every event check of an objective (its trigger too), with where it is written."""
    out: list[tuple[tuple, EventCheck]] = []
    if o.check is not None:
        out.append((path + ("check",), o.check))
    else:
        out.extend(_condition_checks(path, o.condition))
    if o.after is not None:
        out.append((path + ("after",), o.after))
    return out


def _check_event_check(path: tuple, check: EventCheck, sc: Scenario, scope: Scope, fire_at, played, country,
                       err, warn) -> None:
    end = minutes(sc.duration)
    seat = check.seat
    if seat is not None and seat.startswith("ncb:"):
        country(path + ("seat",), seat[4:])
    if check.done_by == "person" and seat is not None and seat not in played:
        warn(path + ("seat",), f"nobody plays {seat} in this scenario's players: only a "
                               f"session started with --as {seat} can meet this objective")
    elif check.done_by == "person" and not played:
        warn(path + ("done_by",), "the scenario has no players: only a session with a person "
                                  "at a seat (--as) can meet this objective")
    if check.done_by == "player" and seat is not None and seat not in played:
        warn(path + ("seat",), f"{seat} is not one of this scenario's players: done_by: player counts only "
                               "what a players: seat does, so this objective cannot be met")
    elif check.done_by == "player" and not played:
        warn(path + ("done_by",), "the scenario has no players: done_by: player counts only what a "
                                  "players: seat does, so this objective cannot be met")
    for key, message in match_problems(check.event, check.match, scope):
        err(path + ("match", key) if key else path + ("event",), message)
    awaited = check.match.get("inject")
    if isinstance(awaited, str) and awaited in fire_at and fire_at[awaited] >= end:
        warn(path, "the inject this objective waits for never fires; it cannot be met")


def _check_people(sc: Scenario, inject_ids: dict[str, int], country, err, warn, end: float) -> None:
    """Subjects and requests: unique ids, known references, countries in the world."""
    subjects: dict[str, int] = {}
    for i, subj in enumerate(sc.subjects):
        if subj.id in subjects:
            err(("subjects", i, "id"), f"subject id '{subj.id}' is already used by subjects.{subjects[subj.id]}")
        subjects.setdefault(subj.id, i)
        country(("subjects", i, "location"), subj.location)
        if subj.plan is not None:
            route = subj.plan.route
            if isinstance(route, RouteOneOf):
                for j, choice in enumerate(route.one_of):
                    for k, c in enumerate(choice.route):
                        country(("subjects", i, "plan", "route", "one_of", j, "route", k), c)
            else:
                for k, c in enumerate(route):
                    country(("subjects", i, "plan", "route", k), c)
            if timing_range(subj.plan.leaves_after)[0] >= end:
                warn(("subjects", i, "plan", "leaves_after"), "the subject sets off after the exercise ends")
            elif late := late_warning(subj.plan.leaves_after, end, "the subject sets off"):
                warn(("subjects", i, "plan", "leaves_after"), late)
        if subj.refugee is not None:
            country(("subjects", i, "refugee", "confirmed_by"), subj.refugee.confirmed_by)
        for k, c in enumerate(subj.identity.other_nationalities):
            country(("subjects", i, "identity", "other_nationalities", k), c)
        for name in ("own_warrant_in", "persecution_risk_in", "death_penalty_in", "assurances_from",
                     "time_barred_in", "not_an_offence_in"):
            for k, c in enumerate(getattr(subj.law, name)):
                country(("subjects", i, "law", name, k), c)
        for k, c in enumerate(subj.law.assurances_from):
            if c not in subj.law.death_penalty_in:
                warn(("subjects", i, "law", "assurances_from", k),
                     f"{c} is not in death_penalty_in: its assurances change nothing")
    injects = {inj.id: inj for inj in sc.injects}
    requests: dict[str, int] = {}
    for i, req in enumerate(sc.requests):
        if req.id in requests:
            err(("requests", i, "id"), f"request id '{req.id}' is already used by requests.{requests[req.id]}")
        requests.setdefault(req.id, i)
        country(("requests", i, "by"), req.by)
        for k, c in enumerate(req.to):
            country(("requests", i, "to", k), c)
            if c == req.by:
                err(("requests", i, "to", k), "a diffusion goes to other countries, not to its sender")
        if req.subject is not None and req.subject not in subjects:
            err(("requests", i, "subject"), f"no subject has id '{req.subject}'{_suggest(req.subject, subjects)}")
        elif req.kind == "purple" and req.subject is not None and sc.subjects[subjects[req.subject]].kind in PERSONS:
            err(("requests", i, "subject"), f"a Purple Notice describes a modus operandi, objects, devices or "
                                            f"concealment methods, never a person; {req.subject} is a "
                                            f"{sc.subjects[subjects[req.subject]].kind.replace('_', ' ')} — leave "
                                            "out subject, or name an object subject")
        if req.after_inject is not None:
            inj = injects.get(req.after_inject)
            if inj is None:
                err(("requests", i, "after_inject"),
                    f"no inject has id '{req.after_inject}'{_suggest(req.after_inject, inject_ids)}")
            elif inj.to != req.by:
                warn(("requests", i, "after_inject"), f"inject {inj.id} goes to {inj.to}, not to {req.by}: "
                                                      "the request waits for a message its NCB never reads")
        if req.at is not None and timing_range(req.at)[0] >= end:
            warn(("requests", i, "at"), "submitted at or after the exercise ends; it will never be made")
        elif req.at is not None and (late := late_warning(req.at, end, "submitted")):
            warn(("requests", i, "at"), late + "; then it is never made")
    for i, case in enumerate(sc.cases):
        country(("cases", i, "lead"), case.lead)
        for k, c in enumerate(case.partners):
            country(("cases", i, "partners", k), c)
        for k, sid in enumerate(case.subjects):
            if sid not in subjects:
                err(("cases", i, "subjects", k), f"no subject has id '{sid}'{_suggest(sid, subjects)}")
        for k, rfi in enumerate(case.requests_for_information):
            country(("cases", i, "requests_for_information", k, "to"), rfi.to)
            if rfi.to == case.lead:
                err(("cases", i, "requests_for_information", k, "to"), "the lead does not ask itself")
            if rfi.about is not None and rfi.about not in subjects:
                err(("cases", i, "requests_for_information", k, "about"),
                    f"no subject has id '{rfi.about}'{_suggest(rfi.about, subjects)}")
            if timing_range(rfi.at)[0] >= end:
                warn(("cases", i, "requests_for_information", k, "at"), "sent at or after the exercise ends")
            elif late := late_warning(rfi.at, end, "sent"):
                warn(("cases", i, "requests_for_information", k, "at"), late)
    for i, op in enumerate(sc.operations):
        for k, c in enumerate(op.participants):
            country(("operations", i, "participants", k), c)
        if len(set(op.participants)) != len(op.participants):
            err(("operations", i, "participants"), "a participant is listed twice")
        (plan_lo, plan_hi), (act_lo, act_hi) = timing_range(op.planning_starts), timing_range(op.action_starts)
        if act_hi < plan_lo:
            err(("operations", i, "action_starts"), "the action cannot start before the planning")
        elif act_lo < plan_hi:
            err(("operations", i, "action_starts"), f"the action is drawn from {_fmt(act_lo)} and the planning up to "
                                                    f"{_fmt(plan_hi)}: the action could start before the planning; "
                                                    "give ranges that do not overlap")
        if act_hi + op.action_days * 1440 > end:
            warn(("operations", i, "action_days"), "the action days run past the exercise's end; "
                                                  "operation.ended will not be reached")
    for i, inc in enumerate(sc.incidents):
        country(("incidents", i, "country"), inc.country)
        if late := late_warning(inc.at, end, "it happens"):
            warn(("incidents", i, "at"), late)
    for i, ev in enumerate(sc.major_events):
        country(("major_events", i, "country"), ev.country)
    identified: dict[str, int] = {}
    for i, subj in enumerate(sc.subjects):
        who = subj.identified_as
        if who is None:
            continue
        if who not in subjects:
            err(("subjects", i, "identified_as"), f"no subject has id '{who}'{_suggest(who, subjects)}")
            continue
        person = sc.subjects[subjects[who]]
        if person.kind not in PERSONS:
            err(("subjects", i, "identified_as"), f"{who} is a {person.kind.replace('_', ' ')}; a body is identified "
                                                  "as a missing person")
        elif person.plan is not None:
            err(("subjects", i, "identified_as"), f"{who} is this body, so cannot travel: remove {who}'s plan")
        if who in identified:
            err(("subjects", i, "identified_as"), f"subjects.{identified[who]} is already identified as {who}")
        identified.setdefault(who, i)
    for i, subj in enumerate(sc.subjects):
        for k, a in enumerate(subj.associates):
            if a not in subjects or a == subj.id:
                err(("subjects", i, "associates", k), f"no other subject has id '{a}'{_suggest(a, subjects)}")
    for section in ("border_systems", "extradites_nationals"):
        for code in getattr(sc.world, section):
            country(("world", section, code), code)


def _waits_for_event(sc: Scenario) -> set[str]:
    """The injects due only when something happens in play: those with on:, and those that follow
    one (after:) or stand in for one (instead_of:), however far down the chain."""
    out = {inj.id for inj in sc.injects if inj.on is not None}
    changed = True
    while changed:
        changed = False
        for inj in sc.injects:
            parent = inj.after.inject if inj.after is not None else inj.instead_of
            if inj.id not in out and parent in out:
                out.add(inj.id)
                changed = True
    return out


def _fire_times(sc: Scenario, ids: dict[str, int], latest: bool = False) -> dict[str, float]:
    """When each inject fires (minutes), following 'after' chains; cycles stay absent. A drawn
    time counts as its earliest, or with ``latest`` as the latest it is likely to take."""
    end = 1 if latest else 0
    times: dict[str, float] = {inj.id: timing_range(inj.at)[end] for inj in sc.injects if inj.at is not None}
    # A contingency (instead_of) is due when the inject it stands in for is.
    pending = [(inj.id, inj.after, inj.instead_of) for inj in sc.injects if inj.at is None]
    changed = True
    while changed and pending:
        changed = False
        for item in list(pending):
            ident, after, instead = item
            if after is not None and after.inject in times:
                times[ident] = times[after.inject] + timing_range(after.delay)[end]
            elif instead is not None and instead in times:
                times[ident] = times[instead]
            else:
                continue
            pending.remove(item)
            changed = True
    return times


def _check_in_motion(sc: Scenario, country, err, warn, end: float) -> None:
    """A world already in motion at the start: what is published, held and abroad must agree
    (a trainer writes these by hand, and the engine would otherwise quietly drop them)."""
    from ..notices.kinds import ARRESTING, DEFAULT_PURPOSE
    from ..notices.review import VALIDITY_MINUTES
    from ..notices.rules import DATA_QUALITY, OVERT
    from ..world.legal import checked_crossing, legal_basis, legal_facts, refused_nationality, request_deadline_days
    from .motion import IN_SLTD

    subjects = {s.id: s for s in sc.subjects}
    requests = {r.id: (i, r) for i, r in enumerate(sc.requests)}
    facts = legal_facts()
    for i, r in enumerate(sc.requests):
        subj = subjects.get(r.subject) if r.subject else None
        if subj is not None:
            for k, alias in enumerate(r.aliases):
                if alias == subj.identity.name:
                    warn(("requests", i, "aliases", k), f"{shown(alias)} is {subj.id}'s name, which every request "
                                                       "lists; leave it out")
                elif alias not in subj.identity.aliases:
                    warn(("requests", i, "aliases", k), f"{subj.id} never uses the name {shown(alias)} "
                                                       f"(subjects.{subj.id}.identity.aliases): it finds nothing")
        for k, update in enumerate(r.adds_aliases):
            for n, name in enumerate(update.names):
                if subj is not None and name not in subj.identity.aliases:
                    warn(("requests", i, "adds_aliases", k, "names", n),
                         f"{subj.id} never uses the name {shown(name)} (subjects.{subj.id}.identity.aliases): "
                         "it finds nothing")
            if r.at is not None and minutes(update.at) <= timing_range(r.at)[0]:
                warn(("requests", i, "adds_aliases", k, "at"), "before the request is even filed (at): a request "
                                                               "is updated once published; it changes nothing")
            if minutes(update.at) >= end:
                warn(("requests", i, "adds_aliases", k, "at"), "at or after the exercise ends; it never happens")
        if r.published is None:
            continue
        ago = minutes(r.published)
        where = ("requests", i, "published")
        if r.kind != "diffusion" and ago >= VALIDITY_MINUTES:
            err(where, f"published {_fmt(ago)} before the start, so it expired before it (a notice is valid "
                       f"{VALIDITY_MINUTES / 525960:g} years)")
        from ..notices.filing import _findings

        _purpose, found = _findings(r, r.fields_provided())
        overt = [f for f in found if f.reason in OVERT and f.reason != DATA_QUALITY]
        gaps = [f for f in found if f.reason == DATA_QUALITY]
        if overt:
            err(where, f"the NDTF would have refused it ({overt[0].reason}: {overt[0].detail}); a request already "
                       "published meets the rules — fix the request or file it during the exercise ('at')")
        elif gaps:
            warn(where, f"it would not have been published as drafted ({gaps[0].detail}); it is treated as complete")
        if r.withdraw_after is not None and timing_range(r.withdraw_after)[0] <= ago:
            err(("requests", i, "withdraw_after"), f"withdrawn {_fmt(timing_range(r.withdraw_after)[0])} after publication, "
                                                   "which is before the start: it would not be live — leave it out")
        if r.ccf is not None and timing_range(r.ccf.after)[0] <= ago:
            err(("requests", i, "ccf", "after"), "the complaint reached the CCF before the start; a scenario starts "
                                                 "with the notice published, not blocked — set it after the start")
        if subj is not None and subj.refugee is not None and subj.refugee.fearing == r.by \
                and timing_range(subj.refugee.at)[0] == 0:
            err(where, f"{subj.id}'s refugee status against {r.by} is confirmed at the start "
                       f"(subjects.{subj.id}.refugee), so this request is deleted at once under the refugee rule; "
                       "confirm the status later, or do not publish it")
        # A MIND copy in use at the start that predates the publication does not hold it.
        for code, phase in sc.world.mind.items():
            if phase.first_refresh is None or phase.interval is None:
                continue
            if r.kind == "diffusion" and code not in r.to:
                continue
            first, interval = minutes(phase.first_refresh), minutes(phase.interval)
            if first <= 0:
                continue
            taken = first - interval if first < interval else -interval
            if taken < -ago:
                warn(where, f"{code}'s MIND copy in use at the start was taken {_fmt(-taken)} before it, before "
                            f"this request was published: {code}'s border posts do not see it until the refresh at "
                            f"{_fmt(first)} (world.mind.{code})")
        if subj is not None and subj.arrived is not None and r.kind in ARRESTING + ("diffusion",) \
                and minutes(subj.arrived) < ago and r.by != subj.location:
            purpose = r.purpose or DEFAULT_PURPOSE.get(r.kind)
            system = sc.world.border_systems.get(subj.location) or facts[subj.location].border_system
            sent = r.kind != "diffusion" or subj.location in r.to
            doc = next((d for d in subj.travel_documents() if d.id == subj.entered_on), None) \
                or subj.document_for(subj.location)
            nominal = subj.name_in(doc) == subj.identity.name or subj.name_in(doc) in r.aliases
            held_now = any(a.subject == subj.id for a in sc.arrests)
            crossed = subj.arrived_from is None or checked_crossing(subj.arrived_from, subj.location)
            nominal = nominal and crossed
            if (purpose == "arrest" or r.kind in ARRESTING) and sent and nominal and system == "find" and not held_now:
                warn(("subjects", list(subjects).index(subj.id), "arrived"),
                     f"{subj.id} entered {subj.location} {_fmt(minutes(subj.arrived))} before the start, when "
                     f"{r.id} was already live and {subj.location}'s border checks FIND: he would have been held "
                     "at that entry — arrive before the publication, enter on a document in another name, or "
                     "give an arrest under way (arrests)")
    for i, subj in enumerate(sc.subjects):
        if subj.arrived_from is not None:
            country(("subjects", i, "arrived_from"), subj.arrived_from)
        for k, doc in enumerate(subj.documents):
            country(("subjects", i, "documents", k, "issued_by"), doc.issued_by)
            if doc.status in IN_SLTD and doc.issued_by is None and subj.identity.nationality is None:
                warn(("subjects", i, "documents", k), "only the issuing country reports a document to SLTD: give "
                                                      "issued_by (or the subject's nationality)")
        if subj.plan is not None:
            for code in subj.plan.document_in:
                country(("subjects", i, "plan", "document_in", code), code)
    held: dict[str, int] = {}
    for i, a in enumerate(sc.arrests):
        subj = subjects.get(a.subject)
        if subj is None:
            err(("arrests", i, "subject"), f"no subject has id '{a.subject}'{_suggest(a.subject, subjects)}")
            continue
        if a.subject in held:
            err(("arrests", i, "subject"), f"{a.subject} is already held under arrests.{held[a.subject]}")
        held.setdefault(a.subject, i)
        if subj.kind not in PERSONS:
            err(("arrests", i, "subject"), f"{a.subject} is a {subj.kind.replace('_', ' ')}, not a person")
            continue
        held_in = a.country or subj.location
        country(("arrests", i, "country"), a.country)
        if held_in != subj.location:
            err(("arrests", i, "country"), f"{a.subject} is in {subj.location} at the start "
                                           f"(subjects.{list(subjects).index(a.subject)}.location), not in {held_in}")
        found = requests.get(a.request)
        if found is None:
            err(("arrests", i, "request"), f"no request has id '{a.request}'{_suggest(a.request, requests)}")
            continue
        k, req = found
        since = minutes(a.since)
        if req.subject != a.subject:
            err(("arrests", i, "request"), f"request {a.request} is about {req.subject or 'nobody'}, not {a.subject}")
        elif req.published is None:
            err(("arrests", i, "request"), f"request {a.request} is not published before the start: give requests.{k}.published "
                                      f"(at least {_fmt(since)} before the start)")
        elif minutes(req.published) < since:
            err(("arrests", i, "since"), f"the arrest ({_fmt(since)} before the start) comes before request {a.request} "
                                         f"was published ({_fmt(minutes(req.published))} before it)")
        if req.kind not in ARRESTING and not (req.kind == "diffusion" and (req.purpose or "arrest") == "arrest"):
            err(("arrests", i, "request"), f"a {req.kind} request asks for no arrest; an arrest rests on a Red Notice or "
                                      "an arrest diffusion")
            continue
        if req.kind == "diffusion" and held_in not in req.to:
            err(("arrests", i, "request"), f"diffusion {a.request} was not sent to {held_in} (requests.{k}.to)")
        if req.by == held_in:
            err(("arrests", i, "country"), f"{held_in} made request {a.request} itself: it arrests on its own warrant, "
                                           "not provisionally for extradition")
            continue
        if held_in not in facts or req.by not in facts:
            continue
        if subj.refugee is not None and subj.refugee.fearing == req.by and timing_range(subj.refugee.at)[0] == 0:
            err(("arrests", i), f"{a.subject} is a refugee fearing {req.by} from the start: {a.request} is deleted and "
                                "he is released at once")
        national = refused_nationality(req.by, held_in, subj.nationalities, facts, sc.world.extradites_nationals)
        if national is not None:
            err(("arrests", i, "country"), f"{held_in} does not surrender its own nationals ({a.subject} holds "
                                           f"{national} nationality), so it would not have arrested him for {req.by}")
            continue
        overrides = {frozenset(e.between): e.basis for e in sc.world.extradition}
        basis = legal_basis(req.by, held_in, facts, overrides)
        if basis is None:
            err(("arrests", i, "country"), f"no legal basis for extradition from {held_in} to {req.by}, so no "
                                           "provisional arrest (world.extradition)")
            continue
        if "extradition.deadline" in sc.parameters or a.extradition_requested is not None:
            continue
        limit = request_deadline_days(basis) * 1440.0
        if since >= limit:
            err(("arrests", i, "since"), f"the formal request was due {_fmt(limit)} after the arrest ({basis}), "
                                         f"before the start: he would have been released — give "
                                         "extradition_requested, or a later arrest")
        elif since >= limit - 1440:
            warn(("arrests", i, "since"), f"the formal request is due {_fmt(limit - since)} after the start ({basis}, "
                                          f"{_fmt(limit)} from the arrest)")
        else:
            # By the book the requester sends at once, but preparing the file takes its time: say so
            # when the days left are fewer than that takes in most runs (he would then be released).
            from .chance import share_at_or_after
            from .parameters import distribution

            late = share_at_or_after(distribution(sc.parameters, "extradition.preparation_time"), limit - since)
            if late > 0.2:
                warn(("arrests", i, "since"), f"{_fmt(limit - since)} are left at the start ({basis}: {_fmt(limit)} "
                                              f"from the arrest), but preparing the formal request "
                                              f"(extradition.preparation_time) takes longer in {late:.0%} of runs: "
                                              "he would then be released — arrest him later, or shorten it")


def _check_preparation_window(sc: Scenario, i: int, o: Objective, end: float, warn) -> None:
    """An objective that waits for the formal extradition request within a window its preparation
    often outlasts measures the dice, not the trainee: by the book, the requester answers "send" at
    once and its ministry then takes extradition.preparation_time (the flagship's O7 once failed so)."""
    from .chance import share_at_or_after
    from .parameters import distribution

    waits = [path for path, check in _event_checks(("objectives", i), o)
             if check.event in ("extradition.requested", "extradition.prepared") and path[-1] not in ("after", "none")]
    if not waits:
        return
    window = minutes(o.within) if o.within is not None else minutes(o.by) if o.by is not None else end
    late = share_at_or_after(distribution(sc.parameters, "extradition.preparation_time"), window)
    if late > 0.2:
        warn(waits[0], f"preparing the formal extradition request (extradition.preparation_time) takes longer "
                       f"than this objective's {_fmt(window)} in {late:.0%} of runs, whatever the trainee does "
                       f"(and the arrest comes first): wait for what the requester controls (decision.made "
                       f"request_extradition send, or extradition.preparing), or give it longer")


def _check_assets(sc: Scenario, country, err) -> None:
    """A Silver Notice's assets are held in countries of the exercise's world, abroad, each once:
    an asset no NCB of the world holds would never be reported, and its objectives quietly fail."""
    for i, req in enumerate(sc.requests):
        seen: dict[str, int] = {}
        for k, asset in enumerate(req.assets):
            path = ("requests", i, "assets", k)
            if asset.id in seen:
                err(path + ("id",), f"asset id '{asset.id}' is already used by assets.{seen[asset.id]} of this request")
            seen.setdefault(asset.id, k)
            country(path + ("held_in",), asset.held_in)
            if asset.held_in == req.by:
                err(path + ("held_in",), f"the asset is in {req.by}, the requesting country itself: a Silver Notice "
                                         "asks other countries to find assets abroad")


def _check_request_triggers(sc: Scenario, scope: Scope, err) -> None:
    """A request filed on an event (``on``) names an event kind and fields that can happen."""
    for i, req in enumerate(sc.requests):
        if req.on is None:
            continue
        for key, message in match_problems(req.on.event, req.on.match, scope):
            message = message.replace(NEVER, "; no event can ever match it").replace(
                "an objective cannot wait for", "a request cannot wait for")
            err(("requests", i, "on", "match", key) if key else ("requests", i, "on", "event"), message)

def _check_funds(sc: Scenario, country, err, warn, end: float) -> None:
    """Fraudulent transfers (package D): unique ids, countries in the world, a report that reaches
    the requester, and money that is still there when the exercise starts."""
    injects = {inj.id: inj for inj in sc.injects}
    seen: dict[str, int] = {}
    for i, f in enumerate(sc.funds):
        if f.id in seen:
            err(("funds", i, "id"), f"transfer id '{f.id}' is already used by funds.{seen[f.id]}")
        seen.setdefault(f.id, i)
        country(("funds", i, "requester"), f.requester)
        country(("funds", i, "held_in"), f.held_in)
        if f.held_in == f.requester:
            err(("funds", i, "held_in"), "the account is abroad: a stop-payment request goes from the victims' NCB "
                                         "to another country's")
        inj = injects.get(f.reported_in)
        if inj is None:
            err(("funds", i, "reported_in"), f"no inject has id '{f.reported_in}'{_suggest(f.reported_in, injects)}")
        elif inj.to != f.requester:
            err(("funds", i, "reported_in"), f"inject {inj.id} goes to {inj.to}, not to the requester {f.requester}: "
                                             "the victims' NCB would never learn of the transfer")
        if timing_range(f.withdrawn_at)[0] <= 0:
            err(("funds", i, "withdrawn_at"), "the money is withdrawn at the start: nothing could stop it")
        elif timing_range(f.withdrawn_at)[0] >= end:
            warn(("funds", i, "withdrawn_at"), "withdrawn at or after the exercise ends: nothing is at stake")


def _check_response_and_operations(sc: Scenario, country, err, warn) -> None:
    """Package C: operation hit reports go to participants; a decision left to an NCB nobody plays
    is answered by the automation, which a trainer should know; watched desks are in the world."""
    played = {p.seat for p in sc.players}
    for code in sc.backlog_alerts:
        country(("backlog_alerts", code), code)
    for i, op in enumerate(sc.operations):
        hr = op.hit_reports
        if hr is None or hr.countries is None:
            continue
        for k, c in enumerate(hr.countries):
            if c not in op.participants:
                err(("operations", i, "hit_reports", "countries", k),
                    f"{c} does not take part in operation {op.id}: hits are reported only to participants")
    for i, inc in enumerate(sc.incidents):
        if inc.irt and inc.irt_requested_by == "ncb" and f"ncb:{inc.country}" not in played:
            warn(("incidents", i, "irt_requested_by"), f"irt_requested_by: ncb leaves the IRT to NCB {inc.country}'s officer, but nobody plays "
                                          f"ncb:{inc.country}: the automation decides for it")
    for i, ev in enumerate(sc.major_events):
        if ev.imest and ev.imest_requested_by == "ncb" and f"ncb:{ev.country}" not in played:
            warn(("major_events", i, "imest_requested_by"), f"imest_requested_by: ncb leaves the IMEST to NCB {ev.country}'s officer, but nobody "
                                               f"plays ncb:{ev.country}: the automation decides for it")
