"""NCBs filing the scenario's notice and diffusion requests, and the refugee rule's deletions.

A request tied to an inject (``after_inject``) is a decision for the requesting NCB's officer
once they have read that inject: file the form as drafted, complete its missing fields first
(more drafting time), or not file at all — the right answer when the rules forbid the request
(an Art. 3 case, an excluded offence, a penalty below the threshold). A request with ``at`` is
a fact of the scenario and is filed at that time.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ..decisions.port import Option
from ..durations import minutes
from ..scenario.cases import Request
from ..scenario.chance import settled_minutes
from .assets import AssetTracing
from .kinds import DEFAULT_PURPOSE, KIND_NAMES, REQUIRED_FIELDS
from .rules import COERCIVE_MEASURES, DATA_QUALITY, SILVER_COERCIVE, findings

if TYPE_CHECKING:
    from ..engine.exercise import Exercise

DEFAULT_WINDOW = 24 * 60.0


def _findings(req: Request, provided: frozenset[str]):
    purpose = req.purpose or DEFAULT_PURPOSE.get(req.kind)
    return purpose, findings(req.kind, purpose=purpose, offence=req.offence, max_penalty_years=req.max_penalty_years,
                             sentence_months=req.sentence_months, provided=provided, character=req.character,
                             human_rights_risk=req.human_rights_risk, requester=req.by, measures=req.measures)


class Filing:
    def __init__(self, ex: Exercise) -> None:
        # What the filing uses, taken once: the clock, the journal, the registry, the decision port,
        # the exercise's ``after`` (``later``: ``after`` holds the requests waiting on an inject),
        # who plays or stands in, the refugee rule's facts and the drafting time (the review's: one
        # stream for every form drafted); the seats' acts are built after it, so filing a form is
        # looked up late.
        self.env, self.journal, self.registry, self.port = ex.env, ex.journal, ex.registry, ex.port
        self.later, self.played, self.stand_ins = ex.after, ex.played, ex.stand_ins
        self.refugee_from, self.drafting = ex.refugee_from, ex.review.drafting
        self.file_form: Callable[[Request, bool], None] = \
            lambda req, complete: ex.acts.file_scenario_form(req, complete=complete)
        self.subjects = ex.scenario.subjects
        self.after: dict[tuple[str, str], list[Request]] = {}
        for req in ex.scenario.requests:
            if req.at is not None:
                ex.after(settled_minutes(req.at), partial(self._file, req))
            elif req.after_inject is not None:
                self.after.setdefault((req.after_inject, req.by), []).append(req)
        # Requests filed on an event: only scenarios that have them listen, the others run as before.
        self.waiting = [r for r in ex.scenario.requests if r.on is not None]
        self.heard: dict[str, int] = {}  # request id -> matching events so far (its on: count)
        if self.waiting:
            ex.journal.listen(self._heard, kinds=sorted({r.on.event for r in self.waiting if r.on is not None}))
        self.windows = {inj.id: minutes(inj.expect.within) for inj in ex.scenario.injects if inj.expect}
        self.prompts: dict[str, str] = {}  # request id -> the open decision asking to file it
        self.with_form: set[str] = set()  # requests filed with a form through the seat's commands
        self.by_prompt: set[str] = set()  # requests filed by answering the prompt (scenario's form)
        self.scheduled = {r.id for r in ex.scenario.requests if r.at is not None or r.on is not None}
        self.assets = AssetTracing(ex)  # what a published Silver Notice finds (asset tracing)
        for s in ex.scenario.subjects:
            if s.refugee is not None:
                ex.after(settled_minutes(s.refugee.at),
                         partial(self.confirm_refugee, s.id, s.refugee.confirmed_by, s.refugee.fearing))

    def _heard(self, event: dict) -> None:
        """A request waiting for an event (``on``) is filed after its delay, at the count-th
        matching event, as a fact of the scenario: nobody's decision, whoever caused the event."""
        for req in list(self.waiting):
            on = req.on
            if on is None or on.event != event["kind"] or not on.matches(event, self.stand_ins):
                continue
            seen = self.heard[req.id] = self.heard.get(req.id, 0) + 1
            if seen < on.count:
                continue
            self.waiting.remove(req)
            with self.journal.cause(None):
                self.later(settled_minutes(on.delay), partial(self._file, req))

    def inject_read(self, inject: str, ncb: str) -> None:
        for req in self.after.get((inject, ncb), ()):
            self._ask(req, self.windows.get(inject, DEFAULT_WINDOW))

    def filed_with_form(self, request: str) -> None:
        """The request was filed with a form (a person's own, or the scenario's filed by the
        automation): a prompt still open to file it is answered by that (or never raised)."""
        self.with_form.add(request)
        if request in self.prompts:
            self.port.settle(self.prompts.pop(request), "file")

    def _ask(self, req: Request, within: float) -> None:
        if req.id in self.with_form:
            return
        drafted = req.fields_provided()
        _, found = _findings(req, drafted)
        missing = [f for f in REQUIRED_FIELDS[req.kind] if f not in drafted]
        # Coercive measures on a Silver request are struck when the NCB completes the form.
        amendable = [f for f in found if f.reason == SILVER_COERCIVE]
        forbidden = [f for f in found if f.reason not in (DATA_QUALITY, SILVER_COERCIVE)]
        options = [Option("file", "File it as drafted", recommended=not forbidden and not missing and not amendable)]
        if missing or amendable:
            fixes = ([f"complete {', '.join(missing)}"] if missing else []) + (
                [f"strike {', '.join(m for m in req.measures if m in COERCIVE_MEASURES)}"] if amendable else [])
            label = (f"Amend it first ({'; '.join(fixes)}), then file" if amendable
                     else f"Complete it first ({', '.join(missing)}), then file")
            options.append(Option("complete", label, recommended=not forbidden))
        options.append(Option("hold", "Do not file it", recommended=bool(forbidden)))
        name = KIND_NAMES[req.kind]
        about = ""
        if req.subject:
            subj = next((s for s in self.subjects if s.id == req.subject), None)
            about = f" on {subj.identity.name}" if subj else ""
        self.prompts[req.id] = self.port.raise_(
            f"ncb:{req.by}", "file_request", f"File the {name} request {req.id}{about}?", options, "hold", within,
            lambda key: self._act(req, key), request=req.id, notice_kind=req.kind).id

    def settled_by_automation(self, request: str) -> bool:
        """The scenario files it at its own time, or the prompt to file it was answered."""
        return request in self.scheduled or request in self.by_prompt

    def _act(self, req: Request, key: str) -> None:
        self.prompts.pop(req.id, None)
        if key == "hold":
            return
        self.by_prompt.add(req.id)
        draft = self.drafting() * (1.5 if key == "complete" else 1.0)
        complete = key == "complete"
        self.later(draft, lambda: self.file_form(req, complete))

    def _file(self, req: Request) -> None:
        self.file_form(req, False)

    def confirm_refugee(self, subject: str, by: str, fearing: str) -> None:
        """Refugee rule: the feared country's notices and diffusions about the person are deleted
        (by the reviewer, when a person plays the NDTF)."""
        self.refugee_from.setdefault(subject, set()).add(fearing)
        self.journal.emit(self.env.now, "refugee.confirmed", by, subject=subject, fearing=fearing)
        if "ndtf" in self.played:
            self._ask_ndtf(subject, by, fearing)
            return
        self._delete_feared(subject, fearing)

    def _ask_ndtf(self, subject: str, by: str, fearing: str) -> None:
        """The reviewer applies the refugee rule: delete the feared country's records and tell it
        only that they no longer comply (right), tell it also who granted the status (wrong: it
        exposes the person and the protecting state), or keep them (wrong). Package B."""
        journal, env = self.journal, self.env
        subj = next((s for s in self.subjects if s.id == subject), None)
        name = subj.identity.name if subj is not None else subject
        options = [Option("delete", f"Delete NCB {fearing}'s notices and diffusions on this person; tell {fearing} only "
                                    "that they no longer comply", recommended=True),
                   Option("delete_naming_source", f"Delete them and tell {fearing} which country granted the status"),
                   Option("keep", "Keep them: the requests look valid")]

        def act(key: str) -> None:
            if key == "keep":
                return
            if key == "delete_naming_source":
                journal.emit(env.now, "refugee.source_disclosed", "GS", subject=subject, fearing=fearing,
                             granted_by=by)
            self._delete_feared(subject, fearing)

        self.port.raise_("ndtf", "apply_refugee_rule", f"NCB {by} confirms refugee status for {name}, who fears "
                         f"persecution in {fearing}: what do you do with {fearing}'s requests on this person?", options,
                         "delete", 1440.0, act, subject=subject, country=fearing)

    def _delete_feared(self, subject: str, fearing: str) -> None:
        registry = self.registry
        for rec in registry.by_subject.get(subject, ()):
            # Live or blocked records are deleted; requests still in review are refused by the NDTF.
            if rec.requester == fearing and rec.machine.allows(rec.state, "delete"):
                registry.move(rec, "delete", self.env.now, "GS", reason="refugee_rule")
