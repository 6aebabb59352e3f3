"""The typed scenario: what a trainer writes in YAML, validated into immutable objects.

Field descriptions here are the authoring guide's field reference (docs/scenarios.md is
generated from them), so they are written for scenario authors.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Discriminator, Field, Tag, ValidationInfo, field_validator, model_validator

from ..durations import format_duration
from ..events.registry import CHANNELS, event_kinds
from .cases import (
    Background,
    CaseSpec,
    Ccc,
    Funds,
    Incident,
    MajorEvent,
    Ndtf,
    OperationSpec,
    Policies,
    Request,
    Subject,
)
from .chance import TIMING_HELP, Timing
from .motion import ArrestSpec
from .skills import SKILLS
from .triggers import OBJECTIVE_KINDS, Compare, EventCheck, OnEvent
from .types import (
    LATEST,
    CountryCode,
    CountryPair,
    Distribution,
    Duration,
    Identifier,
    Language,
    Moment,
    Priority,
    Share,
    Strict,
    as_written,
)

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKING_WEEK: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
HOURS_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d|24:00$"

# Every journal kind, and those an objective can wait for: declared once, in sim/events/registry.py.
EVENT_KINDS = event_kinds()
ACTIONS = ("acknowledge", "share_intelligence", "request_notice", "send_diffusion", "answer_hit",
           "request_extradition", "refuse_request",
           "request_irt", "request_imest")


class DeskStaffing(Strict):
    """How an NCB desk is staffed, in the NCB's local time."""

    staff: int = Field(2, ge=0, le=100, description="officers on duty during working hours")
    night_staff: int = Field(0, ge=0, le=100,
                             description="officers on duty outside working hours; 0 means the desk is closed")
    hours: str = Field("08:00-18:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$",
                       description="working hours, local time, HH:MM-HH:MM")
    days: list[Weekday] = Field(default_factory=lambda: list(WORKING_WEEK),
                                description="working days")

    @model_validator(mode="after")
    def _hours_ordered(self) -> DeskStaffing:
        start, end = self.window()
        if end <= start:
            raise ValueError(f"working hours {self.hours} must end after they start")
        return self

    def window(self) -> tuple[int, int]:
        """Working hours as minutes after local midnight."""
        a, b = self.hours.split("-")
        h1, m1 = map(int, a.split(":"))
        h2, m2 = map(int, b.split(":"))
        return h1 * 60 + m1, h2 * 60 + m2


class DeskOverride(Strict):
    """Changes to the default staffing for one NCB; fields left out keep the default."""

    staff: int | None = Field(None, ge=0, le=100, description="officers on duty during working hours")
    night_staff: int | None = Field(None, ge=0, le=100, description="officers on duty outside working hours")
    hours: str | None = Field(None, pattern=r"^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$",
                              description="working hours, local time, HH:MM-HH:MM")
    days: list[Weekday] | None = Field(None, description="working days")

    @model_validator(mode="after")
    def _hours_ordered(self) -> DeskOverride:
        if self.hours is not None:
            DeskStaffing(hours=self.hours)  # the same rule as the default's, with its message
        return self


class Desks(Strict):
    default: DeskStaffing = Field(default_factory=DeskStaffing, description="staffing of every NCB desk")
    overrides: dict[CountryCode, DeskOverride] = Field(default_factory=dict,
                                                       description="per-country changes, keyed by ISO code")

    def for_country(self, code: str) -> DeskStaffing:
        over = self.overrides.get(code)
        if over is None:
            return self.default
        changes = {k: v for k, v in over.model_dump().items() if v is not None}
        return DeskStaffing.model_validate({**self.default.model_dump(), **changes})


class TravelRoute(Strict):
    between: CountryPair = Field(description="two member countries")
    hours: float = Field(gt=0, le=1000, description="travel time between them, in hours")


class Travel(Strict):
    routes: list[TravelRoute] = Field(default_factory=list, description="routes added or re-timed")
    closed: list[CountryPair] = Field(default_factory=list, description="routes that cannot be used")


class Extradition(Strict):
    between: CountryPair = Field(description="two member countries")
    basis: Literal["treaty", "none"] = Field(description="treaty: a bilateral treaty; none: no legal basis at all")


class MindPhase(Strict):
    """When a country's MIND copy (the offline copy its border posts check) is refreshed. A copy
    holds what was valid at its last refresh: a notice published since is not in it yet, and one
    removed since is still in it — a hit on it must be checked with the General Secretariat."""

    first_refresh: Duration | None = Field(
        None, description="the first refresh after the start (0m: refreshed at the start); before it the copy "
                          "predates the exercise. Default: drawn, within one interval")
    interval: Duration | None = Field(
        None, description="time between refreshes, at least 1h. Default: drawn from mind.refresh_interval")

    @model_validator(mode="after")
    def _sensible(self) -> MindPhase:
        if self.first_refresh is None and self.interval is None:
            raise ValueError("give first_refresh, interval or both")
        if self.interval is not None and self.interval < timedelta(hours=1):
            raise ValueError(f"interval {format_duration(self.interval)} is too short; a MIND copy is refreshed at most "
                             f"once an hour (at least 1h)")
        return self


class WorldSpec(Strict):
    members: Literal["all"] | list[CountryCode] = Field(
        "all", description="the member countries in play: 'all' (196) or a list of ISO codes")
    exclude: list[CountryCode] = Field(default_factory=list, description="members left out")
    i247_down: list[CountryPair] = Field(default_factory=list,
                                         description="direct I-24/7 links that are down (traffic reroutes via Lyon)")
    travel: Travel = Field(default_factory=Travel)
    border_systems: dict[CountryCode, Literal["find", "mind", "none"]] = Field(
        default_factory=dict, description="override how a country's border posts query INTERPOL's databases: "
                                          "find (live, at once), mind (an offline copy, refreshed now and then: "
                                          "see mind), none (no check). Moves inside the Schengen area are never "
                                          "checked, whatever the system, e.g. {MA: mind}")
    extradites_nationals: dict[CountryCode, Literal["yes", "no", "eu"]] = Field(
        default_factory=dict, description="override whether a country surrenders its own nationals: yes, no "
                                          "(it refuses, and may prosecute them itself), or eu (only to EU states, "
                                          "under the European Arrest Warrant); words, not true/false, e.g. {NO: no}")
    extradition: list[Extradition] = Field(default_factory=list,
                                           description="bilateral legal bases added or removed between pairs")
    mind: dict[CountryCode, MindPhase] = Field(
        default_factory=dict, description="set when a country's MIND copy is refreshed (others keep a drawn phase), "
                                          "e.g. {MA: {first_refresh: 6h, interval: 24h}}")

    def codes(self, all_codes: list[str]) -> list[str]:
        base = all_codes if self.members == "all" else list(self.members)
        return sorted(set(base) - set(self.exclude))


class Traffic(Strict):
    """Background I-24/7 traffic between NCBs that nobody plays, to load the desks."""

    messages_per_ncb_per_day: float = Field(0, ge=0, le=1_000,
                                            description="mean new messages each NCB sends a day (Poisson)")
    forward_share: float = Field(0.3, ge=0, lt=1,  # each forward may forward again: 1 would never end
                                 description="share of handled messages that lead to a message to another NCB")
    urgent_share: Share = Field(0.05, description="share of messages sent as urgent")


class Player(Strict):
    role: Literal["ncb", "ndtf", "ccc"] = Field(
        description="ncb: an NCB officer; ndtf: a reviewer at the General Secretariat; ccc: a CCC duty officer")
    country: CountryCode | None = Field(None, description="the NCB's country (ncb role only)")
    hints: bool = Field(True, description="show the review rules' checks beside request forms in the TUI")
    pause_on_decision: bool = Field(True, description="the TUI's clock stops while a decision waits for this seat")

    @model_validator(mode="after")
    def _country_for_ncb(self) -> Player:
        if self.role == "ncb" and self.country is None:
            raise ValueError("an ncb player needs a country")
        if self.role != "ncb" and self.country is not None:
            raise ValueError(f"the {self.role} role sits at the General Secretariat; leave out country")
        return self

    @property
    def seat(self) -> str:
        return f"{self.role}:{self.country}" if self.country else self.role


class InjectAfter(Strict):
    inject: Identifier = Field(description="id of the inject this one follows")
    delay: Timing = Field(as_written("0m"), description="time after that inject fired" + TIMING_HELP)


class Expectation(Strict):
    action: Literal[ACTIONS] = Field(description="what the receiving seat is expected to do")  # type: ignore[valid-type]
    within: Duration = Field(description="deadline, counted from the inject")
    objective: Identifier | None = Field(None, description="objective this expectation serves")


class Inject(Strict):
    """One row of the master scenario events list (MSEL)."""

    id: Identifier = Field(description="unique among injects, e.g. I1")
    at: Timing | None = Field(None, description="time after the exercise start" + TIMING_HELP)
    after: InjectAfter | None = Field(None, description="fire after another inject instead of at a time; when "
                                                        "that inject is skipped, this one is skipped too")
    on: OnEvent | None = Field(
        None, description="fire when something happens in play, in the language of objectives, plus a delay: "
                          "{event: database.hit, match: {subject: S1}, delay: 2h}. Due once, at the count-th "
                          "matching event plus the delay; never due if it never happens. when:/unless: are still "
                          "judged at the due time")
    instead_of: Identifier | None = Field(
        None, description="a contingency: the id of another inject this one replaces. It has no time of its own: "
                          "it is due when that inject was due, and fires only if that inject was skipped (its "
                          "when: did not hold, or its unless: did). Chain them (I3c instead_of I3b instead_of I3) "
                          "for a list of alternatives of which the first eligible fires")
    when: Condition | None = Field(
        None, description="fire only if this has happened by the inject's due time, in the language of objectives: "
                          "{event: arrest.provisional, match: {subject: S1}}, or none:, all:, any:; otherwise the "
                          "inject is skipped (journalled as inject.skipped, with why)")
    unless: Condition | None = Field(
        None, description="skip the inject if this has happened by its due time (same forms as when:), e.g. "
                          "unless: {event: database.hit, match: {subject: S1, country: MA}} so a partner never "
                          "asks about a man it already holds")
    from_: str = Field("national-police", alias="from", min_length=1,
                       description="sender: a member's ISO code or an INTERPOL office's id (GS, IGCI, CCC-SIN, "
                                   "RB-NBO…; then it travels over I-24/7), or a national body")
    to: CountryCode = Field(description="the NCB that receives it")
    channel: Literal[CHANNELS] | None = Field(  # type: ignore[valid-type]
        None, description="how it arrives; default i247 when from is an NCB, national otherwise")
    priority: Priority = Field("routine", description="urgent messages are handled first")
    language: Language | None = Field(None, description="language of the text; default the sender's first "
                                                     "language the recipient reads")
    text: str = Field(min_length=1, description="the message as the receiving officer reads it")
    attachments: list[str] = Field(default_factory=list, description="names of documents that come with it")
    expect: Expectation | None = Field(None, description="the expected action, for scoring")
    notes: str = Field("", description="for controllers and evaluators only; never shown to players")
    hidden: bool = Field(False, description="hidden from the trainer's timeline until it fires")

    @model_validator(mode="after")
    def _one_trigger(self) -> Inject:
        given = [name for name, v in (("at", self.at), ("after", self.after), ("on", self.on),
                                      ("instead_of", self.instead_of)) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'at', 'after', 'on' or 'instead_of'"
                             + (f" (got {', '.join(given)})" if given else ""))
        return self


class Never(Strict):
    """Met when no matching event happens in the objective's window; failed at the first one."""

    none: EventCheck = Field(description="the event that must not happen, e.g. {event: subject.released, "
                                         "match: {subject: S1}}; its count is how many it takes to fail")


class AllOf(Strict):
    """Met once every condition holds; failed as soon as one can no longer hold."""

    all_: list[Condition] = Field(alias="all", min_length=1, description="conditions that must all hold")


class AnyOf(Strict):
    """Met as soon as one condition holds; failed once none can."""

    any_: list[Condition] = Field(alias="any", min_length=1, description="conditions of which one must hold")


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        found = [k for k in ("event", "none", "all", "any") if k in value]
        if not found and set(value) & set(EventCheck.model_fields):
            return "event"  # an event check that forgot its event: say that, not "expected one condition"
        return found[0] if len(found) == 1 else None
    if isinstance(value, BaseModel):
        return {EventCheck: "event", Never: "none", AllOf: "all", AnyOf: "any"}.get(type(value))
    return None


Condition = Annotated[
    Annotated[EventCheck, Tag("event")] | Annotated[Never, Tag("none")] | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")],
    Discriminator(_condition_kind, custom_error_type="condition",
                  custom_error_message="expected one condition: an event check {event: KIND, match: {...}}, "
                                       "or exactly one of none:, all:, any:"),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()
Inject.model_rebuild()  # its when:/unless: are conditions, declared after it


class Objective(Strict):
    """Something the exercise should achieve, checked automatically against the journal.

    Give exactly one of ``check`` (an event must happen), ``none`` (it must not), ``all`` or
    ``any`` (several conditions). ``by`` is a deadline after the start; ``after`` with ``within``
    makes the deadline count from an event instead, and only what follows that event counts."""

    id: Identifier = Field(description="unique among objectives, e.g. O1")
    title: str = Field(min_length=1, description="what success looks like, in words")
    check: EventCheck | None = Field(None, description="the journal event that proves it")
    none: EventCheck | None = Field(None, description="a journal event that must not happen: the objective fails "
                                                      "at the first one and is met at its deadline without one")
    all_: list[Condition] | None = Field(None, alias="all", min_length=1,
                                         description="conditions that must all hold: event checks, or none:, all:, "
                                                     "any: nested")
    any_: list[Condition] | None = Field(None, alias="any", min_length=1,
                                         description="conditions of which one must hold (same forms as all:)")
    by: Duration | None = Field(None, description="deadline after the start; default the end of the exercise")
    after: EventCheck | None = Field(
        None, description="the event the objective counts from, e.g. {event: database.hit, match: {subject: S1}}: "
                          "only events after it count; with count: N, the Nth such event")
    within: Duration | None = Field(None, description="deadline counted from the 'after' event, e.g. 12h")

    @model_validator(mode="after")
    def _one_condition(self) -> Objective:
        given = [name for name, v in (("check", self.check), ("none", self.none), ("all", self.all_),
                                      ("any", self.any_)) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of check, none, all or any" +
                             (f" (got {', '.join(given)})" if given else ""))
        if self.within is not None and self.after is None:
            raise ValueError("within counts from the 'after' event: add after: {event: …}, or use by: for a "
                             "deadline after the start")
        return self

    @property
    def condition(self) -> EventCheck | Never | AllOf | AnyOf:
        """The objective's condition as one tree."""
        if self.check is not None:
            return self.check
        if self.none is not None:
            return Never(none=self.none)
        if self.all_ is not None:
            return AllOf(all_=self.all_)
        assert self.any_ is not None
        return AnyOf(any_=self.any_)


def leaves_of(node: EventCheck | Never | AllOf | AnyOf):
    if isinstance(node, EventCheck):
        yield node
    elif isinstance(node, Never):
        yield node.none
    else:
        for child in (node.all_ if isinstance(node, AllOf) else node.any_):
            yield from leaves_of(child)


class Scenario(Strict):
    """An exercise: who plays, in what world, what happens, and what counts as success."""

    id: Identifier
    title: str = Field(min_length=1, description="shown in the scenario picker and reports")
    summary: str = Field("", description="one or two sentences for the picker")
    briefing: str = Field("", description="Markdown shown to every player before the start")
    difficulty: Literal["introductory", "intermediate", "advanced"] = Field(
        "intermediate", description="how hard the exercise is for its audience")
    audience: list[str] = Field(default_factory=list, description="who the exercise is for")
    learning_objectives: list[str] = Field(default_factory=list,
                                           description="what trainees should be able to do afterwards")
    skills: list[Literal[tuple(SKILLS)]] = Field(  # type: ignore[valid-type]
        default_factory=list, description="the skills the exercise trains, from a closed list: "
                                          + ", ".join(f"`{k}`" for k in SKILLS))
    start: Moment = Field(description="UTC start, ISO 8601, e.g. 2026-03-02T06:00:00Z")
    duration: Duration
    seed: int = Field(0, ge=0, lt=2 ** 63, description="seed of every random stream")
    include: list[str] = Field(default_factory=list,
                               description="fragments merged into this file, relative to it")
    world: WorldSpec = Field(default_factory=WorldSpec, description="which members, links and routes")
    desks: Desks = Field(default_factory=Desks, description="NCB desk staffing and working hours")
    traffic: Traffic = Field(default_factory=Traffic, description="background I-24/7 load")
    parameters: dict[str, Distribution] = Field(default_factory=dict,
                                                description="model parameters as distributions")
    players: list[Player] = Field(default_factory=list, description="the seats people play")
    subjects: list[Subject] = Field(default_factory=list, description="wanted and missing persons")
    requests: list[Request] = Field(default_factory=list, description="notice and diffusion requests NCBs make")
    cases: list[CaseSpec] = Field(default_factory=list, description="intelligence exchanges across countries")
    arrests: list[ArrestSpec] = Field(default_factory=list,
                                      description="provisional arrests already under way at the start")
    operations: list[OperationSpec] = Field(default_factory=list, description="coordinated cross-border operations")
    incidents: list[Incident] = Field(default_factory=list, description="incidents that call for an IRT")
    major_events: list[MajorEvent] = Field(default_factory=list, description="events supported by an IMEST")
    backlog_alerts: dict[CountryCode, Annotated[int, Field(ge=1, le=100_000)]] = Field(
        default_factory=dict,
        description="NCB desks watched for a backlog, e.g. {ES: 15}: when that many messages wait unread, "
                    "desk.backlog is journalled (the desk is past capacity, and its NCB sees it), and "
                    "desk.caught_up once the queue is down to half of it")
    policies: Policies = Field(default_factory=Policies, description="automation for the roles nobody plays")
    funds: list[Funds] = Field(default_factory=list,
                               description="money a fraud moved abroad, which the victims' NCB can stop with a "
                                           "stop-payment request (I-GRIP) before it is withdrawn")
    ndtf: Ndtf = Field(default_factory=Ndtf, description="the NDTF's capacity and judgement")
    ccc: Ccc = Field(default_factory=Ccc, description="the Command and Coordination Centre")
    background: Background = Field(default_factory=Background,
                                   description="the world's requests that nobody plays, in aggregate")
    injects: list[Inject] = Field(default_factory=list, description="the MSEL: what happens, when, to whom")
    objectives: list[Objective] = Field(default_factory=list, description="what counts as success")

    @field_validator("duration")
    @classmethod
    def _positive(cls, v, info: ValidationInfo):
        if v.total_seconds() <= 0:
            raise ValueError("the exercise must last longer than zero")
        start = info.data.get("start")
        if start is not None and start + v > LATEST:
            raise ValueError(f"the exercise would end after {LATEST:%Y-%m-%d}, the end of the supported "
                             "calendar; choose an earlier start or a shorter duration")
        return v


def weekday_index(day: str) -> int:
    return WEEKDAYS.index(day)


__all__ = ["ACTIONS", "EVENT_KINDS", "OBJECTIVE_KINDS", "AllOf", "AnyOf", "Compare", "Condition", "DeskStaffing", "EventCheck", "Inject", "Never",
           "Objective", "OnEvent", "Player", "Scenario"]
