"""A seat's play host at the other end of a socket: what a screen asks of ``PlayHost`` for its own
seat, answered from the views an exercise server sent (``ncbsim play --join``).

The connection lives on its own thread and event loop, so the screen's loop never waits on the
network: each state message the server sends becomes a new immutable snapshot, swapped in whole,
which the screen reads as it reads a local host. Commands and questions cross to the server and
wait for its answer (a command is acknowledged once the server has recorded it). A dropped
connection is retried with the same token until the server is back; the server then sends the
seat's whole state again.

The clock is the trainer's: this host has no ``advance``; the screen sees the clock move as the
server says it does.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType, SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from ..play.commands import AddInject, Command, DraftRequest, command_from_json, to_json
from ..play.host import Accepted, Outcome, Refused
from ..play.seat_rules import TRAINER
from ..play.views import (
    ArrestCaseView,
    BoardRow,
    CaseFile,
    DecisionView,
    FormChoices,
    InboxItem,
    InjectRow,
    Recipient,
    RequestView,
    Seen,
)
from ..play.wire import from_wire
from ..report.scoring import score_expectations
from ..scenario.model import Scenario
from .client import AskError, SeatClient, SeatState
from .client import Refused as TokenRefused

TIMEOUT_S = 10.0  # how long a command or a question waits for the server's answer
SEAT_VIEW_FRESH_S = 0.5  # the trainer's look at a seat is asked again after this (one screen's reads share one)
RETRY_S = (0.2, 0.5, 1.0, 2.0)  # the waits between attempts to reconnect, the last repeated


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The seat's views at one state message (never changed: the next message makes another)."""

    clock: Mapping[str, Any]
    seen: Seen
    lists: Mapping[str, Any]
    versions: Mapping[str, int] = field(default_factory=dict)  # list name -> bumps when it changes
    events: tuple[Mapping[str, Any], ...] = ()  # the journal (the trainer's only)


def _public_scenario(briefing: Mapping[str, Any]) -> SimpleNamespace:
    """The scenario as a remote seat's screens read it: what the server told every player."""
    return SimpleNamespace(
        id=briefing["id"], title=briefing["title"], summary=briefing["summary"], briefing=briefing["briefing"],
        learning_objectives=list(briefing["learning_objectives"]),
        players=[SimpleNamespace(**p) for p in briefing["players"]],
        cases=[SimpleNamespace(**c) for c in briefing["cases"]],
        requests=[SimpleNamespace(id=r) for r in briefing["requests"]])


class RemoteHost:
    def __init__(self, address: str, token: str) -> None:
        self.address = address
        self._token = token
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="ncbsim-remote", daemon=True)
        # Live mappings: a Namer built on them once learns the names the seat learns later.
        self._subject_names: dict[str, str] = {}
        self._person_names: dict[str, str] = {}
        self._inject_texts: dict[str, str] = {}
        self._snap = Snapshot({}, (), {})
        self._seat_view: tuple[str, float, dict[str, Any]] | None = None  # the trainer's last look: seat, when, view
        self.connected = True
        self._thread.start()
        try:
            self._client: SeatClient = self._call(self._join(), timeout=TIMEOUT_S)
        except BaseException:
            self._stop_loop()
            raise
        briefing = self._client.state.briefing
        self.seat: str = self._client.seat
        # An evaluator has the trainer's views; the server refuses it the clock, the injects and the seats.
        self.evaluator: bool = self._client.evaluator
        self.name: str = self._client.state.name
        self.briefing = briefing
        # The trainer sees the ground truth and gets the whole scenario; a seat, what it was told.
        self.scenario: Any = (Scenario.model_validate(briefing["scenario_data"]) if self.seat == TRAINER
                              else _public_scenario(briefing))
        self.players = frozenset(p.seat for p in self.scenario.players)
        self._start = datetime.fromisoformat(briefing["start"].replace("Z", "+00:00"))
        self._duration = float(briefing["duration"])
        self._recipients = tuple(from_wire(Recipient, r) for r in briefing["recipients"])
        self._regions = tuple(briefing["regions"])
        self._choices = from_wire(FormChoices, briefing["form_choices"])
        self._keeper: Future[None] = asyncio.run_coroutine_threadsafe(self._keep_connected(), self._loop)

    # --- the connection (on the loop's thread) ----------------------------------------------------
    async def _join(self) -> SeatClient:
        client = SeatClient(self.address, self._token)
        client.on_state = self._take
        return await client.join()

    def _take(self, state: SeatState) -> None:
        """A state message arrived: a new snapshot (and the names the seat has learnt)."""
        self._seat_view = None  # the exercise moved: the trainer's look at a seat is asked again
        old = self._snap
        versions = dict(old.versions)
        for name, value in state.lists.items():
            if old.lists.get(name) != value:
                versions[name] = versions.get(name, 0) + 1
        self._subject_names.update(state.lists.get("subject_names", {}))
        self._person_names.update(state.lists.get("person_names", {}))
        events = old.events
        if len(state.events) != len(old.events):
            events = tuple(MappingProxyType(e) for e in state.events)
            versions["events"] = versions.get("events", 0) + 1
        self._snap = Snapshot(dict(state.clock), tuple(state.seen), dict(state.lists), versions, events)

    async def _keep_connected(self) -> None:
        attempt = 0
        while True:
            await self._client.closed.wait()
            self.connected = False
            while True:
                await asyncio.sleep(RETRY_S[min(attempt, len(RETRY_S) - 1)])
                attempt += 1
                try:
                    self._client = await self._join()
                except TokenRefused:
                    return  # the server no longer knows this token: reconnecting cannot help
                except OSError:
                    continue
                attempt, self.connected = 0, True
                break

    def _call(self, coro, timeout: float = TIMEOUT_S) -> Any:
        fut: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return fut.result(timeout)

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def close(self) -> None:
        self._keeper.cancel()  # closing on purpose: no reconnecting
        with contextlib.suppress(Exception):  # a connection that is already gone
            self._call(self._client.close(), timeout=5)
        self._stop_loop()

    # --- the clock, as the server says it stands --------------------------------------------------
    @property
    def now(self) -> float:
        return float(self._snap.clock.get("now", 0.0))

    @property
    def duration(self) -> float:
        return self._duration

    @property
    def finished(self) -> bool:
        return bool(self._snap.clock.get("finished", False))

    @property
    def running(self) -> bool:
        """The trainer's clock runs."""
        return bool(self._snap.clock.get("running", False))

    @property
    def speed(self) -> float:
        return float(self._snap.clock.get("speed", 60.0))

    def utc(self, t: float) -> datetime:
        return self._start + timedelta(minutes=t)

    def local(self, t: float, tz: str) -> datetime:
        return self.utc(t).astimezone(ZoneInfo(tz))

    def iso(self, t: float) -> str:
        return self.utc(t).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def version(self) -> int:
        """Bumps with every state message (a screen redraws when it moved)."""
        return sum(self._snap.versions.values()) + len(self._snap.seen)

    # --- the seat's views -------------------------------------------------------------------------
    def _list(self, name: str) -> tuple[Any, ...]:
        return tuple(self._snap.lists.get(name, ()))

    def watch(self, seat: str) -> None:
        if seat != self.seat:
            raise ValueError(f"this connection is {self.seat}'s, not {seat}'s")

    def save_progress(self) -> None:
        """The server keeps the session."""

    def _other(self, seat: str) -> dict[str, Any] | None:
        """The trainer's look at another seat's views (None: this is that seat's own connection):
        the whole seat view in one round trip, kept for a moment, so a
        screen reading its inbox, what it saw and its decisions asks the server once, not thrice."""
        if seat in (self.seat, TRAINER) or self.seat != TRAINER:
            return None
        asked = time.monotonic()
        if self._seat_view is None or self._seat_view[0] != seat or asked - self._seat_view[1] > SEAT_VIEW_FRESH_S:
            view = self._ask("seat_view", None, seat=seat)
            if view is None:  # not now (the connection is down): shown empty, and asked again next time
                return {"inbox": [], "seen": [], "decisions": []}
            self._seat_view = (seat, asked, dict(view))
        return self._seat_view[2]

    def open_decisions(self, seat: str) -> tuple[DecisionView, ...]:
        other = self._other(seat)
        if other is not None:
            return tuple(from_wire(DecisionView, d) for d in other["decisions"])
        return self._list("decisions")

    def awaiting_people(self) -> tuple[DecisionView, ...]:
        return self._list("awaiting_people")

    def inbox(self, seat: str) -> tuple[InboxItem, ...]:
        other = self._other(seat)
        if other is not None:
            return tuple(from_wire(InboxItem, i) for i in other["inbox"])
        return self._list("inbox")

    def inbox_version(self, seat: str) -> int:
        return self._snap.versions.get("inbox", 0)

    def partners(self, seat: str) -> frozenset[str]:
        return frozenset(self._snap.lists.get("partners", ()))

    def seen(self, seat: str, start: int = 0) -> Seen:
        other = self._other(seat)
        if other is not None:
            return tuple((since, MappingProxyType(e)) for since, e in other["seen"])[start:]
        return self._snap.seen[start:]

    def seen_count(self, seat: str) -> int:
        return len(self._snap.seen)

    def case_files(self, seat: str) -> tuple[CaseFile, ...]:
        return self._list("case_files")

    def requests(self, seat: str) -> tuple[RequestView, ...]:
        return self._list("requests")

    def board(self, seat: str) -> tuple[BoardRow, ...]:
        return self._list("board")

    def board_version(self, seat: str) -> int:
        return self._snap.versions.get("board", 0)

    def arrest_cases(self, seat: str) -> tuple[ArrestCaseView, ...]:
        return self._list("arrest_cases")

    # --- the trainer's views (the ground truth) ---------------------------------------------------
    def events(self, start: int = 0) -> tuple[Mapping[str, Any], ...]:
        return self._snap.events[start:]

    def event_count(self) -> int:
        return len(self._snap.events)

    def msel(self) -> tuple[InjectRow, ...]:
        return self._list("msel")

    def notes(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(MappingProxyType(n) for n in self._snap.lists.get("notes", ()))

    def expectations(self) -> tuple[Mapping[str, Any], ...]:
        """As the host scores them: from the journal, which the trainer has whole."""
        return tuple(MappingProxyType(x) for x in score_expectations([dict(e) for e in self._snap.events]))

    def validations(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(e for e in self._snap.events if e["kind"] == "expectation.validated")

    def adhoc_problems(self, command: AddInject) -> Mapping[str, str]:
        return MappingProxyType(dict(self._ask("adhoc_problems", {}, command=to_json(command))))

    def is_seat(self, seat: str) -> bool:
        return seat == TRAINER or seat in self.players or seat in ("ndtf", "ccc") or (
            seat.startswith("ncb:") and any(r.code == seat[4:] for r in self._recipients))

    def objective_status(self) -> Mapping[str, str]:
        return MappingProxyType(dict(self._snap.lists.get("objectives", {})))

    def recipients(self) -> tuple[Recipient, ...]:
        return self._recipients

    def regions(self) -> tuple[str, ...]:
        return self._regions

    def form_choices(self) -> FormChoices:
        return self._choices

    def subject_names(self) -> Mapping[str, str]:
        return self._subject_names

    def person_names(self) -> Mapping[str, str]:
        return self._person_names

    # --- questions and commands, answered by the server -------------------------------------------
    def _ask(self, what: str, default: Any, **args: Any) -> Any:
        """The server's answer, or ``default`` when it cannot give one now (the connection is
        down, or the question is not this seat's to ask): a screen shows less, it never fails."""
        try:
            return self._call(self._client.ask(what, **args))
        except (AskError, ConnectionError, TimeoutError):
            return default

    def inject_text(self, inject_id: str) -> str:
        if inject_id not in self._inject_texts:
            text = self._ask("inject_text", None, inject=inject_id)
            if text is None:
                return ""
            self._inject_texts[inject_id] = str(text)
        return self._inject_texts[inject_id]

    def form_for(self, seat: str, request: str, notice_kind: str = "red") -> DraftRequest:
        answer = self._ask("form_for", None, request=request, notice_kind=notice_kind)
        draft = command_from_json(answer) if answer is not None else None
        return draft if isinstance(draft, DraftRequest) else DraftRequest(request, notice_kind)

    def check_form(self, seat: str, draft: DraftRequest) -> tuple[str, ...]:
        return tuple(self._ask("check_form", [], draft=to_json(draft)))

    def request_form(self, seat: str, request: str) -> dict[str, Any]:
        return dict(self._ask("request_form", {}, request=request))

    def request_checks(self, seat: str, request: str) -> list[str]:
        return list(self._ask("request_checks", [], request=request))

    def debrief(self, source: str) -> dict[str, Any]:
        return dict(self._call(self._client.ask("debrief", source=source)))

    def set_clock(self, *, running: bool | None = None, speed: float | None = None) -> None:
        """The trainer's clock keys: the server runs the clock as told (and tells every seat)."""
        wire_speed: float | str | None = "max" if speed == float("inf") else speed
        with contextlib.suppress(ConnectionError, TimeoutError):
            self._call(self._client.clock(running=running, speed=wire_speed))

    def submit(self, seat: str, command: Command) -> Outcome:
        self._seat_view = None  # what the command changes is asked again, not read from the last look
        try:
            ack = self._call(self._client.submit(command))
        except (ConnectionError, TimeoutError) as e:
            return Refused(command, seat, f"not acknowledged by the server ({e or 'no answer'}); "
                                          "it may not have been taken: look before you give it again")
        self._seat_view = None
        if not ack.accepted:
            return Refused(command, seat, ack.reason)
        at = datetime.fromisoformat(ack.at.replace("Z", "+00:00"))
        return Accepted(command, seat, (at - self._start).total_seconds() / 60.0, ack.at)
