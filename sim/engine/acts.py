"""What a person at a seat does on their own initiative: write I-24/7 messages and request forms.

The play host checks a command against the seat's rights and the rules, records it, and hands
its JSON here; a replay hands the recorded JSON here again at the same instant, so this module
knows nothing of the play layer. Everything it does is journalled with ``by`` (the journal's
cause): ``person`` for a seat's command.

* A message goes to each recipient over I-24/7; its free text is carried, not parsed. A reply to
  a partner's request for information is the answer that request waits for (a late one delays
  the partner's case); a language the recipient does not read costs it translation time.
* A request form is a draft until submitted. The NDTF reads its fields: one the kind needs that
  is empty comes back as a request for more; the seat corrects the draft and resubmits. A
  diffusion reaches only the recipients the seat chose.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..notices.kinds import DEFAULT_PURPOSE, REQUIRED_FIELDS
from ..notices.registry import Record
from ..notices.review import Case, aftermath
from ..notices.rules import COERCIVE_MEASURES, DATA_QUALITY, Finding, findings

if TYPE_CHECKING:
    from ..scenario.cases import Identity, Request
    from .exercise import Exercise

ON_FILE = "in the case file"  # a field the scenario declares filled, whose content the model does not write
GS = "GS"


class RecipientError(ValueError):
    """A recipient that names no NCB, region or office of this exercise's world."""


def expand_recipients(tokens: Iterable[str], members: Mapping[str, Any], sender: str,
                      offices: Collection[str] = ()) -> list[str]:
    """NCB codes, ``GS``, ``region:NAME`` or ``all`` → the offices they name, each once, in the
    order written (the sender itself left out). ``offices``: INTERPOL's offices a message may
    also name on I-24/7 (``IGCI``, ``CCC-SIN``, ``RB-NBO``…); none for a diffusion, which goes to
    NCBs only."""
    out: list[str] = []
    for token in tokens:
        if token == "all":
            named = list(members)
        elif token.startswith("region:"):
            region = token[7:]
            regions = sorted({m.region for m in members.values()})  # (only here: most messages name NCBs)
            if region not in regions:
                raise RecipientError(f"no region '{region}' in this exercise; regions: {', '.join(regions)}")
            named = [c for c, m in members.items() if m.region == region]
        elif token == GS or token in members or token in offices:
            named = [token]
        elif offices:
            raise RecipientError(f"'{token}' is not an NCB of this exercise, GS, an INTERPOL office "
                                 f"({', '.join(o for o in offices if o != GS)}), region:NAME or all")
        else:
            raise RecipientError(f"'{token}' is not an NCB of this exercise, GS, region:NAME or all")
        out.extend(c for c in named if c != sender and c not in out)
    return out


@dataclass(slots=True)
class Draft:
    """A seat's request form, as last written."""

    request: str
    requester: str
    kind: str
    subject: str | None
    purpose: str | None
    offence: str | None
    max_penalty_years: float | None
    sentence_months: float | None
    to: tuple[str, ...]  # a diffusion's recipients, expanded to codes
    form: dict[str, str] = field(default_factory=dict)
    measures: tuple[str, ...] = ()  # a Silver request's
    sent: bool = False  # the text as it stands has been submitted

    @classmethod
    def written(cls, p: Mapping[str, Any], requester: str, to: tuple[str, ...]) -> Draft:
        """The draft a ``draft_request`` command's JSON describes (recipients already expanded)."""
        return cls(p["request"], requester, p["notice_kind"], p.get("subject"), p.get("purpose"), p.get("offence"),
                   p.get("max_penalty_years"), p.get("sentence_months"), to, dict(p.get("form", {})),
                   tuple(p.get("measures", ())))

    def provided(self) -> frozenset[str]:
        return frozenset(k for k, v in self.form.items() if v.strip())

    def problems(self, truth: Request | None = None) -> list[Finding]:
        """Every rule the form breaks as written (with the case's hidden truth when known). An
        unknown penalty is a gap to fill here, not a refusal: a person can still add it."""
        purpose = self.purpose or DEFAULT_PURPOSE.get(self.kind)
        return findings(self.kind, purpose=purpose, offence=self.offence, max_penalty_years=self.max_penalty_years,
                        sentence_months=self.sentence_months, provided=self.provided(),
                        character=truth.character if truth else None,
                        human_rights_risk=truth.human_rights_risk if truth else False,
                        requester=self.requester, penalty_unknown_is_gap=True, measures=self.measures)

    def missing(self) -> list[str]:
        """The fields the NDTF would ask for: the kind's own, and the penalty where one is needed."""
        gaps = [f for f in REQUIRED_FIELDS[self.kind] if f not in self.provided()]
        for f in self.problems():
            if f.reason == DATA_QUALITY:
                gaps += [g for g in f.detail.removeprefix("missing ").split(", ") if g not in gaps]
        return gaps


class SeatActs:
    def __init__(self, ex: Exercise) -> None:
        # What a person's commands reach, taken once (all built before the acts): the clock, the
        # journal, I-24/7 and the world's offices; the registry, the NDTF's review and the prompts
        # to file; the exchanges of information, the arrest cases and the subjects' states; the
        # stop-payment requests. The scenario's requests and subjects are read here, once.
        self.env, self.journal, self.send = ex.env, ex.journal, ex.send
        self.members, self.offices = ex.world.members, ex.world.offices
        self.registry, self.review, self.filing = ex.registry, ex.review, ex.filing
        self.exchange, self.arrests, self.subjects = ex.exchange, ex.arrests, ex.movements.subjects
        self.funds = ex.funds
        self.identities: dict[str, Identity] = {}
        for subj in ex.scenario.subjects:
            self.identities.setdefault(subj.id, subj.identity)  # the first of an id (validate refuses a second)
        self.drafts: dict[str, Draft] = {}
        self.cases: dict[str, Case] = {}  # the review case of each request a person submitted
        self._truth = {r.id: r for r in ex.scenario.requests}

    def office(self, seat: str) -> str:
        """Where the seat's messages come from: its NCB; the NDTF and the CCC write from GS."""
        role, _, country = seat.partition(":")
        return country if role == "ncb" else GS

    def apply(self, seat: str, payload: Mapping[str, Any], by: str | None = "person") -> None:
        """Apply a checked command (its JSON), as done by ``by`` (None: by nobody in particular —
        the automation of a seat nobody plays, unprompted)."""
        act = {"send_message": self._send_message, "read_message": self._read_message,
               "draft_request": self._draft_request, "submit_request": self._submit_request,
               "withdraw_request": self._withdraw_request, "request_provisional_arrest": self._request_arrest,
               "send_extradition_documents": self._send_documents, "abandon_extradition": self._abandon,
               "ask_prosecution": self._ask_prosecution,
               "request_stop_payment": self._request_stop_payment,
               "validate_expectation": self._validate_expectation}.get(payload.get("kind", ""))
        if act is None:
            raise ValueError(f"'{payload.get('kind')}' is not a seat's command")
        with self.journal.cause(by):
            act(seat, payload)

    def _validate_expectation(self, _seat: str, p: Mapping[str, Any]) -> None:
        """An evaluator's verdict: journalled as the trainer's, so the report shows it and a replay
        writes it again at the same instant."""
        fields = {k: p[k] for k in ("inject", "objective") if p.get(k)}
        if p.get("note"):
            fields["note"] = p["note"]
        with self.journal.cause("trainer"):
            self.journal.emit(self.env.now, "expectation.validated", "control", verdict=p["verdict"],
                              author=p.get("author") or "evaluator", **fields)

    # --- messages ----------------------------------------------------------------------------
    def _send_message(self, seat: str, p: Mapping[str, Any]) -> None:
        src = self.office(seat)
        reply_to, forward_of = p.get("reply_to"), p.get("forward_of")
        # "forwarded", not the background load's "forward": a person's forward is news to its reader.
        kind = "reply" if reply_to is not None else "forwarded" if forward_of is not None else "message"
        extra: dict[str, Any] = {"text": p["text"], "seat": seat}
        if p.get("subject"):
            extra["subject"] = p["subject"]
        if reply_to is not None:
            extra["reply_to"] = reply_to
        if forward_of is not None:
            extra["forward_of"] = forward_of
        ask = self.exchange.ask_of(reply_to) if reply_to is not None else None
        for dst in expand_recipients(p["to"], self.members, src, self.offices):
            if ask is not None and dst == ask.sender and not (ask.answered or ask.answering):
                self.exchange.answered_by_message(ask, p["priority"], p.get("language"), extra)
                continue
            self.send(src, dst, kind=kind, priority=p["priority"], language=p.get("language"), case=p.get("case"),
                      extra=extra)

    def _read_message(self, seat: str, p: Mapping[str, Any]) -> None:
        self.journal.emit(self.env.now, "message.read", self.office(seat), msg=p["msg"], seat=seat)

    # --- request forms -----------------------------------------------------------------------
    def scenario_request(self, request: str) -> Request | None:
        return self._truth.get(request)

    def truth(self, request: str, requester: str) -> Request | None:
        """The scenario's own account of a request it foresees (its hidden truth), if it is this NCB's."""
        r = self._truth.get(request)
        return r if r is not None and r.by == requester else None

    def _draft_request(self, seat: str, p: Mapping[str, Any]) -> None:
        requester = self.office(seat)
        to = tuple(expand_recipients(p.get("to", ()), self.members, requester))
        d = Draft.written(p, requester, to)
        self.drafts[d.request] = d
        fields: dict[str, Any] = {"request": d.request, "notice_kind": d.kind, "requester": requester,
                                  "missing": d.missing()}
        if d.subject:
            fields["subject"] = d.subject
        if to:
            fields["to"] = list(to)
        if d.measures:
            fields["measures"] = list(d.measures)
        self.journal.emit(self.env.now, "request.drafted", requester, **fields)

    def _submit_request(self, seat: str, p: Mapping[str, Any]) -> None:
        d = self.drafts[p["request"]]
        truth = self.truth(d.request, d.requester)
        rec = self.registry.records.get(d.request)
        d.sent = True
        if rec is None:
            self._first_submission(d, truth)
            return
        # A resubmission: the NDTF asked for more; the corrected form goes back to it.
        case = self.cases[d.request]
        case.findings = [*d.problems(truth)]
        self.journal.emit(self.env.now, "request.resubmitted", d.requester, request=d.request, notice_kind=d.kind,
                          requester=d.requester, missing=d.missing())
        supplied = case.supplied
        self.send(d.requester, GS, kind="info_reply", priority="high", about=d.subject,
                  then=lambda _m: supplied.succeed() if supplied is not None and not supplied.triggered else None)

    def identity_form(self, subject: str | None) -> dict[str, str]:
        """The identity fields of a form as the scenario knows the subject (none for no subject)."""
        ident = self.identities.get(subject) if subject is not None else None
        if ident is None:
            return {}
        return {"name": ident.name, "born": ident.born.isoformat() if ident.born else "",
                "nationality": ident.nationality or "", "description": ident.description}

    def file_scenario_form(self, req: Request, complete: bool = False) -> None:
        """The scenario's own form for a request, drafted and submitted by the same commands a
        person gives (by whoever is the cause now: a policy, the automation after a person's
        "file it", or nobody for a request the scenario files itself). The fields it declares
        are filled (every field the kind needs when ``complete``); what they say is the case
        file's, which the model does not write out. A Silver request asks for its measures; an NCB
        that amends it before filing (``complete``) strikes the coercive ones."""
        provided = REQUIRED_FIELDS[req.kind] if complete else sorted(req.fields_provided())
        known = self.identity_form(req.subject)
        form = {f: known.get(f) or ON_FILE for f in provided}
        seat = f"ncb:{req.by}"
        self._draft_request(seat, {"kind": "draft_request", "request": req.id, "notice_kind": req.kind,
                                   "subject": req.subject, "purpose": req.purpose, "offence": req.offence,
                                   "max_penalty_years": req.max_penalty_years, "sentence_months": req.sentence_months,
                                   "to": list(req.to), "form": form,
                                   "measures": [m for m in req.measures if not (complete and m in COERCIVE_MEASURES)]})
        self._submit_request(seat, {"kind": "submit_request", "request": req.id})

    def _first_submission(self, d: Draft, truth: Request | None) -> None:
        now = self.env.now
        rec = Record(d.request, d.kind, d.requester, d.subject, now,
                     purpose=d.purpose or DEFAULT_PURPOSE.get(d.kind),
                     recipients=tuple(sorted(set(d.to))) if d.kind == "diffusion" else None,
                     public=truth.public_extract if truth else False,
                     aliases=dict.fromkeys(truth.aliases, now) if truth else {})
        # A person answers the NDTF by correcting the form; the automation as the scenario says.
        person = self.journal.by == "person"
        completes = False if person else (truth.completes_on_request if truth else True)
        case = Case(d.problems(truth), completes_on_request=completes, person=person, **aftermath(truth))
        self.cases[d.request] = case
        self.filing.filed_with_form(d.request)  # the prompt to file the scenario's form is answered by this
        self.review.submit(rec, case)

    def _withdraw_request(self, seat: str, p: Mapping[str, Any]) -> None:
        rec = self.registry.records[p["request"]]
        self.review.cancel_if_valid(rec, "withdrawn", rec.requester)

    # --- arrest cases ------------------------------------------------------------------------
    def _request_arrest(self, seat: str, p: Mapping[str, Any]) -> None:
        rec = self.registry.records.get(p["request"]) if p.get("request") else None
        self.arrests.request_arrest(self.office(seat), p["to"], self.subjects[p["subject"]], rec, p.get("text", ""))

    def _send_documents(self, seat: str, p: Mapping[str, Any]) -> None:
        self.arrests.send_papers(self.arrests.cases[p["case"]], tuple(p["documents"]))

    def _abandon(self, seat: str, p: Mapping[str, Any]) -> None:
        self.arrests.abandon(self.arrests.cases[p["case"]])

    def _ask_prosecution(self, seat: str, p: Mapping[str, Any]) -> None:
        self.arrests.ask_prosecution(self.arrests.cases[p["case"]], p["mode"])

    # --- stop-payment requests (package D) ---------------------------------------------------
    def _request_stop_payment(self, seat: str, p: Mapping[str, Any]) -> None:
        self.funds.request(self.office(seat), p["funds"], p["to"], p.get("text", ""))
