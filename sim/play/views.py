"""What a seat sees, as immutable data built by the play host.

Front ends read these and hold no engine object: the seat's I-24/7 inbox with read flags, the
NCBs it has worked with, its case file, its open decisions and everything that reached it, in
the order it learnt it. ``SeatTracker`` (the host's, not the front end's) keeps them up to date
as the journal grows, one event at a time.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..decisions.port import Decision, Option
from ..engine.views import PREPARATION_KINDS, SeatView
from ..notices.machines import CASE_EVENT_KINDS
from ..report.describe import is_key
from .sightings import Sightings

if TYPE_CHECKING:
    from ..scenario.model import Scenario

Event = Mapping[str, Any]  # a journal event, read-only
Seen = tuple[tuple[str, Event], ...]  # (known since, event), in the order the seat learnt them


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A message delivered to the seat's NCB."""

    since: str  # when it arrived (UTC ISO 8601)
    msg: int
    sender: str
    type: str
    priority: str
    inject: str | None
    text: str  # an inject's text, or what the sender wrote
    read: bool  # the person at the seat has opened it
    subject: str = ""
    language: str = ""
    case: str | None = None
    about: str | None = None  # the subject (person or object) it concerns
    request: str | None = None  # the request it is about (the NDTF asking for more)
    reply_to: int | None = None
    forward_of: int | None = None
    handled: bool = False  # the NCB's desk has dealt with it
    # What the engine's own messages (which carry no text) report, so a screen can say it in words:
    where: str | None = None  # the country whose border post checked the person (a hit)
    seen_at: str | None = None  # when the border check found them (UTC ISO 8601)
    came_from: str | None = None  # the country they travelled from
    travel: str = ""  # how: air, road, sea, rail
    reference: str | None = None  # the notice or diffusion the hit (or the arrest request) rests on
    notice_kind: str = ""  # its kind: red … un, diffusion
    database: str = ""  # what the check searched: notices (MIND/FIND) or SLTD
    document: str = ""  # the travel document an SLTD check found (stolen, lost, …)


@dataclass(frozen=True, slots=True)
class DecisionView:
    """An open decision as a seat sees it."""

    id: str
    seat: str
    kind: str
    prompt: str
    options: tuple[Option, ...]
    default: str
    recommended: str
    raised_at: float
    deadline: float
    context: Mapping[str, Any]

    @classmethod
    def of(cls, d: Decision) -> DecisionView:
        return cls(d.id, d.seat, d.kind, d.prompt, d.options, d.default, d.recommended, d.raised_at, d.deadline,
                   MappingProxyType(dict(d.context)))


@dataclass(frozen=True, slots=True)
class CaseFile:
    """A subject the seat knows of, with what it knows about them (in the order learnt)."""

    id: str
    name: str
    born: date | None
    nationality: str | None
    facts: Seen


@dataclass(frozen=True, slots=True)
class RequestView:
    """One of the seat's notice or diffusion requests: a draft, or where the NDTF has it."""

    request: str
    notice_kind: str
    subject: str | None
    state: str  # draft, requested, info_requested, published, refused, circulated, compliant, purged, ...
    missing: tuple[str, ...]  # what the form lacks as it stands
    to: tuple[str, ...]  # a diffusion's recipients
    asked: str  # what the NDTF last asked for ("" when nothing)
    unsent_changes: bool  # the draft differs from what was submitted (or was never submitted)


@dataclass(frozen=True, slots=True)
class Recipient:
    """An office a seat can write to (the recipients picker)."""

    code: str
    name: str
    region: str


@dataclass(frozen=True, slots=True)
class BoardRow:
    """A case on the seat's board: one of its requests, or an arrest it is party to."""

    ref: str  # N1, D2, A1
    what: str  # "red notice", "diffusion", "arrest"
    subject: str | None
    state: str
    since: str  # when it reached this state (UTC ISO 8601)
    deadline: str | None  # the next answer due from the seat on it, if any
    history: tuple[tuple[str, str], ...]  # (when, what happened), oldest first
    underway: Underway | None = None  # long-running work of the seat's own on this case, while it runs


@dataclass(frozen=True, slots=True)
class Underway:
    """Work the seat's side started that takes days (its ministry preparing the formal extradition
    request): when it started, when it should be ready, and when it is due at the latest."""

    what: str  # "formal extradition request"
    since: str  # when it started (UTC ISO 8601)
    ready: str  # when it should be ready, about (UTC ISO 8601)
    due: str | None  # when it must have arrived, if a time limit runs


@dataclass(frozen=True, slots=True)
class ArrestCaseView:
    """An arrest case on the seat's request, with what the seat may still do about it: each
    ``*_refused`` is why the seat's rules would refuse that command now (None: it would be taken)."""

    case: str
    subject: str
    country: str  # the requested state, where the person is (or was) held
    state: str
    deadline: str | None  # when the formal request must have arrived (UTC ISO 8601), once arrested
    documents: tuple[tuple[str, str], ...]  # every document a formal request may hold: (key, what it is)
    needed: tuple[str, ...]  # the ones the requested state's courts want in this case
    sent: tuple[str, ...] | None  # what the formal request held, once sent
    abandoned: bool
    refusal: str | None  # why the requested state refused to surrender the person, in words
    sentence: bool  # the case rests on a request to enforce a sentence (rather than to prosecute)
    send_refused: str | None  # SendExtraditionDocuments
    abandon_refused: str | None  # AbandonExtradition
    prosecution_refused: str | None  # AskProsecution
    ready: str | None = None  # the formal request being prepared should be ready about then; None: not being prepared


@dataclass(frozen=True, slots=True)
class InjectRow:
    """One inject of the MSEL, for the trainer."""

    id: str
    due: str
    to: str
    sender: str
    status: str  # pending, held, held (due), fired, skipped
    text: str = ""  # the message as the receiving officer reads it
    expect: str = ""  # the expected action and its time, e.g. "acknowledge within 6h"
    deadline: str = ""  # once fired with an expected action: by when, minutes after the start as 1d 04h 00m
    status_text: str = ""  # the status in words: "fired at …", "skipped: why", "rescheduled to …"
    due_at: float | None = None  # minutes after the start, once known (an 'after' or 'instead_of' inject: when scheduled)
    priority: str = "routine"
    condition: str = ""  # its when:/unless:/instead_of:, in short
    adhoc: bool = False


ARREST_KINDS = (*CASE_EVENT_KINDS, *sorted(PREPARATION_KINDS))


class SeatTracker:
    """The host's running account of what one seat has learnt (mutable; never handed out)."""

    def __init__(self, seat: str, scenario: Scenario, injects: Mapping[str, Any] | None = None,
                 sightings: Sightings | None = None) -> None:
        self.seat = seat
        self._injects = injects  # the MSEL as it runs (ad-hoc injects too), when the host has one
        self.view = SeatView(seat)
        # The office whose inbox the seat reads: its NCB; the NDTF's and the CCC's are at GS.
        self.home = seat.partition(":")[2] or "GS"
        self._texts = {i.id: i.text.strip() for i in scenario.injects}
        self._subjects = {s.id: s for s in scenario.subjects}
        self.seen: list[tuple[str, Event]] = []
        # Taken in, not yet known at the seat (in transit): a heap of (since, order taken, event).
        self._pending: list[tuple[str, int, Event]] = []
        self._taken = 0
        self._cursor = 0
        self.partners: set[str] = set()
        self._inbox: dict[int, dict[str, Any]] = {}
        self._read: set[int] = set()
        self._handled: set[int] = set()
        self._items: dict[int, InboxItem] = {}  # msg -> its inbox item as last made
        self._inbox_log: list[int] = []  # the message of each change to the inbox, in order
        self.board_version = 0  # bumps when something the board is made of reaches the seat
        self._board: dict[str, list[tuple[str, Event]]] = {}
        self._board_upto = 0  # how much of ``seen`` is filed on the board
        self._files: dict[str, list[tuple[str, Event]]] = {}  # subject -> what the seat knows of them
        self._files_upto = 0  # how much of ``seen`` is filed in them
        self._case_files: tuple[CaseFile, ...] | None = None  # as last made
        # How many things the seat has seen that its screen shows (an inbox message, a line of what
        # it knows, a change on its board): what "jump to the next thing" waits for.
        self.visible = 0
        # What the engine's own messages report (they carry no text): shared by the host's seats.
        self._sightings = sightings if sightings is not None else Sightings()

    def inject_text(self, inject_id: str) -> str:
        if inject_id not in self._texts and self._injects is not None and inject_id in self._injects:
            return str(self._injects[inject_id].text).strip()  # an ad-hoc inject the trainer added
        return self._texts.get(inject_id, "")

    def absorb(self, events: Sequence[Event], now_iso: str) -> bool:
        """Take in the journal's new events, asking of each whether it reached the seat; True
        when something new reached the seat by now. (A host keeping many seats' views hands each
        one only the events that concern it, with ``take`` and ``settle``.)"""
        self._sightings.absorb(events)  # what the messages taken in below report, known before them
        for e in events[self._cursor:]:
            self.take(e)
        self._cursor = len(events)
        return self.settle(now_iso)

    def take(self, e: Event) -> None:
        """One event, in journal order, that may have reached the seat: kept until it is known
        at the seat (``settle``) if it did. Every event whose ``audience`` may include the seat
        must be taken, in order — ``SeatView.reach`` keeps what it was told (diffusions'
        recipients, published notices)."""
        since = self.view.reach(e)
        if since is not None:
            item = e if isinstance(e, MappingProxyType) else MappingProxyType(e)
            heapq.heappush(self._pending, (since, self._taken, item))
            self._taken += 1

    @property
    def pending_due(self) -> str:
        """The earliest instant (UTC ISO 8601) something taken in becomes known at the seat;
        "~", after any, when nothing is in transit."""
        return self._pending[0][0] if self._pending else "~"

    def settle(self, now_iso: str) -> bool:
        """What was taken in and is known at the seat by ``now_iso`` joins what it has seen, in
        the order it was taken; True when there was any."""
        pending = self._pending
        if not pending or pending[0][0] > now_iso:
            return False
        # A heap by when each becomes known: a seat with hundreds of messages in transit pays for
        # the few due now, not for a rescan of all of them at each command.
        due = []
        while pending and pending[0][0] <= now_iso:
            due.append(heapq.heappop(pending))
        due.sort(key=lambda x: x[1])  # in journal order, as the seat learns them
        for since, _, item in due:
            self.seen.append((since, item))
            inbox = len(self._inbox)
            self._note(since, item)
            on_board = self._on_board(item)
            if on_board or item["kind"] == "database.hit":  # (``board`` may file a hit under a request)
                self.board_version += 1
            if len(self._inbox) > inbox or is_key(item) or on_board or (
                    item["kind"] == "message.sent" and item.get("inject")):
                self.visible += 1
        return True

    def _on_board(self, e: Event) -> bool:
        kind = e["kind"]
        if kind.startswith(("notice.", "diffusion.", "request.")):
            return e.get("requester") == self.home
        return kind in ARREST_KINDS

    def _note(self, since: str, e: Event) -> None:
        kind = e["kind"]
        if kind == "message.sent" and e.get("type") not in ("traffic", "forward"):
            self.partners.update(c for c in (e.get("from"), e.get("to")) if c and c != self.home)
            if e.get("to") == self.home:
                self._inbox[e["msg"]] = {
                    "since": since, "msg": e["msg"], "sender": e["from"], "type": e["type"], "priority": e["priority"],
                    "inject": e.get("inject"),
                    "text": self.inject_text(e["inject"]) if e.get("inject") else e.get("text", ""),
                    "subject": e.get("subject", ""), "language": e.get("language", ""), "case": e.get("case"),
                    "about": e.get("about"), "request": e.get("request"), "reply_to": e.get("reply_to"),
                    "forward_of": e.get("forward_of")}
                if not e.get("text") and not e.get("inject"):
                    self._inbox[e["msg"]].update(self._sightings.details(e))
                self._changed(e["msg"])
        elif kind == "message.escalated" and self.view.role == "ccc":
            # The CCC's desk: each urgent message it woke an NCB for, to relay or translate.
            self._inbox[e["msg"]] = {
                "since": since, "msg": e["msg"], "sender": e.get("from", ""), "type": e["type"],
                "priority": e["priority"], "inject": e.get("inject"),
                "text": self.inject_text(e["inject"]) if e.get("inject") else e.get("text", ""),
                "subject": "", "language": e.get("language", ""), "case": None, "about": None, "request": None,
                "reply_to": None, "forward_of": None}
            self._changed(e["msg"])
        elif kind == "message.handled" and e["actor"] == self.home and e["msg"] in self._inbox:
            self._handled.add(e["msg"])
            self._changed(e["msg"])
        elif kind == "message.read" and e.get("seat") == self.seat and e["msg"] in self._inbox:
            self._read.add(e["msg"])
            self._changed(e["msg"])
        elif kind == "diffusion.sent":
            self.partners.update(c for c in e.get("to", ()) if c != self.home)

    def inbox_ids(self) -> frozenset[int]:
        return frozenset(self._inbox)

    def board(self) -> dict[str, list[tuple[str, Event]]]:
        """ref -> what reached the seat about it, in order: its own requests (from the draft on)
        and the arrest cases it is party to."""
        # Kept up as the seat sees more (the screen asks at every hit the seat sees, and a scan
        # of all it ever saw was most of a tick at maximum speed).
        out = self._board
        for since, e in self.seen[self._board_upto:]:
            kind = e["kind"]
            if kind.startswith(("notice.", "diffusion.", "request.")) and e.get("requester") == self.home:
                ref = e.get("notice") or e.get("diffusion") or e.get("request")
            elif kind in ARREST_KINDS:
                ref = e.get("case")
            elif kind == "database.hit":
                ref = e.get("notice") or e.get("diffusion")
                if ref not in out:
                    continue  # a hit on someone else's request is the requester's case, not this board's
            else:
                continue
            if ref:
                out.setdefault(ref, []).append((since, e))
        self._board_upto = len(self.seen)
        return {ref: list(facts) for ref, facts in out.items()}

    def news(self) -> int:
        return sum(1 for _, e in self.seen if e.get("type") not in ("traffic", "forward"))

    def _changed(self, msg: int) -> None:
        self._items.pop(msg, None)  # made again when next asked for
        self._inbox_log.append(msg)

    def _item(self, msg: int) -> InboxItem:
        # Items are made once and again only when their message changes (the screen asks at each
        # change, and remaking thousands of them was most of a tick at maximum speed).
        item = self._items.get(msg)
        if item is None:
            item = self._items[msg] = InboxItem(**self._inbox[msg], read=msg in self._read, handled=msg in self._handled)
        return item

    @property
    def inbox_version(self) -> int:
        """Bumps at each change to the inbox: how many there have been."""
        return len(self._inbox_log)

    def inbox(self) -> tuple[InboxItem, ...]:
        return tuple(self._item(msg) for msg in reversed(self._inbox))

    def inbox_changes(self, start: int) -> tuple[tuple[InboxItem, ...], int]:
        """The inbox items new or changed since the ``start``-th change (from 0: the whole inbox),
        newest first, and where the changes stand now: what a connection sent the inbox up to
        ``start`` needs, without going through an inbox of thousands at each change."""
        log = self._inbox_log
        changed = dict.fromkeys(log[start:])  # each once, in the order first changed: new ones as they came
        return tuple(self._item(msg) for msg in reversed(changed)), len(log)

    def case_files(self) -> tuple[CaseFile, ...]:
        # Filed as the seat sees more, and made again only then (the server asks each time a seat
        # learns anything, and rescanning all it ever saw grew with the exercise).
        files, filed = self._files, False
        for since, e in self.seen[self._files_upto:]:
            sid = e.get("subject") or e.get("about")
            if sid not in self._subjects or e["kind"].startswith(("message.", "decision.")):
                continue
            files.setdefault(sid, []).append((since, e))
            filed = True
        self._files_upto = len(self.seen)
        if filed or self._case_files is None:
            out = []
            for sid, facts in files.items():
                ident = self._subjects[sid].identity
                out.append(CaseFile(sid, ident.name, ident.born, ident.nationality, tuple(facts)))
            self._case_files = tuple(out)
        return self._case_files


@dataclass(frozen=True, slots=True)
class FormChoices:
    """What a request form and a message may say, for the front end's pickers: the kinds with
    their fields, the purposes each kind allows, the offences, priorities and languages."""

    kinds: tuple[str, ...]  # red … un, diffusion
    fields: Mapping[str, tuple[str, ...]]  # kind -> the form fields it requires
    purposes: Mapping[str, tuple[str, ...]]  # kind -> allowed purposes (absent: none asked)
    offences: tuple[str, ...]
    priorities: tuple[str, ...]
    languages: Mapping[str, str]  # code -> name
    measures: tuple[str, ...] = ()  # what a Silver request may name (the coercive ones it never may)


@dataclass(frozen=True, slots=True)
class TransferView:
    """A fraudulent transfer as the victims' NCB knows it once its desk has read the report: what
    the stop-payment form shows (package D)."""

    funds: str
    amount_usd: float
    account: str
    asked: tuple[str, ...]  # the NCBs asked to stop it, in order
    state: str  # open, stopped, withdrawn
