"""The play host: one object owns a running exercise and its session.

Front ends (the trainee TUI, the trainer console) send it typed commands
(``sim/play/commands.py``) with ``submit(seat, command)`` and read per-seat views as immutable
data (``sim/play/views.py``). Each command is checked against the seat's rights and the domain's
rules before anything happens; a refused command changes nothing. An accepted one is recorded in
the session before it acts (answers and the trainer's controls through the session run's
recorders, as durable rows; a note is its own record) and applies at the current sim instant,
after everything due at it (every run and advance completes the instant it stops at) — where a
replay of the session puts it back. Before the clock has first moved, a trainer's control
applies before anything due at the start, and a replay applies it there too.

Rights: a player's seat (``ncb:FR``) may answer its own decisions only; ``trainer`` may answer
any seat's decision and is the only seat that may fire, hold, release or add injects and add
notes. A seat that is not the trainer, the NDTF, the CCC or the NCB of a member in the exercise is
refused. (Who is behind a seat is for a front end to establish; the host trusts the seat it is
given.)
"""

from __future__ import annotations

import heapq
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

from ..decisions.port import Decision
from ..decisions.script import Script
from ..decisions.seats import SeatConfig
from ..durations import format_minutes, minutes
from ..engine.acts import Draft
from ..engine.exercise import Exercise
from ..engine.injects import condition_words
from ..engine.views import audience
from ..notices.extradition import PAPER_NAMES, PAPERS
from ..notices.kinds import ALL_OFFENCES, PURPOSES, REQUEST_KINDS, REQUIRED_FIELDS
from ..notices.rules import MEASURES
from ..notices.stats import notice_totals
from ..report.debrief import build as build_debrief
from ..report.describe import describe
from ..report.scoring import score_expectations
from ..scenario.cases import OBJECT_KINDS
from ..scenario.chance import settled_minutes
from ..scenario.loader import load_scenario
from ..scenario.model import Scenario
from ..sessions.runner import SessionRun, check_same_scenario, new_session
from ..sessions.store import RATINGS, SessionStore, Staged
from ..world.members import LANGUAGES, REGIONS
from .commands import (
    SEAT_COMMANDS,
    AbandonExtradition,
    AddInject,
    AddNote,
    AnswerDecision,
    AskProsecution,
    Command,
    CommandError,
    DraftRequest,
    FireInject,
    HoldInject,
    ReleaseInject,
    RescheduleInject,
    SendExtraditionDocuments,
    ValidateExpectation,
    command_from_json,
    control_payload,
    to_json,
)
from .seat_rules import PRIORITIES, answer_refusal, control_refusal, is_seat, validation_refusal
from .seat_rules import refusal as seat_refusal
from .sightings import Sightings
from .views import (
    ARREST_KINDS,
    ArrestCaseView,
    BoardRow,
    CaseFile,
    DecisionView,
    Event,
    FormChoices,
    InboxItem,
    InjectRow,
    Recipient,
    RequestView,
    SeatTracker,
    Seen,
    TransferView,
    Underway,
)

TRAINER = "trainer"


@dataclass(frozen=True, slots=True)
class Accepted:
    """The command was recorded and applied at ``at_sim_time`` (sim minutes; ``at`` in UTC ISO 8601)."""

    command: Command
    seat: str
    at_sim_time: float
    at: str


@dataclass(frozen=True, slots=True)
class RunState:
    """A run's figures at one instant, for a batch's measures (notice totals computed on demand)."""

    now: float
    counts: Mapping[str, int]
    handled: int
    queued: int
    notice_totals: Callable[[], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Refused:
    """The command was not taken, and nothing changed; ``reason`` says why, for people."""

    command: Command
    seat: str
    reason: str


Outcome = Accepted | Refused


class PlayHost:
    def __init__(self, run: SessionRun | None, exercise: Exercise | None = None) -> None:
        """A host for a session's run, or (``run`` None) for an exercise run headless, without a
        session: then nothing can be submitted, and the views and the clock are all it offers."""
        self._run = run
        ex = run.exercise if run is not None else exercise
        if ex is None:
            raise ValueError("a play host needs a session's run or an exercise")
        self._ex = ex
        self.scenario: Scenario = ex.scenario  # immutable, validated data
        people = run.store.people if run is not None else []
        self.players: frozenset[str] = frozenset({*(p.seat for p in self.scenario.players), *people})
        # Seats a person answers in this session (none of them automated): their decisions wait
        # for that person, or for the trainer, who answers for them.
        self.people: frozenset[str] = frozenset(people)
        self._trackers: dict[str, SeatTracker] = {}
        # The same trackers by the seat as ``audience`` names it (``ncb:FR``, ``ndtf``, ``trainer``),
        # with how much of the journal they were handed and when each next has something due.
        self._by_audience: dict[str, list[SeatTracker]] = {}
        self._routed = 0
        self._due: list[tuple[str, str]] = []  # a heap of (due, seat); a seat may appear more than once
        self._sightings = Sightings()
        self._asked: set[str] = set()  # seats a decision was raised for during the current advance
        self._ex.port.listeners.append(self._decision_raised)

    # --- opening ------------------------------------------------------------------------------
    @classmethod
    def open(cls, scenario_path: str | None, seat: str | None, session_path: str | None,
             trainer: bool = False, automate: bool = False) -> tuple[PlayHost, str]:
        """A new session for (scenario, seat), or the existing session file resumed; returns the
        host and the seat played. A trainer's session has every player's seat waiting for a person
        (the trainer answers for them), unless ``automate``."""
        if session_path and os.path.exists(session_path):
            store = SessionStore.open(session_path)
            try:  # a session refused here is closed now: its lock and connection do not outlive the refusal
                if scenario_path:
                    check_same_scenario(store, load_scenario(scenario_path), None)
                people = store.people
                host = cls(SessionRun(store))
                chosen = TRAINER if trainer else (seat or (people[0] if people else TRAINER))
                host.watch(chosen)
                host.catch_up(store.reached())
            except BaseException:
                store.close()
                raise
            return host, chosen
        if scenario_path is None:
            raise ValueError("no scenario given, and no session file to resume")
        loaded = load_scenario(scenario_path)
        if trainer:
            seat = TRAINER
        seat = seat or (loaded.scenario.players[0].seat if loaded.scenario.players else TRAINER)
        if trainer:
            people = [] if automate else [p.seat for p in loaded.scenario.players]
        else:
            people = [seat] if seat != TRAINER else []
        # Every play is a session; without a session file it lives in a temporary one.
        path = session_path or Path(tempfile.mkdtemp(prefix="ncbsim-")) / "session.db"
        store = new_session(path, loaded, seed=None, policy=None, script=None, people=people)
        try:
            host = cls(SessionRun(store))
            host.watch(seat)
        except BaseException:
            store.close()
            raise
        return host, seat

    @classmethod
    def headless(cls, scenario: Scenario, *, seed: int | None = None, journal_sink: IO[str] | None = None,
                 keep_events: bool = True, base_key: tuple[int, ...] = (), policy: str | None = None,
                 script: Script | None = None) -> PlayHost:
        """A host for a run nobody plays and no session records (``ncbsim run`` without
        ``--session``, a batch's runs): the policies answer every seat."""
        return cls(None, Exercise(scenario, seed=seed, journal_sink=journal_sink, keep_events=keep_events,
                                  base_key=base_key, seats=SeatConfig(policy=policy, script=script)))

    def close(self) -> None:
        """Let go of the session file and its writer's lock."""
        if self._run is not None:
            self._run.store.close()

    @property
    def session_path(self) -> Path:
        if self._run is None:
            raise ValueError("this run has no session file")
        return self._run.store.path

    # --- commands -------------------------------------------------------------------------------
    def stage_writes(self) -> None:
        """From now on what the session records waits in memory for ``take_writes`` and ``write``
        (SessionStore.stage): the exercise server applies commands while earlier ones are being
        made durable, and acknowledges each only once its write has returned."""
        self._session().stage()

    def take_writes(self) -> Staged | None:
        """What was recorded since the last take (None: nothing), to ``write``."""
        return self._session().take_staged()

    def write(self, staged: Staged) -> None:
        """Make durable what ``take_writes`` gave (blocking: a thread's work), in the order taken."""
        self._session().write_staged(staged)

    def unstage_writes(self) -> None:
        """Record at once again (what was staged must have been written)."""
        self._session().unstage()

    def _session(self) -> SessionStore:
        if self._run is None:
            raise ValueError("this run has no session file")
        return self._run.store

    def submit(self, seat: str, command: Command, *, from_json: bool = False) -> Outcome:
        """Check, record, apply: the command's outcome. A refusal changes nothing.

        Once the clock has started, what the command set going at this instant happens before
        the call returns — as in a replay, where each recorded command is followed by what it
        scheduled for the same instant before the next one applies. ``from_json``: the command
        is as ``command_from_json`` built it, its types checked already (the exercise server's)."""
        if not from_json:
            try:  # a command built in Python gets the same type checks as one that came as JSON
                command_from_json(to_json(command))
            except (CommandError, TypeError, AttributeError) as e:
                return Refused(command, seat, f"not a well-formed command: {e}")
        reason = self._refusal(seat, command)
        if reason is not None:
            return Refused(command, seat, reason)
        ex, now = self._ex, self._ex.env.now
        if isinstance(command, AnswerDecision):
            by = "trainer" if seat == TRAINER else "seat"
            ex.port.answer(command.decision, command.option, by=by)  # the run's recorder commits it first
        elif isinstance(command, SEAT_COMMANDS):
            ex.act(seat, to_json(command))  # the run's recorder commits it first
        elif isinstance(command, ValidateExpectation):
            ex.act(seat, to_json(command))  # recorded and replayed as a command row: it is journalled
        elif isinstance(command, AddNote):
            if self._run is not None:  # always, once _refusal has passed it
                self._run.add_note(command.text, command.author, command.objective, command.rating)
        else:
            ex.control(control_payload(command))  # the run's control recorder commits it first
        if ex.started and not isinstance(command, AddNote):
            ex.finish_instant()
        self._absorb()
        return Accepted(command, seat, now, ex.clock.iso(now))

    def is_seat(self, seat: str) -> bool:
        """The trainer, the NDTF, the CCC, or an NCB of a member in this exercise's world, written
        as the engine writes it (``ncb:FR``)."""
        return is_seat(self._ex, seat)

    def _refusal(self, seat: str, command: Command) -> str | None:
        ex = self._ex
        if not is_seat(ex, seat):
            return f"'{seat}' is not a seat of this exercise; expected trainer, ndtf, ccc or ncb:CC of a member in it"
        if self._run is None:
            return "this exercise runs without a session: a command could not be recorded"
        if not self._run.recording:
            return "this session is open read-only: nothing can be added to it"
        if ex.finished:
            return "the exercise has ended"
        if isinstance(command, AnswerDecision):
            return answer_refusal(ex, seat, command)
        if isinstance(command, SEAT_COMMANDS):
            if seat == TRAINER:
                return "the trainer steers the exercise through injects; a seat's own work is done at the seat"
            if seat not in self.players:
                return f"nobody plays {seat} in this session: automation does its work"
            return seat_refusal(ex, self._tracker(seat), seat, command)
        if seat != TRAINER:
            return f"only the trainer may {_WHAT[type(command)]}"
        if isinstance(command, ValidateExpectation):
            return validation_refusal(ex, command)
        if isinstance(command, AddNote):
            if not command.text.strip():
                return "a note needs some text"
            if not command.author.strip():
                return "a note needs an author"
            if command.rating is not None and command.rating not in RATINGS:
                return f"unknown rating '{command.rating}'; expected one of {', '.join(RATINGS)}"
            if command.rating is not None and command.objective is None:
                return "a rating is given to an objective: name the objective"
            known = [o.id for o in self.scenario.objectives]
            if command.objective is not None and command.objective not in known:
                return f"the scenario has no objective '{command.objective}'; it has {', '.join(known) or 'none'}"
            return None
        return control_refusal(ex, command)

    # --- the clock --------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self._ex.env.now

    @property
    def duration(self) -> float:
        return self._ex.duration

    @property
    def finished(self) -> bool:
        return self._ex.finished

    def utc(self, t: float) -> datetime:
        return self._ex.clock.utc(t)

    def local(self, t: float, tz: str) -> datetime:
        return self._ex.clock.local(t, tz)

    def iso(self, t: float) -> str:
        return self._ex.clock.iso(t)

    def _decision_raised(self, decision: Decision) -> None:
        self._asked.add(decision.seat)
        if decision.seat in self.people:  # the trainer's clock stops only for what a person must answer
            self._asked.add(TRAINER)

    def advance(self, until: float, budget_s: float, stop_for: str | None = None) -> bool:
        """Run towards ``until`` for about ``budget_s`` of wall time; with ``stop_for``, stop at the
        instant a decision is raised for that seat. The instant it stops at is always complete.
        Returns True when something new reached a watched seat."""
        self._asked.clear()
        stop: Callable[[], bool] | None = (lambda: stop_for in self._asked) if stop_for is not None else None
        self._ex.advance(until, budget_s, stop)
        return self._absorb()

    def advance_to_news(self, seat: str, budget_s: float, step_budget_s: float, until: float | None = None) -> str:
        """Run until the next thing ``seat``'s screen shows reaches it (a message, a line of what
        it knows, a change on its board) or a decision is raised for it; the background traffic
        of other NCBs and what never reaches the seat do not count. Returns why it stopped:
        "news", "decision", "until" (``until`` reached and nothing new: nothing reaches the seat
        before then), "end" (the exercise ended) or "budget" (``budget_s`` of wall time ran out:
        call again to go on)."""
        ex, tracker = self._ex, self._tracker(seat)
        limit = ex.duration if until is None else min(until, ex.duration)
        start, deadline = tracker.visible, time.monotonic() + budget_s
        while not ex.finished:
            if self.now >= limit:
                return "until"
            if time.monotonic() >= deadline:
                return "budget"
            nxt = ex.next_event_time()
            self.advance(min(limit, max(nxt, self.now + 1.0)), step_budget_s, seat)
            if seat in self._asked:
                return "decision"
            if tracker.visible != start:
                return "news"
        return "end"

    def catch_up(self, until: float | None) -> None:
        """Run on to ``until`` (the end when None) without stopping for anyone: resuming a session
        replays it to where it stopped."""
        self._ex.run(until)
        self._absorb()

    def run(self, until: float | None = None) -> None:
        """Run to ``until`` (the end when None), headless: a session's recorded commands and
        answers are put back on the way (one that no longer applies is a ReplayDiverged) and,
        when it records, its progress is saved at the end."""
        if self._run is None:
            self._ex.run(until)
        else:
            self._run.run(until) if self._run.recording else self._run.replay(until)
        self._absorb()

    def fork_at(self, t: float, replication: int) -> None:
        """From sim time ``t`` on, the future is re-drawn for ``replication`` (what-ifs)."""
        self._ex.fork_at(t, replication)

    def save_progress(self) -> None:
        """Where the clock is, for resuming (each write is an fsync: callers throttle it)."""
        ex = self._ex
        if self._run is None:
            return
        self._run.store.progress(self.now, finished=ex.finished,
                                 journal_sha256=self._run.sink.hexdigest() if ex.finished else None)

    # --- per-seat views (immutable) ---------------------------------------------------------------
    def watch(self, seat: str) -> None:
        """Keep a running account of what ``seat`` learns (for its inbox, case file and log)."""
        self._tracker(seat)

    def _tracker(self, seat: str) -> SeatTracker:
        tracker = self._trackers.get(seat)
        if tracker is None:
            self._route()  # the seats already watched take what came before: from here on, this one too
            tracker = SeatTracker(seat, self.scenario, self._ex.injects.by_id, self._sightings)
            tracker.absorb(self._ex.journal.events, self._ex.clock.iso(self.now))  # its past, whole
            self._trackers[seat] = tracker
            self._by_audience.setdefault(_audience_key(tracker), []).append(tracker)
            self._expect(tracker)
        return tracker

    def _route(self) -> None:
        """Hand each new journal event to the trackers of the seats it may reach (its
        ``audience``, and the trainer's), once: with fifty seats watched, every tracker asking
        whether every event reached it was most of the server's work per command."""
        events = self._ex.journal.events
        if self._routed >= len(events):
            return
        self._sightings.absorb(events)  # before any seat notes a message that reports one
        by_audience = self._by_audience
        everyone = tuple(self._trackers.values())
        trainers = by_audience.get(TRAINER, [])  # the trainer sees everything
        for e in events[self._routed:]:
            item = MappingProxyType(e)
            seats = audience(e)
            if seats is None:
                concerned: Iterable[SeatTracker] = everyone
            else:
                concerned = [t for s in seats if s != TRAINER for t in by_audience.get(s, ())]
                concerned += trainers
            for tracker in concerned:
                before = tracker.pending_due
                tracker.take(item)
                if tracker.pending_due < before:
                    self._expect(tracker)
        self._routed = len(events)

    def _expect(self, tracker: SeatTracker) -> None:
        """Remember when the tracker next has something to settle (nothing: "~", never)."""
        if tracker.pending_due != "~":
            heapq.heappush(self._due, (tracker.pending_due, tracker.seat))

    def _absorb(self) -> bool:
        """Bring every watched seat up to the journal and the clock; True when something new
        reached one of them. Only the seats with something due now are settled."""
        self._route()
        now_iso = self._ex.clock.iso(self.now)
        due, settle = self._due, []
        while due and due[0][0] <= now_iso:
            settle.append(heapq.heappop(due)[1])
        changed = False
        for seat in dict.fromkeys(settle):  # once each, in the order they fell due
            tracker = self._trackers[seat]
            changed = tracker.settle(now_iso) or changed
            self._expect(tracker)
        return changed

    def awaiting_people(self) -> tuple[DecisionView, ...]:
        """The open decisions of seats a person answers: what the trainer's clock waits for."""
        return tuple(DecisionView.of(d) for d in self._ex.port.open if d.seat in self.people)

    def open_decisions(self, seat: str) -> tuple[DecisionView, ...]:
        """The decisions waiting for ``seat`` (every seat's, for the trainer)."""
        return tuple(DecisionView.of(d) for d in self._ex.port.open if seat in (d.seat, TRAINER))

    def inbox(self, seat: str) -> tuple[InboxItem, ...]:
        """Messages delivered to the seat's NCB (newest first): what an I-24/7 inbox shows."""
        return self._tracker(seat).inbox()

    def inbox_changes(self, seat: str, start: int) -> tuple[tuple[InboxItem, ...], int]:
        """The seat's inbox items new or changed since its ``start``-th change (0: all of them),
        newest first, and the count of changes now: to pass on only what changed."""
        return self._tracker(seat).inbox_changes(start)

    def inbox_version(self, seat: str) -> int:
        """Bumps when the seat's inbox changes, so a screen redraws it only then."""
        return self._tracker(seat).inbox_version

    def partners(self, seat: str) -> frozenset[str]:
        """The NCBs this seat has exchanged case traffic with."""
        return frozenset(self._tracker(seat).partners)

    def seen(self, seat: str, start: int = 0) -> Seen:
        """What reached the seat, from the ``start``-th item on: (known since, event)."""
        return tuple(self._tracker(seat).seen[start:])

    def seen_count(self, seat: str) -> int:
        return len(self._tracker(seat).seen)

    def case_files(self, seat: str) -> tuple[CaseFile, ...]:
        return self._tracker(seat).case_files()

    # --- the seat's requests, forms and board ----------------------------------------------------
    def requests(self, seat: str) -> tuple[RequestView, ...]:
        """The seat's drafts and submitted requests, newest last."""
        ex, home = self._ex, seat.partition(":")[2]
        out = []
        for d in ex.acts.drafts.values():
            if d.requester != home:
                continue
            rec = ex.registry.records.get(d.request)
            case = ex.acts.cases.get(d.request)
            asked = case.question if rec is not None and rec.state == "info_requested" and case else ""
            out.append(RequestView(d.request, d.kind, d.subject, rec.state if rec else "draft", tuple(d.missing()),
                                   d.to, asked, not d.sent))
        return tuple(out)

    def form_for(self, seat: str, request: str, notice_kind: str = "red") -> DraftRequest:
        """The form to edit: the seat's draft as it stands, or a new one — for a request the
        scenario foresees (its id), with its kind and the subject's identity filled in, and a
        Silver request's measures as the scenario's draft asks them (striking any coercive one is
        the person's to do)."""
        ex, home = self._ex, seat.partition(":")[2]
        d = ex.acts.drafts.get(request)
        if d is not None and d.requester == home:
            return DraftRequest(d.request, d.kind, d.subject, d.purpose, d.offence, d.max_penalty_years,
                                d.sentence_months, d.to, tuple(d.form.items()), d.measures)
        truth = ex.acts.truth(request, home)
        if truth is None:
            return DraftRequest(request, notice_kind)
        form = ex.acts.identity_form(truth.subject)
        return DraftRequest(request, truth.kind, truth.subject, truth.purpose, truth.offence, None, None, (),
                            tuple((k, form.get(k, "")) for k in REQUIRED_FIELDS[truth.kind]), tuple(truth.measures))

    def check_form(self, seat: str, draft: DraftRequest) -> tuple[str, ...]:
        """The review rules the form breaks as written (what the NDTF would object to), checked
        as the person types; empty when it would pass screening. The case's hidden truth (an
        Art. 3 character nobody declared) is not shown: finding that is the reviewers' job."""
        d = Draft.written(to_json(draft), seat.partition(":")[2], draft.to)
        if draft.notice_kind == "diffusion" and not draft.to:
            return ("a diffusion needs recipients",)
        return tuple(f.detail for f in d.problems())

    def request_form(self, seat: str, request: str) -> dict[str, Any]:
        """The form the scenario prepared for ``request``, when it is the seat's NCB's (any, for
        the trainer): what "file it" files, without the case's hidden truth."""
        from ..api import request_form  # the one definition of what a prepared form shows

        req = self._scenario_request(seat, request)
        return request_form(self.scenario, req.id) if req is not None else {}

    def request_checks(self, seat: str, request: str) -> list[str]:
        """What the review rules' overt checks say of that prepared form (see ``request_form``)."""
        from ..api import request_checks

        req = self._scenario_request(seat, request)
        return request_checks(self.scenario, req.id) if req is not None else []

    def _scenario_request(self, seat: str, request: str) -> Any:
        req = next((r for r in self.scenario.requests if r.id == request), None)
        if req is None or (seat != TRAINER and req.by != seat.partition(":")[2]):
            return None
        return req

    def recipients(self) -> tuple[Recipient, ...]:
        """Every office a seat can write to in this exercise: GS, then the NCBs by name."""
        members = self._ex.world.members
        ncbs = sorted((Recipient(c, m.name, m.region) for c, m in members.items()), key=lambda r: r.name)
        return (Recipient("GS", "General Secretariat (Lyon)", ""), *ncbs)

    def regions(self) -> tuple[str, ...]:
        present = {m.region for m in self._ex.world.members.values()}
        return tuple(r for r in REGIONS if r in present)

    def form_choices(self) -> FormChoices:
        """The vocabulary of forms and messages: kinds and their fields, purposes, offences,
        priorities, languages (what a front end offers in its pickers)."""
        return FormChoices(REQUEST_KINDS, MappingProxyType(dict(REQUIRED_FIELDS)), MappingProxyType(dict(PURPOSES)),
                           ALL_OFFENCES, PRIORITIES, MappingProxyType(dict(LANGUAGES)), MEASURES)

    def subject_names(self) -> Mapping[str, str]:
        """Subject id -> the name people know them by (screens show names, never ids)."""
        return MappingProxyType({s.id: s.identity.name for s in self.scenario.subjects})

    def board_version(self, seat: str) -> int:
        """Bumps when something the seat's board is made of reaches it, so a screen looks for
        news on the board only then (building the board reads all the seat has seen)."""
        return self._tracker(seat).board_version

    def board(self, seat: str) -> tuple[BoardRow, ...]:
        """The seat's cases as they stand: each request from its draft on, each arrest it is
        party to, with the next answer due from the seat on it."""
        due: dict[str, str] = {}
        for d in self.open_decisions(seat):
            for key in ("request", "notice", "diffusion", "case"):
                ref = d.context.get(key)
                if isinstance(ref, str):
                    due[ref] = min(due.get(ref, self.iso(d.deadline)), self.iso(d.deadline))
        rows = []
        for ref, facts in self._tracker(seat).board().items():
            state = ""
            for _, e in facts:  # the latest word on it: a hit has no state of its own, yet it is news
                state = _STATE[e["kind"]] if e["kind"] in _STATE else (e.get("state") or state)
            first = facts[0][1]
            what = "arrest" if first["kind"] in ARREST_KINDS else (
                "diffusion" if first.get("notice_kind") == "diffusion" else f"{first.get('notice_kind', '')} notice")
            rows.append(BoardRow(ref, what, first.get("subject"), state.replace("_", " "), facts[-1][0], due.get(ref),
                                 tuple((since, describe(e)) for since, e in facts),
                                 self._underway(seat, ref, facts) if what == "arrest" else None))
        return tuple(rows)

    def _underway(self, seat: str, ref: str, facts: list[tuple[str, Event]]) -> Underway | None:
        """The formal extradition request the seat's ministry is preparing on arrest case ``ref``,
        while it is (until it leaves, or the case ends first)."""
        case = self._ex.arrests.cases.get(ref)
        if case is None or case.requester != seat.partition(":")[2] or not case.preparing:
            return None
        started = next((e for _, e in reversed(facts) if e["kind"] == "extradition.preparing"), None)
        if started is None:
            return None
        return Underway("formal extradition request", started["t"], started["ready"], started.get("deadline"))

    def person_names(self) -> Mapping[str, str]:
        """Subject id -> name, for the people only (bodies and objects are not arrested)."""
        return MappingProxyType({s.id: s.identity.name for s in self.scenario.subjects if s.kind not in OBJECT_KINDS})

    def arrest_cases(self, seat: str) -> tuple[ArrestCaseView, ...]:
        """The arrest cases on the seat's requests that it knows of, with the documents its formal
        request needs and why the host would refuse each of the seat's commands on it now."""
        ex, home = self._ex, seat.partition(":")[2]
        known = self._tracker(seat).board()
        documents = tuple((p, PAPER_NAMES[p]) for p in PAPERS)
        refused = partial(self._refusal, seat)
        out = []
        for cid, case in ex.arrests.of_requester(home).items():
            if cid not in known:
                continue
            rec = case.record
            out.append(ArrestCaseView(
                cid, case.subject.id, case.country, case.state.replace("_", " "),
                self.iso(case.deadline_at) if case.deadline_at is not None else None, documents,
                ex.arrests.needed(case), case.papers, case.abandoned,
                case.refusal.detail if case.refusal is not None else None,
                rec is not None and rec.purpose == "sentence",
                refused(SendExtraditionDocuments(cid, ())), refused(AbandonExtradition(cid)), refused(AskProsecution(cid)),
                self.iso(case.ready_at) if case.preparing and case.ready_at is not None else None))
        return tuple(out)

    def transfers(self, seat: str) -> tuple[TransferView, ...]:
        """The fraudulent transfers reported to the seat's NCB, for the stop-payment form (package D)."""
        role, _, country = seat.partition(":")
        if role != "ncb":
            return ()
        return tuple(TransferView(f.id, f.amount_usd, f.account, asked, state)
                     for f, asked, state in self._ex.funds.known_to(country))

    def inject_text(self, inject_id: str) -> str:
        inj = self._ex.injects.by_id.get(inject_id)
        return inj.text.strip() if inj else ""

    # --- the trainer's views (the ground truth) ---------------------------------------------------
    def msel(self) -> tuple[InjectRow, ...]:
        """Every inject, the ad-hoc ones too, with its state."""
        rows = []
        msel = self._ex.injects
        for i in msel.by_id.values():
            at = msel.due_at.get(i.id)
            if at is not None:
                due = format_minutes(at)
            elif i.at is not None:
                due = format_minutes(settled_minutes(i.at))
            elif i.after is not None:
                due = f"after {i.after.inject}"
            elif i.on is not None:  # due when an event happens in play (A: on-event injects)
                delay = settled_minutes(i.on.delay)
                due = f"on {condition_words(i.on)}" + (f" + {format_minutes(delay)}" if delay else "")
            else:  # the model gives an inject exactly one of at, after and instead_of
                due = f"with {i.instead_of}"
            expect = deadline = ""
            if i.expect is not None:
                expect = f"{i.expect.action.replace('_', ' ')} within {format_minutes(minutes(i.expect.within))}"
                fired = msel.fired_at.get(i.id)
                if fired is not None:
                    deadline = format_minutes(fired + minutes(i.expect.within))
            condition = "; ".join(x for x in (
                f"instead of {i.instead_of}" if i.instead_of else "",
                f"when {condition_words(i.when)}" if i.when is not None else "",
                f"unless {condition_words(i.unless)}" if i.unless is not None else "") if x)
            rows.append(InjectRow(i.id, due, i.to, i.from_, msel.status(i.id), i.text.strip(), expect, deadline,
                                  msel.status_words(i.id), at, i.priority, condition, i.id in msel.adhoc))
        return tuple(rows)

    def adhoc_problems(self, command: AddInject) -> Mapping[str, str]:
        """What is wrong with an ad-hoc inject, field by field (id, to, from, priority, text, due),
        in words a form shows next to each field; empty when the MSEL would take it."""
        payload = control_payload(command)
        return MappingProxyType(self._ex.injects.adhoc_problems({**payload["inject"], "due": payload.get("due")}))

    def objective_status(self) -> Mapping[str, str]:
        return MappingProxyType(dict(self._ex.objectives.status))

    def events(self, start: int = 0) -> tuple[Event, ...]:
        """The journal from its ``start``-th event on (the ground truth: the trainer's view)."""
        return tuple(MappingProxyType(e) for e in self._ex.journal.events[start:])

    def event_count(self) -> int:
        """How many events the journal holds (also when it streams them and keeps none)."""
        return len(self._ex.journal)

    def notes(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(MappingProxyType(n) for n in self._run.store.notes()) if self._run is not None else ()

    def expectations(self) -> tuple[Mapping[str, Any], ...]:
        """The MSEL's expected actions of the injects fired so far, as the journal scores them now
        (``verdict``: met, late, or missed — missed until the evidence comes, even before the
        deadline ``deadline``): what an evaluator validates by hand."""
        return tuple(MappingProxyType(x) for x in score_expectations(self._ex.journal.events))

    def validations(self) -> tuple[Event, ...]:
        """The evaluators' verdicts on expected actions so far, in the order given (the trainer's view)."""
        return tuple(MappingProxyType(e) for e in self._ex.journal.events if e["kind"] == "expectation.validated")

    # --- headless front ends: summaries, metrics, the event stream --------------------------------
    def listen(self, listener: Callable[[dict[str, Any]], None], kinds: Iterable[str] | None = None) -> None:
        """Call ``listener`` with each journal event as it is written (read it, do not change it):
        progress lines, the traffic analysis, a batch's own measures. Name the ``kinds`` it reads
        (None: every kind): in a run that keeps no journal, events nobody reads are never built."""
        self._ex.journal.listen(listener, kinds)

    def every(self, interval: float, action: Callable[[], object]) -> None:
        """Call ``action`` every ``interval`` sim minutes (a batch's time series)."""
        env = self._ex.env

        def tick():
            while True:
                yield env.timeout(interval)
                action()

        env.process(tick())

    def summary(self) -> dict[str, Any]:
        """The run's summary as plain data (what ``ncbsim run`` prints)."""
        return self._ex.summary()

    def state(self) -> RunState:
        """The figures a batch measures, as they stand now."""
        ex = self._ex
        return RunState(ex.env.now, MappingProxyType(dict(ex.journal.counts)), ex.handled, ex.queued,
                        lambda: notice_totals(ex.registry))

    def debrief(self, source: str) -> dict[str, Any]:
        sc = self.scenario
        return build_debrief(self._ex.journal.events, title=sc.title, scenario_id=sc.id,
                             players=[p.seat for p in sc.players],
                             objectives=[{"id": o.id, "title": o.title} for o in sc.objectives],
                             notes=self._run.store.notes() if self._run is not None else [], source=source,
                             unfinished_at=None if self.finished else self.iso(self.now),
                             thinking=self._run.store.thinking() if self._run is not None else {},
                             subjects=self.subject_names())


def _audience_key(tracker: SeatTracker) -> str:
    """The seat as ``audience`` names it, whatever case it was watched under."""
    view = tracker.view
    return f"ncb:{view.country}" if view.role == "ncb" else view.role


_STATE = {"request.drafted": "draft", "request.resubmitted": "resubmitted", "notice.requested": "requested",
          "diffusion.sent": "circulated", "database.hit": "hit",
          "hit.checked": "held",  # its 'state' is the notice's, not the case's: the person is still held
          "arrest.requested": "arrest requested", "arrest.not_found": "not found",
          "extradition.preparing": "request in preparation", "extradition.prepared": "request sent"}

_WHAT = {FireInject: "fire injects", HoldInject: "hold injects", ReleaseInject: "release injects",
         AddInject: "add injects", AddNote: "add notes", RescheduleInject: "reschedule injects"}
_WHAT[ValidateExpectation] = "validate expected actions"
