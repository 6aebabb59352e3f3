"""Every journal event kind, declared once: its fields, their types and allowed values, whether an
objective can wait for it, whether the report's timeline keeps it, and a label for people.

The scenario model (``EVENT_KINDS``, the objective ``event`` choices), ``validate``
(``match_problems``), the journal reader's spec, the report's key kinds, the guide's events table
and the JSON Schema of an objective's ``check`` all derive from ``KINDS``; the per-seat views
name registered kinds only (a test holds them to it). Adding a kind is one ``kind(...)`` call below.

Allowed values come from the engine's own constants (notice kinds, review reasons, state tables,
release reasons, extradition grounds, legal bases); a value that names something in the scenario
(a subject, a country, an inject…) has a *reference* domain, checked against the scenario by
``match_problems``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, get_args

from ..engine.messages import PRIORITY_RANK
from ..notices.arrests import MATERIAL, MODES, RELEASE_REASONS
from ..notices.assets import ROUTES as ASSET_ROUTES
from ..notices.extradition import GROUNDS
from ..notices.kinds import PURPOSES, REQUEST_KINDS
from ..notices.machines import ARREST, DIFFUSION, NOTICE, PROCEEDINGS
from ..notices.rules import REASONS
from ..scenario.chance import Answer
from ..scenario.motion import TravelDocument
from ..scenario.vocabulary import FLEES_ON, INCIDENT_KINDS, OPERATION_KINDS
from ..world.legal import REQUEST_DEADLINE_DAYS
from ..world.members import LANGUAGES, all_offices

# Who caused an event (the journal's ``by``): a person at a seat, a policy, a default applied at a
# deadline, or the trainer — as ``sim.decisions.port.journal_by`` writes it.
CAUSES = ("person", "policy", "default", "trainer")
ANSWERS: tuple[str, ...] = get_args(Answer)  # a partner's drawn answer to a request for information
# How a message arrives (an inject's ``channel``; the scenario model takes its choices from here).
CHANNELS = ("i247", "national", "phone", "email")

# Every decision the engine raises (``DecisionPort.raise_``'s kind), with the keys of its options.
# A prompt offers a subset of these; the soundness test checks the engine against this table.
DECISIONS: dict[str, tuple[str, ...]] = {
    "file_request": ("file", "complete", "hold"),  # sim/notices/filing.py
    "review_request": ("publish", *(f"refuse:{r}" for r in REASONS), "ask"),  # sim/notices/review.py
    "confirm_hit": ("confirm", *(f"ask:{m}" for m in MATERIAL), "decline"),  # sim/notices/arrests.py
    "request_extradition": ("send", "abandon"),  # sim/notices/arrests.py
    "transfer_proceedings": (*MODES, "none"),  # sim/notices/arrests.py
    "escalate_urgent": ("escalate_translated", "escalate", "hold"),  # sim/engine/transport.py
    "deploy_irt": ("deploy", "decline"),  # sim/people/operations.py
    "answer_rfi": ("reply", "ignore"),  # sim/people/exchange.py
    # package B (law)
    "complete_request": ("supply", "withdraw", "leave"),  # sim/notices/review.py
    "review_diffusion": ("approve", *(f"purge:{r}" for r in REASONS), "ask"),  # sim/notices/review.py
    "act_on_asset": ASSET_ROUTES,  # sim/notices/assets.py
    "apply_refugee_rule": ("delete", "delete_naming_source", "keep"),  # sim/notices/filing.py
    "release_on_lost_basis": ("release", "keep"),  # sim/notices/arrests.py
    "stop_payment": ("request", "wait"),  # sim/people/funds.py (package D)


    # package C (people)
    "request_irt": ("request", "national"),  # sim/people/operations.py
    "request_imest": ("request", "national"),  # sim/people/operations.py
    "apply_travel_ban": ("refuse_entry", "admit"),  # sim/people/hits.py
    "triage_hit": ("urgent", "routine", "discard"),  # sim/people/triage.py
}
_ALL_OPTIONS = tuple(dict.fromkeys(o for opts in DECISIONS.values() for o in opts))


@dataclass(frozen=True)
class Type:
    """What a field holds. ``letter`` is the journal reader's type: s text, i whole number, n
    number, b true/false, t a journal time, d a deadline, l a list of text, x an expectation.
    ``values``: the closed set of values (empty: open). ``ref``: the scenario's ids the value
    names; ``pattern``: ids the engine makes up itself for that reference (A1, Q3, B12)."""

    letter: str
    values: tuple[str, ...] = ()
    ref: str = ""
    pattern: str = ""
    what: str = ""

    @property
    def matchable(self) -> bool:
        """An objective's ``match`` compares a value, or a list with includes/excludes; an
        expectation is neither."""
        return self.letter != "x"


def _one_of(what: str, values) -> Type:
    return Type("s", tuple(dict.fromkeys(values)), what=what)


def _ref(ref: str, pattern: str = "", what: str = "") -> Type:
    return Type("s", ref=ref, pattern=pattern, what=what or f"{ref} id")


TEXT, WHOLE, NUMBER, FLAG, TEXTS = Type("s"), Type("i"), Type("n"), Type("b"), Type("l")
TIME, DEADLINE, EXPECTATION = Type("t"), Type("d"), Type("x")
COUNTRY = _ref("country", what="member country (ISO code, in the exercise's world)")
COUNTRIES = Type("l", ref="country", what="member countries (ISO codes, in the exercise's world)")
SUBJECT = _ref("subject")
REQUEST = _ref("request", pattern=r"B\d+", what="request id (a scenario's request, or B… from the background)")
CASE = _ref("case", pattern=r"A\d+", what="case id (a scenario's case or operation, or A… for an arrest case)")
DECISION = _ref("decision", pattern=r"Q\d+", what="decision id (Q1, Q2… in the order raised)")
RECIPIENT = _ref("recipient", what="recipient: a member country (in the exercise's world) or GS")
SEAT = _ref("seat", what="seat (ncb:FR, ndtf, ccc)")
NOTICE_KIND = _one_of("notice kind", REQUEST_KINDS)
PRIORITY = _one_of("priority", PRIORITY_RANK)
LANGUAGE = _one_of("language", LANGUAGES)
DECISION_TYPE = _one_of("decision type", DECISIONS)
OPTION = _one_of("decision option", _ALL_OPTIONS)
CAUSE = _one_of("cause (who did it)", CAUSES)
NOTICE_STATE = _one_of("notice state", sorted(NOTICE.states))
DIFFUSION_STATE = _one_of("diffusion state", sorted(DIFFUSION.states))
CASE_STATE = _one_of("arrest case state", sorted(ARREST.states))
PROCEEDINGS_STATE = _one_of("proceedings state", sorted(PROCEEDINGS.states))
REVIEW_REASON = _one_of("review reason", REASONS)
RELEASE_REASON = _one_of("release reason", RELEASE_REASONS)
GROUND = _one_of("refusal ground", GROUNDS)
BASIS = _one_of("legal basis", REQUEST_DEADLINE_DAYS)
DOCUMENT_STATUS = _one_of("travel document", get_args(TravelDocument.model_fields["status"].annotation))
HIT_SYSTEM = _one_of("border system", ("find", "mind"))
BORDER_SYSTEM = _one_of("border system", (*HIT_SYSTEM.values, "none"))  # a 'none' post sees him pass, checks nothing

# What a field name means in every kind that carries it, unless the kind says otherwise.
COMMON: dict[str, Type] = {
    "actor": TEXT, "by": CAUSE, "subject": SUBJECT, "country": COUNTRY, "requester": COUNTRY, "to": COUNTRY,
    "from": COUNTRY, "notice": REQUEST, "diffusion": REQUEST, "request": REQUEST, "notice_kind": NOTICE_KIND,
    "case": CASE, "inject": _ref("inject"), "objective": _ref("objective"), "incident": _ref("incident"),
    "operation": _ref("operation"), "seat": SEAT, "decision": DECISION, "msg": WHOLE, "priority": PRIORITY,
    "language": LANGUAGE, "detail": TEXT, "reason": TEXT, "title": TEXT, "name": TEXT, "text": TEXT,
    "purpose": _one_of("purpose", (p for ps in PURPOSES.values() for p in ps)), "transit": FLAG,
    "participants": TEXTS, "missing": TEXTS, "deadline": DEADLINE, "hours": NUMBER, "basis": BASIS,
    "mode": _one_of("mode", MODES), "channel": TEXT, "type": TEXT,
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: Type
    report: str = ""  # what the report needs: "!" always there, "?" read when there, "" not read


@dataclass(frozen=True)
class EventKind:
    name: str
    label: str  # a short phrase for the guide's events table
    fields: tuple[FieldSpec, ...]
    key: bool  # kept in the report's timeline of key events
    target: bool  # an objective can wait for it
    why_not: str = ""  # why an objective cannot, when it cannot

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


KINDS: dict[str, EventKind] = {}


def kind(name: str, label: str, fields: str, *, key: bool = False, target: bool = True, why_not: str = "",
         types: Mapping[str, Type] | None = None) -> EventKind:
    """Declare one journal kind. ``fields`` names its fields, each marked ``!`` when the report
    requires it, ``?`` when the report reads it if present; a field's type is ``types[name]`` or
    else ``COMMON[name]``. Every kind also carries ``actor`` and ``by``."""
    if name in KINDS:
        raise ValueError(f"event kind {name} is declared twice")
    specs = []
    for word in fields.split():
        report = word[-1] if word[-1] in "!?" else ""
        fname = word.rstrip("!?")
        spec_type = (types or {}).get(fname) or COMMON.get(fname)
        if spec_type is None:
            raise ValueError(f"{name}.{fname}: no type; give it in types=")
        specs.append(FieldSpec(fname, spec_type, report))
    names = {s.name for s in specs}
    specs += [FieldSpec(n, COMMON[n], "?" if n == "by" else "") for n in ("actor", "by") if n not in names]
    KINDS[name] = EventKind(name, label, tuple(specs), key, target, why_not)
    return KINDS[name]


_MESSAGE = "the I-24/7 message's type (rfi, rfi_reply, hit_report, traffic…)"
_CHANNEL = _one_of("channel", CHANNELS)
_DECISION_KINDS = "decision.requested", "decision.made", "decision.expired"
_CONTROL = "the trainer's control of the exercise, not something the trainees do"

kind("inject.fired", "an inject of the MSEL reaches its NCB", "channel! expect? from! inject! priority! to! by? "
     "instead_of?",
     key=True, types={"channel": _CHANNEL, "expect": EXPECTATION, "from": _ref("sender", what="sender"),
                      "instead_of": _ref("inject")})
kind("inject.held", "the trainer holds an inject back", "inject!", key=True, target=False, why_not=_CONTROL)
kind("inject.released", "the trainer releases a held inject", "inject!", key=True, target=False, why_not=_CONTROL)
# Why an inject of the MSEL did not fire, and how the trainer's table and the report say it.
INJECT_SKIPPED_WHY = {
    "when": "its when: had not happened",
    "unless": "its unless: had happened",
    "after_skipped": "the inject it follows was skipped",
    "not_needed": "the inject it stands in for fired",
}
kind("inject.skipped", "an inject is skipped: its condition, the inject it follows, or a contingency not needed",
     "inject! why! contingency?",
     key=True, types={"why": _one_of("reason an inject is skipped", INJECT_SKIPPED_WHY),
                      "contingency": _ref("inject")})
kind("inject.rescheduled", "the trainer moves an inject to another time", "inject! due! was?", key=True,
     target=False, why_not=_CONTROL, types={"due": TIME, "was": TIME})
kind("inject.added", "the trainer adds an ad-hoc inject for a later time", "inject! due! from! priority! to!",
     key=True, target=False, why_not=_CONTROL, types={"due": TIME, "from": _ref("sender", what="sender")})
kind("message.sent", "an NCB (or a national body) sends a message",
     "channel? from! language? priority? subject? to! type? about case forward_of inject msg reply_to request seat "
     "text via? latency_min? answer",
     types={"answer": _one_of("partner's answer", ANSWERS), "from": _ref("sender", what="sender"), "to": RECIPIENT, "subject": TEXT, "about": SUBJECT, "type": Type("s", what=_MESSAGE),
            "channel": _CHANNEL, "forward_of": WHOLE, "reply_to": WHOLE, "via": TEXTS, "latency_min": NUMBER})
kind("message.handled", "an NCB desk handles a message",
     "inject? msg! translated? type? waited_min? case handling_min on_call priority via_ccc",
     types={"type": Type("s", what=_MESSAGE), "translated": FLAG, "waited_min": NUMBER, "handling_min": NUMBER,
            "on_call": FLAG, "via_ccc": TEXT})
kind("message.read", "a person at a seat opens a message", "msg! seat!")
kind("command.refused", "a seat's command is refused, with the reason", "command! reason! seat!", key=True,
     types={"command": TEXT})
kind("request.drafted", "an NCB drafts a notice or diffusion request",
     "measures? missing? notice_kind? request! requester! subject to", types={"to": TEXTS, "measures": TEXTS})
kind("request.resubmitted", "an NCB resubmits a request after completing it",
     "missing? notice_kind? request! requester!", key=True)
kind("message.escalated", "the CCC wakes a closed NCB's on-call officer",
     "ccc! to! translated_to? type? from inject language msg priority text", key=True,
     types={"ccc": TEXT, "translated_to": LANGUAGE, "type": Type("s", what=_MESSAGE)})
kind("message.undeliverable", "a message finds no route", "to? msg reason", types={"to": RECIPIENT})
kind("objective.met", "an objective is met", "evidence? objective! title!", key=True, types={"evidence": WHOLE})
kind("objective.failed", "an objective fails", "evidence? objective! reason? title!", key=True,
     types={"evidence": WHOLE, "reason": _one_of("why it failed", ("forbidden", "not_started"))})
kind("expectation.validated", "an evaluator's verdict on an expected action", "verdict! author! inject? objective? note?",
     key=True, target=False, why_not=_CONTROL,
     types={"verdict": _one_of("evaluator's verdict", ("met", "partly_met", "not_met")), "author": TEXT, "note": TEXT})
kind("notice.requested", "an NCB requests a notice", "notice! notice_kind? requester! subject? purpose", key=True)
kind("notice.info_requested", "the NDTF asks the NCB for more", "detail? notice! notice_kind? requester! state subject",
     key=True, types={"state": NOTICE_STATE})
kind("notice.info_supplied", "the NCB supplies what the NDTF asked", "notice! requester? notice_kind state subject",
     types={"state": NOTICE_STATE})
kind("notice.published", "the General Secretariat publishes a notice",
     "notice! notice_kind? public? requester? state subject since? aliases", key=True,
     types={"state": NOTICE_STATE, "public": FLAG, "since": TIME, "aliases": TEXTS})
kind("notice.refused", "the NDTF refuses a notice", "notice! notice_kind? reason! requester? detail state subject",
     key=True, types={"state": NOTICE_STATE, "reason": REVIEW_REASON})
for _what in ("cancelled", "blocked", "restored", "deleted"):
    kind(f"notice.{_what}", f"a notice is {_what}", "notice! reason? requester? notice_kind state subject", key=True,
         types={"state": NOTICE_STATE})
kind("notice.expired", "a notice expires", "notice! requester? notice_kind state subject",
     types={"state": NOTICE_STATE})
kind("diffusion.sent", "an NCB circulates a diffusion",
     "diffusion! notice_kind? purpose? requester! to? subject since? state aliases",
     key=True, types={"to": COUNTRIES, "since": TIME, "state": DIFFUSION_STATE, "aliases": TEXTS})
kind("diffusion.reviewed", "the NDTF reviews a diffusion",
     "diffusion! outcome! reason? requester? detail notice_kind state subject", key=True,
     types={"state": DIFFUSION_STATE, "outcome": _one_of("review outcome", ("compliant", "purged")),
            "reason": REVIEW_REASON})
kind("diffusion.info_requested", "the NDTF asks about a diffusion",
     "diffusion! requester? detail notice_kind state subject", types={"state": DIFFUSION_STATE})
kind("diffusion.info_supplied", "the NCB answers about its diffusion", "diffusion! requester? notice_kind state subject",
     types={"state": DIFFUSION_STATE})
kind("diffusion.cancelled", "a diffusion is cancelled", "diffusion! reason? requester? notice_kind state subject",
     key=True, types={"state": DIFFUSION_STATE})
kind("diffusion.purged", "a diffusion is purged", "diffusion! reason? requester? notice_kind state subject", key=True,
     types={"state": DIFFUSION_STATE})
kind("refugee.confirmed", "a country confirms a subject's refugee status", "fearing! subject!", key=True,
     types={"fearing": COUNTRY})
# package B (law): asset tracing with a Silver Notice
kind("asset.located", "a country reports an asset a Silver Notice asked about",
     "asset! country! notice! requester! description? subject", key=True,
     types={"asset": TEXT, "description": TEXT})
kind("asset.followed_up", "the requesting NCB decides how to follow up a located asset",
     "asset! country! notice! requester! route!", key=True,
     types={"asset": TEXT, "route": _one_of("follow-up route", ASSET_ROUTES)})
kind("refugee.source_disclosed", "the General Secretariat tells the feared country who granted refugee status",
     "fearing! granted_by! subject!", key=True, types={"fearing": COUNTRY, "granted_by": COUNTRY})
kind("detention.without_basis", "an NCB keeps holding a person after the notice or diffusion that held him fell",
     "country! requester! subject! case detail? diffusion notice", key=True)
kind("subject.moved", "a subject travels from one country to another", "checked from hours mode subject to transit",
     types={"checked": FLAG, "mode": TEXT})
kind("border.checked", "a subject passes a border check", "country document subject system document_id name",
     types={"document": DOCUMENT_STATUS, "system": BORDER_SYSTEM, "document_id": TEXT})
kind("database.hit", "a border check finds the subject in an INTERPOL database",
     "country! database! diffusion? notice? notice_kind? requester? subject! system! document document_id name",
     key=True,
     types={"database": _one_of("database", ("notices", "SLTD")), "system": HIT_SYSTEM,
            "document": DOCUMENT_STATUS, "document_id": TEXT})
kind("subject.located", "a subject is located", "country! diffusion? notice? notice_kind? subject! transit? measures",
     key=True, types={"measures": FLAG})
kind("arrest.provisional", "a subject is provisionally arrested",
     "basis? country! diffusion? notice? notice_kind? requester? subject! case deadline? state since?", key=True,
     types={"state": CASE_STATE, "since": TIME})
kind("extradition.requested", "the formal extradition request is sent",
     "country? requester! subject! case diffusion notice notice_kind papers state since?", key=True,
     types={"state": CASE_STATE, "papers": TEXTS, "since": TIME})
kind("extradition.preparing", "the requester starts preparing its formal extradition request",
     "country! deadline! ready! requester! subject! case! diffusion notice notice_kind", key=True,
     types={"ready": Type("t", what="when the file will be ready, as drawn when preparation starts")})
kind("extradition.prepared", "the requester's formal extradition request is ready and leaves",
     "country! deadline! requester! subject! case! diffusion notice notice_kind", key=True)
kind("extradition.completed", "a subject is surrendered",
     "country! requester! subject! basis case diffusion notice notice_kind state to", key=True,
     types={"state": CASE_STATE})
kind("subject.released", "a held subject is released",
     "country! detail? reason! requester? subject! case diffusion notice notice_kind state", key=True,
     types={"state": CASE_STATE, "reason": RELEASE_REASON})
kind("subject.alarmed", "a subject takes fright and moves on", "cause! subject!", key=True,
     types={"cause": _one_of("cause", FLEES_ON)})
kind("decision.requested", "a seat is asked to decide",
     "deadline? decision! prompt? recommended? seat? case country default diffusion incident msg notice notice_kind "
     "options request shows subject type", target=False,
     why_not="the engine asking is not an outcome: wait for decision.made (or decision.expired)",
     types={"prompt": TEXT, "recommended": OPTION, "default": OPTION, "options": TEXTS, "shows": TEXTS,
            "type": DECISION_TYPE})
kind("decision.made", "a seat decides", "decision! option! policy? seat! type! by! request?", key=True,
     types={"option": OPTION, "type": DECISION_TYPE, "policy": TEXT, "request": REQUEST})
kind("decision.expired", "a decision's deadline passes and its default applies", "applied! decision! seat! type!",
     key=True, types={"applied": OPTION, "type": DECISION_TYPE})
kind("operation.planned", "an operation is planned", "name? participants? operation type",
     types={"type": _one_of("operation type", OPERATION_KINDS)})
kind("operation.started", "an operation's action days start", "intelligence! name! participants? operation", key=True,
     types={"intelligence": NUMBER})
kind("operation.checks", "a participant's checks of one action day", "country? checks day hits operation",
     types={"checks": WHOLE, "day": WHOLE, "hits": WHOLE})
kind("operation.arrests", "a participant's arrests", "country? arrests intelligence operation",
     types={"arrests": WHOLE, "intelligence": NUMBER})
kind("operation.ended", "an operation ends", "arrests! checks! hits! name! participants? operation "
     "reported? victims? lost?", key=True,
     types={"arrests": WHOLE, "checks": WHOLE, "hits": WHOLE, "reported": WHOLE, "victims": WHOLE, "lost": WHOLE})
kind("incident.reported", "a country reports an incident", "country? incident type",
     types={"type": _one_of("incident type", INCIDENT_KINDS)})
kind("irt.requested", "an Incident Response Team is requested", "ccc? country? incident", types={"ccc": TEXT})
kind("irt.deployed", "an Incident Response Team is on the ground", "country! hours_to_deploy! incident", key=True,
     types={"hours_to_deploy": NUMBER})
kind("imest.deployed", "an IMEST is deployed for a major event", "country! name! event", key=True,
     types={"event": _ref("event", what="major event id")})
kind("imest.ended", "an IMEST's deployment ends", "country event name",
     types={"event": _ref("event", what="major event id")})
kind("hit.checked", "a hit is checked live with the General Secretariat",
     "country! requester! subject! valid! case diffusion notice notice_kind state",
     types={"valid": FLAG, "state": _one_of("notice or diffusion state", sorted(NOTICE.states | DIFFUSION.states))})
kind("arrest.requested", "an NCB asks another to arrest a subject provisionally",
     "diffusion? notice? requester! subject! to!", key=True)
kind("arrest.not_found", "the subject is not where an arrest was asked", "country! reason! requester! subject!", key=True)
kind("arrest.kept", "a country keeps the subject on its own warrant",
     "country! detail? ground! reason? requester? subject! case diffusion notice notice_kind state", key=True,
     types={"state": CASE_STATE, "ground": TEXT})
kind("extradition.refused", "extradition is refused",
     "country! detail? ground! grounds? requester! source? subject! case diffusion notice notice_kind state", key=True,
     types={"state": CASE_STATE, "ground": GROUND, "grounds": TEXTS, "source": TEXT})
kind("case.transferred", "the requester asks the other state to prosecute", "country! mode! requester! subject! case state",
     key=True, types={"state": PROCEEDINGS_STATE})
kind("prosecution.opened", "proceedings are opened", "country! in_custody? mode! requester! subject! case state",
     key=True, types={"state": PROCEEDINGS_STATE, "in_custody": FLAG})
kind("prosecution.refused", "prosecution is declined", "country! mode! reason! requester! subject! case state",
     key=True, types={"state": PROCEEDINGS_STATE})
kind("mind.refreshed", "a country's MIND copy is refreshed", "country! interval_min", target=False,
     why_not="routine upkeep that happens on a timetable whatever anyone does; it proves nothing about the trainees",
     types={"interval_min": NUMBER})
kind("arrest.national", "a subject is arrested on a national warrant",
     "country! diffusion? notice? notice_kind? subject! requester", key=True)
kind("whereabouts.reported", "the requester learns where the subject was",
     "country! diffusion? notice? notice_kind? requester! subject! transit?", key=True)
kind("warning.issued", "a country is warned that a subject crossed its border",
     "country! notice! notice_kind! requester? subject! transit", key=True)
kind("border.prescreened", "a country screens a flight's passengers before arrival",
     "country! from! hits! subject! hours system", types={"hits": TEXTS, "system": _one_of("system", ("api",))})
kind("dvi.matched", "a body is identified as a missing person",
     "black! country! identified_as! subject! yellow! black_requester incident yellow_requester", key=True,
     types={"black": REQUEST, "yellow": REQUEST, "identified_as": SUBJECT, "black_requester": COUNTRY,
            "yellow_requester": COUNTRY})
for _what, _state in (("notice", NOTICE_STATE), ("diffusion", DIFFUSION_STATE)):
    kind(f"{_what}.updated", f"the requester adds names to its live {_what}",
         f"{_what}! notice_kind? requester! subject? state aliases added?", key=True,
         types={"state": _state, "aliases": TEXTS, "added": TEXTS})
kind("scenario.drawn", "a value the scenario leaves to chance is drawn from the seed",
     "path! value! choice choices route answer minutes distribution", key=True, target=False,
     why_not="the draw is the exercise's setting, fixed at the start, not an outcome of play",
     types={"path": TEXT, "value": TEXT, "choice": WHOLE, "choices": Type("l", what="the choices as written"), "route": TEXTS,
            "answer": _one_of("partner's answer", ANSWERS), "minutes": NUMBER, "distribution": EXPECTATION})

# --- package C (people): response teams and the UN travel ban ---------------------------------
kind("imest.requested", "the host asks for a Major Event Support Team", "country! name? event", key=True,
     types={"event": _ref("event", what="major event id")})
for _how, _label in (("refused", "a country refuses entry under a UN travel ban"),
                     ("admitted", "a country lets in a traveller under a UN travel ban")):
    kind(f"entry.{_how}", _label, "country! notice! notice_kind? requester? subject! transit?"
         + (" returned_to?" if _how == "refused" else ""), key=True, types={"returned_to": COUNTRY})

_HIT_TYPE = _one_of("hit type", ("wanted", "victim", "not_the_person"))
kind("operation.hit", "an operation's check finds someone and the checkpoint reports it", "country! hit! operation! type!",
     types={"hit": TEXT, "type": _HIT_TYPE})
kind("operation.hit_resolved", "what an operation's reported hit came to after the NCB's triage",
     "country! hit! operation! outcome! type! unread?", key=True,
     types={"hit": TEXT, "type": _HIT_TYPE,
            "outcome": _one_of("outcome", ("arrested", "victim_protected", "lost", "cleared", "wasted")),
            "unread": FLAG})

kind("desk.backlog", "an NCB desk falls behind: its watched queue reaches the limit", "country! queued! limit!", key=True,
     types={"queued": WHOLE, "limit": WHOLE})
kind("desk.caught_up", "an NCB desk that fell behind is back to half its limit", "country! queued! limit!", key=True,
     types={"queued": WHOLE, "limit": WHOLE})


# --- package D (funds): stop-payment requests (I-GRIP) and the transfers they are about ---------------
FUNDS = _ref("funds", what="transfer id (the scenario's funds)")
_AMOUNT = Type("n", what="amount in US dollars")


def extend_kind(name: str, fields: str, types: Mapping[str, Type]) -> None:
    """Add optional fields to a kind declared above (a decision's context that a newer part of the
    engine carries), keeping its other fields and order."""
    k = KINDS[name]
    extra = tuple(FieldSpec(f, types[f]) for f in fields.split() if k.field(f) is None)
    KINDS[name] = EventKind(k.name, k.label, k.fields + extra, k.key, k.target, k.why_not)


extend_kind("decision.requested", "funds", {"funds": FUNDS})
kind("funds.stop_requested", "an NCB asks another to stop a fraudulent payment (I-GRIP)",
     "amount_usd? funds! requester! to!", key=True, types={"funds": FUNDS, "amount_usd": _AMOUNT})
kind("funds.stopped", "a bank freezes the account before the money is withdrawn",
     "amount_usd! country! funds! requester!", key=True, types={"funds": FUNDS, "amount_usd": _AMOUNT})
kind("funds.withdrawn", "the money mules withdraw the money before any freeze",
     "amount_usd! country! funds! requester!", key=True, types={"funds": FUNDS, "amount_usd": _AMOUNT})
kind("funds.not_found", "the NCB asked finds no such account in its country", "country! funds! requester!",
     key=True, types={"funds": FUNDS})

_JSON = {"s": "string", "t": "string", "d": "string", "i": "integer", "n": "number", "b": "boolean"}


_BOUNDS = ("gt", "ge", "lt", "le")


def field_schema(t: Type) -> dict[str, Any]:
    """The JSON Schema of one matchable field's value: a list takes includes/excludes, a number
    its value or bounds (gt, ge, lt, le)."""
    if t.letter == "l":
        items = {"type": "array", "items": {"type": "string"}, "minItems": 1}
        return {"type": "object", "additionalProperties": False, "minProperties": 1,
                "properties": {"includes": items, "excludes": items},
                **({"description": t.what} if t.what else {})}
    out: dict[str, Any] = {"type": _JSON[t.letter]}
    if t.values:
        out["enum"] = list(t.values)
    if t.what:
        out["description"] = t.what
    if t.letter in ("i", "n"):
        bounds = {"type": "object", "additionalProperties": False, "minProperties": 1,
                  "properties": {b: {"type": "number"} for b in _BOUNDS}}
        return {"anyOf": [out, bounds]}
    return out


def check_schemas() -> list[dict[str, Any]]:
    """One if/then per kind an objective can wait for: its ``match`` takes that kind's fields."""
    return [{"if": {"properties": {"event": {"const": name}}, "required": ["event"]},
             "then": {"properties": {"match": {
                 "type": "object", "additionalProperties": False,
                 "properties": {f.name: field_schema(f.type) for f in k.fields if f.type.matchable}}}}}
            for name, k in KINDS.items() if k.target]


def describe_type(t: Type) -> str:
    """A field's type in words, for the guide."""
    if t.values:
        return " \\| ".join(f"`{v}`" for v in t.values)
    if t.what:
        return t.what
    return {"s": "text", "i": "whole number", "n": "number", "b": "true/false", "t": "time", "d": "time",
            "l": "list", "x": "expectation"}[t.letter]


def event_kinds() -> tuple[str, ...]:
    return tuple(KINDS)


def objective_kinds() -> tuple[str, ...]:
    return tuple(k for k, v in KINDS.items() if v.target)


# --- checking an objective's match ---------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """What a scenario names: its world and the ids of each reference domain."""

    world: frozenset[str]
    members: frozenset[str]  # every INTERPOL member, to tell a code outside the world from a non-code
    ids: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, sc: Any, members) -> Scope:
        world = frozenset(sc.world.codes(list(members)))
        operations = {o.id for o in sc.operations}
        ids = {
            "subject": {s.id for s in sc.subjects}, "inject": {i.id for i in sc.injects},
            "objective": {o.id for o in sc.objectives}, "request": {r.id for r in sc.requests},
            "case": {c.id for c in sc.cases} | operations, "operation": operations,
            "incident": {i.id for i in sc.incidents}, "event": {e.id for e in sc.major_events},
            "seat": {f"ncb:{c}" for c in world} | {"ndtf", "ccc"},
            "funds": {f.id for f in sc.funds},  # package D
        }
        return cls(world, frozenset(members), {k: frozenset(v) for k, v in ids.items()})


def suggest(word: str, options, cutoff: float = 0.6) -> str:
    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=cutoff)
    return f" (did you mean '{close[0]}'?)" if close else ""


_LETTER_WORDS = {"s": "text", "i": "a whole number", "n": "a number", "b": "true or false", "t": "a time",
                 "d": "a time"}
NEVER = "; this objective can never be met"


def _fits(letter: str, value: object) -> bool:
    if letter in ("s", "t", "d"):
        return isinstance(value, str)
    if letter == "i":
        return isinstance(value, int) and not isinstance(value, bool)
    if letter == "n":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if letter == "b":
        return isinstance(value, bool)
    return False


def _shown(v: object) -> str:
    return f"'{v}'" if isinstance(v, str) else repr(v)


def _country(value: str, scope: Scope) -> str | None:
    if value in scope.world:
        return None
    if value.upper() in scope.world:
        return f"country codes are upper case{suggest(value.upper(), [value.upper()])}"
    if value in scope.members:
        return f"{value} is not in this exercise's world (add it to world.members, or drop it from world.exclude)"
    return f"{_shown(value)} is not a member country's ISO code{suggest(value.upper(), scope.world)}"


def value_problem(ek: EventKind, key: str, value: object, match: Mapping[str, object], scope: Scope) -> str | None:
    """What is wrong with ``key: value`` in a match on ``ek``, or None when an event could carry it."""
    spec = ek.field(key)
    if spec is None:
        return f"'{ek.name}' events carry no field {_shown(key)}{suggest(key, ek.names)}{NEVER}"
    t = spec.type
    if not t.matchable:
        return f"'{key}' is not something a match can compare{NEVER}"
    if hasattr(value, "operators"):  # a comparison (sim.scenario.model.Compare)
        return _comparison_problem(key, t, value.operators(), scope)
    if t.letter == "l":
        return (f"'{key}' is a list: compare it with {{includes: [...]}} or {{excludes: [...]}}, "
                f"e.g. {key}: {{includes: [{_shown(value).strip(chr(39))}]}}{NEVER}")
    if not _fits(t.letter, value):
        return f"'{key}' is {_LETTER_WORDS[t.letter]}, not {_shown(value)}{NEVER}"
    if not isinstance(value, str):
        return None
    values = t.values
    if t.what == OPTION.what:
        decision = match.get("type")
        if isinstance(decision, str) and decision in DECISIONS:
            if value not in DECISIONS[decision]:
                return (f"{_shown(value)} is not an option of a {decision} decision{suggest(value, DECISIONS[decision])}; "
                        f"its options: {', '.join(DECISIONS[decision])}{NEVER}")
            return None
    if values:
        if value in values:
            return None
        return f"{_shown(value)} is not a {t.what}{suggest(value, values)}; one of: {', '.join(values)}{NEVER}"
    if t.ref == "country":
        wrong = _country(value, scope)
        return wrong + NEVER if wrong else None
    if t.ref == "recipient" and (value == "GS" or value in all_offices()):  # GS (the NDTF's replies), IGCI…
        return None
    if t.ref == "recipient":
        wrong = _country(value, scope)
        return (wrong.replace("'s ISO code", "'s ISO code, nor GS (the General Secretariat)") + NEVER) if wrong else None
    if t.ref == "sender":  # a member's NCB, or a national body named in words
        if re.fullmatch(r"[A-Za-z]{2}", value) and (value.upper() in scope.members):
            wrong = _country(value, scope)
            return wrong + NEVER if wrong else None
        return None
    if t.ref:
        known = scope.ids.get(t.ref, frozenset())
        if value in known or (t.pattern and re.fullmatch(t.pattern, value)):
            return None
        # Ids are short (S1, S2): one character in two is already a likely slip.
        hint = suggest(value, known, cutoff=0.5)
        if not hint and known and len(known) <= 10:
            hint = f" (known: {', '.join(sorted(known))})"
        return f"no {t.ref} has id {_shown(value)} in this scenario{hint}{NEVER}"
    return None


def _comparison_problem(key: str, t: Type, ops: Mapping[str, Any], scope: Scope) -> str | None:
    """What is wrong with a comparison on a field of type ``t``, or None."""
    listed = [k for k in ops if k in ("includes", "excludes")]
    if t.letter == "l":
        if not listed:
            return f"'{key}' is a list: compare it with includes or excludes, not {', '.join(ops)}{NEVER}"
        if t.ref == "country":
            for op in listed:
                for item in ops[op]:
                    wrong = _country(item, scope)
                    if wrong:
                        return f"{op}: {wrong}{NEVER}"
        both = set(ops.get("includes", ())) & set(ops.get("excludes", ()))
        if both:
            return f"includes and excludes both name {', '.join(sorted(both))}: no list can do both{NEVER}"
        return None
    if t.letter in ("i", "n"):
        if listed:
            return f"'{key}' is a number: compare it with gt, ge, lt or le, not {', '.join(listed)}{NEVER}"
        for lo in ("gt", "ge"):
            for hi in ("lt", "le"):
                if lo in ops and hi in ops and (ops[lo] > ops[hi] or (ops[lo] == ops[hi] and (lo, hi) != ("ge", "le"))):
                    return f"no number is {' and '.join(f'{k} {v:g}' for k, v in ops.items())}{NEVER}"
        return None
    return (f"'{key}' is {_LETTER_WORDS.get(t.letter, 'a value')}: give the value itself; a comparison takes a "
            f"list (includes, excludes) or a number (gt, ge, lt, le){NEVER}")


def match_problems(kind_name: str, match: Mapping[str, object], scope: Scope) -> list[tuple[str, str]]:
    """(key, message) for each ``match`` entry no event of ``kind_name`` could carry in this scenario;
    key is '' for a problem with the kind itself."""
    ek = KINDS.get(kind_name)
    if ek is None:
        return [("", f"no event kind {_shown(kind_name)}{suggest(kind_name, KINDS)}")]
    if not ek.target:
        return [("", f"an objective cannot wait for {kind_name}: {ek.why_not}")]
    out = []
    for key, value in match.items():
        wrong = value_problem(ek, key, value, match, scope)
        if wrong is not None:
            out.append((key, wrong))
    return out
# The context other prompts carry on decision.requested (an operation's hit to triage, the major
# event an IMEST is asked for), and who a purged diffusion's recipients were: declared, so views,
# objectives and the journal's checks know them (principle 9: one registry of fields).
extend_kind("decision.requested", "hit operation event", {"hit": TEXT, "operation": COMMON["operation"],
                                                          "event": TEXT})
extend_kind("diffusion.reviewed", "recipients_told", {"recipients_told": COUNTRIES})
