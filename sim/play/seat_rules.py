"""What a seat may do on its own initiative, and why not when it may not.

Each check reads the exercise as it stands and answers with a reason for people, or None. A
refusal changes nothing. The rules that are the domain's own (a diffusion needs recipients, a
request names a known offence) are checked here; the rules the NDTF applies to a form's content
(missing fields, the penalty threshold, Art. 3) are *not* refusals: the request goes, and the
NDTF answers it, because learning that is the point of the exercise.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

from ..engine.acts import Draft, RecipientError, expand_recipients
from ..engine.views import parse_seat
from ..notices.arrests import MODES
from ..notices.extradition import PAPERS
from ..notices.kinds import ALL_OFFENCES, PURPOSES, REQUEST_KINDS, REQUIRED_FIELDS, kind_name
from ..notices.rules import MEASURES
from ..people.subjects import arrest_requested
from ..scenario.cases import OBJECT_KINDS
from ..world.members import LANGUAGES
from .commands import (
    VERDICTS,
    AbandonExtradition,
    AnswerDecision,
    AskProsecution,
    Command,
    DraftRequest,
    ReadMessage,
    RequestProvisionalArrest,
    RequestStopPayment,
    SeatCommand,
    SendExtraditionDocuments,
    SendMessage,
    SubmitRequest,
    ValidateExpectation,
    WithdrawRequest,
    control_payload,
)

if TYPE_CHECKING:
    from ..engine.exercise import Exercise


class Inbox(Protocol):
    """What the rules need of a seat's view: which messages have reached its inbox."""

    def inbox_ids(self) -> frozenset[int]: ...

PRIORITIES = ("routine", "high", "urgent")
MAX_TEXT = 10_000
MAX_LINE = 200
_REFERENCE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$")


TRAINER = "trainer"


def is_seat(ex: Exercise, seat: str) -> bool:
    """The trainer, the NDTF, the CCC, or an NCB of a member in this exercise's world, written
    as the engine writes it (``ncb:FR``)."""
    try:
        role, country = parse_seat(seat)
    except ValueError:
        return False
    if role != "ncb":
        return seat == role
    return seat == f"ncb:{country}" and country in ex.world.members


def answer_refusal(ex: Exercise, seat: str, command: AnswerDecision) -> str | None:
    """A seat answers its own decisions; the trainer any seat's."""
    d = ex.port.decisions.get(command.decision)
    if d is None:
        return f"there is no decision {command.decision}"
    if command.seat != d.seat:
        return f"decision {d.id} is for {d.seat}, not {command.seat}"
    if seat not in (TRAINER, d.seat):
        return f"{seat} may answer only its own decisions; {d.id} is for {d.seat}"
    if d.state != "open":
        return f"decision {d.id} is already {d.state}"
    if command.option not in {o.key for o in d.options}:
        return f"decision {d.id} has no option '{command.option}'; options: {', '.join(o.key for o in d.options)}"
    return None


def control_refusal(ex: Exercise, command: Command) -> str | None:
    """A trainer's control the MSEL cannot take (an unknown inject, one already fired…)."""
    try:
        ex.injects.check(control_payload(command))  # type: ignore[arg-type]  # callers pass controls only
    except ValueError as e:
        return str(e)
    return None


def refusal(ex: Exercise, tracker: Inbox, seat: str, command: SeatCommand) -> str | None:
    role = seat.partition(":")[0]
    if isinstance(command, SendMessage):
        return _message(ex, tracker, seat, command)
    if isinstance(command, ReadMessage):
        return None if command.msg in tracker.inbox_ids() else f"message {command.msg} is not in {seat}'s inbox"
    if isinstance(command, RequestStopPayment):  # package D
        if role != "ncb":
            return "only an NCB asks another for a stop payment"
        if len(command.text) > MAX_TEXT:
            return f"a message's text is at most {MAX_TEXT:,} characters"
        return ex.funds.refusal(seat.partition(":")[2], command.funds, command.to)
    if role != "ncb":
        return "only an NCB requests notices and diffusions"
    country = seat.partition(":")[2]
    if isinstance(command, DraftRequest):
        return _draft(ex, country, command)
    if isinstance(command, SubmitRequest):
        return _submit(ex, country, command.request)
    if isinstance(command, WithdrawRequest):
        rec = ex.registry.records.get(command.request)
        if rec is None or rec.requester != country or rec.background:
            return f"{country} has no request {command.request} to withdraw"
        if not rec.machine.allows(rec.state, "cancel"):
            return f"request {rec.id} is {rec.state.replace('_', ' ')}: only a live notice or diffusion is withdrawn"
        return None
    if isinstance(command, RequestProvisionalArrest):
        return _arrest_request(ex, country, command)
    if isinstance(command, SendExtraditionDocuments | AbandonExtradition | AskProsecution):
        return _case_command(ex, country, command)
    raise TypeError(f"{type(command).__name__} is not a seat's command")


def _arrest_request(ex: Exercise, country: str, c: RequestProvisionalArrest) -> str | None:
    if c.to == country:
        return "an NCB arrests in its own country on its own warrant, not through I-24/7"
    if c.to not in ex.world.members:
        return f"'{c.to}' is not an NCB of this exercise"
    subject = next((s for s in ex.scenario.subjects if s.id == c.subject), None)
    if subject is None:
        return f"the scenario has no subject '{c.subject}'"
    if subject.kind in OBJECT_KINDS:
        return f"{c.subject} is a {subject.kind.replace('_', ' ')}: only a person is arrested"
    if c.request is not None:
        rec = ex.registry.records.get(c.request)
        if rec is None or rec.requester != country or rec.background:
            return f"{country} has no request {c.request}"
        if rec.subject != c.subject:
            return f"request {c.request} is about another subject"
        if not arrest_requested(rec):
            return f"{c.request} asks for {'information' if rec.kind != 'yellow' else 'a missing person'}, not an arrest"
        if not rec.visible:
            return f"request {c.request} is {rec.state.replace('_', ' ')}: it is no basis for an arrest"
    elif ex.movements.hits.national_warrant(c.subject, country) is None and country not in subject.law.own_warrant_in:
        return (f"{country} has no warrant for {subject.identity.name} on file: an arrest request rests on a Red "
                f"Notice, an arrest diffusion or a national warrant")
    if len(c.text) > MAX_TEXT:
        return f"a message's text is at most {MAX_TEXT:,} characters"
    return None


def _case_command(ex: Exercise, country: str,
                  c: SendExtraditionDocuments | AbandonExtradition | AskProsecution) -> str | None:
    case = ex.arrests.cases.get(c.case)
    if case is None or case.requester != country:
        return f"{country} has no arrest case {c.case}"
    state = case.state.replace("_", " ")
    if isinstance(c, SendExtraditionDocuments):
        unknown = [d for d in c.documents if d not in PAPERS]
        if unknown:
            return f"unknown document '{unknown[0]}'; a formal request holds {', '.join(PAPERS)}"
        if len(set(c.documents)) != len(c.documents):
            return "each document once"
        if case.abandoned:
            return f"case {c.case} was abandoned"
        if case.state != "arrested":
            return f"case {c.case} is {state}: a formal request goes while the person is provisionally arrested"
        if case.papers is not None:
            return f"the formal request for case {c.case} was already sent"
        return None
    if isinstance(c, AbandonExtradition):
        if not case.active:
            return f"case {c.case} is {state}: nobody is held on it any more"
        return f"case {c.case} was already abandoned" if case.abandoned else None
    if c.mode not in MODES:
        return f"unknown mode '{c.mode}'; expected one of {', '.join(MODES)}"
    if not ex.arrests.may_transfer(case):
        if case.proceedings is not None:
            return f"the proceedings of case {c.case} were already transferred"
        return f"case {c.case} is {state}: only a state that refused to surrender its national is asked to prosecute"
    return None


def _message(ex: Exercise, tracker: Inbox, seat: str, m: SendMessage) -> str | None:
    src = ex.acts.office(seat)
    if not m.text.strip():
        return "a message needs some text"
    if len(m.text) > MAX_TEXT or len(m.subject) > MAX_LINE:
        return f"a message's text is at most {MAX_TEXT:,} characters and its subject {MAX_LINE}"
    if m.priority not in PRIORITIES:
        return f"unknown priority '{m.priority}'; expected one of {', '.join(PRIORITIES)}"
    if m.language is not None and m.language not in LANGUAGES:
        return f"unknown language '{m.language}'; I-24/7 carries {', '.join(LANGUAGES)}"
    if m.case is not None and not _REFERENCE.match(m.case):
        return "a case reference is a short code such as C1 or OP-7"
    if m.reply_to is not None and m.forward_of is not None:
        return "a message replies to one message or forwards one, not both"
    for ref in (m.reply_to, m.forward_of):
        if ref is not None and ref not in tracker.inbox_ids():
            return f"message {ref} is not in {seat}'s inbox"
    if not m.to:
        return "a message needs at least one recipient"
    try:
        to = expand_recipients(m.to, ex.world.members, src, ex.world.offices)
    except RecipientError as e:
        return str(e)
    if not to:
        return "no recipient left: a seat does not write to its own office"
    return None


def _draft(ex: Exercise, country: str, d: DraftRequest) -> str | None:
    if not _REFERENCE.match(d.request):
        return "a request's reference is a short code such as N1 or D-FR-7"
    if d.notice_kind not in REQUEST_KINDS:
        return f"unknown kind '{d.notice_kind}'; expected one of {', '.join(REQUEST_KINDS)}"
    owner = _owner(ex, d.request)
    if owner is not None and owner != country:
        return f"request {d.request} is {owner}'s"
    truth = ex.acts.scenario_request(d.request)
    if truth is not None and ex.filing.settled_by_automation(d.request):
        return f"request {d.request} is filed by the scenario itself, not drafted at a seat"
    if truth is not None and truth.kind != d.notice_kind:
        return f"request {d.request} is the scenario's {truth.kind} request; draft it as {truth.kind}"
    rec = ex.registry.records.get(d.request)
    if rec is not None and d.request not in ex.acts.cases:
        return f"request {d.request} was filed without a form written at this seat; it cannot be edited here"
    if rec is not None and rec.state != "info_requested":
        return f"request {d.request} was submitted and is {rec.state.replace('_', ' ')}: it can no longer be edited"
    if rec is not None:
        sent = ex.acts.drafts[d.request]
        if (d.notice_kind, d.subject) != (sent.kind, sent.subject):
            return (f"request {d.request} was submitted as a {kind_name(sent.kind)} request on its subject; correct its "
                    f"fields, or draft a new request")
        if d.notice_kind == "diffusion" and set(expand_recipients(d.to, ex.world.members, country)) != set(sent.to):
            return "a circulated diffusion keeps its recipients; circulate a new one to reach others"
    subject = next((s for s in ex.scenario.subjects if s.id == d.subject), None)
    if d.subject is not None and subject is None:
        return f"the scenario has no subject '{d.subject}'"
    if d.notice_kind == "purple" and subject is not None and subject.kind not in OBJECT_KINDS:
        return ("a Purple Notice describes a modus operandi, objects, devices or concealment methods, never a "
                "person: leave the subject out")
    allowed = PURPOSES.get(d.notice_kind, ())
    if d.purpose is not None and d.purpose not in allowed:
        return (f"purpose '{d.purpose}' does not apply to a {d.notice_kind} request"
                + (f"; expected one of {', '.join(allowed)}" if allowed else ""))
    if d.offence is not None and d.offence not in ALL_OFFENCES:
        return f"unknown offence '{d.offence}'"
    if d.max_penalty_years is not None and not 0 <= d.max_penalty_years <= 200:
        return "the maximum penalty is between 0 and 200 years"
    if d.sentence_months is not None and not 0 <= d.sentence_months <= 2400:
        return "the remaining sentence is between 0 and 2400 months"
    if d.to and d.notice_kind != "diffusion":
        return "only a diffusion has recipients; a notice goes to every NCB"
    if d.measures and d.notice_kind != "silver":
        return "only a Silver request names measures on assets"
    unknown = [m for m in d.measures if m not in MEASURES]
    if unknown:
        return f"unknown measure '{unknown[0]}'; expected some of {', '.join(MEASURES)}"
    if len(set(d.measures)) != len(d.measures):
        return "a measure is named twice"
    if "GS" in d.to:
        return "a diffusion goes to NCBs, not to the General Secretariat (it reviews every diffusion anyway)"
    try:
        expand_recipients(d.to, ex.world.members, country)
    except RecipientError as e:
        return str(e)
    known = REQUIRED_FIELDS[d.notice_kind]
    for name, value in d.form:
        if name not in known:
            return f"a {d.notice_kind} request has no field '{name}'; its fields: {', '.join(known)}"
        if len(value) > MAX_TEXT:
            return f"field '{name}' is longer than {MAX_TEXT:,} characters"
    return None


def _submit(ex: Exercise, country: str, request: str) -> str | None:
    draft: Draft | None = ex.acts.drafts.get(request)
    if draft is None or draft.requester != country:
        return f"{country} has no draft {request}; write it first"
    rec = ex.registry.records.get(request)
    if rec is not None:
        if request not in ex.acts.cases:
            return f"request {request} was filed without a form written at this seat"
        if rec.state != "info_requested":
            return f"request {request} was already submitted and is {rec.state.replace('_', ' ')}"
        if draft.sent:
            return f"request {request} is unchanged since it was submitted: correct it first"
    elif draft.sent:
        return f"request {request} was already submitted"
    if ex.filing.settled_by_automation(request):
        return f"request {request} was already filed"
    if draft.kind == "diffusion" and not draft.to:
        return "a diffusion needs recipients: choose countries, a region or all"
    return None


def _owner(ex: Exercise, request: str) -> str | None:
    """The NCB a request reference belongs to: a record's, a draft's or the scenario's."""
    rec = ex.registry.records.get(request)
    if rec is not None:
        return rec.requester
    draft = ex.acts.drafts.get(request)
    if draft is not None:
        return draft.requester
    truth = ex.acts.scenario_request(request)
    return truth.by if truth is not None else None


def validation_refusal(ex: Exercise, c: ValidateExpectation) -> str | None:
    """Why an evaluator's verdict cannot be recorded: it names exactly one inject that carried an
    expected action and has fired (there is nothing to judge before), or one objective."""
    if c.verdict not in VERDICTS:
        return f"unknown verdict '{c.verdict}'; expected {', '.join(VERDICTS)}"
    if not c.author.strip():
        return "a verdict needs an author"
    if (c.inject is None) == (c.objective is None):
        return "name either an inject's expected action or an objective, not both"
    if c.objective is not None:
        known = [o.id for o in ex.scenario.objectives]
        return None if c.objective in known else \
            f"the scenario has no objective '{c.objective}'; it has {', '.join(known) or 'none'}"
    inj = ex.injects.by_id.get(c.inject or "")
    if inj is None:
        return f"no inject '{c.inject}' in the MSEL"
    if inj.expect is None:
        return f"inject {inj.id} expects no action: there is nothing to validate"
    if inj.id not in ex.injects.fired:
        return f"inject {inj.id} has not fired yet: its expected action cannot be judged"
    return None
