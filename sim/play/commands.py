"""What people (and, later, automation) do in an exercise, as typed commands.

Each command is a frozen dataclass with a ``kind``; ``to_json()`` and ``command_from_json()``
carry it as plain JSON, so the same commands can later cross a socket. Reading JSON refuses an
unknown kind, a missing or unknown field, or a value of the wrong type, with a message that
says which.

Field types are few on purpose, each with one JSON form: text, a number, a whole number, a list
of texts (``tuple[str, ...]``), and a form (``Form``: text field → text, a JSON object).
"""

from __future__ import annotations

import math
from dataclasses import MISSING, Field, dataclass, fields
from functools import cache
from typing import Any, ClassVar, get_type_hints

Form = tuple[tuple[str, str], ...]  # (field, value) pairs, in the order written; JSON: an object


class CommandError(ValueError):
    """JSON that is not a command: unknown kind, missing or unknown field, wrong type."""


class _Command:
    __slots__ = ()
    kind: ClassVar[str]

    def to_json(self) -> dict[str, Any]:
        """The command as plain JSON data: ``{"kind": ..., field: value, ...}``."""
        return to_json(self)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class AnswerDecision(_Command):
    """Choose an option of an open decision (a seat answers its own; the trainer any seat's)."""

    kind: ClassVar[str] = "answer_decision"
    seat: str  # the seat whose decision it is (the trainer answers for any seat)
    decision: str
    option: str


@dataclass(frozen=True, slots=True)
class FireInject(_Command):
    """Fire an inject of the MSEL now (trainer only)."""

    kind: ClassVar[str] = "fire_inject"
    inject: str


@dataclass(frozen=True, slots=True)
class HoldInject(_Command):
    """Hold an inject back: when it falls due it waits for a release (trainer only)."""

    kind: ClassVar[str] = "hold_inject"
    inject: str


@dataclass(frozen=True, slots=True)
class ReleaseInject(_Command):
    """Release a held inject; if it fell due while held it fires now (trainer only)."""

    kind: ClassVar[str] = "release_inject"
    inject: str


@dataclass(frozen=True, slots=True)
class RescheduleInject(_Command):
    """Move an inject of the MSEL to another time, now or later (trainer only); refused once it has
    fired or been skipped, or for a time already past."""

    kind: ClassVar[str] = "reschedule_inject"
    inject: str
    at: float  # minutes after the start


@dataclass(frozen=True, slots=True)
class AddInject(_Command):
    """An ad-hoc inject, fired now or at a later time: what the trainer console's form builds
    (trainer only)."""

    kind: ClassVar[str] = "add_inject"
    id: str
    to: str
    text: str
    priority: str = "routine"
    from_: str | None = None  # an NCB's code, a national body or GS; the scenario's default when None
    at: float | None = None  # minutes after the start; now when None

    def inject_data(self) -> dict[str, Any]:
        """The inject as a scenario writes it."""
        data: dict[str, Any] = {"id": self.id, "to": self.to, "text": self.text, "priority": self.priority}
        if self.from_ is not None:
            data["from"] = self.from_
        return data


@dataclass(frozen=True, slots=True)
class AddNote(_Command):
    """An evaluator's note, optionally about one objective with an HSEEP rating (trainer only)."""

    kind: ClassVar[str] = "add_note"
    text: str
    author: str = "trainer"
    objective: str | None = None
    rating: str | None = None


# An evaluator's verdict on an expected action, as HSEEP exercise evaluation guides record it.
VERDICTS = ("met", "partly_met", "not_met")


@dataclass(frozen=True, slots=True)
class ValidateExpectation(_Command):
    """An evaluator's own verdict on an expected action — an inject's ``expect`` once it has fired,
    or an objective — beside the automatic scoring: ``met``, ``partly_met`` or ``not_met``, with a
    note (trainer only). Journalled as ``expectation.validated`` and shown in the report."""

    kind: ClassVar[str] = "validate_expectation"
    verdict: str
    inject: str | None = None  # an inject of the MSEL that carried an expected action
    objective: str | None = None  # or an objective of the scenario
    note: str = ""
    author: str = "evaluator"


@dataclass(frozen=True, slots=True)
class SendMessage(_Command):
    """An I-24/7 message from the seat's office (an NCB; the NDTF and the CCC write from the General
    Secretariat) to one or several recipients: NCB codes (``ES``), ``GS``, INTERPOL's other
    offices (``IGCI``, ``CCC-SIN``…), a region (``region:Europe``) or ``all`` members. ``reply_to`` answers a message of the seat's inbox (a
    reply to a request for information is the answer it waits for); ``forward_of`` passes one on
    with its text. ``language`` defaults, for each recipient, to the first of the office's working
    languages it reads (the office's first language when they share none)."""

    kind: ClassVar[str] = "send_message"
    to: tuple[str, ...]
    text: str
    subject: str = ""
    priority: str = "routine"
    language: str | None = None
    case: str | None = None
    reply_to: int | None = None
    forward_of: int | None = None


@dataclass(frozen=True, slots=True)
class ReadMessage(_Command):
    """Open a message of the seat's inbox: the person has read it (what objectives about reading
    count, rather than the desk's automatic handling)."""

    kind: ClassVar[str] = "read_message"
    msg: int


@dataclass(frozen=True, slots=True)
class DraftRequest(_Command):
    """Write (or rewrite) the seat's request form for a notice or a diffusion, as a draft: nothing
    is sent. ``form`` holds the kind's fields (``name``, ``charge``, ``photo``…; an empty value is
    a missing field). Drafting again replaces the draft; once the NDTF has asked for more, drafting
    again is how the request is corrected before it is resubmitted."""

    kind: ClassVar[str] = "draft_request"
    request: str  # the request's reference, e.g. N1 (the scenario's id for a request it foresees)
    notice_kind: str  # red … un, or diffusion
    subject: str | None = None
    purpose: str | None = None
    offence: str | None = None
    max_penalty_years: float | None = None
    sentence_months: float | None = None
    to: tuple[str, ...] = ()  # a diffusion's recipients: codes, region:NAME or all
    form: Form = ()
    # A Silver request's measures: locate, identify, monitor, obtain_information — or freeze,
    # seize, confiscate, which a Silver Notice can never ask (the NDTF refuses the request).
    measures: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SubmitRequest(_Command):
    """Send the draft to the General Secretariat (a diffusion circulates at once to its
    recipients); a request the NDTF sent back is resubmitted with its corrected draft."""

    kind: ClassVar[str] = "submit_request"
    request: str


@dataclass(frozen=True, slots=True)
class WithdrawRequest(_Command):
    """Withdraw the seat's published notice or circulated diffusion (it stops being valid at once)."""

    kind: ClassVar[str] = "withdraw_request"
    request: str


@dataclass(frozen=True, slots=True)
class RequestProvisionalArrest(_Command):
    """Ask an NCB to arrest a person provisionally where he is (after a report of his
    whereabouts, say): on the seat's own notice or diffusion ``request``, or, with none, on its
    national warrant through the treaty's channels. That NCB acts once it has read the request."""

    kind: ClassVar[str] = "request_provisional_arrest"
    to: str
    subject: str
    request: str | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class SendExtraditionDocuments(_Command):
    """Send the formal extradition request for a person provisionally arrested on the seat's
    request (arrest case ``case``, e.g. A1). ``documents``: what it holds, of ``warrant``,
    ``facts``, ``law``, ``identity`` and ``translation`` (needed when the two states share no
    working language); the requested state's courts refuse a request that lacks one. It counts
    once the arresting NCB has read it, which must be before the case's deadline."""

    kind: ClassVar[str] = "send_extradition_documents"
    case: str
    documents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AbandonExtradition(_Command):
    """Give up the extradition of a person held on the seat's request: the arresting NCB
    releases him as soon as it has read the message."""

    kind: ClassVar[str] = "abandon_extradition"
    case: str


@dataclass(frozen=True, slots=True)
class AskProsecution(_Command):
    """After a state refused to surrender its own national, ask it to ``prosecute`` him itself or
    to ``enforce`` the sentence (aut dedere aut judicare)."""

    kind: ClassVar[str] = "ask_prosecution"
    case: str
    mode: str = "prosecute"


@dataclass(frozen=True, slots=True)
class RequestStopPayment(_Command):
    """Ask an NCB to have a bank freeze the account that received a fraudulent transfer
    (``funds``, e.g. F1) before the money is withdrawn: INTERPOL's stop-payment mechanism (I-GRIP).
    An urgent I-24/7 message; the bank acts once that NCB has read it. Sent to an NCB whose country
    does not hold the account, it finds nothing there."""

    kind: ClassVar[str] = "request_stop_payment"
    funds: str
    to: str
    text: str = ""


Command = (AnswerDecision | FireInject | HoldInject | ReleaseInject | AddInject | AddNote | RescheduleInject | SendMessage
           | ReadMessage | DraftRequest | SubmitRequest | WithdrawRequest | RequestProvisionalArrest
           | SendExtraditionDocuments | AbandonExtradition | AskProsecution | ValidateExpectation
           | RequestStopPayment)
SeatCommand = (SendMessage | ReadMessage | DraftRequest | SubmitRequest | WithdrawRequest | RequestProvisionalArrest
               | SendExtraditionDocuments | AbandonExtradition | AskProsecution | RequestStopPayment)

# Commands a seat gives about its own work (recorded as the seat's, replayed by the engine).
SEAT_COMMANDS = (SendMessage, ReadMessage, DraftRequest, SubmitRequest, WithdrawRequest, RequestProvisionalArrest,
                 SendExtraditionDocuments, AbandonExtradition, AskProsecution, RequestStopPayment)
COMMANDS: dict[str, type] = {c.kind: c for c in (AnswerDecision, FireInject, HoldInject, ReleaseInject, AddInject,
                                                  AddNote, RescheduleInject, *SEAT_COMMANDS)}
COMMANDS[ValidateExpectation.kind] = ValidateExpectation
# Recorded as a command row and put back by a replay like a seat's own command (it is journalled).
RECORDED_COMMANDS = (*SEAT_COMMANDS, ValidateExpectation)
# JSON names that differ from the Python field names ('from' is a keyword).
_JSON_NAME = {"from_": "from"}
_PY_NAME = {v: k for k, v in _JSON_NAME.items()}


def to_json(command: Command) -> dict[str, Any]:
    """The command as plain JSON data: ``{"kind": ..., field: value, ...}``."""
    out: dict[str, Any] = {"kind": command.kind}
    for f in fields(command):
        v = getattr(command, f.name)
        if f.name == "form":
            v = dict(v)
        elif isinstance(v, tuple):
            v = list(v)
        out[_JSON_NAME.get(f.name, f.name)] = v
    return out


# Each field type once: its wording in errors, its check on JSON, its JSON Schema.
_TYPES: dict[str, tuple[str, Any, dict[str, Any]]] = {
    "str": ("text", lambda v: isinstance(v, str), {"type": "string"}),
    "int": ("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool), {"type": "integer"}),
    "float": ("a number", lambda v: isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v),
              {"type": "number"}),
    "tuple[str, ...]": ("a list of texts", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                        {"type": "array", "items": {"type": "string"}}),
    "Form": ("an object of texts", lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
             {"type": "object", "additionalProperties": {"type": "string"}}),
}


@cache  # a command class's fields never change, and a busy server reads them for every command
def _field_types(cls: type) -> dict[str, tuple[str, bool]]:
    """Each field's base type name and whether it may be null, from the annotations."""
    out = {}
    for f in fields(cls):
        written = str(f.type)
        base = written.replace(" | None", "")
        out[f.name] = (base, written != base)
    return out


@cache
def _fields_by_name(cls: type) -> dict[str, Field]:
    return {f.name: f for f in fields(cls)}


def command_from_json(data: Any) -> Command:
    """The command ``data`` describes, or CommandError saying what is wrong with it."""
    if not isinstance(data, dict):
        raise CommandError(f"a command is a JSON object, not {type(data).__name__}")
    kind = data.get("kind")
    cls = COMMANDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise CommandError(f"unknown command kind {kind!r}; expected one of {', '.join(sorted(COMMANDS))}")
    known = _fields_by_name(cls)
    types = _field_types(cls)
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "kind":
            continue
        name = _PY_NAME.get(key, key)
        if name not in known or key in _JSON_NAME:
            raise CommandError(f"{kind}: unknown field {key!r}; fields: "
                               f"{', '.join(_JSON_NAME.get(n, n) for n in known)}")
        base, optional = types[name]
        what, ok, _ = _TYPES[base]
        if not ((value is None and optional) or ok(value)):
            raise CommandError(f"{kind}: field {key!r} must be {what}{' or null' if optional else ''}, "
                               f"not {type(value).__name__}")
        if base == "Form":
            value = tuple(value.items())
        elif base == "tuple[str, ...]":
            value = tuple(value)
        elif base == "float" and value is not None:
            value = float(value)
        values[name] = value
    missing = [_JSON_NAME.get(n, n) for n, f in known.items() if n not in values and f.default is MISSING]
    if missing:
        raise CommandError(f"{kind}: missing field(s) {', '.join(missing)}")
    return cls(**values)


def control_payload(command: FireInject | HoldInject | ReleaseInject | AddInject | RescheduleInject) -> dict[str, Any]:
    """A trainer's control as the session records it (``by: control`` rows) and the MSEL applies it."""
    if isinstance(command, AddInject):
        return {"action": "adhoc", "inject": command.inject_data(),
                **({"due": command.at} if command.at is not None else {})}
    if isinstance(command, RescheduleInject):
        return {"action": "reschedule", "inject": command.inject, "due": command.at}
    action = {FireInject: "fire", HoldInject: "hold", ReleaseInject: "release"}[type(command)]
    return {"action": action, "inject": command.inject}


def command_schema() -> dict[str, Any]:
    """The JSON Schema of one command (any kind), from the same field table the codec reads."""
    variants = []
    for kind, cls in sorted(COMMANDS.items()):
        props: dict[str, Any] = {"kind": {"const": kind}}
        required = ["kind"]
        for f, (base, optional) in _field_types(cls).items():
            prop = dict(_TYPES[base][2])
            if optional:
                prop = {"anyOf": [prop, {"type": "null"}]}
            props[_JSON_NAME.get(f, f)] = prop
            if next(x for x in fields(cls) if x.name == f).default is MISSING:
                required.append(_JSON_NAME.get(f, f))
        doc = " ".join((cls.__doc__ or "").split())
        variants.append({"title": kind, "description": doc, "type": "object", "properties": props,
                         "required": required, "additionalProperties": False})
    return {"oneOf": variants}


def _check_annotations() -> None:
    """Every field of every command has a type the JSON codec knows (checked at import: a new
    command with an unsupported type fails at once, not on the first socket)."""
    for cls in COMMANDS.values():
        get_type_hints(cls, {**globals()})
        for name, (base, _) in _field_types(cls).items():
            if base not in _TYPES:
                raise TypeError(f"{cls.__name__}.{name}: type {base} has no JSON form")


_check_annotations()
